"""Factories for marking, made through the marking services as teachers mark."""

from django.utils import timezone

from courseware.models import Criterion, Grade, Rubric, Submission
from courseware.services.marking import CriterionMark, grade_release, grade_save

__all__ = [
    "bulk_gradebook",
    "bulk_marking_queue",
    "criterion_marks",
    "graded",
    "rubric_criteria",
]


def rubric_criteria(rubric: Rubric) -> list[Criterion]:
    """A rubric's criteria in order, each with its levels highest first in ``levels_top``."""
    criteria = list(rubric.criteria.prefetch_related("levels").order_by("order"))
    for criterion in criteria:
        criterion.levels_top = sorted(criterion.levels.all(), key=lambda lv: -lv.marks)
    return criteria


def criterion_marks(rubric: Rubric, *, band: int = 0, comment: str = "") -> list[CriterionMark]:
    """Every criterion at the ``band``-th level from the top (0 is the highest)."""
    return [
        CriterionMark(
            criterion_id=c.pk,
            level_id=c.levels_top[min(band, len(c.levels_top) - 1)].pk,
            comment=comment,
        )
        for c in rubric_criteria(rubric)
    ]


def graded(
    submission: Submission,
    by,
    *,
    band: int = 0,
    ready: bool = True,
    release: bool = False,
    overall_comment: str = "Well argued.",
    now=None,
) -> Grade:
    """The submission marked at ``band`` on every criterion, ready (and released) as asked."""
    now = now or timezone.now()
    rubric = submission.assignment.prompt.rubric
    grade = grade_save(
        submission=submission,
        by=by,
        criteria=criterion_marks(rubric, band=band),
        overall_comment=overall_comment,
        ready=ready,
        now=now,
    )
    if release:
        grade = grade_release(submission=submission, by=by, now=now)
    grade.refresh_from_db()
    return grade


# --- Large datasets, written in bulk -----------------------------------------------------------
# Query-count tests and benchmarks need thousands of rows; these write them with bulk_create
# (bypassing the services on purpose, for speed) in shapes the services would produce.


def _bulk_students(classroom, count: int, tag: str):
    from accounts.models import Role, User
    from courseware.models import Membership, MembershipRole

    users = User.objects.bulk_create(
        [
            User(
                username=f"{tag}-{n:05d}",
                email=f"{tag}-{n:05d}@example.org",
                role=Role.STUDENT,
                display_name=f"Student {tag} {n:05d}",
                password="!",  # unusable
            )
            for n in range(count)
        ]
    )
    if users and users[0].pk is None:  # a backend that does not return ids
        users = list(User.objects.filter(username__startswith=f"{tag}-").order_by("username"))
    Membership.objects.bulk_create(
        [Membership(classroom=classroom, user=u, role=MembershipRole.STUDENT) for u in users]
    )
    return users


def _bulk_handed_in(assignment, students, *, now, late_every: int = 5):
    """A handed-in version 1 for each student; every ``late_every``-th an hour late."""
    import hashlib
    from datetime import timedelta

    from courseware.models import Submission, SubmissionStatus, SubmissionVersion

    text = "The Troika met in Moscow.\n\nTrotsky answered them in writing."
    sha = hashlib.sha256(text.encode()).hexdigest()
    submitted = []
    for n, student in enumerate(students):
        late = n % late_every == 0
        at = assignment.due_at + timedelta(hours=1) if late else assignment.due_at
        submitted.append(
            Submission(
                assignment=assignment,
                student=student,
                status=SubmissionStatus.SUBMITTED,
                draft_text=text,
                revision=1,
                word_count=11,
                submitted_at=at,
                late_minutes=60 if late else 0,
                honesty_declared_at=at,
                current_version=1,
                draft_saved_at=at,
            )
        )
    submissions = Submission.objects.bulk_create(submitted)
    versions = SubmissionVersion.objects.bulk_create(
        [
            SubmissionVersion(
                submission=s,
                number=1,
                revision=1,
                text=text,
                word_count=11,
                submitted_at=s.submitted_at,
                late_minutes=s.late_minutes,
                sha256=sha,
            )
            for s in submissions
        ]
    )
    return submissions, versions


def _bulk_grades(submissions, versions, *, rubric, marker, now, every: int = 1):
    """A finished grade (released for every other one) for every ``every``-th submission."""
    from courseware.models import CriterionGrade, Grade, GradeStatus

    criteria = rubric_criteria(rubric)
    top = [c.levels_top[0] for c in criteria]
    total = sum(level.marks for level in top)
    grades = Grade.objects.bulk_create(
        [
            Grade(
                submission=s,
                rubric=rubric,
                version=v,
                status=GradeStatus.READY,
                raw_mark=total,
                max_mark=total,
                final_mark=total,
                marker=marker,
                released_at=now if n % 2 else None,
                created_at=now,
                updated_at=now,
            )
            for n, (s, v) in enumerate(zip(submissions, versions, strict=True))
            if n % every == 0
        ]
    )
    CriterionGrade.objects.bulk_create(
        [
            CriterionGrade(grade=g, criterion=c, level=level, marks=level.marks)
            for g in grades
            for c, level in zip(criteria, top, strict=True)
        ]
    )
    return grades


def bulk_marking_queue(assignment, count: int, *, marker, tag: str = "queue"):
    """``count`` students in the assignment's class, all handed in, a third of them marked (half
    of those released), every tenth with an extension."""
    from datetime import timedelta

    from courseware.models import Extension

    now = timezone.now()
    students = _bulk_students(assignment.classroom, count, tag)
    submissions, versions = _bulk_handed_in(assignment, students, now=now)
    _bulk_grades(
        submissions, versions, rubric=assignment.prompt.rubric, marker=marker, now=now, every=3
    )
    Extension.objects.bulk_create(
        [
            Extension(
                assignment=assignment,
                student=s,
                due_at=assignment.due_at + timedelta(days=2),
                granted_by=marker,
            )
            for s in students[::10]
        ]
    )
    return students


def bulk_gradebook(classroom, *, students: int, essays: int, quizzes: int, marker, tag="book"):
    """A class of ``students`` with ``essays`` essay and ``quizzes`` quiz assignments, every
    essay handed in and marked and every quiz taken."""
    from datetime import timedelta

    from courseware.models import Assignment, AssignmentKind, QuizAttempt
    from tests.factories.submissions import essay_assignment
    from tests.factories.teaching import AssignmentFactory, course_quiz

    now = timezone.now()
    people = _bulk_students(classroom, students, tag)
    first_essay = essay_assignment(classroom)
    quiz = course_quiz(classroom.course)
    AssignmentFactory(classroom=classroom, kind=AssignmentKind.QUIZ, target=quiz)
    base = {
        "classroom": classroom,
        "opens_at": first_essay.opens_at,
        "due_at": first_essay.due_at,
        "created_by": marker,
    }
    Assignment.objects.bulk_create(
        [
            Assignment(
                kind=AssignmentKind.ESSAY, prompt=first_essay.prompt, title=f"Essay {n}", **base
            )
            for n in range(essays - 1)
        ]
        + [
            Assignment(kind=AssignmentKind.QUIZ, quiz=quiz, title=f"Quiz {n}", **base)
            for n in range(quizzes - 1)
        ]
    )
    for assignment in Assignment.objects.filter(classroom=classroom, kind=AssignmentKind.ESSAY):
        submissions, versions = _bulk_handed_in(assignment, people, now=now)
        _bulk_grades(
            submissions, versions, rubric=first_essay.prompt.rubric, marker=marker, now=now
        )
    questions = quiz.questions.count()
    QuizAttempt.objects.bulk_create(
        [
            QuizAttempt(
                assignment=assignment,
                student=student,
                number=1,
                started_at=now - timedelta(minutes=10),
                submitted_at=now,
                score=(n % (questions + 1)),
                max_score=questions,
            )
            for assignment in Assignment.objects.filter(
                classroom=classroom, kind=AssignmentKind.QUIZ
            )
            for n, student in enumerate(people)
        ]
    )
    return people
