"""The annotations API: the W3C Web Annotation shape, and bad input refused with nothing
changed."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.models import Annotation, Paragraph
from courseware.services import annotations as services
from tests.courseware.annotations.conftest import annotate

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(school):
    client = APIClient()
    client.force_authenticate(school.student)
    return client


def _list_url(world):
    return f"/api/v1/assignments/{world.reading.pk}/annotations/"


def test_an_annotation_is_created_from_a_w3c_target_and_read_back_in_the_same_shape(
    api, school, world
):
    text = Paragraph.objects.get(reading=world.text, number=2).text
    at = text.index("Troika")
    response = api.post(
        _list_url(world),
        {
            "reading": world.text.slug,
            "kind": "question",
            "text": "Which *Troika*?",
            "tag": "actors",
            "visibility": "class",
            "target": {
                "paragraph": 2,
                "selector": [
                    {"type": "TextQuoteSelector", "exact": "Troika"},
                    {"type": "TextPositionSelector", "start": at, "end": at + 6},
                ],
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert body["type"] == "Annotation" and body["motivation"] == "questioning"
    assert body["body"] == [
        {
            "type": "TextualBody",
            "value": "Which *Troika*?",
            "format": "text/markdown",
            "purpose": "questioning",
        },
        {"type": "TextualBody", "value": "actors", "purpose": "tagging"},
    ]
    target = body["target"]
    assert target["source"].endswith(f"/readings/{world.text.slug}/#p-2")
    assert target["paragraph"] == 2 and target["state"] == "exact"
    quote, position = target["selector"]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "Troika",
        "prefix": text[:at][-32:],
        "suffix": text[at + 6 :][:32],
    }
    assert position == {"type": "TextPositionSelector", "start": at, "end": at + 6}
    fetched = api.get(body["id"]).json()
    assert fetched == body


def test_a_reply_targets_the_annotation_it_answers(api, school, world):
    note = annotate(world, school.student)
    response = api.post(f"/api/v1/annotations/{note.pk}/replies/", {"text": "More"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["motivation"] == "replying"
    assert body["target"]["id"].endswith(f"/api/v1/annotations/{note.pk}/")
    assert body["in_reply_to"] == note.pk


def test_the_list_holds_what_the_user_sees_and_filters_by_reading(api, school, world):
    mine = annotate(world, school.student, visibility="private")
    shared = annotate(world, world.peer)
    annotate(world, world.peer, visibility="private")
    services.annotation_hide(
        annotation=annotate(world, world.peer), by=school.teacher, hidden=True, now=timezone.now()
    )
    results = api.get(_list_url(world)).json()["results"]
    assert [r["pk"] for r in results] == [mine.pk, shared.pk]
    assert api.get(_list_url(world) + "?reading=other").json()["results"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reading": "nope", "text": "x", "target": {"paragraph": 1}}, "reading"),
        ({"text": "x", "target": {"paragraph": 1}}, "reading"),
        ({"text": "x", "target": {"paragraph": 99}}, "paragraph"),
        ({"text": "x", "target": {"paragraph": "1"}}, "target"),
        ({"text": 5, "target": {"paragraph": 1}}, "text"),
        ({"text": "x", "kind": "shout", "target": {"paragraph": 1}}, "kind"),
        ({"text": "x", "visibility": "world", "target": {"paragraph": 1}}, "visibility"),
        ({"text": "", "target": {"paragraph": 1}}, "text"),
        ({"text": "x", "colour": "red", "target": {"paragraph": 1}}, "colour"),
        (
            {
                "text": "x",
                "target": {
                    "paragraph": 1,
                    "selector": [{"type": "TextQuoteSelector", "exact": "not in it"}],
                },
            },
            "exact",
        ),
        (
            {"text": "x", "target": {"paragraph": 1, "selector": [{"type": "CssSelector"}]}},
            "target",
        ),
        ({"text": "a\x00b", "target": {"paragraph": 1}}, "text"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(api, world, body, field):
    if "reading" not in body:
        body = {**body, "reading": world.text.slug}
    if field == "reading" and body.get("reading") != "nope":
        body = {k: v for k, v in body.items() if k != "reading"}
    response = api.post(_list_url(world), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json() or field in response.json().get("detail", "")
    assert not Annotation.objects.exists()


def test_a_student_cannot_endorse_and_a_teacher_can(school, world):
    note = annotate(world, school.student)
    student, teacher = APIClient(), APIClient()
    student.force_authenticate(school.student)
    teacher.force_authenticate(school.teacher)
    url = f"/api/v1/annotations/{note.pk}/endorse/"
    assert student.post(url, {"endorsed": True}, format="json").status_code == 403
    response = teacher.post(url, {"endorsed": True}, format="json")
    assert response.json()["endorsed"] is True
    assert teacher.post(url, {"endorsed": "yes"}, format="json").status_code == 400


def test_a_reading_filter_that_is_no_slug_lists_nothing_and_does_not_fail(api, school, world):
    annotate(world, school.student)
    response = api.get(_list_url(world), {"reading": "../a b"})
    assert response.status_code == 200
    assert response.json()["results"] == []
