"""API authentication: tokens by username or email, the current user, consistent errors."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import PASSWORD, StudentFactory, TeacherFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.parametrize("field", ["username", "email"])
def test_token_for_username_or_email_then_me_with_the_token(api, field):
    student = StudentFactory()
    response = api.post(TOKEN_URL, {"username": getattr(student, field), "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get(ME_URL)
    assert me.status_code == 200
    assert me.json() == {
        "id": student.pk,
        "username": student.username,
        "email": student.email,
        "display_name": student.display_name,
        "name": student.name,
        "role": "student",
    }


def test_the_same_token_is_returned_each_time(api):
    teacher = TeacherFactory()
    first = api.post(TOKEN_URL, {"username": teacher.username, "password": PASSWORD}).json()
    second = api.post(TOKEN_URL, {"email": teacher.email, "password": PASSWORD}).json()
    assert first == second


def test_wrong_password_and_unknown_user_get_one_message(api):
    StudentFactory(username="known")
    wrong = api.post(TOKEN_URL, {"username": "known", "password": "nope"})
    unknown = api.post(TOKEN_URL, {"username": "ghost", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json() == {"detail": "Unable to log in with those credentials."}


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        ("{not json", "application/json", "detail"),
        (json.dumps({"password": "x"}), "application/json", "username"),
        (json.dumps({"username": "a"}), "application/json", "password"),
        (json.dumps({"username": ["a"], "password": 5}), "application/json", "username"),
        ("username=a&password=b", "application/x-www-form-urlencoded", "detail"),
    ],
)
def test_malformed_token_requests_are_400_or_415_with_a_json_body(api, body, content_type, field):
    response = api.generic("POST", TOKEN_URL, body, content_type=content_type)
    assert response.status_code in {400, 415}
    assert field in response.json()


def test_anonymous_me_is_401_with_json(api):
    response = api.get(ME_URL)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_bogus_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
    assert api.get(ME_URL).status_code == 401


def test_session_login_also_works_for_the_api(client):
    client.force_login(StudentFactory())
    assert client.get(ME_URL).status_code == 200


def test_token_requests_are_throttled(api):
    # A different account each time: the per-account lockout (five failures) is tested below.
    codes = [
        api.post(TOKEN_URL, {"username": f"x{n}", "password": "y"}).status_code for n in range(11)
    ]
    assert codes[:10] == [400] * 10
    assert codes[10] == 429
    assert "detail" in api.post(TOKEN_URL, {"username": "x", "password": "y"}).json()


def test_a_huge_body_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"username": "a" * 5000, "password": "b"})
    response = api.generic("POST", TOKEN_URL, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


def test_unknown_api_version_is_404(api):
    client_student = StudentFactory()
    api.force_authenticate(client_student)
    assert api.get("/api/v2/me/").status_code == 404


def test_schema_and_local_docs_are_served(client):
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200
    assert b"/api/v1/auth/token/" in schema.content
    docs = client.get(reverse("api-docs")).content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower()
    assert "<script>" not in docs  # the split view serves its init script as a file (CSP)
