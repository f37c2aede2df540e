"""Reads for the dashboards' "what now" panels: a teacher's marking, deadlines and hand-ins, and a
student's quiz results.

Each panel is a fixed number of queries, whatever the number of classes, assignments or essays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from courseware.models import (
    Assignment,
    AssignmentKind,
    GradeStatus,
    MarkingReveal,
    Membership,
    MembershipRole,
    QuizAttempt,
    ReadingProgress,
    Submission,
    SubmissionVersion,
)
from courseware.models.teaching import MARKED_KINDS

UPCOMING = timedelta(days=7)
RECENT_HAND_INS = 8


@dataclass
class ToMark:
    assignment: Assignment
    count: int


@dataclass
class HandIn:
    version: SubmissionVersion
    label: str  # the student's name, or a note that names are hidden while marking anonymously

    @property
    def submission(self) -> Submission:
        return self.version.submission


@dataclass
class TeacherDashboard:
    to_mark: list[ToMark] = field(default_factory=list)
    upcoming: list[Assignment] = field(default_factory=list)
    recent: list[HandIn] = field(default_factory=list)

    @property
    def to_mark_total(self) -> int:
        return sum(row.count for row in self.to_mark)


def _taught(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(
        user=user, role=MembershipRole.TEACHER, classroom__archived_at__isnull=True
    ).values("classroom_id")


def _needs_marking() -> Q:
    """A handed-in essay whose latest version has no finished grade: the marking queue's
    "to mark" (no grade, a grade still in progress, or a grade of an earlier version)."""
    return Q(current_version__gt=0) & (
        Q(grade__isnull=True)
        | ~Q(grade__status=GradeStatus.READY)
        | ~Q(grade__version__number=F("current_version"))
    )


def _count(queryset: QuerySet, group: str) -> Coalesce:
    """A correlated COUNT of ``queryset``'s rows for the outer row, 0 when there are none."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(count=Count("pk")).values("count")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _done_count() -> Coalesce:
    """How many students have done an assignment: essays handed in, quizzes taken (students,
    not attempts) and readings marked read by the class's students."""
    essays = _count(
        Submission.objects.filter(assignment=OuterRef("pk"), current_version__gt=0), "assignment"
    )
    quizzes = Coalesce(
        Subquery(
            QuizAttempt.objects.filter(assignment=OuterRef("pk"), submitted_at__isnull=False)
            .order_by()
            .values("assignment")
            .annotate(count=Count("student", distinct=True))
            .values("count")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    readings = _count(
        ReadingProgress.objects.filter(
            reading=OuterRef("reading"),
            marked_read_at__isnull=False,
            student__memberships__classroom=OuterRef("classroom"),
            student__memberships__role=MembershipRole.STUDENT,
        ),
        "reading",
    )
    return essays + quizzes + readings


def _student_count() -> Coalesce:
    return _count(
        Membership.objects.filter(classroom=OuterRef("classroom"), role=MembershipRole.STUDENT),
        "classroom",
    )


def teacher_dashboard(*, user: User, now: datetime) -> TeacherDashboard:
    """What a teacher's classes need next: essays (and source analyses) to mark by assignment,
    work due in the next seven days and the latest hand-ins; five queries."""
    taught = _taught(user)
    live = Assignment.objects.live().filter(classroom__in=taught)

    counts = dict(
        Submission.objects.filter(
            _needs_marking(), assignment__in=live.filter(kind__in=MARKED_KINDS)
        )
        .values_list("assignment_id")
        .annotate(count=Count("pk", distinct=True))
        .values_list("assignment_id", "count")
    )
    to_mark = []
    if counts:
        assignments = live.filter(pk__in=counts).select_related("classroom").order_by("due_at")
        to_mark = [ToMark(assignment=a, count=counts[a.pk]) for a in assignments]

    upcoming = list(
        live.filter(due_at__gte=now, due_at__lte=now + UPCOMING)
        .select_related("classroom")
        .annotate(done=_done_count(), students=_student_count())
        .order_by("due_at", "pk")
    )

    versions = list(
        SubmissionVersion.objects.filter(submission__assignment__in=live)
        .select_related("submission__student", "submission__assignment__classroom")
        .defer("text", "submission__draft_text")
        .order_by("-submitted_at", "-pk")[:RECENT_HAND_INS]
    )
    anonymous = {
        v.submission.assignment.pk for v in versions if v.submission.assignment.anonymous_marking
    }
    revealed = (
        set(
            MarkingReveal.objects.filter(assignment__in=anonymous).values_list(
                "assignment_id", flat=True
            )
        )
        if anonymous
        else set()
    )
    recent = [
        HandIn(
            version=v,
            label=v.submission.student.name
            if v.submission.assignment.pk not in anonymous - revealed
            else "",
        )
        for v in versions
    ]
    return TeacherDashboard(to_mark=to_mark, upcoming=upcoming, recent=recent)


# --- A student's quiz results ---------------------------------------------------------------------


@dataclass
class QuizResult:
    assignment: Assignment
    best: QuizAttempt
    attempts: int

    @property
    def percent(self) -> int:
        return round(100 * self.best.score / self.best.max_score) if self.best.max_score else 0


def student_quiz_results(*, student: User) -> list[QuizResult]:
    """The student's best submitted attempt at each quiz they have taken, newest first; one
    query."""
    attempts = (
        QuizAttempt.objects.filter(
            student=student,
            submitted_at__isnull=False,
            assignment__withdrawn_at__isnull=True,
            assignment__kind=AssignmentKind.QUIZ,
            assignment__classroom__memberships__user=student,
            assignment__classroom__memberships__role=MembershipRole.STUDENT,
        )
        .select_related("assignment__classroom")
        .order_by("assignment_id", "-score", "number")
    )
    results: dict[int, QuizResult] = {}
    for attempt in attempts:
        result = results.get(attempt.assignment_id)
        if result is None:
            results[attempt.assignment_id] = QuizResult(
                assignment=attempt.assignment, best=attempt, attempts=1
            )
        else:
            result.attempts += 1
    return sorted(
        results.values(), key=lambda r: (r.best.submitted_at, r.assignment.pk), reverse=True
    )
