"""Every essay URL and API endpoint against every role.

Roles (``tests.conftest.ROLES``): a school admin; the teacher and a student of ``classroom``;
the teacher and a student of ``other_classroom``; an anonymous visitor. The essay belongs to
``school.student``. A submission a user may not see is a 404; one they may see but not write
is a 403; an anonymous visitor is sent to log in (pages) or answered 401 (API).
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from courseware.services.teaching import membership_remove
from tests.conftest import ROLES, module_world
from tests.factories import (
    course_reading,
    essay_assignment,
    essay_text,
    submission_for,
    submitted_submission,
)

LOGIN = "login"
VIEWERS = {
    "school_admin": 200,
    "teacher": 200,
    "other_teacher": 404,
    "student": 200,
    "other_student": 404,
}


def writer_only(success):
    """The student writes; others who may see it are refused; the rest do not see it."""
    return {
        "school_admin": 403,
        "teacher": 403,
        "other_teacher": 404,
        "student": success,
        "other_student": 404,
    }


STUDENT_ONLY = {
    "school_admin": 404,
    "teacher": 404,
    "other_teacher": 404,
    "student": 200,
    "other_student": 404,
}


def make_essay_world(school):
    """The student's essay: version 1 handed in, and a revised draft ready to hand in again."""
    reading = course_reading(school.classroom.course, slug="cited-reading")
    assignment = essay_assignment(
        school.classroom, min_words=10, max_words=50, allow_resubmission=True, readings=[reading]
    )
    submission = submitted_submission(assignment, school.student)
    submission = submission_for(assignment, school.student, text=essay_text(20))
    return assignment, submission


shared_world, world_copy, school, essay_world = module_world(make_essay_world, name="essay_world")


def _essay_text():
    return essay_text(25)


# name, method, kwargs builder, POST data builder, expected per role
PAGES = [
    ("courseware:essay-write", "get", lambda a, s: {"pk": a.pk}, None, {**STUDENT_ONLY}),
    (
        "courseware:essay-write",
        "post",
        lambda a, s: {"pk": a.pk},
        lambda s: {},
        {**STUDENT_ONLY, "student": 302},
    ),
    ("courseware:submission-detail", "get", lambda a, s: {"pk": s.pk}, None, VIEWERS),
    (
        "courseware:submission-version",
        "get",
        lambda a, s: {"pk": s.pk, "number": 1},
        None,
        VIEWERS,
    ),
    (
        "courseware:submission-draft-save",
        "post",
        lambda a, s: {"pk": s.pk},
        lambda s: {"text": _essay_text(), "revision": s.revision},
        writer_only(302),
    ),
    (
        "courseware:submission-submit",
        "post",
        lambda a, s: {"pk": s.pk},
        lambda s: {"text": s.draft_text, "revision": s.revision, "honesty": "on"},
        writer_only(302),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "kwargs", "data", "expected"),
    PAGES,
    ids=[f"{p[1]}-{p[0]}" for p in PAGES],
)
def test_essay_page_answers_each_role_as_expected(
    client, school, essay_world, role, name, method, kwargs, data, expected
):
    assignment, submission = essay_world
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs(assignment, submission))
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, data(submission))
    want = LOGIN if role == "anonymous" else expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want


# method, path builder, body builder, expected per role
ENDPOINTS = [
    ("get", lambda a, s: f"/api/v1/assignments/{a.pk}/submission/", None, STUDENT_ONLY),
    ("post", lambda a, s: f"/api/v1/assignments/{a.pk}/submission/", None, STUDENT_ONLY),
    ("get", lambda a, s: f"/api/v1/submissions/{s.pk}/", None, VIEWERS),
    ("get", lambda a, s: f"/api/v1/submissions/{s.pk}/draft/", None, writer_only(200)),
    (
        "put",
        lambda a, s: f"/api/v1/submissions/{s.pk}/draft/",
        lambda s: {"text": _essay_text(), "revision": s.revision},
        writer_only(200),
    ),
    (
        "post",
        lambda a, s: f"/api/v1/submissions/{s.pk}/submit/",
        lambda s: {"revision": s.revision, "honesty_declared": True},
        writer_only(201),
    ),
    (
        "post",
        lambda a, s: f"/api/v1/submissions/{s.pk}/preview/",
        lambda s: {"text": "**Stalin**"},
        writer_only(200),
    ),
    ("get", lambda a, s: f"/api/v1/submissions/{s.pk}/versions/", None, VIEWERS),
    ("get", lambda a, s: f"/api/v1/submissions/{s.pk}/versions/1/", None, VIEWERS),
    (
        "get",
        lambda a, s: f"/api/v1/submissions/{s.pk}/readings/cited-reading/",
        None,
        VIEWERS,
    ),
]


ENDPOINT_IDS = [
    "get-my-submission",
    "start-my-submission",
    "get-submission",
    "get-draft",
    "put-draft",
    "submit",
    "preview",
    "versions",
    "version",
    "reading-for-citing",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    ENDPOINTS,
    ids=ENDPOINT_IDS,
)
def test_essay_endpoint_answers_each_role_as_expected(
    school, essay_world, role, method, path, body, expected
):
    assignment, submission = essay_world
    api = APIClient()
    user = school.user_for(role)
    if user is not None:
        api.force_authenticate(user)
    response = getattr(api, method)(
        path(assignment, submission), body(submission) if body else None, format="json"
    )
    want = 401 if role == "anonymous" else expected[role]
    assert response.status_code == want, response.content
    assert response["Content-Type"].startswith("application/json")


def test_a_missing_and_a_forbidden_submission_look_the_same(client, school, essay_world):
    _assignment, submission = essay_world
    client.force_login(school.other_student)
    forbidden = client.get(reverse("courseware:submission-detail", args=[submission.pk]))
    missing = client.get(reverse("courseware:submission-detail", args=[999_999]))
    assert forbidden.status_code == missing.status_code == 404
    api = APIClient()
    api.force_authenticate(school.other_student)
    assert (
        api.get(f"/api/v1/submissions/{submission.pk}/draft/").json()
        == api.get("/api/v1/submissions/999999/draft/").json()
    )


def test_a_student_who_left_the_class_still_sees_their_work_but_cannot_write(
    client, school, essay_world
):
    assignment, submission = essay_world
    membership_remove(membership=school.classroom.memberships.get(user=school.student))
    client.force_login(school.student)
    assert client.get(submission.get_absolute_url()).status_code == 200
    assert client.get(reverse("courseware:essay-write", args=[assignment.pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(school.student)
    response = api.put(
        f"/api/v1/submissions/{submission.pk}/draft/",
        {"text": "More.", "revision": submission.revision},
        format="json",
    )
    assert response.status_code == 403
