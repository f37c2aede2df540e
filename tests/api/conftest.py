"""A school with work in both classes, and API clients for every role.

``classroom`` (taught by ``teacher``, with ``student``) and ``other_classroom`` (taught by
``other_teacher``, with ``other_student``) share a course; ``other_course`` is taught to nobody
here, so a student sees none of its content. Each class has a reading, an essay (handed in by its
student) and a quiz (with an attempt in progress), and ``classroom`` a withdrawn assignment and
one that has not opened yet, which its student must not see.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.models import AssignmentKind, Notification
from courseware.services.content import UnitReadingSpec
from courseware.services.help import help_request_ask
from courseware.services.notifications import announcement_post, events_dispatch_ready
from courseware.services.teaching import assignment_withdraw, quiz_attempt_start
from tests.conftest import module_world
from tests.factories import (
    AssignmentFactory,
    CourseFactory,
    EssayPromptFactory,
    ExtensionFactory,
    ReadingFactory,
    TeacherFactory,
    UnitFactory,
    course_reading,
    essay_assignment,
    submitted_submission,
)


@dataclass
class World:
    school: object
    reading: object  # an assignment of a reading, in ``classroom``
    essay: object
    quiz: object
    withdrawn: object
    not_open: object
    attempt: object
    submission: object
    extension: object
    other_reading: object  # the same in ``other_classroom``
    other_essay: object
    other_quiz: object
    other_attempt: object
    other_submission: object
    course: object
    unit: object
    text: object  # a reading (content) of the shared course
    prompt: object
    rubric: object
    other_course: object
    other_unit: object
    other_text: object
    other_prompt: object
    new_teacher: object
    announcement: object  # to ``classroom``, by its teacher
    notification: object  # the student's, of that announcement
    help_request: object  # the student's, about ``essay``


def _class_work(classroom, student):
    reading = AssignmentFactory(classroom=classroom, kind=AssignmentKind.READING)
    essay = essay_assignment(classroom, min_words=5, max_words=100)
    quiz = AssignmentFactory(classroom=classroom, kind=AssignmentKind.QUIZ)
    attempt = quiz_attempt_start(assignment=quiz, student=student, now=timezone.now())
    submission = submitted_submission(essay, student)
    return reading, essay, quiz, attempt, submission


def make_world(school) -> World:
    reading, essay, quiz, attempt, submission = _class_work(school.classroom, school.student)
    other = _class_work(school.other_classroom, school.other_student)
    withdrawn = AssignmentFactory(classroom=school.classroom, title="Withdrawn work")
    assignment_withdraw(assignment=withdrawn, now=timezone.now())
    now = timezone.now()
    not_open = AssignmentFactory(
        classroom=school.classroom,
        title="Not open yet",
        opens_at=now + timedelta(days=2),
        due_at=now + timedelta(days=9),
    )
    course = school.classroom.course
    text = course_reading(course)
    unit = text.units.get()
    other_course = CourseFactory()
    other_text = ReadingFactory()
    other_unit = UnitFactory(course=other_course, readings=[UnitReadingSpec(reading=other_text)])
    announcement = announcement_post(
        author=school.teacher, classrooms=[school.classroom], title="Trip", body="Notes.", now=now
    )
    events_dispatch_ready(now=timezone.now())
    return World(
        school=school,
        reading=reading,
        essay=essay,
        quiz=quiz,
        withdrawn=withdrawn,
        not_open=not_open,
        attempt=attempt,
        submission=submission,
        extension=ExtensionFactory(assignment=reading, student=school.student),
        other_reading=other[0],
        other_essay=other[1],
        other_quiz=other[2],
        other_attempt=other[3],
        other_submission=other[4],
        course=course,
        unit=unit,
        text=text,
        prompt=essay.prompt,
        rubric=essay.prompt.rubric,
        other_course=other_course,
        other_unit=other_unit,
        other_text=other_text,
        other_prompt=EssayPromptFactory(course=other_course),
        new_teacher=TeacherFactory(),
        announcement=announcement,
        notification=Notification.objects.get(recipient=school.student, kind="announcement"),
        help_request=help_request_ask(
            assignment=essay, student=school.student, text="Help", now=timezone.now()
        ),
    )


shared_world, world_copy, school, world = module_world(make_world)


@pytest.fixture
def api_as(school):
    """An API client signed in as a role of ``tests.conftest.ROLES`` (none for anonymous)."""

    def make(role: str) -> APIClient:
        client = APIClient()
        user = school.user_for(role)
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
