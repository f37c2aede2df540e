"""Content around the ``school``: a course with a unit, a reading, a prompt and facts, and a
second course that none of the school's students take."""

from dataclasses import dataclass
from datetime import date

import pytest

from courseware.services.content import (
    ChoiceSpec,
    person_create,
    quiz_create,
    quiz_question_add,
    term_create,
    timeline_event_create,
    unit_reading_add,
)
from tests.factories import (
    CourseFactory,
    EssayPromptFactory,
    ReadingFactory,
    RubricFactory,
    UnitFactory,
    reading_text,
)


@dataclass
class Content:
    course: object
    unit: object
    reading: object
    prompt: object
    rubric: object
    other_course: object
    other_unit: object
    other_reading: object
    other_prompt: object
    other_rubric: object
    quiz: object = None
    other_quiz: object = None


def make_content(school) -> Content:
    """The school's course with a unit, reading, prompt and facts, and a course nobody takes."""
    course = school.classroom.course
    unit = UnitFactory(course=course, slug="succession", title="The succession")
    reading = ReadingFactory(
        slug="carr-succession", title="The Succession", text=reading_text(6, heading="Carr")
    )
    unit_reading_add(unit=unit, reading=reading)
    rubric = RubricFactory()
    prompt = EssayPromptFactory(course=course, unit=unit, slug="why-stalin", rubric=rubric)
    prompt.readings.add(reading)
    paragraph = reading.paragraphs.get(number=2)
    term_create(
        course=course, slug="troika", term="Troika", definition="Three.", evidence=[paragraph]
    )
    person_create(course=course, slug="trotsky", name="Trotsky", summary="S.", evidence=[paragraph])
    timeline_event_create(
        course=course,
        date=date(1924, 1, 21),
        precision="day",
        title="Lenin dies",
        evidence=[paragraph],
    )
    quiz = quiz_create(unit=unit, slug="check", title="Check")
    quiz_question_add(
        quiz=quiz,
        text="Who?",
        evidence=paragraph,
        choices=[ChoiceSpec("Stalin", correct=True), ChoiceSpec("Trotsky")],
    )

    other_course = CourseFactory()
    other_unit = UnitFactory(course=other_course, slug="china", title="China 1927")
    other_reading = ReadingFactory(slug="china-notes", title="China notes")
    unit_reading_add(unit=other_unit, reading=other_reading)
    other_rubric = RubricFactory()
    other_prompt = EssayPromptFactory(
        course=other_course, unit=other_unit, slug="shanghai", rubric=other_rubric
    )
    other_quiz = quiz_create(unit=other_unit, slug="check", title="China check")
    quiz_question_add(
        quiz=other_quiz,
        text="Where?",
        choices=[ChoiceSpec("Shanghai", correct=True), ChoiceSpec("Canton")],
    )
    return Content(
        quiz=quiz,
        other_quiz=other_quiz,
        course=course,
        unit=unit,
        reading=reading,
        prompt=prompt,
        rubric=rubric,
        other_course=other_course,
        other_unit=other_unit,
        other_reading=other_reading,
        other_prompt=other_prompt,
        other_rubric=other_rubric,
    )


@pytest.fixture
def content(school) -> Content:
    return make_content(school)
