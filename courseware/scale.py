"""Datasets sized like Moodle's test plans, for benchmarks and load tests.

``scale_seed(size="L")`` makes, on top of the demo course, ``classes`` classes of
``students_per_class`` students each (one teacher for every two classes), each class with one
reading, one quiz and ``essays_per_class`` essay assignments, and for every student of a class a
submission to each essay: most handed in (with their version), some still drafts, some returned.
Every student also has reading progress and a quiz attempt.

| size | students | classes | submissions |
|---|---|---|---|
| S | 1,000 | 40 | 10,000 |
| M | 4,000 | 160 | 40,000 |
| L | 10,000 | 400 | 100,000 |

Rows go in with ``bulk_create`` in batches: going through the services one essay at a time would
take hours for L, and this data is synthetic, made consistent by construction (every row
satisfies the models' constraints, which the database checks). Every scale account's username
starts with ``scale-`` and its password is ``SCALE_PASSWORD``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from courseware.demo import demo_seed
from courseware.models import (
    Assignment,
    AssignmentKind,
    Classroom,
    EssayPrompt,
    Membership,
    MembershipRole,
    Quiz,
    QuizAttempt,
    Reading,
    ReadingProgress,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)

SCALE_PASSWORD = "lectern-scale"  # noqa: S105 — synthetic accounts for benchmarks only
BATCH = 2000
DEMO_CLASS = "HSCMHA26"  # the demo school's class A: its course is the one scale classes take


@dataclass(frozen=True)
class Size:
    students: int
    classes: int
    essays_per_class: int

    @property
    def students_per_class(self) -> int:
        return self.students // self.classes

    @property
    def submissions(self) -> int:
        return self.classes * self.students_per_class * self.essays_per_class


SIZES = {
    "S": Size(students=1_000, classes=40, essays_per_class=10),
    "M": Size(students=4_000, classes=160, essays_per_class=10),
    "L": Size(students=10_000, classes=400, essays_per_class=10),
}

WORDS = (
    "Stalin controlled the party apparatus through the secretariat and its appointments while "
    "Trotsky relied on his record in the civil war and underestimated the general secretary "
    "the triumvirate used the lenin enrolment and the ban on factions against the opposition "
    "socialism in one country offered the party hope where permanent revolution offered risk"
).split()


def _essay(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _bulk(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


@transaction.atomic
def scale_seed(*, size: str, log: Callable[[str], None] = lambda _message: None) -> dict:
    """Make the dataset of ``size`` (S, M or L) next to the demo school; return what was made.

    Refused when scale data is already here: sizes do not add up, so start from an empty
    database for each.
    """
    spec = SIZES[size]
    if User.objects.filter(username__startswith="scale-").exists():
        raise ValidationError("Scale data is already here; use a fresh database for each size.")
    rng = random.Random(f"lectern-scale-{size}")  # noqa: S311 — repeatable data, not secrets
    now = timezone.now()
    demo_seed()
    course = Classroom.objects.select_related("course").get(join_code=DEMO_CLASS).course
    reading = (
        Reading.objects.filter(unit_readings__unit__course=course).order_by("pk").distinct().first()
    )
    prompts = list(EssayPrompt.objects.filter(course=course).order_by("pk"))
    quiz = Quiz.objects.filter(unit__course=course).order_by("pk").first()
    password = make_password(SCALE_PASSWORD)

    log(f"{spec.students:,} students, {(spec.classes + 1) // 2:,} teachers")
    teachers = _bulk(
        User,
        [
            User(
                username=f"scale-teacher-{n:04d}",
                email=f"scale-teacher-{n:04d}@scale.lectern.example",
                display_name=f"Teacher {n}",
                role=Role.TEACHER,
                password=password,
            )
            for n in range((spec.classes + 1) // 2)
        ],
    )
    students = _bulk(
        User,
        [
            User(
                username=f"scale-student-{n:05d}",
                email=f"scale-student-{n:05d}@scale.lectern.example",
                display_name=f"Student {n}",
                role=Role.STUDENT,
                password=password,
            )
            for n in range(spec.students)
        ],
    )
    # bulk_create gives ids back on PostgreSQL and SQLite 3.35+; fetch them to be sure.
    teachers = list(User.objects.filter(username__startswith="scale-teacher-").order_by("username"))
    students = list(User.objects.filter(username__startswith="scale-student-").order_by("username"))

    log(f"{spec.classes:,} classes")
    classrooms = _bulk(
        Classroom,
        [
            Classroom(
                name=f"Scale class {n:03d}",
                course=course,
                year=now.year,
                term="Term 1",
                join_code=f"SC{n:06d}".replace("0", "Q").replace("1", "R"),
            )
            for n in range(spec.classes)
        ],
    )
    classrooms = list(Classroom.objects.filter(name__startswith="Scale class ").order_by("name"))
    per_class = spec.students_per_class
    roster = {c.pk: students[i * per_class : (i + 1) * per_class] for i, c in enumerate(classrooms)}
    memberships = [
        Membership(user=teachers[i // 2], classroom=c, role=MembershipRole.TEACHER)
        for i, c in enumerate(classrooms)
    ]
    memberships += [
        Membership(user=s, classroom_id=pk, role=MembershipRole.STUDENT)
        for pk, members in roster.items()
        for s in members
    ]
    _bulk(Membership, memberships)

    log(f"{spec.classes * (spec.essays_per_class + 2):,} assignments")
    assignments = []
    for index, classroom in enumerate(classrooms):
        teacher = teachers[index // 2]
        common = {"classroom": classroom, "created_by": teacher}
        assignments.append(
            Assignment(
                kind=AssignmentKind.READING,
                reading=reading,
                title=f"Read: {reading.title}",
                opens_at=now - timedelta(days=30),
                due_at=now + timedelta(days=2),
                **common,
            )
        )
        assignments.append(
            Assignment(
                kind=AssignmentKind.QUIZ,
                quiz=quiz,
                title=quiz.title,
                opens_at=now - timedelta(days=30),
                due_at=now + timedelta(days=5),
                max_attempts=2,
                **common,
            )
        )
        for number in range(spec.essays_per_class):
            prompt = prompts[number % len(prompts)]
            # Half the essays are past (marked or marking), half still to come.
            due = now + timedelta(days=7 * (number - spec.essays_per_class // 2) + 1)
            assignments.append(
                Assignment(
                    kind=AssignmentKind.ESSAY,
                    prompt=prompt,
                    title=f"Essay {number + 1}: {prompt.title}",
                    opens_at=due - timedelta(days=14),
                    due_at=due,
                    cutoff_at=due + timedelta(days=3),
                    **common,
                )
            )
    _bulk(Assignment, assignments)
    assignments = list(
        Assignment.objects.filter(classroom__in=classrooms).order_by("classroom_id", "pk")
    )

    log(f"{spec.submissions:,} submissions and their versions")
    submissions = []
    for assignment in assignments:
        if assignment.kind != AssignmentKind.ESSAY:
            continue
        for student in roster[assignment.classroom_id]:
            text = _essay(rng, rng.randint(80, 160))
            roll = rng.random()
            handed_in = assignment.due_at < now or roll < 0.5
            status = SubmissionStatus.DRAFT
            if handed_in:
                status = SubmissionStatus.RETURNED if roll < 0.3 else SubmissionStatus.SUBMITTED
            at = min(assignment.due_at, now) - timedelta(hours=rng.randint(1, 48))
            submissions.append(
                Submission(
                    assignment=assignment,
                    student=student,
                    status=status,
                    draft_text=text,
                    revision=3,
                    draft_saved_at=at,
                    word_count=len(text.split()),
                    submitted_at=at if handed_in else None,
                    honesty_declared_at=at if handed_in else None,
                    current_version=1 if handed_in else 0,
                )
            )
        if len(submissions) >= 20_000:
            _flush_submissions(submissions)
            submissions = []
    _flush_submissions(submissions)

    log("reading progress and quiz attempts")
    _bulk(
        ReadingProgress,
        [
            ReadingProgress(
                student=s,
                reading=reading,
                first_opened_at=now - timedelta(days=3),
                last_opened_at=now - timedelta(days=1),
                seconds_spent=rng.randint(60, 3600),
                marked_read_at=now - timedelta(days=1) if rng.random() < 0.6 else None,
            )
            for s in students
        ],
    )
    questions = quiz.questions.count()
    quiz_work = {a.classroom_id: a for a in assignments if a.kind == AssignmentKind.QUIZ}
    _bulk(
        QuizAttempt,
        [
            QuizAttempt(
                assignment=quiz_work[pk],
                student=s,
                number=1,
                started_at=now - timedelta(hours=2),
                submitted_at=now - timedelta(hours=1),
                score=rng.randint(0, questions),
                max_score=questions,
            )
            for pk, members in roster.items()
            for s in members
        ],
    )
    return {
        "students": len(students),
        "teachers": len(teachers),
        "classes": len(classrooms),
        "assignments": len(assignments),
        "submissions": Submission.objects.filter(student__username__startswith="scale-").count(),
    }


def _flush_submissions(submissions: list[Submission]) -> None:
    """Write a batch of submissions, then the version each handed-in one has."""
    made = _bulk(Submission, submissions)
    if made and made[0].pk is None:  # a database that does not return ids
        made = list(
            Submission.objects.filter(
                assignment__in={s.assignment_id for s in submissions},
                student__in={s.student_id for s in submissions},
            )
        )
    _bulk(
        SubmissionVersion,
        [
            SubmissionVersion(
                submission_id=s.pk,
                number=1,
                revision=s.revision,
                text=s.draft_text,
                word_count=s.word_count,
                submitted_at=s.submitted_at,
                sha256=hashlib.sha256(s.draft_text.encode("utf-8")).hexdigest(),
            )
            for s in made
            if s.current_version
        ],
    )
