"""The help requests API: ask, list (own, or the classes one teaches; filtered), reply and
resolve; errors as JSON; the list costs the same queries for 5 requests as for 20."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.models import HelpRequest, HelpStatus, Membership, MembershipRole
from courseware.services import help as services
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/help-requests/"


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_student_asks_and_the_teacher_answers_and_resolves(school, help_world):
    response = as_user(school.student).post(
        URL,
        {
            "assignment": help_world.reading.pk,
            "text": "Is ¶2 sarcastic?",
            "reference": f"[[{help_world.text.slug}#p-2]]",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == f"{help_world.text.slug}#p-2"
    assert body["status"] == "open" and body["replies"] == []
    assert body["classroom"] == school.classroom.pk

    teacher = as_user(school.teacher)
    listed = teacher.get(URL, {"classroom": school.classroom.pk, "status": "open"}).json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]
    answered = teacher.post(
        f"{URL}{body['id']}/replies/", {"text": "Yes.", "resolve": True}, format="json"
    )
    assert answered.status_code == 201
    assert answered.json()["status"] == "resolved"
    assert [r["text"] for r in answered.json()["replies"]] == ["Yes."]
    assert teacher.get(URL, {"status": "open"}).json()["results"] == []
    mine = as_user(school.student).get(f"{URL}{body['id']}/").json()
    assert mine["replies"][0]["author"] == school.teacher.name


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "Help"}, "assignment"),
        ({"assignment": "x", "text": "Help"}, "assignment"),
        ({"assignment": 1, "text": ""}, "text"),
        ({"assignment": 1, "text": "x" * 2001}, "text"),
        ({"assignment": 1, "text": "Help", "reference": "p-2"}, "reference"),
    ],
)
def test_bad_questions_are_field_errors_and_change_nothing(school, help_world, body, field):
    if body.get("assignment") == 1:
        body = {**body, "assignment": help_world.essay.pk}
    response = as_user(school.student).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not HelpRequest.objects.exists()


def test_nobody_else_sees_a_request_in_a_list(school, help_world):
    services.help_request_ask(
        assignment=help_world.essay, student=school.student, text="Help", now=timezone.now()
    )
    for outsider in (school.other_teacher, school.other_student, school.school_admin):
        assert as_user(outsider).get(URL).json()["results"] == []


def _many(school, help_world, count):
    now = timezone.now()
    for n in range(count):
        student = StudentFactory()
        Membership.objects.create(
            classroom=school.classroom, user=student, role=MembershipRole.STUDENT
        )
        help_request = services.help_request_ask(
            assignment=help_world.essay,
            student=student,
            text=f"Question {n}",
            reference=f"{help_world.text.slug}#p-1",
            now=now - timedelta(minutes=n),
        )
        services.help_request_reply(
            help_request=help_request, by=school.teacher, text="See me", now=now
        )
        if n % 2:
            services.help_request_resolve(help_request=help_request, by=school.teacher, now=now)


def test_the_list_costs_the_same_queries_for_5_requests_as_for_20(school, help_world):
    teacher = as_user(school.teacher)
    _many(school, help_world, 5)
    with CaptureQueriesContext(connection) as few:
        assert len(teacher.get(URL).json()["results"]) == 5
    _many(school, help_world, 15)
    with CaptureQueriesContext(connection) as many:
        assert len(teacher.get(URL).json()["results"]) == 20
    assert len(many) == len(few)
    assert HelpRequest.objects.filter(status=HelpStatus.RESOLVED).count() == 2 + 7
