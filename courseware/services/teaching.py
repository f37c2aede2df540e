"""Writes for courseware: the only code that creates or changes its models.

Each service is keyword-only, runs in one transaction and validates with ``full_clean()``.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction

from courseware.models import Classroom, Course, Membership

if TYPE_CHECKING:
    from accounts.models import User

# No 0/O or 1/I/L: join codes are read aloud and copied from a whiteboard.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def _new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if not Classroom.objects.filter(join_code=code).exists():
            return code


@transaction.atomic
def course_create(*, title: str, slug: str, overview: str = "") -> Course:
    """Create a course."""
    course = Course(title=title, slug=slug, overview=overview)
    course.full_clean()
    course.save()
    return course


@transaction.atomic
def classroom_create(
    *, name: str, course: Course, year: int, term: str = "", join_code: str | None = None
) -> Classroom:
    """Create a class with a fresh join code (or the given one, for reproducible demo data)."""
    classroom = Classroom(
        name=name, course=course, year=year, term=term, join_code=join_code or _new_join_code()
    )
    classroom.full_clean()
    classroom.save()
    return classroom


@transaction.atomic
def membership_add(*, classroom: Classroom, user: User, role: str) -> Membership:
    """Put a person in a class as teacher or student; an existing membership is kept as it is."""
    membership = Membership.objects.filter(classroom=classroom, user=user).first()
    if membership is not None:
        return membership
    membership = Membership(classroom=classroom, user=user, role=role)
    membership.full_clean()
    membership.save()
    return membership
