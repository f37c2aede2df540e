"""Factories for course content, made through the content services as the app makes them."""

import factory

from courseware.models import EssayPrompt, Reading, ReadingKind, Rubric, Unit
from courseware.services.content import (
    CriterionSpec,
    LevelSpec,
    essay_prompt_create,
    reading_import,
    rubric_create,
    unit_create,
)
from tests.factories.people import CourseFactory

__all__ = [
    "EssayPromptFactory",
    "ReadingFactory",
    "RubricFactory",
    "UnitFactory",
    "reading_text",
]


def reading_text(paragraphs: int = 3, *, heading: str = "", seed: str = "") -> str:
    """Plain text with one line per paragraph, as a web page or a document exports it."""
    lines = [heading, ""] if heading else []
    for n in range(1, paragraphs + 1):
        lines += [
            f"Paragraph {n}{seed} says that the Troika met in Moscow and that Trotsky answered "
            f"them in writing, at length, on the question numbered {n}.",
            "",
        ]
    return "\n".join(lines)


class ReadingFactory(factory.Factory):
    class Meta:
        model = Reading

    slug = factory.Sequence(lambda n: f"reading-{n}")
    title = factory.Sequence(lambda n: f"Reading {n}")
    author = "E. H. Carr"
    kind = ReadingKind.SECONDARY
    citation = "E. H. Carr, Socialism in One Country, vol. 2."
    text = factory.LazyFunction(reading_text)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return reading_import(**kwargs)


class UnitFactory(factory.Factory):
    class Meta:
        model = Unit

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"unit-{n}")
    title = factory.Sequence(lambda n: f"Unit {n}")
    overview = "The succession after Lenin."
    learning_intentions = "Explain the Troika.\nEvaluate Trotsky's response."

    @classmethod
    def _create(cls, model_class, **kwargs):
        return unit_create(**kwargs)


class RubricFactory(factory.Factory):
    class Meta:
        model = Rubric

    title = factory.Sequence(lambda n: f"Extended response {n}")
    description = "Year 12 extended response."
    criteria = factory.LazyFunction(
        lambda: [
            CriterionSpec(
                title="Knowledge and understanding",
                levels=(
                    LevelSpec("Band 2", "Detailed and accurate.", 5),
                    LevelSpec("Band 1", "Some relevant knowledge.", 2),
                ),
            ),
            CriterionSpec(
                title="Use of sources",
                levels=(
                    LevelSpec("Band 2", "Sources used and evaluated.", 5),
                    LevelSpec("Band 1", "Sources mentioned.", 2),
                ),
            ),
        ]
    )

    @classmethod
    def _create(cls, model_class, **kwargs):
        return rubric_create(**kwargs)


class EssayPromptFactory(factory.Factory):
    class Meta:
        model = EssayPrompt

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"prompt-{n}")
    title = factory.Sequence(lambda n: f"Essay {n}")
    question = "Why did Stalin, not Trotsky, succeed Lenin?"
    guidance = "Use at least two sources."
    min_words = 600
    max_words = 1200
    rubric = factory.SubFactory(RubricFactory)

    @classmethod
    def _create(cls, model_class, **kwargs):
        return essay_prompt_create(**kwargs)
