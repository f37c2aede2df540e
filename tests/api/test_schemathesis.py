"""Property-based testing of the whole API against its own OpenAPI schema (schemathesis).

For every operation in ``/api/schema/`` schemathesis generates requests (valid ones and, with
fewer examples, invalid ones) addressed both to random ids and to real objects of the school;
each is sent as a teacher and as a student, with tokens. Each response must not be a server
error, and must match the schema's content type and the schema of its documented status. The
examples are bounded and derandomised, so the run is quick and repeatable."""

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, strategies
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from config.wsgi import application
from tests.conftest import IN_CI

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis]

CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
# Examples per operation and kind of request. CI (``CI=true``) sends twice as many: generating
# them is most of this test's time, and the edit loop's ``make test`` should answer in minutes.
EXAMPLES = {
    GenerationMode.POSITIVE: 6 if IN_CI else 3,
    GenerationMode.NEGATIVE: 3 if IN_CI else 2,
}


@pytest.fixture
def same_connection():
    """Serve requests on the test's own database connection, as Django's test client does:
    the WSGI handler would otherwise close it between requests, inside the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def generous_rates(settings, monkeypatch):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(rates, "100000/min"),
    }
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES)


def _known_ids(world, path: str) -> dict:
    """Real objects of ``classroom`` for an operation's path parameters, by the path's root."""
    ids = {
        "/api/v1/classes/": world.school.classroom.pk,
        "/api/v1/assignments/": world.essay.pk,
        "/api/v1/submissions/": world.submission.pk,
        "/api/v1/quiz-attempts/": world.attempt.pk,
        "/api/v1/courses/": world.course.pk,
        "/api/v1/units/": world.unit.pk,
        "/api/v1/readings/": world.text.pk,
        "/api/v1/prompts/": world.prompt.pk,
        "/api/v1/rubrics/": world.rubric.pk,
        "/api/v1/notifications/": world.notification.pk,
        "/api/v1/announcements/": world.announcement.pk,
        "/api/v1/help-requests/": world.help_request.pk,
    }
    known = {}
    for root, pk in ids.items():
        if path.startswith(root) and "{id}" in path:  # the schema names every object's id ``id``
            known["id"] = pk
    extras = {
        "user_pk": world.school.teacher.pk,
        "extension_pk": world.extension.pk,
        "number": 1,
        "slug": world.text.slug,
    }
    return known | {name: value for name, value in extras.items() if "{" + name + "}" in path}


def test_the_known_ids_are_named_as_the_paths_name_them(world, same_connection):
    """A known id under a name the path lacks is dropped, and the case asks for a random id."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    paths = {result.ok().path for result in schema.get_all_operations()}
    for path in paths:
        assert all("{" + name + "}" in path for name in _known_ids(world, path)), path
    for path in ("/api/v1/help-requests/{id}/", "/api/v1/help-requests/{id}/replies/"):
        assert path in paths
        assert _known_ids(world, path) == {"id": world.help_request.pk}
    assert _known_ids(world, "/api/v1/classes/{id}/")["id"] == world.school.classroom.pk


def test_the_api_keeps_to_its_schema(world, same_connection, generous_rates):
    """Each generated request is sent as the teacher and again as the student: generating the
    requests is most of the work, and the two roles answer the same request differently."""
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    headers = {
        role: {"Authorization": f"Token {Token.objects.create(user=user).key}"}
        for role, user in (("teacher", world.school.teacher), ("student", world.school.student))
    }
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    failures = []
    for operation in operations:
        for mode, examples in EXAMPLES.items():
            known = _known_ids(world, operation.path)
            strategy = operation.as_strategy(generation_mode=mode)
            if known and mode == GenerationMode.POSITIVE:
                strategy = strategies.one_of(
                    strategy, operation.as_strategy(generation_mode=mode, path_parameters=known)
                )

            @hypothesis.settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            )
            @hypothesis.given(case=strategy)
            def run(case):
                for role, role_headers in headers.items():
                    response = case.call(headers=role_headers)
                    try:
                        case.validate_response(response, checks=CHECKS)
                    except (Exception, BaseExceptionGroup) as error:
                        raise AssertionError(f"as the {role}: {error}") from error

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                # Nothing to make invalid: the operation takes no parameters and no body.
                assert mode == GenerationMode.NEGATIVE
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collect them all
                failures.append(f"{operation.method.upper()} {operation.path} ({mode}): {error}")
    assert not failures, "\n\n".join(failures)
