"""What ``make run`` prints and shows: each log line once, no traceback for an ordinary 4xx,
and the site's own 404 page even with DEBUG on."""

import logging
import sys

import pytest
from django.test import override_settings
from django.urls import reverse

from config.logging import NoTracebackForClientErrors


def _handlers_reached(logger_name: str) -> int:
    """How many of the site's handlers print a record logged on ``logger_name`` (walking up as
    Python does; pytest's capturing handlers and do-nothing handlers are not counted)."""
    logger = logging.getLogger(logger_name)
    count = 0
    while logger is not None:
        count += sum(
            1
            for handler in logger.handlers
            if not type(handler).__module__.startswith("_pytest")
            and not isinstance(handler, logging.NullHandler)
        )
        if not logger.propagate:
            break
        logger = logger.parent
    return count


@pytest.mark.parametrize(
    "name", ["django", "django.request", "django.utils.autoreload", "courseware", "celery"]
)
def test_each_log_record_is_printed_once(name):
    assert _handlers_reached(name) == 1


def _record(status_code: int) -> logging.LogRecord:
    try:
        raise PermissionError("no")
    except PermissionError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x/",), exc_info
    )
    record.status_code = status_code
    return record


@pytest.mark.parametrize(("status_code", "traceback"), [(403, False), (404, False), (500, True)])
def test_only_server_errors_log_a_traceback(status_code, traceback):
    record = _record(status_code)
    assert NoTracebackForClientErrors().filter(record)
    text = logging.Formatter().format(record)
    assert ("Traceback" in text) is traceback


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_debug_mode_shows_the_sites_own_404_page_for_an_unknown_url(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "Back to the start" in html
    assert "DEBUG = True" not in html


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_debug_mode_shows_the_sites_own_404_page_when_a_view_finds_nothing(client, school):
    client.force_login(school.student)
    response = client.get(reverse("courseware:classroom-detail", args=[999_999]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Back to the start" in html and "DEBUG = True" not in html
