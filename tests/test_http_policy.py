"""Site-wide HTTP rules: private responses are never stored by a cache, TRACE is refused, and
the server does not name itself (config/http_policy.py, config/gunicorn.py)."""

import runpy
from types import SimpleNamespace

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.courseware.marking.conftest import essay as essay  # noqa: F401 - the fixture
from tests.factories import graded

pytestmark = pytest.mark.django_db


def _private(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return "private" in cache_control and "no-store" in cache_control


def test_private_pages_exports_pdfs_and_the_api_are_never_stored(client, school, essay):

    client.force_login(school.teacher)
    submission = essay.submission
    urls = [
        reverse("courseware:submission-detail", args=[submission.pk]),
        reverse("courseware:submission-version", args=[submission.pk, 1]),
        reverse("courseware:mark-submission", args=[submission.pk]),
        reverse("courseware:gradebook-export", args=[school.classroom.pk, "csv"]),
        reverse("courseware:gradebook-export", args=[school.classroom.pk, "xlsx"]),
        reverse("courseware:dashboard"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _private(response), url
    graded(submission, school.teacher, release=True)
    client.force_login(school.student)
    pdf = client.get(reverse("courseware:feedback-pdf", args=[submission.pk]))
    assert pdf["Content-Type"] == "application/pdf" and _private(pdf)
    essay_page = client.get(reverse("courseware:essay-write", args=[submission.assignment_id]))
    assert _private(essay_page)

    api = APIClient()
    api.force_authenticate(school.student)
    assert _private(api.get("/api/v1/me/"))
    assert _private(APIClient().get("/api/v1/me/"))  # even the 401


def test_the_public_home_page_may_be_cached(client, db):
    response = client.get(reverse("home"))
    assert not _private(response)


@pytest.mark.parametrize("path", ["/", "/api/v1/me/", "/accounts/login/"])
@pytest.mark.parametrize("method", ["TRACE", "TRACK"])
def test_trace_is_refused(client, db, path, method):
    response = client.generic(method, path)
    assert response.status_code == 405
    assert "TRACE" not in response["Allow"]


def test_gunicorn_sends_no_server_header():
    runpy.run_path("config/gunicorn.py")
    from gunicorn.http.wsgi import Response

    response = SimpleNamespace(
        upgrade=False,
        should_close=lambda: False,
        req=SimpleNamespace(version=(1, 1)),
        status="200 OK",
        version="gunicorn",
        chunked=False,
    )
    headers = Response.default_headers(response)
    assert headers[0].startswith("HTTP/1.1 200")
    assert not any(h.lower().startswith("server:") for h in headers)


@pytest.mark.parametrize("path", ["/", "/dashboard/", "/api/v1/me/"])
def test_a_foreign_host_is_a_400_page_not_a_server_error(db, path):
    from django.test import Client

    response = Client(raise_request_exception=True).get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
