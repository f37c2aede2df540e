"""Writes for teaching: the only code that creates or changes classes, memberships, assignments,
extensions and quiz attempts.

Each service is keyword-only, runs in one transaction and validates with ``full_clean()``. A
refused change raises ``ValidationError`` with a message a person can act on, and changes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.services import user_create
from courseware.enrolment import plan_enrolment
from courseware.models import (
    Assignment,
    AssignmentKind,
    Classroom,
    Course,
    EssayPrompt,
    Event,
    Extension,
    Membership,
    MembershipRole,
    NotificationKind,
    QuizAnswer,
    QuizAttempt,
    QuizAttemptGrant,
    Reading,
)
from courseware.models import Quiz as QuizModel
from courseware.models.teaching import RetiredJoinCode
from courseware.selectors.teaching import (
    assignable_prompts,
    assignable_quizzes,
    assignable_readings,
    assignment_has_student_work,
)
from courseware.services.notifications import event_record, invitation_record
from courseware.services.quizzes import answers_mark
from courseware.timing import Deadline, DeadlineState, deadline_for, effective_dates

if TYPE_CHECKING:
    from accounts.models import User

# No 0/O or 1/I/L: join codes are read aloud and copied from a whiteboard.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def _new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if not (
            Classroom.objects.filter(join_code=code).exists()
            or RetiredJoinCode.objects.filter(code=code).exists()
        ):
            return code


def normalise_join_code(code: str) -> str:
    """A join code as stored: capitals, without the spaces or dashes people type in it."""
    return "".join(code.split()).replace("-", "").upper()


def _ensure_active(classroom: Classroom) -> None:
    if classroom.is_archived:
        raise ValidationError(
            _("%(name)s is archived: nothing in it can be changed until it is restored.")
            % {"name": classroom.name},
            code="archived",
        )


# --- Courses and classes -----------------------------------------------------------------------


@transaction.atomic
def course_create(*, title: str, slug: str, overview: str = "") -> Course:
    """Create a course."""
    course = Course(title=title, slug=slug, overview=overview)
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def classroom_create(
    *,
    name: str,
    course: Course,
    year: int,
    term: str = "",
    join_code: str | None = None,
    teachers: Iterable[User] = (),
) -> Classroom:
    """Create a class with a fresh join code (or the given one, for reproducible demo data) and
    the given teachers."""
    classroom = Classroom(
        name=name, course=course, year=year, term=term, join_code=join_code or _new_join_code()
    )
    classroom.full_clean()
    classroom.save()
    for teacher in teachers:
        classroom_teacher_add(classroom=classroom, teacher=teacher)
    return classroom


@transaction.atomic
def classroom_update(*, classroom: Classroom, name: str, year: int, term: str) -> Classroom:
    """Rename a class or change its year and term; its course is fixed once created."""
    classroom.name = name
    classroom.year = year
    classroom.term = term
    classroom.full_clean()
    classroom.save(update_fields=["name", "year", "term"])
    return classroom


@transaction.atomic
def classroom_archive(*, classroom: Classroom, now: datetime) -> Classroom:
    """Archive a class: it leaves everyone's lists and stops changing; all its work is kept."""
    if classroom.archived_at is None:
        classroom.archived_at = now
        classroom.save(update_fields=["archived_at"])
    return classroom


@transaction.atomic
def classroom_restore(*, classroom: Classroom) -> Classroom:
    """Bring an archived class back, exactly as it was."""
    if classroom.archived_at is not None:
        classroom.archived_at = None
        classroom.save(update_fields=["archived_at"])
    return classroom


@transaction.atomic
def classroom_join_code_regenerate(*, classroom: Classroom, now: datetime) -> str:
    """Give the class a new join code; the old one is retired, never reused, and answers with
    "replaced" rather than "unknown"."""
    _ensure_active(classroom)
    RetiredJoinCode.objects.create(classroom=classroom, code=classroom.join_code, retired_at=now)
    classroom.join_code = _new_join_code()
    classroom.full_clean()
    classroom.save(update_fields=["join_code"])
    return classroom.join_code


@transaction.atomic
def classroom_join_code_set_enabled(*, classroom: Classroom, enabled: bool) -> Classroom:
    """Switch joining by code on or off; the code itself is kept."""
    _ensure_active(classroom)
    classroom.join_code_enabled = enabled
    classroom.save(update_fields=["join_code_enabled"])
    return classroom


# --- Memberships --------------------------------------------------------------------------------


@transaction.atomic
def membership_add(*, classroom: Classroom, user: User, role: str) -> Membership:
    """Put a person in a class as teacher or student; an existing membership is kept as it is."""
    membership = Membership.objects.filter(classroom=classroom, user=user).first()
    if membership is not None:
        return membership
    membership = Membership(classroom=classroom, user=user, role=role)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def classroom_teacher_add(*, classroom: Classroom, teacher: User) -> Membership:
    """Make a teacher (or a school admin) a teacher of the class; a student cannot be one."""
    if teacher.role not in (Role.TEACHER, Role.ADMIN):
        raise ValidationError(
            {"teacher": _("%(name)s has a student account.") % {"name": teacher.name}}
        )
    membership = Membership.objects.filter(classroom=classroom, user=teacher).first()
    if membership is not None and membership.role != MembershipRole.TEACHER:
        raise ValidationError(
            {"teacher": _("%(name)s is a student of this class.") % {"name": teacher.name}}
        )
    return membership or membership_add(
        classroom=classroom, user=teacher, role=MembershipRole.TEACHER
    )


@transaction.atomic
def classroom_teacher_remove(*, classroom: Classroom, teacher: User) -> None:
    """Take a teacher off a class; the work they set stays with the class."""
    Membership.objects.filter(
        classroom=classroom, user=teacher, role=MembershipRole.TEACHER
    ).delete()


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Take a person out of a class. Their work stays: quiz attempts, extensions and essays
    belong to the assignment and the student, not to the membership, and return if they rejoin."""
    membership.delete()


def _join_refused(message: str, code: str) -> ValidationError:
    return ValidationError({"code": ValidationError(message, code=code)})


# A join code is one of 31^8 (about 8.5 × 10^11), so guessing one is hopeless; this keeps a script
# from trying, while a student who mistypes has ten goes a quarter of an hour.
JOIN_CODE_WRONG_TRIES = 10
JOIN_CODE_WRONG_WINDOW = 15 * 60  # seconds, from the first wrong code
JOIN_CODE_TOO_MANY_TRIES = "too_many_tries"  # the refusal's code once they are used up


def _wrong_tries_key(user: User) -> str:
    return f"join-code-wrong-tries:{user.pk}"


def _count_wrong_try(user: User) -> None:
    key = _wrong_tries_key(user)
    cache.add(key, 0, JOIN_CODE_WRONG_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, JOIN_CODE_WRONG_WINDOW)


@transaction.atomic
def classroom_join(*, user: User, code: str) -> tuple[Membership, bool]:
    """Join the class whose join code this is, as a student; ``(membership, joined)``.

    A code that was replaced, one that is switched off and one of an archived class are each
    refused with a message that says so; joining a class twice changes nothing. After
    ``JOIN_CODE_WRONG_TRIES`` codes that match no class, every code is refused (``too_many_tries``)
    until ``JOIN_CODE_WRONG_WINDOW`` has passed since the first.
    """
    code = normalise_join_code(code)
    if not code:
        raise _join_refused(_("Enter the join code your teacher gave you."), "required")
    if cache.get(_wrong_tries_key(user), 0) >= JOIN_CODE_WRONG_TRIES:
        raise _join_refused(
            _(
                "Too many codes that did not work. Wait a quarter of an hour and try again, or "
                "ask your teacher to add you to the class."
            ),
            JOIN_CODE_TOO_MANY_TRIES,
        )
    classroom = Classroom.objects.filter(join_code=code).first()
    if classroom is None:
        _count_wrong_try(user)
        if RetiredJoinCode.objects.filter(code=code).exists():
            raise _join_refused(
                _(
                    "The code %(code)s has been replaced by a new one. Ask your teacher for the "
                    "current code."
                )
                % {"code": code},
                "stale",
            )
        message = _("No class has the code %(code)s. Check it with your teacher.") % {"code": code}
        if set(code) & set("01OIL"):
            message += " " + _("Join codes never contain 0, O, 1, I or L.")
        raise _join_refused(message, "unknown")
    existing = Membership.objects.filter(classroom=classroom, user=user).first()
    if existing is not None:
        return existing, False
    if classroom.is_archived:
        raise _join_refused(
            _("%(name)s has been archived and takes no new students.") % {"name": classroom.name},
            "archived",
        )
    if not classroom.join_code_enabled:
        raise _join_refused(
            _(
                "Joining %(name)s by code is switched off. Ask your teacher to switch it on or "
                "to add you."
            )
            % {"name": classroom.name},
            "disabled",
        )
    return membership_add(classroom=classroom, user=user, role=MembershipRole.STUDENT), True


# --- Bulk enrolment -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolmentResult:
    created: int
    enrolled: int
    already_enrolled: int


class EnrolmentRejected(ValidationError):
    """The file has errors: nothing was imported. ``plan`` says what is wrong, row by row."""

    def __init__(self, plan):
        super().__init__(_("The file has errors; nothing was imported."), code="invalid_file")
        self.plan = plan


@transaction.atomic
def classroom_enrol_csv(
    *, classroom: Classroom, text: str, by: User | None = None
) -> EnrolmentResult:
    """Enrol every student of a CSV file in the class, creating missing student accounts.

    The file is checked again inside the transaction, so it is imported whole or not at all,
    whatever changed since it was previewed. New accounts have no usable password: each is sent
    an invitation with a link to set one (or "Forgot your password?" does it later).
    """
    _ensure_active(classroom)
    plan = plan_enrolment(classroom=classroom, text=text)
    if not plan.is_valid:
        raise EnrolmentRejected(plan)
    created = enrolled = already = 0
    for row in plan.rows:
        user = row.user
        if user is None:
            user = user_create(
                username=row.username,
                email=row.email,
                password=None,
                role=Role.STUDENT,
                first_name=row.first_name,
                last_name=row.last_name,
                display_name=row.display_name,
            )
            invitation_record(user=user, by=by, classroom=classroom, now=timezone.now())
            created += 1
        if row.already_enrolled:
            already += 1
            continue
        membership_add(classroom=classroom, user=user, role=MembershipRole.STUDENT)
        enrolled += 1
    return EnrolmentResult(created=created, enrolled=enrolled, already_enrolled=already)


# --- Assignments --------------------------------------------------------------------------------

AssignmentTarget = Reading | EssayPrompt | QuizModel


def _check_target(*, classroom: Classroom, kind: str, target: AssignmentTarget | None) -> dict:
    """The target as the model's fields, checked to be of the kind and of the class's course."""
    fields = {"reading": None, "prompt": None, "quiz": None}
    allowed = {
        AssignmentKind.READING: ("reading", Reading, assignable_readings),
        AssignmentKind.ESSAY: ("prompt", EssayPrompt, assignable_prompts),
        AssignmentKind.QUIZ: ("quiz", QuizModel, assignable_quizzes),
        # A source-analysis task's reading is its source; services/analysis.py adds the task.
        AssignmentKind.ANALYSIS: ("reading", Reading, assignable_readings),
    }
    if kind not in allowed:
        raise ValidationError({"kind": _("Choose a reading, an essay prompt or a quiz.")})
    name, model, assignable = allowed[kind]
    if target is None:
        raise ValidationError({"target": _("Choose what to assign.")})
    if (
        not isinstance(target, model)
        or not assignable(course=classroom.course).filter(pk=target.pk).exists()
    ):
        raise ValidationError(
            {"target": _("That is not part of %(course)s.") % {"course": classroom.course}}
        )
    fields[name] = target
    return fields


@transaction.atomic
def assignment_create(
    *,
    classroom: Classroom,
    kind: str,
    target: AssignmentTarget,
    by: User | None,
    opens_at: datetime,
    due_at: datetime,
    cutoff_at: datetime | None = None,
    title: str = "",
    instructions: str = "",
    late_penalty_percent_per_day: Decimal = Decimal(0),
    late_penalty_floor_percent: Decimal = Decimal(0),
    late_penalty_unit: str = "day",
    late_grace_minutes: int = 0,
    allow_resubmission: bool = False,
    anonymous_marking: bool = False,
    max_attempts: int | None = None,
) -> Assignment:
    """Set a reading, an essay prompt or a quiz of the class's course as work for the class.

    Dates must run opens ≤ due ≤ cut-off. The title defaults to the target's; a quiz's
    attempts allowed default to the number its author gave it.
    """
    _ensure_active(classroom)
    targets = _check_target(classroom=classroom, kind=kind, target=target)
    if max_attempts is None:
        max_attempts = target.max_attempts if kind == AssignmentKind.QUIZ else 1
    assignment = Assignment(
        classroom=classroom,
        kind=kind,
        **targets,
        title=title.strip() or str(target.title),
        instructions=instructions,
        opens_at=opens_at,
        due_at=due_at,
        cutoff_at=cutoff_at,
        late_penalty_percent_per_day=late_penalty_percent_per_day,
        late_penalty_floor_percent=late_penalty_floor_percent,
        late_penalty_unit=late_penalty_unit,
        late_grace_minutes=late_grace_minutes,
        allow_resubmission=allow_resubmission,
        anonymous_marking=anonymous_marking,
        max_attempts=max_attempts,
        created_by=by,
    )
    assignment.full_clean()
    assignment.save()
    event_record(
        kind=NotificationKind.WORK_SET,
        now=timezone.now(),
        deliver_after=opens_at,
        actor=by,
        assignment=assignment,
    )
    return assignment


EDITABLE_FIELDS = (
    "title",
    "instructions",
    "opens_at",
    "due_at",
    "cutoff_at",
    "late_penalty_percent_per_day",
    "late_penalty_floor_percent",
    "late_penalty_unit",
    "late_grace_minutes",
    "allow_resubmission",
    "anonymous_marking",
    "max_attempts",
)


@transaction.atomic
def assignment_update(
    *, assignment: Assignment, target: AssignmentTarget | None = None, **changes
) -> Assignment:
    """Change an assignment's details and dates.

    Once any student has work on it, what is assigned (the reading, prompt or quiz) can no longer
    change — that would orphan their work — but dates, instructions and rules still may. Its kind
    never changes: withdraw it and set a new one instead.
    """
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("classroom__course")
        .get(pk=assignment.pk)
    )
    _ensure_active(assignment.classroom)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"assignment_update() cannot change {', '.join(sorted(unknown))}")
    if target is not None and target != assignment.target:
        if assignment_has_student_work(assignment=assignment):
            # The code goes on the field's error: Django drops a code given beside a dict.
            raise ValidationError(
                {
                    "target": ValidationError(
                        _(
                            "Students have already started or handed in work for this "
                            "assignment, so what is assigned cannot change. Change the dates or "
                            "instructions, or withdraw it and set a new assignment."
                        ),
                        code="has_work",
                    )
                }
            )
        for name, value in _check_target(
            classroom=assignment.classroom, kind=assignment.kind, target=target
        ).items():
            setattr(assignment, name, value)
    for name, value in changes.items():
        setattr(assignment, name, value)
    if "title" in changes and not assignment.title.strip():
        assignment.title = str(assignment.target.title)
    assignment.full_clean()
    assignment.save()
    if "opens_at" in changes:
        # Work not yet announced is announced when it now opens, earlier or later.
        Event.objects.filter(
            assignment=assignment, kind=NotificationKind.WORK_SET, dispatched_at__isnull=True
        ).update(deliver_after=max(timezone.now(), assignment.opens_at))
    return assignment


@transaction.atomic
def assignment_withdraw(*, assignment: Assignment, now: datetime) -> Assignment:
    """Withdraw an assignment: students no longer see it; their work on it is kept, and
    restoring it brings everything back."""
    _ensure_active(assignment.classroom)
    if assignment.withdrawn_at is None:
        assignment.withdrawn_at = now
        assignment.save(update_fields=["withdrawn_at", "updated_at"])
    return assignment


@transaction.atomic
def assignment_restore(*, assignment: Assignment) -> Assignment:
    """Bring a withdrawn assignment back, with all the work students had done on it."""
    _ensure_active(assignment.classroom)
    if assignment.withdrawn_at is not None:
        assignment.withdrawn_at = None
        assignment.save(update_fields=["withdrawn_at", "updated_at"])
    return assignment


# --- Extensions ---------------------------------------------------------------------------------


@transaction.atomic
def extension_grant(
    *,
    assignment: Assignment,
    student: User,
    due_at: datetime,
    cutoff_at: datetime | None = None,
    reason: str = "",
    by: User,
    notify: bool = True,
) -> Extension:
    """Give one student of the class a later due date (and cut-off); a second grant replaces
    the first. The student is told, unless ``notify`` is off (the caller tells them itself)."""
    _ensure_active(assignment.classroom)
    if not Membership.objects.filter(
        classroom=assignment.classroom_id, user=student, role=MembershipRole.STUDENT
    ).exists():
        raise ValidationError(
            {"student": _("%(name)s is not a student of this class.") % {"name": student.name}}
        )
    if due_at <= assignment.due_at:
        raise ValidationError(
            {"due_at": _("An extension must be later than the class's due date.")}
        )
    extension = Extension.objects.filter(assignment=assignment, student=student).first()
    if extension is None:
        extension = Extension(assignment=assignment, student=student)
    extension.due_at = due_at
    extension.cutoff_at = cutoff_at
    extension.reason = reason
    extension.granted_by = by
    extension.full_clean()
    extension.save()
    if notify:
        due, _cutoff = effective_dates(assignment=assignment, extension=extension)
        event_record(
            kind=NotificationKind.EXTENSION_GRANTED,
            now=timezone.now(),
            actor=by,
            subject=student,
            assignment=assignment,
            data={"due_at": due.isoformat()},
        )
    return extension


@transaction.atomic
def extension_revoke(*, extension: Extension) -> None:
    """Take an extension back: the class's dates apply to the student again."""
    extension.delete()


# --- Quizzes ------------------------------------------------------------------------------------


def _refuse_unless_open(*, assignment: Assignment, student: User, now: datetime) -> Deadline:
    """Where the student's deadline (extension applied) stands, if the quiz may be taken now."""
    extension = Extension.objects.filter(assignment=assignment, student=student).first()
    deadline = deadline_for(assignment=assignment, extension=extension, now=now)
    if deadline.state == DeadlineState.NOT_OPEN:
        raise ValidationError(_("This quiz has not opened yet."), code="not_open")
    if deadline.state == DeadlineState.CLOSED:
        raise ValidationError(
            _("This quiz closed at its cut-off; no more attempts are accepted."), code="closed"
        )
    return deadline


@transaction.atomic
def quiz_attempt_start(*, assignment: Assignment, student: User, now: datetime) -> QuizAttempt:
    """Start an attempt at a quiz assignment, or resume the one in progress.

    Refused when the quiz is not open, is past its cut-off or every allowed attempt is used.
    """
    if assignment.kind != AssignmentKind.QUIZ or assignment.withdrawn_at is not None:
        raise ValidationError(_("This assignment is not a quiz you can take."), code="not_quiz")
    # Lock the student's place in the class so two starts at once cannot both count as new.
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .filter(classroom=assignment.classroom_id, user=student, role=MembershipRole.STUDENT)
        .select_related("classroom")
        .first()
    )
    if membership is None:
        raise ValidationError(_("Only students of the class take its quizzes."), code="not_student")
    _ensure_active(membership.classroom)
    _refuse_unless_open(assignment=assignment, student=student, now=now)
    attempts = list(QuizAttempt.objects.filter(assignment=assignment, student=student))
    in_progress = next((a for a in attempts if a.submitted_at is None), None)
    if in_progress is not None:
        return in_progress
    allowed = assignment.max_attempts + quiz_extra_attempts(assignment=assignment, student=student)
    if len(attempts) >= allowed:
        raise ValidationError(
            _(
                "You have used all %(count)s of your attempts at this quiz. Your teacher can "
                "grant you another."
            )
            % {"count": allowed},
            code="no_attempts_left",
        )
    attempt = QuizAttempt(
        assignment=assignment,
        quiz=assignment.quiz,
        student=student,
        number=max((a.number for a in attempts), default=0) + 1,
        started_at=now,
        max_score=assignment.quiz.questions.aggregate(total=Sum("points"))["total"] or 0,
    )
    attempt.full_clean()
    attempt.save()
    return attempt


def quiz_extra_attempts(*, assignment: Assignment, student: User) -> int:
    """The attempts granted to the student beyond what the assignment allows."""
    grant = QuizAttemptGrant.objects.filter(assignment=assignment, student=student).first()
    return grant.extra_attempts if grant is not None else 0


@transaction.atomic
def quiz_attempt_grant(*, assignment: Assignment, student: User, by: User | None) -> int:
    """Let one student of the class make one more attempt at a quiz than they may now; answer
    how many extra attempts they have been granted in all (at most 20)."""
    if assignment.kind != AssignmentKind.QUIZ or assignment.withdrawn_at is not None:
        raise ValidationError(
            _("This assignment is not a quiz students can take."), code="not_quiz"
        )
    if not Membership.objects.filter(
        classroom=assignment.classroom_id, user=student, role=MembershipRole.STUDENT
    ).exists():
        raise ValidationError({"student": _("Choose a student of the class.")})
    grant = (
        QuizAttemptGrant.objects.select_for_update()
        .filter(assignment=assignment, student=student)
        .first()
    )
    if grant is None:
        grant = QuizAttemptGrant(assignment=assignment, student=student, extra_attempts=0)
    if grant.extra_attempts >= 20:
        raise ValidationError(
            {"student": _("This student has been granted 20 extra attempts already.")}
        )
    grant.extra_attempts += 1
    grant.granted_by = by
    grant.full_clean(validate_unique=False)
    grant.save()
    return grant.extra_attempts


class AttemptAlreadySubmitted(ValidationError):
    """The attempt was submitted before (a double click, a second tab): nothing changes."""


@transaction.atomic
def quiz_attempt_submit(
    *, attempt: QuizAttempt, answers: Mapping[int, Any], now: datetime
) -> QuizAttempt:
    """Mark an attempt: each question's points when it is answered right.

    ``answers`` maps question id to the answer (a choice id; a list of choice ids for multiple
    choice; a text for short answer; see ``answer_mark``) and must answer every question of the
    version of the quiz the attempt started on. An attempt is submitted once; a second
    submission is refused and changes nothing. Answers handed in after a time limit are still
    marked (the work is the student's); the result shows how long the attempt took.
    """
    attempt = (
        QuizAttempt.objects.select_for_update(of=("self",))
        .select_related("assignment__classroom", "assignment__quiz", "quiz")
        .get(pk=attempt.pk)
    )
    if attempt.submitted_at is not None:
        raise AttemptAlreadySubmitted(
            _("This attempt was already handed in; its result is below."), code="submitted"
        )
    assignment = attempt.assignment
    if assignment.withdrawn_at is not None:
        raise ValidationError(_("This quiz has been withdrawn."), code="withdrawn")
    _ensure_active(assignment.classroom)
    deadline = _refuse_unless_open(assignment=assignment, student=attempt.student, now=now)

    quiz = attempt.quiz or assignment.quiz
    questions = list(quiz.questions.prefetch_related("choices"))
    marked, errors = answers_mark(questions=questions, answers=answers)
    if errors:
        raise ValidationError(errors, code="incomplete")
    answer_rows = [
        QuizAnswer(
            attempt=attempt,
            question=result.question,
            choice=result.choice,
            choice_ids=list(result.choice_ids),
            text=result.text,
            is_correct=result.is_correct,
            points=result.points,
        )
        for result in marked
    ]
    for answer in answer_rows:
        # Uniqueness is the database's to enforce; checking it here would cost a query a row.
        answer.full_clean(validate_unique=False, validate_constraints=False)
    QuizAnswer.objects.bulk_create(answer_rows)
    attempt.quiz = quiz
    attempt.score = sum(result.points for result in marked)
    attempt.max_score = sum(question.points for question in questions)
    attempt.submitted_at = now
    attempt.full_clean()
    attempt.save()
    # The class's teachers hear of it as of an essay's hand-in (by default in their digest).
    event_record(
        kind=NotificationKind.HANDED_IN,
        now=now,
        actor=attempt.student,
        subject=attempt.student,
        assignment=assignment,
        data={"late": deadline.minutes_late > 0, "attempt": attempt.number},
    )
    return attempt
