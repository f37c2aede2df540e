"""The content admin: every content model is listed and searchable; imported text and used
rubrics are read-only there."""

import pytest
from django.urls import reverse

from courseware.models import AssignmentKind
from tests.factories.teaching import AssignmentFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "unit",
    "reading",
    "paragraph",
    "footnote",
    "editorialnote",
    "term",
    "person",
    "timelineevent",
    "rubric",
    "criterion",
    "essayprompt",
    "quiz",
    "question",
]


@pytest.mark.parametrize("model", MODELS)
def test_each_content_model_has_a_working_admin_list_and_search(client, school, content, model):
    client.force_login(school.school_admin)
    url = reverse(f"admin:courseware_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "Trotsky"}).status_code == 200


def test_a_reading_opens_in_the_admin_with_its_text_read_only(client, school, content):
    client.force_login(school.school_admin)
    reading_page = client.get(reverse("admin:courseware_reading_change", args=[content.reading.pk]))
    assert reading_page.status_code == 200
    paragraph = content.reading.paragraphs.first()
    page = client.get(reverse("admin:courseware_paragraph_change", args=[paragraph.pk]))
    assert page.status_code == 200
    assert b'name="text"' not in page.content
    assert client.get(reverse("admin:courseware_reading_add")).status_code == 403


def test_a_used_rubric_cannot_be_changed_in_the_admin(client, school, content):
    client.force_login(school.school_admin)
    url = reverse("admin:courseware_rubric_change", args=[content.rubric.pk])
    assert b'name="title"' in client.get(url).content
    AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.ESSAY, target=content.prompt)
    assert b'name="title"' not in client.get(url).content
    response = client.post(url, {"title": "Changed"})
    content.rubric.refresh_from_db()
    assert content.rubric.title != "Changed"
    assert response.status_code == 403
