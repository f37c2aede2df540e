"""Shared fixtures: people in every role around two classes, and a clean cache per test.

Data that many tests only read is built once per module with ``shared_data`` and handed to
each test as a deep copy: the module's rows live in one transaction that is rolled back when the
module ends, and each test runs in a savepoint inside it, so a test that writes still leaves a
clean world for the next.
"""

import copy
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import TestCase, override_settings

from courseware.models import MembershipRole
from tests.factories import (
    ClassroomFactory,
    MembershipFactory,
    SchoolAdminFactory,
    StudentFactory,
    TeacherFactory,
)

# Under CI (``CI=true``, set by ``.ci/run``) the sweeps go deeper: the bad-input sweep sends every
# kind of bad input as two roles, schemathesis twice the examples, and the browser tests fail
# rather than skip without Chromium.
IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_addoption(parser):
    parser.addoption(
        "--run-topology",
        action="store_true",
        default=False,
        help="run the production-topology tests (gunicorn, Celery worker, PostgreSQL, Redis)",
    )


def pytest_configure(config):
    """Under pytest-xdist each worker has its own test database (pytest-django) and, where a
    Redis is configured, its own Redis database: worker ``gwN`` uses the configured number + N,
    since a cache clear empties a whole Redis database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    from django.conf import settings

    if not (worker.startswith("gw") and getattr(settings, "REDIS_URL", None)):
        return
    url = urlsplit(settings.REDIS_URL)
    base = int(url.path.strip("/") or 0)
    own = urlunsplit(url._replace(path=f"/{base + int(worker[2:])}"))
    settings.CACHES["default"]["LOCATION"] = own
    settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = own


def pytest_collection_modifyitems(config, items):
    _longest_first(items)
    if config.getoption("--run-topology"):
        return
    skip = pytest.mark.skip(reason="production topology: run with `make test-topology`")
    for item in items:
        if "topology" in item.keywords:
            item.add_marker(skip)


# The modules that take longest (docs/PERFORMANCE.md, "The test suite"), longest first.
LONGEST = (
    "test_accessibility.py",
    "test_schemathesis.py",
    "test_bad_input.py",
)


def _longest_first(items) -> None:
    """Order the modules so the long ones start first (pytest-xdist, ``--dist loadfile
    --no-loadscope-reorder``, hands each process the next module in this order): the longest
    known, then the browser journeys, then the rest by their number of tests. Started last, one
    long module would keep one process busy while the other has nothing left to do."""
    tests_in = Counter(item.path for item in items)

    def weight(item):
        name = item.path.name
        if name in LONGEST:
            return (0, LONGEST.index(name), 0, "")
        group = 1 if "e2e" in item.path.parts else 2
        return (group, 0, -tests_in[item.path], str(item.path))

    items.sort(key=weight)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """A deliberately slow hasher protects real passwords; tests make hundreds of accounts."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and lockouts live in the cache: no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


T = TypeVar("T")


def shared_data(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """Build data once for a wider scope (a module-scoped fixture yields from this).

    The rows are written in a transaction that stays open while the scope's tests run, each in
    its own savepoint (pytest-django's ``db``), and is rolled back at the end. Tests must take a
    copy (``copy.deepcopy``) so that one test's changes to the Python objects do not leak into the
    next; the ``shared`` fixtures below do that.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # What would run once the build committed (e.g. originality checks queued on commit)
            # runs at its end, as in production.
            with TestCase.captureOnCommitCallbacks(execute=True):
                data = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(*sys.exc_info())
            raise
    try:
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fresh_copy(data: T) -> T:
    """A test's own copy of shared data: the same rows, its own Python objects."""
    return copy.deepcopy(data)


@dataclass
class School:
    """Two classes and one person in every role a URL must be tested against."""

    classroom: object
    other_classroom: object
    school_admin: object
    teacher: object
    other_teacher: object
    student: object
    other_student: object

    def user_for(self, role: str):
        return None if role == "anonymous" else getattr(self, role)


ROLES = ["school_admin", "teacher", "other_teacher", "student", "other_student", "anonymous"]


def make_school() -> School:
    """Two classes of one course, each with a teacher and a student, and a school admin."""
    classroom = ClassroomFactory()
    other_classroom = ClassroomFactory(course=classroom.course)
    teacher = TeacherFactory()
    other_teacher = TeacherFactory()
    student = StudentFactory()
    other_student = StudentFactory()
    MembershipFactory(classroom=classroom, user=teacher, role=MembershipRole.TEACHER)
    MembershipFactory(classroom=classroom, user=student, role=MembershipRole.STUDENT)
    MembershipFactory(classroom=other_classroom, user=other_teacher, role=MembershipRole.TEACHER)
    MembershipFactory(classroom=other_classroom, user=other_student, role=MembershipRole.STUDENT)
    return School(
        classroom=classroom,
        other_classroom=other_classroom,
        school_admin=SchoolAdminFactory(),
        teacher=teacher,
        other_teacher=other_teacher,
        student=student,
        other_student=other_student,
    )


def module_world(build: Callable[[School], T], *, name: str = "world"):
    """Fixtures for a world that ``build`` adds to a school, made once per module.

    Returns the fixtures for the module to bind (``shared_world, world_copy, school, world =
    module_world(...)``): the shared world, the test's copy, ``school`` (that copy's school, so a
    test that asks for both sees the same people) and ``name`` (that copy's world). Use one
    shared world per module: rows made for one stay until the module ends.
    """

    @pytest.fixture(scope="module")
    def shared_world(django_db_setup, django_db_blocker):
        def make():
            school = make_school()
            return school, build(school)

        yield from shared_data(django_db_blocker, make)

    @pytest.fixture
    def world_copy(shared_world, db):
        return fresh_copy(shared_world)

    @pytest.fixture(name="school")
    def school(world_copy):
        return world_copy[0]

    @pytest.fixture(name=name)
    def world(world_copy):
        return world_copy[1]

    return shared_world, world_copy, school, world


@pytest.fixture(scope="module")
def shared_school(django_db_setup, django_db_blocker) -> Iterator[School]:
    yield from shared_data(django_db_blocker, make_school)


@pytest.fixture
def school(shared_school, db) -> School:
    """The school, built once per module; each test has its own copy and its own savepoint."""
    return fresh_copy(shared_school)


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker):
    from tests.demo_snapshot import seeded_demo

    yield from shared_data(django_db_blocker, seeded_demo)


@pytest.fixture
def demo(shared_demo, db):
    """The demo school as ``make run`` seeds it (its logins), built once per module."""
    return fresh_copy(shared_demo)
