"""Factories for people, courses and classes, made through services as the app makes them."""

import factory

from accounts.models import Role, User
from accounts.services import user_create
from courseware.models import Classroom, Course, Membership, MembershipRole
from courseware.services.teaching import classroom_create, course_create, membership_add

PASSWORD = "correct-horse-battery"

__all__ = [
    "PASSWORD",
    "ClassroomFactory",
    "CourseFactory",
    "MembershipFactory",
    "SchoolAdminFactory",
    "StudentFactory",
    "TeacherFactory",
    "UserFactory",
]


class UserFactory(factory.Factory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    display_name = factory.Faker("name")
    role = Role.STUDENT
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, **kwargs):
        return user_create(**kwargs)


class StudentFactory(UserFactory):
    role = Role.STUDENT


class TeacherFactory(UserFactory):
    username = factory.Sequence(lambda n: f"teacher{n}")
    role = Role.TEACHER


class SchoolAdminFactory(UserFactory):
    username = factory.Sequence(lambda n: f"schooladmin{n}")
    role = Role.ADMIN


class CourseFactory(factory.Factory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Modern History {n}")
    slug = factory.Sequence(lambda n: f"modern-history-{n}")

    @classmethod
    def _create(cls, model_class, **kwargs):
        return course_create(**kwargs)


class ClassroomFactory(factory.Factory):
    class Meta:
        model = Classroom

    name = factory.Sequence(lambda n: f"12 Modern History {n}")
    course = factory.SubFactory(CourseFactory)
    year = 2026
    term = "Term 4"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return classroom_create(**kwargs)


class MembershipFactory(factory.Factory):
    class Meta:
        model = Membership

    classroom = factory.SubFactory(ClassroomFactory)
    user = factory.SubFactory(StudentFactory)
    role = MembershipRole.STUDENT

    @classmethod
    def _create(cls, model_class, **kwargs):
        return membership_add(**kwargs)
