"""Factories for teaching: assignments and extensions, and the course content they point at,
made through services as the app makes them."""

from datetime import timedelta

import factory
from django.utils import timezone

from courseware.models import Assignment, AssignmentKind, Course, Extension, Quiz, Reading
from courseware.services.content import (
    ChoiceSpec,
    UnitReadingSpec,
    quiz_create,
    quiz_question_add,
)
from courseware.services.teaching import assignment_create, extension_grant
from tests.factories.content import EssayPromptFactory, ReadingFactory, UnitFactory
from tests.factories.people import ClassroomFactory, TeacherFactory

__all__ = [
    "AssignmentFactory",
    "ExtensionFactory",
    "course_quiz",
    "course_reading",
]


def course_reading(course: Course, **reading_fields) -> Reading:
    """A reading set for a new unit of the course, so the course's classes may assign it."""
    reading = ReadingFactory(**reading_fields)
    UnitFactory(course=course, readings=[UnitReadingSpec(reading=reading)])
    return reading


_quiz_numbers = iter(range(1, 1_000_000))


def course_quiz(course: Course, *, questions: int = 3) -> Quiz:
    """A quiz in a new unit of the course; the second choice of every question is correct."""
    n = next(_quiz_numbers)
    quiz = quiz_create(unit=UnitFactory(course=course), slug=f"quiz-{n}", title=f"Check {n}")
    for q in range(1, questions + 1):
        quiz_question_add(
            quiz=quiz,
            text=f"Question {q}: who led the Left Opposition?",
            choices=[
                ChoiceSpec(f"Stalin ({q})"),
                ChoiceSpec(f"Trotsky ({q})", correct=True),
                ChoiceSpec(f"Bukharin ({q})"),
            ],
            explanation=f"Trotsky led it (question {q}).",
        )
    return quiz


def _target(assignment) -> object:
    course = assignment.classroom.course
    if assignment.kind == AssignmentKind.READING:
        return course_reading(course)
    if assignment.kind == AssignmentKind.ESSAY:
        return EssayPromptFactory(course=course)
    return course_quiz(course)


class AssignmentFactory(factory.Factory):
    """An assignment open since yesterday and due in a week, of a reading unless ``kind`` says."""

    class Meta:
        model = Assignment

    classroom = factory.SubFactory(ClassroomFactory)
    kind = AssignmentKind.READING
    target = factory.LazyAttribute(_target)
    by = None
    title = ""
    instructions = "Read closely and note the evidence."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    cutoff_at = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return assignment_create(**kwargs)


class ExtensionFactory(factory.Factory):
    class Meta:
        model = Extension

    assignment = factory.SubFactory(AssignmentFactory)
    student = None
    due_at = factory.LazyAttribute(lambda o: o.assignment.due_at + timedelta(days=3))
    cutoff_at = None
    reason = "Illness"
    by = factory.SubFactory(TeacherFactory)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return extension_grant(**kwargs)
