"""Every marking URL and API endpoint against every role.

Roles (``tests.conftest.ROLES``): a school admin; the teacher and a student of ``classroom``;
the teacher and a student of ``other_classroom``; an anonymous visitor. The essay belongs to
``school.student`` and is marked and released unless a row says otherwise. Marking pages exist
only for those who mark the class: to everyone else they are a 404, like a missing page. An
anonymous visitor is sent to log in (pages) or answered 401 (API).
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.services.marking import comment_bank_add, inline_comment_add
from tests.conftest import ROLES, module_world
from tests.courseware.marking.conftest import make_essay
from tests.factories import criterion_marks, graded

LOGIN = "login"
MARKERS_ONLY = {
    "school_admin": 200,
    "teacher": 200,
    "other_teacher": 404,
    "student": 404,
    "other_student": 404,
}


def markers(success):
    return {**MARKERS_ONLY, "school_admin": success, "teacher": success}


def make_world(school):
    """The essay marked and released, an inline comment on it, and a comment in the class
    teacher's bank."""
    essay = make_essay(school)
    graded(essay.submission, school.teacher, release=True)
    comment = inline_comment_add(
        submission=essay.submission,
        paragraph=1,
        start=0,
        end=7,
        quote="Trotsky",
        text="Which Trotsky?",
        by=school.teacher,
        now=timezone.now(),
    )
    entry = comment_bank_add(owner=school.teacher, text="Cite the paragraph.", now=timezone.now())
    return {
        "assignment": essay.assignment,
        "submission": essay.submission,
        "comment": comment,
        "entry": entry,
        "classroom": school.classroom,
    }


shared_world, world_copy, school, world = module_world(make_world)

# A saved comment is its owner's alone: to anyone else it does not exist.
BANK_OWNER = {
    "school_admin": 404,
    "teacher": 302,
    "other_teacher": 404,
    "student": 404,
    "other_student": 404,
}

# name, method, kwargs builder, POST data, expected per role
PAGES = [
    ("courseware:marking-queue", "get", lambda w: {"pk": w["assignment"].pk}, None, MARKERS_ONLY),
    (
        "courseware:marking-export",
        "get",
        lambda w: {"pk": w["assignment"].pk, "fmt": "csv"},
        None,
        MARKERS_ONLY,
    ),
    (
        "courseware:marking-export",
        "get",
        lambda w: {"pk": w["assignment"].pk, "fmt": "xlsx"},
        None,
        MARKERS_ONLY,
    ),
    (
        "courseware:assignment-statistics",
        "get",
        lambda w: {"pk": w["assignment"].pk},
        None,
        MARKERS_ONLY,
    ),
    (
        "courseware:marking-reveal",
        "post",
        lambda w: {"pk": w["assignment"].pk},
        {},
        markers(302),
    ),
    (
        "courseware:marking-release-all",
        "get",
        lambda w: {"pk": w["assignment"].pk},
        None,
        MARKERS_ONLY,
    ),
    (
        "courseware:marking-release-all",
        "post",
        lambda w: {"pk": w["assignment"].pk},
        {"confirm": "yes"},
        markers(302),
    ),
    ("courseware:mark-submission", "get", lambda w: {"pk": w["submission"].pk}, None, MARKERS_ONLY),
    (
        "courseware:mark-submission",
        "post",
        lambda w: {"pk": w["submission"].pk},
        lambda w: {
            "overall_comment": "Changed",
            "action": "save",
            **{
                f"level-{m.criterion_id}": m.level_id
                for m in criterion_marks(w["assignment"].prompt.rubric)
            },
        },
        markers(302),
    ),
    (
        "courseware:grade-release",
        "post",
        lambda w: {"pk": w["submission"].pk},
        {},
        markers(302),
    ),
    (
        "courseware:inline-comment-delete",
        "post",
        lambda w: {"pk": w["comment"].pk},
        {},
        markers(302),
    ),
    (
        "courseware:feedback",
        "get",
        lambda w: {"pk": w["submission"].pk},
        None,
        {**MARKERS_ONLY, "student": 200},
    ),
    (
        "courseware:feedback-pdf",
        "get",
        lambda w: {"pk": w["submission"].pk},
        None,
        {**MARKERS_ONLY, "student": 200},
    ),
    ("courseware:gradebook", "get", lambda w: {"pk": w["classroom"].pk}, None, MARKERS_ONLY),
    (
        "courseware:gradebook-export",
        "get",
        lambda w: {"pk": w["classroom"].pk, "fmt": "csv"},
        None,
        MARKERS_ONLY,
    ),
    (
        "courseware:gradebook-export",
        "get",
        lambda w: {"pk": w["classroom"].pk, "fmt": "xlsx"},
        None,
        MARKERS_ONLY,
    ),
    (
        "courseware:comment-bank",
        "get",
        lambda w: {},
        None,
        {**dict.fromkeys(ROLES, 200), "student": 403, "other_student": 403},
    ),
    (
        "courseware:comment-bank",
        "post",
        lambda w: {},
        {"text": "Well structured.", "criterion_tag": ""},
        {**dict.fromkeys(ROLES, 302), "student": 403, "other_student": 403},
    ),
    ("courseware:comment-bank-delete", "post", lambda w: {"pk": w["entry"].pk}, {}, BANK_OWNER),
    ("courseware:my-grades", "get", lambda w: {}, None, dict.fromkeys(ROLES, 200)),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "kwargs", "data", "expected"),
    PAGES,
    ids=[f"{p[1]}-{p[0]}-{i}" for i, p in enumerate(PAGES)],
)
def test_marking_page_answers_each_role_as_expected(
    client, school, world, role, name, method, kwargs, data, expected
):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs(world))
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, data(world) if callable(data) else data)
    want = LOGIN if role == "anonymous" else expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want


def test_a_student_does_not_see_feedback_before_it_is_released(client, school, essay):
    graded(essay.submission, school.teacher)
    client.force_login(school.student)
    for name in ("courseware:feedback", "courseware:feedback-pdf"):
        assert client.get(reverse(name, args=[essay.submission.pk])).status_code == 404
    client.force_login(school.teacher)
    assert client.get(reverse("courseware:feedback", args=[essay.submission.pk])).status_code == 200


def test_another_classs_essay_and_a_missing_one_look_the_same(client, school, world):
    client.force_login(school.other_teacher)
    forbidden = client.get(reverse("courseware:mark-submission", args=[world["submission"].pk]))
    missing = client.get(reverse("courseware:mark-submission", args=[999_999]))
    assert forbidden.status_code == missing.status_code == 404


# --- API ----------------------------------------------------------------------------------------

API_MARKERS = {**MARKERS_ONLY}


def _grade_body(world):
    return {
        "criteria": [
            {"criterion": m.criterion_id, "level": m.level_id}
            for m in criterion_marks(world["assignment"].prompt.rubric)
        ],
        "overall_comment": "Through the API",
    }


API = [
    (
        "api-grade",
        "get",
        lambda w: {"pk": w["submission"].pk},
        None,
        {**MARKERS_ONLY, "student": 200},
    ),
    (
        "api-grade",
        "put",
        lambda w: {"pk": w["submission"].pk},
        _grade_body,
        {**MARKERS_ONLY, "student": 403},
    ),
    (
        "api-grade-release",
        "post",
        lambda w: {"pk": w["submission"].pk},
        lambda w: {},
        {**MARKERS_ONLY, "student": 403},
    ),
    (
        "api-inline-comments",
        "get",
        lambda w: {"pk": w["submission"].pk},
        None,
        {**MARKERS_ONLY, "student": 403},
    ),
    (
        "api-inline-comments",
        "post",
        lambda w: {"pk": w["submission"].pk},
        lambda w: {"paragraph": 1, "start": 0, "end": 7, "quote": "Trotsky", "text": "Again"},
        {**markers(201), "student": 403},
    ),
    (
        "api-inline-comment",
        "delete",
        lambda w: {"pk": w["comment"].pk},
        None,
        markers(204),
    ),
    (
        "api-assignment-grades",
        "get",
        lambda w: {"pk": w["assignment"].pk},
        None,
        MARKERS_ONLY,
    ),
    (
        "api-assignment-release",
        "post",
        lambda w: {"pk": w["assignment"].pk},
        lambda w: {},
        MARKERS_ONLY,
    ),
    (
        "api-comment-bank",
        "get",
        lambda w: {},
        None,
        {**dict.fromkeys(ROLES, 200), "student": 403, "other_student": 403},
    ),
    (
        "api-comment-bank",
        "post",
        lambda w: {},
        lambda w: {"text": "Good use of Carr."},
        {**dict.fromkeys(ROLES, 201), "student": 403, "other_student": 403},
    ),
    (
        "api-comment-bank-entry",
        "delete",
        lambda w: {"pk": w["entry"].pk},
        None,
        {**BANK_OWNER, "teacher": 204},
    ),
    ("api-my-grades", "get", lambda w: {}, None, dict.fromkeys(ROLES, 200)),
    ("api-gradebook", "get", lambda w: {"pk": w["classroom"].pk}, None, MARKERS_ONLY),
    (
        "api-gradebook-export",
        "get",
        lambda w: {"pk": w["classroom"].pk, "fmt": "csv"},
        None,
        MARKERS_ONLY,
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "kwargs", "data", "expected"),
    API,
    ids=[f"{a[1]}-{a[0]}-{i}" for i, a in enumerate(API)],
)
def test_marking_api_answers_each_role_as_expected(
    school, world, role, name, method, kwargs, data, expected
):
    api = APIClient()
    user = school.user_for(role)
    if user is not None:
        api.force_authenticate(user)
    url = reverse(name, kwargs={"version": "v1", **kwargs(world)})
    body = data(world) if data else None
    response = getattr(api, method)(url, body, format="json")
    want = 401 if role == "anonymous" else expected[role]
    assert response.status_code == want, response.content[:300]
