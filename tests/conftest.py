"""Shared fixtures: people in every role around two classes, and a clean cache per test."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import override_settings

from courseware.models import MembershipRole
from tests.factories import (
    ClassroomFactory,
    MembershipFactory,
    SchoolAdminFactory,
    StudentFactory,
    TeacherFactory,
)


def pytest_addoption(parser):
    parser.addoption(
        "--run-topology",
        action="store_true",
        default=False,
        help="run the production-topology tests (gunicorn, Celery worker, PostgreSQL, Redis)",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-topology"):
        return
    skip = pytest.mark.skip(reason="production topology: run with `make test-topology`")
    for item in items:
        if "topology" in item.keywords:
            item.add_marker(skip)


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


@pytest.fixture
def school(db) -> School:
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
