"""A class's reading, essay and quiz, and a reading of another course, for the help tests."""

from dataclasses import dataclass

import pytest
from django.core import mail

from courseware.models import AssignmentKind
from tests.conftest import module_world
from tests.factories import AssignmentFactory, ReadingFactory, course_reading, essay_assignment


@dataclass
class HelpWorld:
    reading: object  # an assignment of ``text``
    essay: object
    quiz: object
    other_essay: object  # in ``other_classroom``
    text: object  # a reading of the class's course
    stranger: object  # a reading of no course here


def make_help_world(school) -> HelpWorld:
    text = course_reading(school.classroom.course)
    return HelpWorld(
        reading=AssignmentFactory(
            classroom=school.classroom, kind=AssignmentKind.READING, target=text
        ),
        essay=essay_assignment(school.classroom),
        quiz=AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.QUIZ),
        other_essay=essay_assignment(school.other_classroom),
        text=text,
        stranger=ReadingFactory(),
    )


shared_world, world_copy, school, help_world = module_world(make_help_world, name="help_world")


@pytest.fixture(autouse=True)
def _empty_outbox():
    mail.outbox.clear()
