"""A class of students with a teacher, for the notification tests."""

from dataclasses import dataclass

import pytest
from django.core import mail

from courseware.models import MembershipRole
from tests.factories import ClassroomFactory, MembershipFactory, StudentFactory, TeacherFactory


@dataclass
class Klass:
    classroom: object
    teacher: object
    students: list


def make_class(size: int) -> Klass:
    classroom = ClassroomFactory()
    teacher = TeacherFactory()
    MembershipFactory(classroom=classroom, user=teacher, role=MembershipRole.TEACHER)
    students = []
    for _n in range(size):
        student = StudentFactory()
        MembershipFactory(classroom=classroom, user=student, role=MembershipRole.STUDENT)
        students.append(student)
    return Klass(classroom=classroom, teacher=teacher, students=students)


@pytest.fixture
def klass(db) -> Klass:
    mail.outbox.clear()
    return make_class(3)


def recipients(outbox=None) -> list[str]:
    """Every address mailed, once per message (so a duplicate shows twice)."""
    return [address for message in (outbox or mail.outbox) for address in message.to]
