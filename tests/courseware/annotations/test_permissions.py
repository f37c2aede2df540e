"""Every annotation URL and API operation against every role.

Roles (``tests.conftest.ROLES``): a school admin; the teacher and a student of ``classroom``;
the teacher and a student of ``other_classroom``; an anonymous visitor. The annotations are in
``classroom``'s reading assignment: ``note`` is the student's, shared with the class; ``private``
is the student's private note. The same text is set in ``other_classroom`` too, which must not
open a door into ``classroom``'s notes. Outside the class everything is a 404, the same as a
missing object; a member who may see but not do gets a 403; pages send anonymous visitors to log
in and the API answers them 401. School admins read and moderate but do not write in a class
they are not in.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.models import Annotation
from courseware.services import annotations as services
from tests.conftest import ROLES
from tests.courseware.annotations.conftest import annotate

pytestmark = pytest.mark.django_db

LOGIN = "login"


def _expect(admin, teacher, other_teacher, student, other_student, anonymous=LOGIN) -> dict:
    return dict(
        zip(ROLES, [admin, teacher, other_teacher, student, other_student, anonymous], strict=True)
    )


READERS = _expect(200, 200, 404, 200, 404)
TEACHERS = _expect(200, 200, 404, 403, 404)
WRITERS = _expect(403, 302, 404, 302, 404)
MODERATORS = _expect(302, 302, 404, 403, 404)


@pytest.fixture
def objects(school, world):
    note = annotate(world, school.student, text="Shared note")
    private = annotate(world, school.student, text="Private note", visibility="private")
    services.annotation_reply(parent=note, author=school.teacher, text="Reply", now=timezone.now())
    return {"world": world, "school": school, "note": note, "private": private}


def _reading(o, assignment="reading"):
    world = o["world"]
    return {"pk": getattr(world, assignment).pk, "slug": world.text.slug}


GETS = [
    ("courseware:annotation-reading", _reading, READERS),
    ("courseware:annotation-reading", lambda o: _reading(o, "essay"), READERS),
    ("courseware:annotation-overview", _reading, TEACHERS),
    ("courseware:annotation-export", lambda o: {"pk": o["world"].reading.pk}, TEACHERS),
]

NOTE_BODY = {"paragraph": 2, "kind": "note", "text": "Mine", "visibility": "class"}

POSTS = [
    ("courseware:annotation-reading", _reading, NOTE_BODY, WRITERS),
    ("courseware:annotation-reply", lambda o: {"pk": o["note"].pk}, {"text": "Yes"}, WRITERS),
    (
        "courseware:annotation-reply",
        lambda o: {"pk": o["private"].pk},
        {"text": "Yes"},
        _expect(404, 404, 404, 302, 404),
    ),
    (
        "courseware:annotation-endorse",
        lambda o: {"pk": o["note"].pk},
        {"value": "on"},
        MODERATORS,
    ),
    (
        "courseware:annotation-endorse",
        lambda o: {"pk": o["private"].pk},
        {"value": "on"},
        _expect(404, 404, 404, 403, 404),
    ),
    ("courseware:annotation-hide", lambda o: {"pk": o["note"].pk}, {"value": "on"}, MODERATORS),
    (
        "courseware:annotation-delete",
        lambda o: {"pk": o["note"].pk},
        {},
        _expect(302, 302, 404, 302, 404),
    ),
    (
        "courseware:annotation-settings",
        lambda o: {"pk": o["world"].reading.pk},
        {"value": "on"},
        MODERATORS,
    ),
    (
        "courseware:annotation-mark",
        lambda o: {"pk": o["world"].reading.pk, "student_pk": o["school"].student.pk},
        {"mark": "80"},
        MODERATORS,
    ),
]


def _check(response, want):
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "expected"), GETS, ids=[f"{g[0]}-{i}" for i, g in enumerate(GETS)]
)
def test_page_answers_each_role(client, school, objects, role, name, kwargs, expected):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    _check(client.get(reverse(name, kwargs=kwargs(objects))), expected[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "body", "expected"), POSTS, ids=[f"{p[0]}-{i}" for i, p in enumerate(POSTS)]
)
def test_action_answers_each_role(client, school, objects, role, name, kwargs, body, expected):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    _check(client.post(reverse(name, kwargs=kwargs(objects)), body), expected[role])


@pytest.mark.parametrize(
    "name",
    [
        "courseware:annotation-reply",
        "courseware:annotation-endorse",
        "courseware:annotation-hide",
        "courseware:annotation-delete",
    ],
)
def test_actions_that_change_things_refuse_get(client, school, objects, name):
    client.force_login(school.teacher)
    assert client.get(reverse(name, kwargs={"pk": objects["note"].pk})).status_code == 405


def test_a_reading_not_set_in_the_assignment_is_a_404(client, school, objects, world):
    client.force_login(school.student)
    url = reverse(
        "courseware:annotation-reading", kwargs={"pk": world.reading.pk, "slug": "no-such"}
    )
    assert client.get(url).status_code == 404


def test_another_class_annotation_looks_exactly_like_a_missing_one(client, school, objects):
    client.force_login(school.other_student)
    forbidden = client.post(reverse("courseware:annotation-reply", args=[objects["note"].pk]))
    missing = client.post(reverse("courseware:annotation-reply", args=[999_999]))
    assert forbidden.status_code == missing.status_code == 404


# --- API ----------------------------------------------------------------------------------------

API_READERS = _expect(200, 200, 404, 200, 404, 401)


API = [
    (
        "list",
        "get",
        lambda o: f"assignments/{o['world'].reading.pk}/annotations/",
        None,
        API_READERS,
    ),
    (
        "create",
        "post",
        lambda o: f"assignments/{o['world'].reading.pk}/annotations/",
        {"reading": None, "text": "Mine", "target": {"paragraph": 1}},
        _expect(403, 201, 404, 201, 404, 401),
    ),
    ("retrieve", "get", lambda o: f"annotations/{o['note'].pk}/", None, API_READERS),
    (
        "retrieve-private",
        "get",
        lambda o: f"annotations/{o['private'].pk}/",
        None,
        _expect(404, 404, 404, 200, 404, 401),
    ),
    (
        "reply",
        "post",
        lambda o: f"annotations/{o['note'].pk}/replies/",
        {"text": "Agreed"},
        _expect(403, 201, 404, 201, 404, 401),
    ),
    (
        "endorse",
        "post",
        lambda o: f"annotations/{o['note'].pk}/endorse/",
        {"endorsed": True},
        _expect(200, 200, 404, 403, 404, 401),
    ),
    (
        "hide",
        "post",
        lambda o: f"annotations/{o['note'].pk}/hide/",
        {"hidden": True},
        _expect(200, 200, 404, 403, 404, 401),
    ),
    (
        "delete",
        "delete",
        lambda o: f"annotations/{o['note'].pk}/",
        None,
        _expect(204, 204, 404, 204, 404, 401),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "expected"), API, ids=[a[0] for a in API]
)
def test_api_answers_each_role(school, objects, role, name, method, url, body, expected):
    client = APIClient()
    user = school.user_for(role)
    if user is not None:
        client.force_authenticate(user)
    if body is not None and "reading" in body:
        body = {**body, "reading": objects["world"].text.slug}
    response = getattr(client, method)(f"/api/v1/{url(objects)}", body, format="json")
    assert response.status_code == expected[role], response.content
    if response.status_code == 404:
        assert response.json() == {"detail": "Not found."}


def test_deleting_through_the_api_keeps_a_tombstone_and_the_replies(school, objects):
    client = APIClient()
    client.force_authenticate(school.student)
    assert client.delete(f"/api/v1/annotations/{objects['note'].pk}/").status_code == 204
    note = Annotation.objects.get(pk=objects["note"].pk)
    assert note.is_deleted and note.replies.count() == 1


@pytest.mark.parametrize("model", ["annotation", "annotationparticipation"])
@pytest.mark.parametrize("role", ROLES)
def test_the_admin_lists_annotations_for_school_admins_only(client, school, objects, role, model):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(f"admin:courseware_{model}_changelist"))
    if role == "school_admin":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
