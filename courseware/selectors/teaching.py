"""Reads for teaching: what a user may see, with the joins each page needs decided here.

Every page's query count is fixed in this module: lists are fetched with their related rows in
a constant number of queries, never one query a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import Role, User
from accounts.permissions import is_school_admin
from courseware.models import (
    Assignment,
    AssignmentKind,
    Classroom,
    EssayPrompt,
    Extension,
    FeedbackResponse,
    Grade,
    LtiAssignmentLink,
    Membership,
    MembershipRole,
    ProcessSettings,
    Question,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizAttemptGrant,
    Reading,
    ReadingProgress,
    Submission,
    SubmissionStatus,
)
from courseware.models.teaching import MARKED_KINDS
from courseware.selectors.indexed import in_subquery
from courseware.timing import Deadline, DeadlineState, deadline_for

if TYPE_CHECKING:
    from courseware.models import Course

DUE_SOON = timedelta(hours=72)

# Related names on Assignment of the models that hold a student's work for it. Editing rules ask
# ``assignment_has_student_work``, never a model by name: new kinds of work join by adding their
# related name here.
STUDENT_WORK_RELATIONS = ("quiz_attempts", "submissions")
# An essay counts as handed in from its first submission until a resubmission is asked for.
HANDED_IN = (SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED)


def by_name(users):
    """People in the order their names are shown: display name, else full name, else username."""
    return sorted(users, key=lambda user: (user.name.casefold(), user.username))


class SubqueryCount(Subquery):
    """``COUNT(*)`` of a correlated subquery: counts without multiplying the outer rows."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


# --- Classes ----------------------------------------------------------------------------------


def classrooms_for_user(*, user: User, archived: bool = False) -> QuerySet[Classroom]:
    """Classes the user belongs to (every class for a school admin), active or archived.

    Each class carries ``student_count`` and ``assignment_count`` (live assignments).
    """
    classrooms = Classroom.objects.filter(archived_at__isnull=not archived).select_related("course")
    if not is_school_admin(user):
        # A subquery, not a join: a join on memberships would also narrow the student count.
        classrooms = classrooms.filter(
            pk__in=Membership.objects.filter(user=user).values("classroom_id")
        )
    return classrooms.annotate(
        student_count=SubqueryCount(
            Membership.objects.filter(classroom=OuterRef("pk"), role=MembershipRole.STUDENT).values(
                "pk"
            )
        ),
        assignment_count=SubqueryCount(
            Assignment.objects.filter(classroom=OuterRef("pk"), withdrawn_at__isnull=True).values(
                "pk"
            )
        ),
    ).order_by("-year", "name")


def classroom_get_for(*, user: User, pk: int) -> Classroom:
    """The class with this id if the user may see it, archived or not; 404 when missing or not
    theirs alike."""
    visible = Classroom.objects.select_related("course")
    if not is_school_admin(user):
        visible = visible.filter(pk__in=Membership.objects.filter(user=user).values("classroom_id"))
    return get_object_or_404(visible, pk=pk)


def classroom_roles_for(*, user: User, classrooms: list[Classroom]) -> dict[int, str]:
    """The user's role in each of the given classes, in one query."""
    return dict(
        Membership.objects.filter(user=user, classroom__in=classrooms).values_list(
            "classroom_id", "role"
        )
    )


def classroom_members(*, classroom: Classroom) -> tuple[list[User], list[User]]:
    """The class's teachers and students, by name, in one query."""
    memberships = list(classroom.memberships.select_related("user"))
    teachers = by_name(m.user for m in memberships if m.role == MembershipRole.TEACHER)
    students = by_name(m.user for m in memberships if m.role == MembershipRole.STUDENT)
    return teachers, students


def teachers_available(*, classroom: Classroom) -> QuerySet[User]:
    """Teacher accounts not yet teaching this class: who a school admin may add to it."""
    return (
        User.objects.filter(role__in=[Role.TEACHER, Role.ADMIN], is_active=True)
        .exclude(memberships__classroom=classroom)
        .order_by("last_name", "first_name", "username")
    )


@dataclass
class RosterRow:
    student: User
    joined_at: datetime
    readings_read: int = 0
    quizzes_done: int = 0
    essays_handed_in: int = 0
    extensions: int = 0


@dataclass
class Roster:
    rows: list[RosterRow]
    reading_count: int
    quiz_count: int
    essay_count: int


def classroom_roster(*, classroom: Classroom) -> Roster:
    """Each student of the class with what they have done of its live work, in six queries."""
    memberships = list(
        classroom.memberships.filter(role=MembershipRole.STUDENT).select_related("user")
    )
    memberships.sort(key=lambda m: (m.user.name.casefold(), m.user.username))
    assignments = list(
        classroom.assignments.live().values_list("pk", "kind", "reading_id", named=True)
    )
    reading_ids = {a.reading_id for a in assignments if a.kind == AssignmentKind.READING}
    quiz_ids = [a.pk for a in assignments if a.kind == AssignmentKind.QUIZ]
    essay_ids = [a.pk for a in assignments if a.kind in MARKED_KINDS]
    students = [m.user_id for m in memberships]

    read = dict(
        ReadingProgress.objects.filter(
            student__in=students, reading__in=reading_ids, marked_read_at__isnull=False
        )
        .values("student")
        .annotate(n=Count("reading", distinct=True))
        .values_list("student", "n")
    )
    quizzes = dict(
        QuizAttempt.objects.filter(
            student__in=students, assignment__in=quiz_ids, submitted_at__isnull=False
        )
        .values("student")
        .annotate(n=Count("assignment", distinct=True))
        .values_list("student", "n")
    )
    essays = dict(
        Submission.objects.filter(
            student__in=students, assignment__in=essay_ids, status__in=HANDED_IN
        )
        .values("student")
        .annotate(n=Count("assignment", distinct=True))
        .values_list("student", "n")
    )
    extensions = dict(
        Extension.objects.filter(
            student__in=students,
            assignment__classroom=classroom,
            assignment__withdrawn_at__isnull=True,
        )
        .values("student")
        .annotate(n=Count("pk"))
        .values_list("student", "n")
    )
    rows = [
        RosterRow(
            student=m.user,
            joined_at=m.joined_at,
            readings_read=read.get(m.user_id, 0),
            quizzes_done=quizzes.get(m.user_id, 0),
            essays_handed_in=essays.get(m.user_id, 0),
            extensions=extensions.get(m.user_id, 0),
        )
        for m in memberships
    ]
    return Roster(
        rows=rows,
        reading_count=len(reading_ids),
        quiz_count=len(quiz_ids),
        essay_count=len(essay_ids),
    )


# --- Course content a class may be set ---------------------------------------------------------


def assignable_readings(*, course: Course) -> QuerySet[Reading]:
    """Readings of the course's units."""
    return Reading.objects.filter(units__course=course).distinct().order_by("title")


def assignable_prompts(*, course: Course) -> QuerySet[EssayPrompt]:
    """Essay prompts of the course."""
    return EssayPrompt.objects.filter(course=course).select_related("course").order_by("title")


def assignable_quizzes(*, course: Course) -> QuerySet[Quiz]:
    """Quizzes of the course's units."""
    return (
        Quiz.objects.current()
        .filter(unit__course=course)
        .select_related("unit")
        .order_by("unit__order", "title")
    )


# --- Assignments --------------------------------------------------------------------------------

_TARGETS = ("classroom", "classroom__course", "reading", "prompt__course", "quiz__unit")


def assignments_for_classroom(*, classroom: Classroom) -> QuerySet[Assignment]:
    """All of a class's assignments for its teachers, withdrawn ones included.

    Each carries ``read_count``, ``quiz_done_count`` and ``handed_in_count``: how many of the
    class's students have read the reading, completed the quiz or handed in the essay.
    """
    # Nested one level deeper than the assignment, so the class is the outer query's outer.
    class_students = Membership.objects.filter(
        classroom=OuterRef(OuterRef("classroom")), role=MembershipRole.STUDENT
    ).values("user_id")
    readers = (
        ReadingProgress.objects.filter(
            reading=OuterRef("reading"), marked_read_at__isnull=False, student__in=class_students
        )
        .values("student")
        .distinct()
    )
    quiz_takers = (
        QuizAttempt.objects.filter(assignment=OuterRef("pk"), submitted_at__isnull=False)
        .values("student")
        .distinct()
    )
    essay_writers = Submission.objects.filter(
        assignment=OuterRef("pk"), status__in=HANDED_IN
    ).values("student")
    return (
        classroom.assignments.select_related(*_TARGETS)
        .annotate(
            read_count=SubqueryCount(readers),
            quiz_done_count=SubqueryCount(quiz_takers),
            handed_in_count=SubqueryCount(essay_writers),
        )
        .order_by("withdrawn_at", "due_at", "pk")
    )


def assignment_get_for(*, user: User, pk: int, now: datetime) -> Assignment:
    """An assignment the user may see; 404 for missing and forbidden alike.

    Its class's teachers (and school admins) see every assignment; its students see it once it
    opens and unless it has been withdrawn. ``has_lms_placement`` says whether an LMS links to it
    (its teachers' page then shows how its scores are going to the LMS).
    """
    assignment = get_object_or_404(
        Assignment.objects.select_related(*_TARGETS).annotate(
            has_lms_placement=Exists(LtiAssignmentLink.objects.filter(assignment=OuterRef("pk")))
        ),
        pk=pk,
    )
    if is_school_admin(user):
        return assignment
    role = (
        Membership.objects.filter(user=user, classroom=assignment.classroom_id)
        .values_list("role", flat=True)
        .first()
    )
    if role == MembershipRole.TEACHER:
        return assignment
    if (
        role == MembershipRole.STUDENT
        and assignment.withdrawn_at is None
        and assignment.opens_at <= now
    ):
        return assignment
    raise Http404


def assignments_for_user(*, user: User, now: datetime) -> QuerySet[Assignment]:
    """Every assignment the user may see, by the rule ``assignment_get_for`` applies to one: all
    of a class they teach (withdrawn ones included), all of every class for a school admin, and
    for a student the live ones of their classes that have opened."""
    assignments = Assignment.objects.select_related(*_TARGETS).order_by("due_at", "pk")
    if is_school_admin(user):
        return assignments
    taught = Membership.objects.filter(user=user, role=MembershipRole.TEACHER)
    studied = Membership.objects.filter(user=user, role=MembershipRole.STUDENT)
    return assignments.filter(
        in_subquery("classroom_id", taught.values("classroom_id"))
        | (
            in_subquery("classroom_id", studied.values("classroom_id"))
            & Q(withdrawn_at__isnull=True, opens_at__lte=now)
        )
    )


def assignment_has_student_work(*, assignment: Assignment) -> bool:
    """Whether any student has work on this assignment that a change could orphan."""
    for name in STUDENT_WORK_RELATIONS:
        related = getattr(assignment, name, None)
        if related is not None and related.exists():
            return True
    return False


def extension_for(*, assignment: Assignment, student: User) -> Extension | None:
    return Extension.objects.filter(assignment=assignment, student=student).first()


# --- A student's work ---------------------------------------------------------------------------


class Bucket(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    TO_DO = "to_do"
    DONE = "done"
    RETURNED = "returned"
    CLOSED = "closed"


@dataclass
class StudentWork:
    """One assignment as one student sees it: their dates, and what they have done of it."""

    assignment: Assignment
    deadline: Deadline
    extension: Extension | None
    now: datetime
    read_at: datetime | None = None
    attempts: list[QuizAttempt] = field(default_factory=list)
    submission: Submission | None = None
    extra_attempts: int = 0

    @property
    def submitted_attempts(self) -> list[QuizAttempt]:
        return [a for a in self.attempts if a.submitted_at is not None]

    @property
    def attempt_in_progress(self) -> QuizAttempt | None:
        return next((a for a in self.attempts if a.submitted_at is None), None)

    @property
    def best_attempt(self) -> QuizAttempt | None:
        return max(self.submitted_attempts, key=lambda a: (a.score, -a.number), default=None)

    @property
    def attempts_allowed(self) -> int:
        """The assignment's attempts and any more granted to this student."""
        return self.assignment.max_attempts + self.extra_attempts

    @property
    def attempts_left(self) -> int:
        return max(0, self.attempts_allowed - len(self.submitted_attempts))

    @property
    def can_attempt(self) -> bool:
        return self.deadline.accepts_work and (
            self.attempt_in_progress is not None or self.attempts_left > 0
        )

    @property
    def released_grade(self) -> Grade | None:
        """The essay's grade once it has been released to the student; never before."""
        if self.submission is None:
            return None
        grade = getattr(self.submission, "grade", None)
        return grade if grade is not None and grade.released_at is not None else None

    @property
    def mark_withheld(self) -> bool:
        """Whether the released mark waits for the student's response to the feedback (an
        assignment set "feedback first", and no response to the returned version yet)."""
        return (
            self.released_grade is not None
            and bool(getattr(self.assignment, "student_feedback_first", False))
            and not getattr(self.submission, "student_responded", False)
        )

    @property
    def done(self) -> bool:
        kind = self.assignment.kind
        if kind == AssignmentKind.READING:
            return self.read_at is not None
        if kind == AssignmentKind.QUIZ:
            return bool(self.submitted_attempts)
        return self.submission is not None and self.submission.status in HANDED_IN

    @property
    def bucket(self) -> Bucket:
        if self.submission is not None and self.submission.status == SubmissionStatus.RETURNED:
            return Bucket.RETURNED
        if self.done:
            return Bucket.DONE
        state = self.deadline.state
        if state == DeadlineState.CLOSED:
            return Bucket.CLOSED
        if state == DeadlineState.LATE:
            return Bucket.OVERDUE
        if self.deadline.due_at - self.now <= DUE_SOON:
            return Bucket.DUE_SOON
        return Bucket.TO_DO


def _student_work(
    *, student: User, assignments: QuerySet[Assignment], now: datetime
) -> list[StudentWork]:
    """Each assignment with the student's extension, attempts, essay and reading status, in five
    queries whatever the number of assignments."""
    granted = QuizAttemptGrant.objects.filter(assignment=OuterRef("pk"), student=student)
    assignments = list(
        assignments.annotate(
            student_extra_attempts=Subquery(granted.values("extra_attempts")[:1]),
            student_feedback_first=Exists(
                ProcessSettings.objects.filter(assignment=OuterRef("pk"), feedback_first=True)
            ),
        )
        .select_related(*_TARGETS)
        .prefetch_related(
            Prefetch(
                "extensions",
                queryset=Extension.objects.filter(student=student),
                to_attr="student_extensions",
            ),
            Prefetch(
                "quiz_attempts",
                queryset=QuizAttempt.objects.filter(student=student).order_by("number"),
                to_attr="student_attempts",
            ),
            Prefetch(
                "submissions",
                queryset=Submission.objects.filter(student=student)
                .annotate(
                    student_responded=Exists(
                        FeedbackResponse.objects.filter(
                            submission=OuterRef("pk"),
                            version_number=OuterRef("grade__version__number"),
                        )
                    )
                )
                .select_related("grade")
                .defer("draft_text", "grade__overall_comment"),
                to_attr="student_submissions",
            ),
        )
    )
    reading_ids = {a.reading_id for a in assignments if a.reading_id}
    read_at = dict(
        ReadingProgress.objects.filter(
            student=student, reading__in=reading_ids, marked_read_at__isnull=False
        ).values_list("reading_id", "marked_read_at")
        if reading_ids
        else []
    )
    work = []
    for assignment in assignments:
        extension = assignment.student_extensions[0] if assignment.student_extensions else None
        work.append(
            StudentWork(
                assignment=assignment,
                deadline=deadline_for(assignment=assignment, extension=extension, now=now),
                extension=extension,
                now=now,
                read_at=read_at.get(assignment.reading_id),
                attempts=assignment.student_attempts,
                submission=next(iter(assignment.student_submissions), None),
                extra_attempts=assignment.student_extra_attempts or 0,
            )
        )
    work.sort(key=lambda w: (w.deadline.due_at, w.assignment.pk))
    return work


def student_work_for(*, student: User, now: datetime, classroom: Classroom | None = None):
    """A student's open assignments (in one class, or every active class), by due date."""
    assignments = Assignment.objects.live().filter(
        opens_at__lte=now,
        classroom__memberships__user=student,
        classroom__memberships__role=MembershipRole.STUDENT,
    )
    if classroom is not None:
        assignments = assignments.filter(classroom=classroom)
    else:
        assignments = assignments.filter(classroom__archived_at__isnull=True)
    return _student_work(student=student, assignments=assignments, now=now)


def student_work_on(*, student: User, assignment: Assignment, now: datetime) -> StudentWork:
    """One assignment as the student sees it."""
    [work] = _student_work(
        student=student, assignments=Assignment.objects.filter(pk=assignment.pk), now=now
    )
    return work


def student_dashboard(*, student: User, now: datetime) -> dict[Bucket, list[StudentWork]]:
    """A student's work grouped: overdue, due soon, to do, done, returned and closed, each by
    due date."""
    buckets: dict[Bucket, list[StudentWork]] = {bucket: [] for bucket in Bucket}
    for work in student_work_for(student=student, now=now):
        buckets[work.bucket].append(work)
    # Finished work is most useful newest first.
    buckets[Bucket.DONE].reverse()
    buckets[Bucket.RETURNED].reverse()
    return buckets


# --- A teacher's view of one assignment ----------------------------------------------------------


@dataclass
class StudentProgress:
    student: User
    deadline: Deadline
    extension: Extension | None
    read_at: datetime | None = None
    attempts: list[QuizAttempt] = field(default_factory=list)
    submission: Submission | None = None

    @property
    def best_attempt(self) -> QuizAttempt | None:
        submitted = [a for a in self.attempts if a.submitted_at is not None]
        return max(submitted, key=lambda a: (a.score, -a.number), default=None)


def assignment_progress(*, assignment: Assignment, now: datetime) -> list[StudentProgress]:
    """Every student of the class on this assignment: their dates and what they have done, in
    four queries whatever the class size."""
    students = by_name(
        m.user
        for m in assignment.classroom.memberships.filter(
            role=MembershipRole.STUDENT
        ).select_related("user")
    )
    extensions = {e.student_id: e for e in assignment.extensions.filter(student__in=students)}
    attempts: dict[int, list[QuizAttempt]] = {}
    if assignment.kind == AssignmentKind.QUIZ:
        for attempt in assignment.quiz_attempts.order_by("number"):
            attempts.setdefault(attempt.student_id, []).append(attempt)
    submissions = {}
    if assignment.kind in MARKED_KINDS:
        submissions = {
            s.student_id: s
            for s in assignment.submissions.filter(student__in=students).defer("draft_text")
        }
    read_at = {}
    if assignment.reading_id:
        read_at = dict(
            ReadingProgress.objects.filter(
                reading_id=assignment.reading_id,
                student__in=students,
                marked_read_at__isnull=False,
            ).values_list("student_id", "marked_read_at")
        )
    return [
        StudentProgress(
            student=student,
            deadline=deadline_for(
                assignment=assignment, extension=extensions.get(student.pk), now=now
            ),
            extension=extensions.get(student.pk),
            read_at=read_at.get(student.pk),
            attempts=attempts.get(student.pk, []),
            submission=submissions.get(student.pk),
        )
        for student in students
    ]


# --- Quizzes ------------------------------------------------------------------------------------


def quiz_attempt_get_for(*, user: User, pk: int) -> QuizAttempt:
    """A quiz attempt: its student's, or any in a class the user teaches; 404 otherwise."""
    attempt = get_object_or_404(
        QuizAttempt.objects.select_related(
            "student", "assignment__classroom__course", "assignment__quiz"
        ),
        pk=pk,
    )
    if attempt.student_id == user.pk or is_school_admin(user):
        return attempt
    teaches = Membership.objects.filter(
        user=user, classroom=attempt.assignment.classroom_id, role=MembershipRole.TEACHER
    ).exists()
    if not teaches:
        raise Http404
    return attempt


def quiz_attempts_for_user(*, user: User) -> QuerySet[QuizAttempt]:
    """Every quiz attempt the user may see, by the rule ``quiz_attempt_get_for`` applies to one:
    their own, every attempt in a class they teach, every attempt for a school admin."""
    attempts = QuizAttempt.objects.select_related(
        "student", "assignment__classroom", "assignment__quiz"
    ).order_by("assignment", "student", "number")
    if is_school_admin(user):
        return attempts
    taught = Membership.objects.filter(user=user, role=MembershipRole.TEACHER)
    return attempts.filter(
        Q(student=user) | Q(assignment__classroom__in=taught.values("classroom_id"))
    )


def quiz_attempt_reveals_answers(
    *, attempt: QuizAttempt, user: User, now: datetime, work: StudentWork | None = None
) -> bool:
    """Whether the correct answers of a handed-in attempt may be shown to this user.

    Teachers always see them; the student who took it sees them once they cannot try again, or
    when the attempt scored full marks (nothing left to improve): no spoilers for a retry.
    ``work`` is the student's work on the assignment when the caller already has it.
    """
    if attempt.submitted_at is None:
        return False
    if attempt.student_id != user.pk:
        return True
    if attempt.score == attempt.max_score:
        return True
    if work is None:
        work = student_work_on(student=user, assignment=attempt.assignment, now=now)
    return not work.can_attempt


def quiz_questions(*, quiz: Quiz) -> list[Question]:
    """A quiz's questions with their choices and evidence paragraphs, in two queries."""
    return list(
        quiz.questions.select_related("evidence__reading")
        .prefetch_related("choices")
        .order_by("order")
    )


def quiz_attempt_answers(*, attempt: QuizAttempt) -> dict[int, QuizAnswer]:
    """An attempt's answers by question id."""
    return {answer.question_id: answer for answer in attempt.answers.all()}
