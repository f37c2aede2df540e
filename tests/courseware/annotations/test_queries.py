"""Annotated pages and lists cost the same number of queries for 5 annotations as for 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.models import Annotation, Paragraph
from tests.factories import submission_for

pytestmark = pytest.mark.django_db


def _bulk(world, school, count: int) -> None:
    """``count`` annotations, a fifth of them replies: notes, questions and spans by three
    people, some endorsed, written in two statements whatever the count."""
    now = timezone.now()
    paragraphs = list(Paragraph.objects.filter(reading=world.text).order_by("number"))
    authors = [school.student, world.peer, school.teacher]
    roots = []
    for n in range(count - count // 5):
        paragraph = paragraphs[n % len(paragraphs)]
        span = n % 2 == 0
        exact = paragraph.text[:9] if span else ""
        roots.append(
            Annotation(
                assignment=world.reading,
                reading=world.text,
                author=authors[n % 3],
                paragraph=paragraph,
                paragraph_number=paragraph.number,
                exact=exact,
                start=0 if span else None,
                end=len(exact) if span else None,
                suffix=paragraph.text[9:41] if span else "",
                kind="question" if n % 4 == 0 else "note",
                text=f"Note {n} on *this*",
                visibility="private" if n % 7 == 0 else "class",
                endorsed_at=now if n % 5 == 0 else None,
                endorsed_by=school.teacher if n % 5 == 0 else None,
                created_at=now,
                updated_at=now,
            )
        )
    roots = Annotation.objects.bulk_create(roots)
    shared = [r for r in roots if r.visibility == "class"]
    Annotation.objects.bulk_create(
        Annotation(
            assignment=world.reading,
            reading=world.text,
            author=authors[(n + 1) % 3],
            parent=shared[n % len(shared)],
            text=f"Reply {n}",
            visibility="class",
            created_at=now,
            updated_at=now,
        )
        for n in range(count // 5)
    )


def _queries(request) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        status = request()
    return status, len(captured)


def _compare(world, school, user, request) -> None:
    _bulk(world, school, 5)
    status, few = _queries(request)
    assert status == 200
    _bulk(world, school, 495)
    assert Annotation.objects.count() == 500
    status, many = _queries(request)
    assert status == 200
    assert many == few, f"{few} queries for 5 annotations, {many} for 500"


def _page(client, url):
    return lambda: client.get(url).status_code


def test_the_annotated_reading_costs_the_same_for_500_annotations(client, school, world):
    client.force_login(school.student)
    url = reverse("courseware:annotation-reading", args=[world.reading.pk, world.text.slug])
    _compare(world, school, school.student, _page(client, url))


def test_the_teachers_view_costs_the_same_for_500_annotations(client, school, world):
    client.force_login(school.teacher)
    url = reverse("courseware:annotation-overview", args=[world.reading.pk, world.text.slug])
    _compare(world, school, school.teacher, _page(client, url))


def test_the_csv_export_costs_the_same_for_500_annotations(client, school, world):
    client.force_login(school.teacher)
    url = reverse("courseware:annotation-export", args=[world.reading.pk])
    _compare(world, school, school.teacher, _page(client, url))


def test_the_api_list_costs_the_same_for_a_full_page(school, world):
    api = APIClient()
    api.force_authenticate(school.teacher)
    url = f"/api/v1/assignments/{world.reading.pk}/annotations/"
    _compare(world, school, school.teacher, lambda: api.get(url).status_code)


def test_the_essay_editor_costs_the_same_with_500_annotations(client, school, world):
    submission_for(world.essay, school.student)
    client.force_login(school.student)
    url = reverse("courseware:essay-write", args=[world.essay.pk])
    _compare(world, school, school.student, _page(client, url))
