"""Query counts of the busiest teaching pages stay fixed as a class grows.

The dataset is a class of 32 students with 42 assignments (readings, essays and quizzes), with
reading progress, quiz attempts, handed-in and returned essays and extensions spread across the
students: one query a row on any of these pages would add dozens of queries and fail the bound.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courseware.models import AssignmentKind
from courseware.services.content import reading_mark_read
from courseware.services.submissions import submission_return
from courseware.services.teaching import (
    assignment_create,
    extension_grant,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from tests.conftest import module_world
from tests.factories import (
    EssayPromptFactory,
    MembershipFactory,
    StudentFactory,
    course_quiz,
    course_reading,
    submitted_submission,
)
from tests.factories.marking import graded

pytestmark = pytest.mark.django_db

STUDENTS = 32
ASSIGNMENTS = 42


def make_busy_class(school):
    classroom = school.classroom
    course = classroom.course
    students = [school.student] + [StudentFactory() for _ in range(STUDENTS - 1)]
    for student in students[1:]:
        MembershipFactory(classroom=classroom, user=student)
    targets = [
        (AssignmentKind.READING, course_reading(course)),
        (AssignmentKind.READING, course_reading(course)),
        (AssignmentKind.ESSAY, EssayPromptFactory(course=course)),
        (AssignmentKind.QUIZ, course_quiz(course, questions=2)),
    ]
    now = timezone.now()
    assignments = []
    for n in range(ASSIGNMENTS):
        kind, target = targets[n % len(targets)]
        assignments.append(
            assignment_create(
                classroom=classroom,
                kind=kind,
                target=target,
                by=school.teacher,
                title=f"Assignment {n}",
                opens_at=now - timedelta(days=10),
                # Spread over overdue, due soon and later, so every dashboard group has rows.
                due_at=now + timedelta(days=n - 10),
                cutoff_at=now + timedelta(days=n - 5),
                max_attempts=2,
            )
        )
    for reading in {t for k, t in targets if k == AssignmentKind.READING}:
        for student in students[::2]:
            reading_mark_read(student=student, reading=reading)
    quizzes = [a for a in assignments if a.kind == AssignmentKind.QUIZ]
    for assignment in quizzes[-4:]:
        questions = list(assignment.quiz.questions.prefetch_related("choices"))
        answers = {q.pk: q.choices.all()[0].pk for q in questions}
        for student in students[:6]:
            attempt = quiz_attempt_start(assignment=assignment, student=student, now=now)
            quiz_attempt_submit(attempt=attempt, answers=answers, now=now)
    essays = [a for a in assignments if a.kind == AssignmentKind.ESSAY]
    for assignment in essays[-3:]:
        for student in students[:5]:
            submitted_submission(assignment, student)
    submission_return(submission=essays[-1].submissions.get(student=students[0]))
    # Marked essays: one released to the student (the dashboard shows its mark), one in hand.
    graded(essays[-2].submissions.get(student=students[0]), school.teacher, release=True)
    graded(essays[-3].submissions.get(student=students[1]), school.teacher)
    for assignment in assignments[:10]:
        for student in students[:3]:
            extension_grant(
                assignment=assignment,
                student=student,
                due_at=assignment.due_at + timedelta(days=2),
                by=school.teacher,
            )
    return school


shared_world, world_copy, school, busy_class = module_world(make_busy_class, name="busy_class")


def test_the_class_page_for_its_teacher_has_a_fixed_query_count(
    client, busy_class, django_assert_max_num_queries
):
    client.force_login(busy_class.teacher)
    with django_assert_max_num_queries(8):
        response = client.get(busy_class.classroom.get_absolute_url())
    assert len(response.context["assignments"]) == ASSIGNMENTS
    assert len(response.context["students"]) == STUDENTS


def test_the_class_page_for_a_school_admin_has_a_fixed_query_count(
    client, busy_class, django_assert_max_num_queries
):
    client.force_login(busy_class.school_admin)
    with django_assert_max_num_queries(8):
        response = client.get(busy_class.classroom.get_absolute_url())
    assert len(response.context["assignments"]) == ASSIGNMENTS


def test_the_class_page_for_a_student_has_a_fixed_query_count(
    client, busy_class, django_assert_max_num_queries
):
    client.force_login(busy_class.student)
    with django_assert_max_num_queries(11):
        response = client.get(busy_class.classroom.get_absolute_url())
    assert len(response.context["work"]) == ASSIGNMENTS


def test_the_student_dashboard_has_a_fixed_query_count(
    client, busy_class, django_assert_max_num_queries
):
    client.force_login(busy_class.student)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("courseware:dashboard"))
    shown = sum(len(section["items"]) for section in response.context["sections"])
    assert shown + len(response.context["closed"]) == ASSIGNMENTS
    assert all(section["items"] for section in response.context["sections"])


def test_the_teacher_dashboard_has_a_fixed_query_count(
    client, busy_class, django_assert_max_num_queries
):
    client.force_login(busy_class.teacher)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("courseware:dashboard"))
    teaching = response.context["teaching"]
    assert [row.count for row in teaching.to_mark] == [4, 4, 5]
    assert len(teaching.upcoming) == 7
    assert len(teaching.recent) == 8


def test_your_grades_has_a_fixed_query_count(client, busy_class, django_assert_max_num_queries):
    client.force_login(busy_class.student)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("courseware:my-grades"))
    assert len(response.context["quiz_results"]) == 4
    assert len(response.context["grades"]) == 1


def test_the_roster_has_a_fixed_query_count(client, busy_class, django_assert_max_num_queries):
    client.force_login(busy_class.teacher)
    with django_assert_max_num_queries(11):
        response = client.get(
            reverse("courseware:classroom-roster", args=[busy_class.classroom.pk])
        )
    rows = response.context["roster"].rows
    assert len(rows) == STUDENTS
    first = next(row for row in rows if row.student == busy_class.student)
    assert (first.readings_read, first.quizzes_done, first.essays_handed_in) == (2, 4, 3)
    assert first.extensions == 10


def test_the_assignment_page_for_its_teacher_does_not_grow_with_the_class(client, busy_class):
    quiz = busy_class.classroom.assignments.filter(kind=AssignmentKind.QUIZ).last()
    client.force_login(busy_class.teacher)
    with CaptureQueriesContext(connection) as big:
        response = client.get(quiz.get_absolute_url())
    assert len(response.context["progress"]) == STUDENTS
    assert len(big.captured_queries) <= 13  # with the open help requests and the attempt grants
