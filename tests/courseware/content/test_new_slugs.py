"""The rules for a new reading's, unit's or essay prompt's slug live in the services, so every
way in (pages, API, loaders) keeps them."""

import pytest
from django.core.exceptions import ValidationError

from courseware.models import EssayPrompt, Reading, Unit
from courseware.services.content import essay_prompt_create, reading_create, unit_create
from tests.factories import RubricFactory, reading_text

pytestmark = pytest.mark.django_db


def _reading(**overrides) -> dict:
    return {
        "text": reading_text(2),
        "title": "Since Lenin Died",
        "author": "Max Eastman",
        "kind": "primary",
        "citation": "Max Eastman, Since Lenin Died (1925).",
        **overrides,
    }


def _refused(make, code: str) -> str:
    with pytest.raises(ValidationError) as caught:
        make()
    (error,) = caught.value.error_dict["slug"]
    assert error.code == code
    return error.messages[0]


def test_an_empty_slug_is_made_from_the_title(content):
    unit = unit_create(course=content.course, title="Socialism in One Country")
    prompt = essay_prompt_create(
        course=content.course,
        title="Why Stalin won?",
        question="Q",
        max_words=10,
        rubric=content.rubric,
    )
    reading = reading_create(**_reading())
    assert (unit.slug, prompt.slug, reading.slug) == (
        "socialism-in-one-country",
        "why-stalin-won",
        "since-lenin-died",
    )


def test_a_reserved_slug_is_refused_everywhere(content):
    message = _refused(lambda: unit_create(course=content.course, title="New"), "reserved")
    assert message == "“new” is reserved; choose another."
    _refused(
        lambda: essay_prompt_create(
            course=content.course,
            slug="new",
            title="T",
            question="Q",
            max_words=10,
            rubric=content.rubric,
        ),
        "reserved",
    )
    _refused(lambda: reading_create(**_reading(slug="new")), "reserved")
    assert not Unit.objects.filter(slug="new").exists()
    assert not EssayPrompt.objects.filter(slug="new").exists()
    assert not Reading.objects.filter(slug="new").exists()


def test_a_slug_is_unique_within_its_course_but_may_repeat_in_another(content):
    message = _refused(
        lambda: unit_create(course=content.course, slug="succession", title="Again"), "taken"
    )
    assert message == "“succession” is already used; choose another."
    assert unit_create(course=content.other_course, slug="succession", title="Again").pk
    _refused(
        lambda: essay_prompt_create(
            course=content.course,
            slug="why-stalin",
            title="T",
            question="Q",
            max_words=10,
            rubric=RubricFactory(),
        ),
        "taken",
    )


def test_a_new_reading_never_replaces_an_existing_one(content):
    before = list(content.reading.paragraphs.values_list("pk", "text"))
    _refused(lambda: reading_create(**_reading(slug=content.reading.slug)), "taken")
    assert list(content.reading.paragraphs.values_list("pk", "text")) == before


def test_a_title_with_no_letters_or_numbers_needs_a_slug(content):
    _refused(lambda: unit_create(course=content.course, title="…"), "invalid")
