"""Security that holds for the whole site: headers and CSP on every response, CSRF on forms,
no inline script or style in any template, and rate limits on login, tokens and autosave.

``docs/SECURITY.md`` says what each protects and points here.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import PASSWORD, StudentFactory, essay_assignment, submission_for

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


# --- Headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/no-such-page/", "/healthz"])
def test_every_response_carries_the_security_headers(client, db, path):
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_signed_in_pages_carry_the_strict_policy_too(client, school):
    client.force_login(school.student)
    response = client.get(reverse("courseware:dashboard"))
    assert response.status_code == 200
    assert _policy(response)["script-src"] == ["'self'"]


def test_only_the_api_docs_relax_style_and_never_script(client, db):
    policy = _policy(client.get(reverse("api-docs")))
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]


def test_the_session_cookie_is_http_only(client, school):
    response = client.post(
        reverse("account_login"), {"login": school.student.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"]


# --- Templates ------------------------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)


def _templates():
    for directory in TEMPLATE_DIRS:
        yield from sorted(directory.rglob("*.html"))


def test_there_are_templates_to_check():
    assert len(list(_templates())) > 50


def _email(path) -> bool:
    """An e-mail body: read by mail clients, never served under the site's CSP; they ignore
    stylesheets, so its HTML is styled inline (and may have no script or handler)."""
    return "email" in path.parts


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, INLINE_STYLE, HANDLER], ids=str)
def test_no_template_has_inline_script_style_or_handlers(pattern):
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in _templates()
        if not (pattern is INLINE_STYLE and _email(path))
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


# --- CSRF -----------------------------------------------------------------------------------


def test_a_form_post_without_a_csrf_token_is_refused(school):
    client = Client(enforce_csrf_checks=True)
    client.force_login(school.student)
    response = client.post(reverse("courseware:classroom-join"), {"code": "ABCD2345"})
    assert response.status_code == 403
    assert not school.student.memberships.exclude(classroom=school.classroom).exists()


def test_a_session_api_write_without_a_csrf_token_is_refused(school):
    submission = submission_for(essay_assignment(school.classroom), school.student)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(school.student)
    response = client.put(
        f"/api/v1/submissions/{submission.pk}/draft/",
        {"text": "Forged", "revision": 0},
        format="json",
    )
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.draft_text == ""


# --- Rate limits ----------------------------------------------------------------------------


def test_failed_logins_lock_an_account_even_against_the_right_password(client, db):
    student = StudentFactory()
    login = reverse("account_login")
    for _ in range(5):
        response = client.post(login, {"login": student.username, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(login, {"login": student.username, "password": PASSWORD})
    assert response.status_code != 302
    assert "_auth_user_id" not in client.session


def _rate(scope: str) -> int:
    count, period = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")
    assert period.startswith("m")
    return int(count)


def test_autosave_is_rate_limited_per_writer_and_a_refused_save_changes_nothing(school):
    limit = _rate("autosave")
    essay = essay_assignment(school.classroom)
    submission = submission_for(essay, school.student)
    api = APIClient()
    api.force_authenticate(school.student)
    url = f"/api/v1/submissions/{submission.pk}/draft/"
    for revision in range(limit):
        response = api.put(url, {"text": f"Draft {revision}", "revision": revision})
        assert response.status_code == 200, response.json()
    refused = api.put(url, {"text": "One too many", "revision": limit})
    assert refused.status_code == 429
    assert "detail" in refused.json()
    submission.refresh_from_db()
    assert (submission.draft_text, submission.revision) == (f"Draft {limit - 1}", limit)

    # Another writer has a budget of their own.
    other = submission_for(essay_assignment(school.other_classroom), school.other_student)
    other_api = APIClient()
    other_api.force_authenticate(school.other_student)
    response = other_api.put(
        f"/api/v1/submissions/{other.pk}/draft/", {"text": "Mine", "revision": 0}
    )
    assert response.status_code == 200


def test_token_requests_have_their_own_tight_limit():
    assert _rate("token") <= 10 < _rate("autosave") <= _rate("user")


# --- The load test's baseline -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "student", "school_admin"])
def test_the_trivial_view_answers_everyone_without_database_work(
    client, school, role, django_assert_num_queries
):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    # Not even the session is read: the baseline is Django and its middleware alone.
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz-trivial"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_a_class_logging_in_from_one_address_is_not_refused(client):
    """Thirty-one students behind one school address all get in: allauth's default of 30 a
    minute per address would refuse the last."""
    students = [StudentFactory() for _ in range(31)]
    for student in students:
        response = client.post(
            reverse("account_login"), {"login": student.username, "password": PASSWORD}
        )
        assert response.status_code == 302, student.username
        client.post(reverse("account_logout"))
