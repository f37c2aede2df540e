"""A class as a JSON document: export it, and import it into this or another Lectern.

The document carries what a class is and what its students did: the class, its members, the work
set (with extensions), reading progress on the class's readings, quiz attempts with their
answers, and essay submissions with every version handed in. Course content is not copied: it is
referred to by slug (course, reading, essay prompt, unit and quiz) and must already exist where
the class is imported, as the demo course does after ``seed_demo``. Rows refer to each other by
username and by an assignment's position in the document, never by database id, so the document
means the same thing in any database.

Not carried: passwords (imported accounts that do not exist yet cannot log in until their owner
uses "Forgot your password?"), marking (grades, comments) and originality reports, which belong
to their own areas.

Exporting, deleting the class and importing the document gives a class whose export is identical
to the first (``tests/courseware/test_portability.py``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_create
from courseware.models import (
    AnalysisTask,
    Assignment,
    AssignmentKind,
    Classroom,
    Course,
    EssayPrompt,
    Extension,
    Membership,
    MembershipRole,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    Reading,
    ReadingProgress,
    Rubric,
    Submission,
    SubmissionVersion,
)
from courseware.models.teaching import RetiredJoinCode
from courseware.services.originality import peer_index_add

FORMAT = "lectern.classroom"
VERSION = 1


def _choice_orders(answer: QuizAnswer) -> list[int]:
    """The orders of the choices ticked in a multiple-choice answer."""
    ticked = set(answer.choice_ids)
    return [c.order for c in answer.question.choices.all() if c.pk in ticked]


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _parse_when(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = parse_datetime(value)
    if moment is None or moment.tzinfo is None:
        raise ValidationError(
            _("“%(value)s” is not a date and time with a zone.") % {"value": value}
        )
    return moment


def _assignment_target(assignment: Assignment) -> dict[str, str]:
    if assignment.kind in (AssignmentKind.READING, AssignmentKind.ANALYSIS):
        return {"reading": assignment.reading.slug}
    if assignment.kind == AssignmentKind.ESSAY:
        return {"prompt": assignment.prompt.slug}
    return {"unit": assignment.quiz.unit.slug, "quiz": assignment.quiz.slug}


def _analysis_task_part(assignment: Assignment) -> dict[str, Any]:
    """A source-analysis task's scaffold, prompts, passage and rubric (by id and title: rubrics
    are not part of the document); nothing for other kinds of work."""
    if assignment.kind != AssignmentKind.ANALYSIS:
        return {}
    task = assignment.analysis_task
    return {
        "analysis_task": {
            "scaffold": task.scaffold,
            "fields": task.fields,
            "paragraph_from": task.paragraph_from,
            "paragraph_to": task.paragraph_to,
            "rubric": {"id": task.rubric_id, "title": task.rubric.title},
            # Set for a task marked with one overall mark (no rubric of the teacher's).
            "max_mark": None if task.max_mark is None else f"{task.max_mark:f}",
        }
    }


def _analysis_task_import(assignment: Assignment, part: Any) -> None:
    if isinstance(part, dict) and part.get("max_mark") is not None:
        # One overall mark: its one-mark rubric is made afresh here.
        from courseware.services.analysis import clean_max_mark, overall_mark_rubric

        max_mark = clean_max_mark(part["max_mark"])
        _saved(
            AnalysisTask(
                assignment=assignment,
                scaffold=part.get("scaffold"),
                fields=part.get("fields"),
                paragraph_from=part.get("paragraph_from"),
                paragraph_to=part.get("paragraph_to"),
                rubric=overall_mark_rubric(max_mark=max_mark),
                max_mark=max_mark,
            )
        )
        return
    if not isinstance(part, dict) or not isinstance(part.get("rubric"), dict):
        raise ValidationError(
            _("The source-analysis task “%(title)s” has no scaffold or rubric in the document.")
            % {"title": assignment.title}
        )
    rubric = Rubric.objects.filter(
        pk=part["rubric"].get("id"), title=part["rubric"].get("title")
    ).first()
    if rubric is None:
        raise ValidationError(
            _("The rubric “%(rubric)s” of the source-analysis task “%(title)s” is not here.")
            % {"rubric": part["rubric"].get("title"), "title": assignment.title}
        )
    _saved(
        AnalysisTask(
            assignment=assignment,
            scaffold=part.get("scaffold"),
            fields=part.get("fields"),
            paragraph_from=part.get("paragraph_from"),
            paragraph_to=part.get("paragraph_to"),
            rubric=rubric,
        )
    )


def classroom_export(*, classroom: Classroom) -> dict[str, Any]:
    """The class as a JSON-ready dict; the same class always gives the same document."""
    assignments = list(
        classroom.assignments.select_related(
            "reading", "prompt", "quiz__unit", "created_by", "analysis_task__rubric"
        ).order_by("due_at", "pk")
    )
    ref = {assignment.pk: index for index, assignment in enumerate(assignments)}
    memberships = list(
        classroom.memberships.select_related("user").order_by("role", "user__username")
    )
    student_ids = [m.user_id for m in memberships if m.role == MembershipRole.STUDENT]
    reading_ids = {a.reading_id for a in assignments if a.reading_id}
    for assignment in assignments:
        if assignment.prompt_id:
            reading_ids.update(assignment.prompt.readings.values_list("pk", flat=True))
    extensions = list(
        Extension.objects.filter(assignment__classroom=classroom)
        .select_related("student", "granted_by")
        .order_by("assignment__due_at", "assignment_id", "student__username")
    )
    # Everyone the document names: members, and whoever set work or granted an extension.
    people = {m.user.username: m.user for m in memberships}
    for user in [a.created_by for a in assignments] + [e.granted_by for e in extensions]:
        if user is not None:
            people.setdefault(user.username, user)

    return {
        "format": FORMAT,
        "version": VERSION,
        "classroom": {
            "name": classroom.name,
            "course": classroom.course.slug,
            "year": classroom.year,
            "term": classroom.term,
            "join_code": classroom.join_code,
            "join_code_enabled": classroom.join_code_enabled,
            "archived_at": _when(classroom.archived_at),
            "created_at": _when(classroom.created_at),
            "retired_join_codes": [
                {"code": retired.code, "retired_at": _when(retired.retired_at)}
                for retired in classroom.retired_join_codes.order_by("retired_at", "code")
            ],
        },
        "people": [
            {
                "username": user.username,
                "email": user.email,
                "display_name": user.display_name,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "account_role": user.role,
            }
            for user in sorted(people.values(), key=lambda user: user.username)
        ],
        "members": [
            {"username": m.user.username, "role": m.role, "joined_at": _when(m.joined_at)}
            for m in memberships
        ],
        "assignments": [
            {
                "ref": ref[a.pk],
                "kind": a.kind,
                "target": _assignment_target(a),
                "title": a.title,
                "instructions": a.instructions,
                "opens_at": _when(a.opens_at),
                "due_at": _when(a.due_at),
                "cutoff_at": _when(a.cutoff_at),
                "late_penalty_percent_per_day": str(a.late_penalty_percent_per_day),
                "late_penalty_floor_percent": str(a.late_penalty_floor_percent),
                "late_penalty_unit": a.late_penalty_unit,
                "late_grace_minutes": a.late_grace_minutes,
                "allow_resubmission": a.allow_resubmission,
                "anonymous_marking": a.anonymous_marking,
                "max_attempts": a.max_attempts,
                "withdrawn_at": _when(a.withdrawn_at),
                "created_by": a.created_by.username if a.created_by else None,
                "created_at": _when(a.created_at),
                **_analysis_task_part(a),
            }
            for a in assignments
        ],
        "extensions": [
            {
                "assignment": ref[e.assignment_id],
                "student": e.student.username,
                "due_at": _when(e.due_at),
                "cutoff_at": _when(e.cutoff_at),
                "reason": e.reason,
                "granted_by": e.granted_by.username if e.granted_by else None,
                "granted_at": _when(e.granted_at),
            }
            for e in extensions
        ],
        "reading_progress": [
            {
                "student": p.student.username,
                "reading": p.reading.slug,
                "first_opened_at": _when(p.first_opened_at),
                "last_opened_at": _when(p.last_opened_at),
                "seconds_spent": p.seconds_spent,
                "marked_read_at": _when(p.marked_read_at),
            }
            for p in ReadingProgress.objects.filter(
                student_id__in=student_ids, reading_id__in=reading_ids
            )
            .select_related("student", "reading")
            .order_by("student__username", "reading__slug")
        ],
        "quiz_attempts": [
            {
                "assignment": ref[attempt.assignment_id],
                "student": attempt.student.username,
                "number": attempt.number,
                "started_at": _when(attempt.started_at),
                "submitted_at": _when(attempt.submitted_at),
                "score": attempt.score,
                "max_score": attempt.max_score,
                "answers": [
                    {
                        "question": answer.question.order,
                        "choice": answer.choice.order if answer.choice else None,
                        "choices": _choice_orders(answer),
                        "text": answer.text,
                        "is_correct": answer.is_correct,
                        "points": answer.points,
                    }
                    for answer in sorted(attempt.answers.all(), key=lambda a: a.question.order)
                ],
            }
            for attempt in QuizAttempt.objects.filter(assignment__classroom=classroom)
            .select_related("student")
            .prefetch_related("answers__question__choices", "answers__choice")
            .order_by("assignment__due_at", "assignment_id", "student__username", "number")
        ],
        "submissions": [
            {
                "assignment": ref[s.assignment_id],
                "student": s.student.username,
                "status": s.status,
                "draft_text": s.draft_text,
                "revision": s.revision,
                "draft_saved_at": _when(s.draft_saved_at),
                "word_count": s.word_count,
                "submitted_at": _when(s.submitted_at),
                "late_minutes": s.late_minutes,
                "honesty_declared_at": _when(s.honesty_declared_at),
                "current_version": s.current_version,
                "created_at": _when(s.created_at),
                "versions": [
                    {
                        "number": v.number,
                        "revision": v.revision,
                        "text": v.text,
                        "word_count": v.word_count,
                        "submitted_at": _when(v.submitted_at),
                        "late_minutes": v.late_minutes,
                        "sha256": v.sha256,
                    }
                    for v in sorted(s.versions.all(), key=lambda v: v.number)
                ],
            }
            for s in Submission.objects.filter(assignment__classroom=classroom)
            .select_related("student")
            .prefetch_related("versions")
            .order_by("assignment__due_at", "assignment_id", "student__username")
        ],
    }


class _Resolver:
    """Finds what a document names (people, content) and says clearly what is missing."""

    def __init__(self, course: Course):
        self.course = course
        self.users: dict[str, User] = {}

    def user(self, username: str | None) -> User | None:
        if username is None:
            return None
        if username not in self.users:
            raise ValidationError(
                _("The document names %(username)s but does not list them among its people.")
                % {"username": username}
            )
        return self.users[username]

    def target(self, kind: str, target: dict[str, str]) -> dict[str, Any]:
        try:
            if kind in (AssignmentKind.READING, AssignmentKind.ANALYSIS):
                return {"reading": Reading.objects.get(slug=target["reading"])}
            if kind == AssignmentKind.ESSAY:
                return {
                    "prompt": EssayPrompt.objects.get(course=self.course, slug=target["prompt"])
                }
            if kind == AssignmentKind.QUIZ:
                return {
                    "quiz": Quiz.objects.current().get(
                        unit__course=self.course, unit__slug=target["unit"], slug=target["quiz"]
                    )
                }
        except (KeyError, Reading.DoesNotExist, EssayPrompt.DoesNotExist, Quiz.DoesNotExist):
            pass
        raise ValidationError(
            _("%(kind)s %(target)s is not in the course %(course)s here.")
            % {"kind": kind, "target": target, "course": self.course.slug}
        )


def _saved(instance, **stamps):
    """Validate and save a row, then put back the times that ``auto_now_add`` overwrote."""
    instance.full_clean()
    instance.save()
    stamps = {field: value for field, value in stamps.items() if value is not None}
    if stamps:
        type(instance).objects.filter(pk=instance.pk).update(**stamps)
        for field, value in stamps.items():
            setattr(instance, field, value)
    return instance


@transaction.atomic
def classroom_import(*, data: dict[str, Any]) -> Classroom:
    """Make the class a document describes; all of it, or (on any error) none of it.

    Members are matched by username; missing accounts are created without a password. Refused
    when the course or any content it names is missing here, or when the class (its name in
    that course and year, or its join code) already exists.
    """
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ValidationError(
            _("This is not a Lectern class document (format %(format)s version %(version)s).")
            % {"format": FORMAT, "version": VERSION}
        )
    info = data["classroom"]
    course = Course.objects.filter(slug=info["course"]).first()
    if course is None:
        raise ValidationError(
            _("The course %(slug)s is not here; load it before the class.")
            % {"slug": info["course"]}
        )
    if (
        Classroom.objects.filter(join_code=info["join_code"]).exists()
        or Classroom.objects.filter(course=course, year=info["year"], name=info["name"]).exists()
    ):
        raise ValidationError(
            _("A class %(name)s (%(year)s) or with join code %(code)s already exists.")
            % {"name": info["name"], "year": info["year"], "code": info["join_code"]}
        )
    resolve = _Resolver(course)

    classroom = _saved(
        Classroom(
            name=info["name"],
            course=course,
            year=info["year"],
            term=info["term"],
            join_code=info["join_code"],
            join_code_enabled=info["join_code_enabled"],
            archived_at=_parse_when(info["archived_at"]),
        ),
        created_at=_parse_when(info["created_at"]),
    )
    for retired in info["retired_join_codes"]:
        _saved(
            RetiredJoinCode(
                classroom=classroom,
                code=retired["code"],
                retired_at=_parse_when(retired["retired_at"]),
            )
        )

    for person in data["people"]:
        user = User.objects.filter(username=person["username"]).first() or user_create(
            username=person["username"],
            email=person["email"],
            password=None,
            role=person["account_role"],
            display_name=person["display_name"],
            first_name=person["first_name"],
            last_name=person["last_name"],
        )
        resolve.users[user.username] = user
    for member in data["members"]:
        _saved(
            Membership(
                user=resolve.user(member["username"]), classroom=classroom, role=member["role"]
            ),
            joined_at=_parse_when(member["joined_at"]),
        )

    assignments: dict[int, Assignment] = {}
    for item in sorted(data["assignments"], key=lambda a: a["ref"]):
        assignments[item["ref"]] = _saved(
            Assignment(
                classroom=classroom,
                kind=item["kind"],
                **resolve.target(item["kind"], item["target"]),
                title=item["title"],
                instructions=item["instructions"],
                opens_at=_parse_when(item["opens_at"]),
                due_at=_parse_when(item["due_at"]),
                cutoff_at=_parse_when(item["cutoff_at"]),
                late_penalty_percent_per_day=Decimal(item["late_penalty_percent_per_day"]),
                late_penalty_floor_percent=Decimal(item["late_penalty_floor_percent"]),
                # Archives made before these rules existed charged per day, with no grace.
                late_penalty_unit=item.get("late_penalty_unit", "day"),
                late_grace_minutes=item.get("late_grace_minutes", 0),
                allow_resubmission=item["allow_resubmission"],
                anonymous_marking=item["anonymous_marking"],
                max_attempts=item["max_attempts"],
                withdrawn_at=_parse_when(item["withdrawn_at"]),
                created_by=resolve.user(item["created_by"]),
            ),
            created_at=_parse_when(item["created_at"]),
        )
        if item["kind"] == AssignmentKind.ANALYSIS:
            _analysis_task_import(assignments[item["ref"]], item.get("analysis_task"))

    for item in data["extensions"]:
        _saved(
            Extension(
                assignment=assignments[item["assignment"]],
                student=resolve.user(item["student"]),
                due_at=_parse_when(item["due_at"]),
                cutoff_at=_parse_when(item["cutoff_at"]),
                reason=item["reason"],
                granted_by=resolve.user(item["granted_by"]),
            ),
            granted_at=_parse_when(item["granted_at"]),
        )

    for item in data["reading_progress"]:
        student = resolve.user(item["student"])
        reading = Reading.objects.filter(slug=item["reading"]).first()
        if reading is None:
            raise ValidationError(
                _("The reading %(slug)s is not here.") % {"slug": item["reading"]}
            )
        fields = {
            "first_opened_at": _parse_when(item["first_opened_at"]),
            "last_opened_at": _parse_when(item["last_opened_at"]),
            "seconds_spent": item["seconds_spent"],
            "marked_read_at": _parse_when(item["marked_read_at"]),
        }
        # A student's progress on a reading is shared by all their classes: what is already
        # here is kept, never overwritten by an older document.
        existing = ReadingProgress.objects.filter(student=student, reading=reading).first()
        if existing is None:
            _saved(ReadingProgress(student=student, reading=reading, **fields))

    for item in data["quiz_attempts"]:
        assignment = assignments[item["assignment"]]
        attempt = _saved(
            QuizAttempt(
                assignment=assignment,
                student=resolve.user(item["student"]),
                number=item["number"],
                started_at=_parse_when(item["started_at"]),
                submitted_at=_parse_when(item["submitted_at"]),
                score=item["score"],
                max_score=item["max_score"],
                quiz=assignment.quiz,
            )
        )
        questions = {q.order: q for q in assignment.quiz.questions.prefetch_related("choices")}
        for answer in item["answers"]:
            question = questions[answer["question"]]
            by_order = {c.order: c for c in question.choices.all()}
            _saved(
                QuizAnswer(
                    attempt=attempt,
                    question=question,
                    choice=by_order.get(answer["choice"]),
                    choice_ids=[by_order[n].pk for n in answer.get("choices", [])],
                    text=answer.get("text", ""),
                    is_correct=answer["is_correct"],
                    points=answer.get("points", question.points if answer["is_correct"] else 0),
                )
            )

    for item in data["submissions"]:
        submission = _saved(
            Submission(
                assignment=assignments[item["assignment"]],
                student=resolve.user(item["student"]),
                status=item["status"],
                draft_text=item["draft_text"],
                revision=item["revision"],
                draft_saved_at=_parse_when(item["draft_saved_at"]),
                word_count=item["word_count"],
                submitted_at=_parse_when(item["submitted_at"]),
                late_minutes=item["late_minutes"],
                honesty_declared_at=_parse_when(item["honesty_declared_at"]),
                current_version=item["current_version"],
            ),
            created_at=_parse_when(item["created_at"]),
        )
        for version in item["versions"]:
            saved = _saved(
                SubmissionVersion(
                    submission=submission,
                    number=version["number"],
                    revision=version["revision"],
                    text=version["text"],
                    word_count=version["word_count"],
                    submitted_at=_parse_when(version["submitted_at"]),
                    late_minutes=version["late_minutes"],
                    sha256=version["sha256"],
                )
            )
            if saved.number == submission.current_version:
                peer_index_add(version=saved)  # other essays on the prompt are checked against it
    return classroom
