"""Marking pages keep a fixed number of queries whatever the size: a queue of 3,000 essays and a
gradebook of 30 students × 40 assignments take as many queries as a class of three."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ClassroomFactory,
    MembershipFactory,
    bulk_gradebook,
    bulk_marking_queue,
    essay_assignment,
)

QUEUE_QUERIES = 14
GRADEBOOK_QUERIES = 14
MARKING_PAGE_QUERIES = 28


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def queue_of(school):
    def build(count: int, tag: str):
        assignment = essay_assignment(school.classroom, title=f"Essay {tag}")
        bulk_marking_queue(assignment, count, marker=school.teacher, tag=tag)
        return assignment

    return build


def test_the_marking_queue_of_3000_essays_takes_as_many_queries_as_one_of_3(
    client, school, queue_of, django_assert_max_num_queries
):
    small = queue_of(3, "small")
    client.force_login(school.teacher)
    small_count = _queries(client, reverse("courseware:marking-queue", args=[small.pk]))
    large = queue_of(3000, "large")
    url = reverse("courseware:marking-queue", args=[large.pk])
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(url)
    # Everyone in the class: the 3,000, the small queue's 3 and the school's own student.
    assert response.content.count(b'class="state-row-') == 3000 + 3 + 1
    assert _queries(client, url) == small_count
    # Filtered and sorted, still the same.
    assert _queries(client, f"{url}?show=to_mark&sort=late") == small_count


def test_the_marking_page_takes_the_same_queries_in_a_queue_of_3000(
    client, school, queue_of, django_assert_max_num_queries
):
    from courseware.models import Submission

    small = queue_of(3, "small")
    large = queue_of(3000, "large")
    client.force_login(school.teacher)
    counts = []
    for assignment in (small, large):
        submission = Submission.objects.filter(assignment=assignment, grade__isnull=False).first()
        url = reverse("courseware:mark-submission", args=[submission.pk])
        with django_assert_max_num_queries(MARKING_PAGE_QUERIES):
            counts.append(_queries(client, url))
    assert counts[0] == counts[1]


def test_the_gradebook_of_30_students_by_40_assignments_takes_as_many_queries_as_3_by_2(
    client, school, django_assert_max_num_queries
):
    small = ClassroomFactory(course=school.classroom.course)
    large = ClassroomFactory(course=school.classroom.course)
    for classroom in (small, large):
        MembershipFactory(classroom=classroom, user=school.teacher, role="teacher")
    bulk_gradebook(small, students=3, essays=1, quizzes=1, marker=school.teacher, tag="small")
    bulk_gradebook(large, students=30, essays=30, quizzes=10, marker=school.teacher, tag="large")
    client.force_login(school.teacher)
    small_count = _queries(client, reverse("courseware:gradebook", args=[small.pk]))
    url = reverse("courseware:gradebook", args=[large.pk])
    with django_assert_max_num_queries(GRADEBOOK_QUERIES):
        response = client.get(url)
    body = response.content.decode()
    assert body.count('<th scope="row">') == 30 + 1  # students and the averages row
    assert _queries(client, url) == small_count
    export = reverse("courseware:gradebook-export", args=[large.pk, "csv"])
    assert _queries(client, export) <= GRADEBOOK_QUERIES
