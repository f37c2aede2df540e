"""The demo school: people, the course, two classes and their students' work, made from
``fixtures/`` by services.

Seeding is idempotent: whatever already exists (matched by username, course slug or class join
code) is left exactly as it is, so a second run changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts.models import Role, User
from accounts.services import user_create
from courseware.demo_content import demo_course_seed
from courseware.demo_teaching import demo_assignments_seed
from courseware.demo_work import demo_work_seed
from courseware.models import Classroom, Course, MembershipRole
from courseware.services.teaching import classroom_create, course_create, membership_add

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    email: str
    password: str
    name: str


def _load(name: str) -> dict:
    return json.loads((FIXTURES_DIR / name).read_text(encoding="utf-8"))


def _ensure_user(*, person: dict, role: str, password: str) -> User:
    existing = User.objects.filter(username=person["username"]).first()
    if existing is not None:
        return existing
    return user_create(
        username=person["username"],
        email=person["email"],
        password=password,
        role=role,
        display_name=person["display_name"],
    )


@transaction.atomic
def demo_seed(*, with_work: bool = True) -> list[DemoLogin]:
    """Create whatever of the demo school is missing and return the demo logins; with
    ``with_work`` the students' work too (hand-ins, marks, quiz attempts, reading progress)."""
    people = _load("demo_people.json")
    password = people["password"]
    logins: list[DemoLogin] = []
    users: dict[str, User] = {}
    for role, group in (
        (Role.ADMIN, [people["admin"]]),
        (Role.TEACHER, people["teachers"]),
        (Role.STUDENT, people["students"]),
    ):
        for person in group:
            user = _ensure_user(person=person, role=role, password=password)
            users[user.username] = user
            logins.append(
                DemoLogin(
                    role=Role(role).label,
                    username=user.username,
                    email=user.email,
                    password=password,
                    name=user.name,
                )
            )

    course_data = people["course"]
    course = Course.objects.filter(slug=course_data["slug"]).first() or course_create(
        title=course_data["title"], slug=course_data["slug"], overview=course_data["overview"]
    )
    demo_course_seed(course=course)
    for class_data in people["classes"]:
        classroom = Classroom.objects.filter(
            join_code=class_data["join_code"]
        ).first() or classroom_create(
            name=class_data["name"],
            course=course,
            year=class_data["year"],
            term=class_data["term"],
            join_code=class_data["join_code"],
        )
        for username in class_data["teachers"]:
            membership_add(classroom=classroom, user=users[username], role=MembershipRole.TEACHER)
        for username in class_data["students"]:
            membership_add(classroom=classroom, user=users[username], role=MembershipRole.STUDENT)
    demo_assignments_seed()
    if with_work:
        demo_work_seed()
    return logins
