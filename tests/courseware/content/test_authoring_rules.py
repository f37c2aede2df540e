"""Rules the content services keep for every way in (pages and API alike)."""

import pytest
from django.core.exceptions import ValidationError

from courseware.importers import ReadingParseError
from courseware.models import AssignmentKind
from courseware.services.content import (
    MAX_READING_BYTES,
    CriterionSpec,
    LevelSpec,
    ReadingTooLarge,
    UnitReadingSpec,
    essay_prompt_create,
    essay_prompt_update,
    reading_size_check,
    reading_text_decode,
    rubric_update,
    unit_update,
)
from tests.factories import AssignmentFactory, EssayPromptFactory

pytestmark = pytest.mark.django_db


def test_a_reading_set_twice_for_a_unit_is_refused_and_nothing_changes(content):
    before = list(content.unit.unit_readings.values_list("reading_id", "section_id"))
    twice = [UnitReadingSpec(reading=content.other_reading)] * 2
    with pytest.raises(ValidationError) as caught:
        unit_update(
            unit=content.unit, title="T", overview="", learning_intentions="", readings=twice
        )
    assert "is set twice" in caught.value.message_dict["readings"][0]
    assert list(content.unit.unit_readings.values_list("reading_id", "section_id")) == before


def test_a_prompt_is_given_only_a_latest_rubric_but_keeps_the_one_it_has(school, content):
    AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.ESSAY, target=content.prompt)
    levels = (LevelSpec("A", "Good.", 3),)
    newer = rubric_update(
        rubric=content.rubric, title="Newer", criteria=[CriterionSpec("New", levels=levels)]
    )
    assert newer.pk != content.rubric.pk
    fields = {"title": "T", "question": "Q", "max_words": 10, "rubric": content.rubric}
    with pytest.raises(ValidationError) as caught:
        essay_prompt_create(course=content.course, **fields)
    assert caught.value.error_dict["rubric"][0].code == "not_latest"
    other = EssayPromptFactory(course=content.course)
    with pytest.raises(ValidationError):
        essay_prompt_update(prompt=other, **fields)
    content.prompt.refresh_from_db()  # set as an essay, so it kept the old version
    assert essay_prompt_update(prompt=content.prompt, **fields).rubric_id == content.rubric.pk


def test_text_over_the_limit_is_refused_as_too_large_before_it_is_read():
    with pytest.raises(ReadingTooLarge, match="the limit is 2 MB"):
        reading_size_check(MAX_READING_BYTES + 1)
    reading_size_check(MAX_READING_BYTES)
    with pytest.raises(ReadingTooLarge):
        reading_text_decode(b"x" * (MAX_READING_BYTES + 1))
    with pytest.raises(ReadingParseError) as caught:
        reading_text_decode(b"\xff\xfe\x00")
    assert not isinstance(caught.value, ReadingTooLarge)
