"""Student work in the demo classes: hand-ins, marks, feedback, quiz attempts and reading progress.

Each demo class gets a second essay, already past its due date (``work.json``'s ``essay``), and
``fixtures/demo_work/work.json`` says who handed in which essay for it (the texts are beside it in
``essays/``) and when, relative to the demo essay's due date: some on time, one late, one with an
extension, and one pair where a student copied a classmate, so the originality check has a peer
match to show. Some essays are marked and a few have their feedback released. Everything is made
through the services a student's or teacher's request would call, with times in the past, so
each teacher page (marking queue, marking, gradebook, statistics, originality) has something on
first login.

Seeding is idempotent: a student who already has a submission, quiz attempts or reading progress
for the demo work is left exactly as they are, and a class without the demo work is skipped.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from courseware.models import (
    Assignment,
    AssignmentKind,
    Classroom,
    MembershipRole,
    QuizAttempt,
    ReadingProgress,
    Submission,
)
from courseware.selectors.teaching import assignable_prompts
from courseware.services.content import reading_mark_read, reading_progress_record_open
from courseware.services.marking import CriterionMark, grade_release, grade_save
from courseware.services.submissions import (
    submission_draft_save,
    submission_start,
    submission_submit,
)
from courseware.services.teaching import (
    assignment_create,
    extension_grant,
    quiz_attempt_start,
    quiz_attempt_submit,
)

DEMO_WORK_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo_work"
DEMO_PEOPLE = Path(settings.BASE_DIR) / "fixtures" / "demo_people.json"


def _load() -> dict:
    return json.loads((DEMO_WORK_DIR / "work.json").read_text(encoding="utf-8"))


def _on_day(moment: datetime, *, days: int, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` school time, ``days`` after the school day of ``moment``."""
    day = timezone.localdate(moment) + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _teacher(classroom: Classroom) -> User | None:
    membership = (
        classroom.memberships.filter(role=MembershipRole.TEACHER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def demo_work_seed(*, now: datetime | None = None) -> None:
    """Add the demo students' work to the demo classes wherever it is not there yet."""
    now = now or timezone.now()
    plan = _load()
    users = {user.username: user for user in User.objects.all()}
    people = json.loads(DEMO_PEOPLE.read_text(encoding="utf-8"))
    codes = [class_data["join_code"] for class_data in people["classes"]]
    classrooms = Classroom.objects.filter(join_code__in=codes).select_related("course")
    for classroom in classrooms:
        teacher = _teacher(classroom)
        assignments = list(classroom.assignments.live().select_related("prompt__rubric", "quiz"))
        class_plan = plan["classes"].get(classroom.join_code)
        essay = next(
            (
                a
                for a in assignments
                if a.kind == AssignmentKind.ESSAY and a.prompt.slug == plan["prompt"]
            ),
            None,
        ) or _past_essay_create(classroom=classroom, teacher=teacher, plan=plan, now=now)
        if class_plan and essay is not None and teacher is not None:
            _essays_seed(assignment=essay, teacher=teacher, plan=class_plan, users=users, now=now)
        for assignment in assignments:
            if assignment.kind == AssignmentKind.QUIZ:
                _quiz_seed(assignment=assignment, plan=plan["quiz_answers"], users=users, now=now)
            elif assignment.kind == AssignmentKind.READING:
                _reading_seed(assignment=assignment, plan=plan, users=users, now=now)
        _drafts_seed(
            classroom=classroom, assignments=assignments, plan=class_plan, users=users, now=now
        )


def _past_essay_create(
    *, classroom: Classroom, teacher: User | None, plan: dict, now: datetime
) -> Assignment | None:
    """Set the demo's marked essay, due six days ago and open for late work three days more;
    None when its prompt is not in the class's course."""
    prompt = assignable_prompts(course=classroom.course).filter(slug=plan["prompt"]).first()
    if prompt is None:
        return None
    essay = plan["essay"]
    return assignment_create(
        classroom=classroom,
        kind=AssignmentKind.ESSAY,
        target=prompt,
        by=teacher,
        instructions=essay["instructions"],
        opens_at=_on_day(now, days=essay["opens_days"], hour=9),
        due_at=_on_day(now, days=essay["due_days"], hour=9),
        cutoff_at=_on_day(now, days=essay["cutoff_days"], hour=9),
        late_penalty_percent_per_day=Decimal(essay["late_penalty_percent_per_day"]),
        late_penalty_floor_percent=Decimal(essay["late_penalty_floor_percent"]),
    )


def _members(classroom_id: int, usernames, users: dict[str, User]) -> list[User]:
    """The named students who are (still) students of the class."""
    wanted = {users[name].pk: users[name] for name in usernames if name in users}
    enrolled = set(
        Classroom.objects.get(pk=classroom_id)
        .memberships.filter(role=MembershipRole.STUDENT, user__in=wanted)
        .values_list("user_id", flat=True)
    )
    return [user for pk, user in wanted.items() if pk in enrolled]


def _essays_seed(
    *, assignment: Assignment, teacher: User, plan: dict, users: dict[str, User], now: datetime
) -> None:
    hand_ins = [entry for entry in plan.get("hand_ins", []) if entry["student"] in users]
    started = set(
        Submission.objects.filter(
            assignment=assignment, student__username__in=[e["student"] for e in hand_ins]
        ).values_list("student__username", flat=True)
    )
    enrolled = {
        u.username
        for u in _members(assignment.classroom_id, [e["student"] for e in hand_ins], users)
    }
    criteria = list(assignment.prompt.rubric.criteria.order_by("order").prefetch_related("levels"))
    to_grade = []
    for entry in hand_ins:
        if entry["student"] in started or entry["student"] not in enrolled:
            continue
        student = users[entry["student"]]
        if "extension" in entry:
            extension = entry["extension"]
            extension_grant(
                assignment=assignment,
                student=student,
                due_at=_on_day(
                    assignment.due_at,
                    days=extension["days_from_due"],
                    hour=timezone.localtime(assignment.due_at).hour,
                ),
                reason=extension.get("reason", ""),
                by=teacher,
            )
        when = entry["submitted"]
        submitted_at = min(
            _on_day(
                assignment.due_at,
                days=when["days_from_due"],
                hour=when["hour"],
                minute=when.get("minute", 0),
            ),
            now - timedelta(minutes=5),
        )
        text = (DEMO_WORK_DIR / entry["essay"]).read_text(encoding="utf-8")
        submission = submission_start(
            assignment=assignment, student=student, now=submitted_at - timedelta(hours=2)
        )
        version = submission_submit(
            submission=submission,
            revision=submission.revision,
            honesty_declared=True,
            by=student,
            now=submitted_at,
            text=text,
        )
        if "grade" in entry:
            to_grade.append((submission, version.submitted_at, entry["grade"]))
    # Marked after everything is handed in, as a teacher works through the queue.
    for submission, submitted_at, grade in to_grade:
        levels = [
            next(level for level in criterion.levels.all() if level.title == title)
            for criterion, title in zip(criteria, grade["levels"], strict=True)
        ]
        marked_at = min(submitted_at + timedelta(days=2), now - timedelta(minutes=2))
        grade_save(
            submission=submission,
            by=teacher,
            criteria=[
                CriterionMark(criterion_id=criterion.pk, level_id=level.pk)
                for criterion, level in zip(criteria, levels, strict=True)
            ],
            overall_comment=grade.get("comment", ""),
            ready=True,
            now=marked_at,
        )
        if "released_days_from_due" in grade:
            released_at = min(
                _on_day(assignment.due_at, days=grade["released_days_from_due"], hour=16),
                now - timedelta(minutes=1),
            )
            grade_release(submission=submission, by=teacher, now=max(released_at, marked_at))


def _drafts_seed(
    *,
    classroom: Classroom,
    assignments: list[Assignment],
    plan: dict | None,
    users: dict[str, User],
    now: datetime,
) -> None:
    """Essays being written for the essay that is still open: saved drafts, not handed in."""
    if not plan or not plan.get("drafts"):
        return
    essay = next(
        (
            a
            for a in sorted(assignments, key=lambda a: a.due_at, reverse=True)
            if a.kind == AssignmentKind.ESSAY
        ),
        None,
    )
    if essay is None:
        return
    for entry in plan["drafts"]:
        [student] = _members(classroom.pk, [entry["student"]], users) or [None]
        if student is None or Submission.objects.filter(assignment=essay, student=student).exists():
            continue
        written_at = max(essay.opens_at, now - timedelta(hours=3))
        submission = submission_start(assignment=essay, student=student, now=written_at)
        submission_draft_save(
            submission=submission,
            text=entry["text"],
            revision=submission.revision,
            by=student,
            now=written_at,
        )


def _quiz_seed(
    *, assignment: Assignment, plan: dict, users: dict[str, User], now: datetime
) -> None:
    """Attempts at the demo quiz: every question right except the ones the plan lists."""
    students = _members(assignment.classroom_id, plan, users)
    done = set(
        QuizAttempt.objects.filter(assignment=assignment, student__in=students).values_list(
            "student_id", flat=True
        )
    )
    questions = list(assignment.quiz.questions.order_by("order").prefetch_related("choices"))
    for student in students:
        if student.pk in done:
            continue
        entry = plan[student.username]
        started_at = assignment.opens_at + timedelta(hours=entry["hours_after_open"])
        for number, wrong in enumerate(entry["wrong"]):
            start = min(started_at + timedelta(hours=number), now - timedelta(minutes=20))
            attempt = quiz_attempt_start(assignment=assignment, student=student, now=start)
            answers = {}
            for question in questions:
                choices = sorted(question.choices.all(), key=lambda c: c.order)
                right = question.order not in wrong
                answers[question.pk] = next(c for c in choices if c.is_correct == right).pk
            quiz_attempt_submit(attempt=attempt, answers=answers, now=start + timedelta(minutes=12))


def _reading_seed(
    *, assignment: Assignment, plan: dict, users: dict[str, User], now: datetime
) -> None:
    """Reading progress on the demo reading: some marked read, some only opened."""
    read = set(plan["readings_read"])
    students = _members(
        assignment.classroom_id, plan["readings_read"] + plan["readings_opened"], users
    )
    seen = set(
        ReadingProgress.objects.filter(
            reading=assignment.reading, student__in=students
        ).values_list("student_id", flat=True)
    )
    for offset, student in enumerate(students):
        if student.pk in seen:
            continue
        opened_at = min(
            assignment.opens_at + timedelta(hours=2 + 3 * offset), now - timedelta(minutes=30)
        )
        reading_progress_record_open(student=student, reading=assignment.reading, now=opened_at)
        if student.username in read:
            reading_mark_read(
                student=student, reading=assignment.reading, now=opened_at + timedelta(minutes=40)
            )
