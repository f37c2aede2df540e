"""API lists cost a fixed number of queries however many rows they hold."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courseware.models import AssignmentKind, MembershipRole, Submission
from courseware.services.teaching import quiz_attempt_start
from tests.conftest import module_world
from tests.factories import (
    AssignmentFactory,
    ClassroomFactory,
    MembershipFactory,
    StudentFactory,
    course_quiz,
    course_reading,
    essay_assignment,
    submitted_submission,
)

pytestmark = pytest.mark.django_db

ROWS = 30
# Every list holds at least this many rows for every role below, so a query a row shows.
AT_LEAST = 5


def make_busy(school):
    """A class of 30 students and 30 assignments of every kind, with handed-in essays and quiz
    attempts; the teacher and the student are also in five more classes, each of its own course,
    and the student has handed in several essays and started every quiz. Every list below holds
    several rows for each role, so one query a row would add several queries or dozens."""
    classroom = school.classroom
    students = [school.student] + [StudentFactory() for _ in range(ROWS - 1)]
    for student in students[1:]:
        MembershipFactory(classroom=classroom, user=student)
    for _ in range(AT_LEAST):
        other = ClassroomFactory()
        MembershipFactory(classroom=other, user=school.teacher, role=MembershipRole.TEACHER)
        MembershipFactory(classroom=other, user=school.student)
    essay = essay_assignment(classroom, min_words=1, max_words=50)
    for student in students:
        submitted_submission(essay, student)
    for _ in range(AT_LEAST - 1):
        submitted_submission(essay_assignment(classroom, min_words=1, max_words=50), school.student)
    quiz = AssignmentFactory(classroom=classroom, kind=AssignmentKind.QUIZ)
    for student in students:
        quiz_attempt_start(assignment=quiz, student=student, now=timezone.now())
    for n in range(ROWS):
        kind = [AssignmentKind.READING, AssignmentKind.QUIZ][n % 2]
        target = course_reading(classroom.course) if n % 2 == 0 else course_quiz(classroom.course)
        work = AssignmentFactory(classroom=classroom, kind=kind, target=target, title=f"Work {n}")
        if kind == AssignmentKind.QUIZ and n < 2 * AT_LEAST:
            quiz_attempt_start(assignment=work, student=school.student, now=timezone.now())
    assert Submission.objects.filter(assignment=essay).count() == ROWS
    return school


shared_world, world_copy, school, busy = module_world(make_busy, name="busy")


LISTS = [
    ("/api/v1/classes/", 4),
    ("/api/v1/assignments/", 4),
    ("/api/v1/submissions/", 4),
    ("/api/v1/quiz-attempts/", 4),
    ("/api/v1/courses/", 3),
    ("/api/v1/units/", 3),
    ("/api/v1/readings/", 3),
    ("/api/v1/prompts/", 4),
    ("/api/v1/rubrics/", 3),
]


@pytest.mark.parametrize("role", ["teacher", "student", "school_admin"])
@pytest.mark.parametrize(("url", "queries"), LISTS, ids=[url for url, _ in LISTS])
def test_list_queries_do_not_grow_with_rows(
    busy, api_as, django_assert_max_num_queries, role, url, queries
):
    client = api_as(role)
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    at_least = {"/api/v1/assignments/": ROWS, "/api/v1/units/": ROWS, "/api/v1/readings/": 15}
    assert body["count"] >= at_least.get(url, AT_LEAST)
    # The bound holds for a full page of rows, not for a count alone.
    assert len(body["results"]) >= min(body["count"], AT_LEAST)


def test_roster_queries_do_not_grow_with_the_class(busy, api_as, django_assert_max_num_queries):
    client = api_as("teacher")
    with django_assert_max_num_queries(9):
        response = client.get(f"/api/v1/classes/{busy.classroom.pk}/roster/")
    assert len(response.json()["rows"]) == ROWS


def test_extensions_list_queries_do_not_grow(busy, api_as, django_assert_max_num_queries):
    from courseware.models import Assignment
    from courseware.services.teaching import extension_grant

    assignment = Assignment.objects.filter(classroom=busy.classroom, kind="reading").first()
    for membership in busy.classroom.memberships.filter(role="student"):
        extension_grant(
            assignment=assignment,
            student=membership.user,
            due_at=assignment.due_at + timedelta(days=1),
            by=busy.teacher,
        )
    with django_assert_max_num_queries(5):
        response = api_as("teacher").get(f"/api/v1/assignments/{assignment.pk}/extensions/")
    assert len(response.json()) == ROWS
