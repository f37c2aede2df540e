"""The demo course's content: its readings and what is built on them, loaded from ``fixtures/``.

``fixtures/demo_course/readings.json`` lists the source readings (plain text beside it, copied
verbatim from the seed documents); ``fixtures/demo_course/course.json`` holds the units, the
rubric, essay prompts, glossary, people, timeline and quizzes. Every fact carries evidence
quotes in the source's own words, and each quote is resolved to the first paragraph (in reading
order) of its reading whose text contains it, once runs of whitespace are collapsed to one
space; matching is exact and case-sensitive.

Loading is idempotent and all or nothing: everything is resolved and checked before anything is
written, a quote that resolves to no paragraph stops the load with an error naming the item and
the quote, and whatever already exists (matched by slug, by date and title for events, by order
for quiz questions) is left exactly as it is.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from courseware.importers.corrections import CorrectionsError, corrections_read
from courseware.models import (
    Course,
    Paragraph,
    Quiz,
    Reading,
    Rubric,
    Unit,
)
from courseware.services.content import (
    ChoiceSpec,
    CriterionSpec,
    LevelSpec,
    essay_prompt_create,
    period_start,
    person_create,
    quiz_create,
    quiz_question_add,
    reading_corrections_load,
    reading_import,
    rubric_create,
    term_create,
    timeline_event_create,
    unit_create,
    unit_reading_add,
)

DEMO_COURSE_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo_course"
WHITESPACE_RE = re.compile(r"\s+")


class DemoContentError(ValueError):
    """The demo course's fixtures are inconsistent: a quote, slug or field that does not fit."""


def demo_course_seed(*, course: Course, directory: Path = DEMO_COURSE_DIR) -> None:
    """Import the demo readings, then load the course content if ``course.json`` is there."""
    readings_import(path=directory / "readings.json")
    course_json = directory / "course.json"
    if course_json.exists():
        course_content_load(course=course, data=json.loads(course_json.read_text("utf-8")))


@transaction.atomic
def readings_import(*, path: Path) -> dict[str, Reading]:
    """Import (or leave as they are) the readings a ``readings.json`` lists, by slug.

    A reading's entry may name a corrections file (``corrections``): its recorded corrections
    are loaded as the reading's emendations (``reading_corrections_load``).
    """
    readings = {}
    for entry in json.loads(path.read_text(encoding="utf-8")):
        text = (path.parent / entry["file"]).read_text(encoding="utf-8")
        readings[entry["slug"]] = reading_import(
            text=text,
            slug=entry["slug"],
            title=entry["title"],
            author=entry.get("author", ""),
            kind=entry["kind"],
            citation=entry.get("citation", ""),
            date_label=entry.get("date_label", ""),
            provenance=entry.get("provenance", ""),
            licence_note=entry.get("licence_note", ""),
            summary=entry.get("summary", ""),
        )
        if entry.get("corrections"):
            data = json.loads((path.parent / entry["corrections"]).read_text(encoding="utf-8"))
            try:
                corrections = corrections_read(data, slug=entry["slug"])
                reading_corrections_load(reading=readings[entry["slug"]], corrections=corrections)
            except (CorrectionsError, ValidationError) as error:
                messages = getattr(error, "messages", [str(error)])
                raise DemoContentError(f"{entry['corrections']}: {'; '.join(messages)}") from error
    return readings


def normalise(text: str) -> str:
    return WHITESPACE_RE.sub(" ", text).strip()


class EvidenceIndex:
    """Finds the paragraph a quote comes from; loads each reading's paragraphs once."""

    def __init__(self) -> None:
        self._readings: dict[str, Reading] = {}
        self._paragraphs: dict[str, list[tuple[str, Paragraph]]] = {}

    def reading(self, slug: str, *, item: str) -> Reading:
        self._load(slug, item=item)
        return self._readings[slug]

    def resolve(self, evidence: dict, *, item: str) -> Paragraph:
        try:
            slug, quote = evidence["reading"], evidence["quote"]
        except (KeyError, TypeError) as error:
            raise DemoContentError(f"{item}: evidence needs a reading and a quote.") from error
        wanted = normalise(quote)
        if not wanted:
            raise DemoContentError(f"{item}: an evidence quote is empty.")
        for text, paragraph in self._load(slug, item=item):
            if wanted in text:
                return paragraph
        raise DemoContentError(f"{item}: the quote “{quote}” is in no paragraph of “{slug}”.")

    def _load(self, slug: str, *, item: str) -> list[tuple[str, Paragraph]]:
        if slug not in self._paragraphs:
            reading = Reading.objects.filter(slug=slug).first()
            if reading is None:
                raise DemoContentError(f"{item}: there is no reading “{slug}”.")
            self._readings[slug] = reading
            self._paragraphs[slug] = [
                (normalise(paragraph.text), paragraph)
                for paragraph in reading.paragraphs.order_by("number").only("pk", "number", "text")
            ]
        return self._paragraphs[slug]


@transaction.atomic
def course_content_load(*, course: Course, data: dict) -> None:
    """Load a course's units, rubric, prompts, glossary, people, timeline and quizzes.

    Everything is checked first (raising ``DemoContentError``); then what is missing is written.
    """
    index = EvidenceIndex()
    try:
        writes = _planned_writes(course=course, data=data, index=index)
    except KeyError as error:
        raise DemoContentError(f"course.json: a required field is missing: {error}") from error
    for write in writes:
        write()


def _planned_writes(*, course: Course, data: dict, index: EvidenceIndex) -> list[Callable[[], Any]]:
    """Check everything and return the writes that make what is missing, in order.

    Every field is read here, so a missing one fails before the first write.
    """
    writes: list[Callable[[], Any]] = []
    units: dict[str, Unit] = {unit.slug: unit for unit in course.units.all()}
    declared_units = {unit["slug"] for unit in data.get("units", [])}

    def unit_of(slug: str | None, *, item: str) -> Callable[[], Unit | None]:
        if slug is None:
            return lambda: None
        if slug not in declared_units and slug not in units:
            raise DemoContentError(f"{item}: there is no unit “{slug}”.")
        return lambda: units[slug]

    def evidence_of(entry: dict, item: str) -> list[Paragraph]:
        paragraphs = [index.resolve(evidence, item=item) for evidence in entry.get("evidence", [])]
        if not paragraphs:
            raise DemoContentError(f"{item}: it has no evidence.")
        return list(dict.fromkeys(paragraphs))

    # Units and the readings (or reading sections) set for them.
    for unit_data in data.get("units", []):
        item = f"unit “{unit_data['slug']}”"
        fields = {
            "slug": unit_data["slug"],
            "title": unit_data["title"],
            "overview": unit_data.get("overview", ""),
            "learning_intentions": unit_data.get("learning_intentions", []),
        }
        readings = [
            _unit_reading(entry, index=index, item=item) for entry in unit_data.get("readings", [])
        ]
        if fields["slug"] not in units:
            writes.append(
                partial(_unit_write, course=course, units=units, fields=fields, readings=readings)
            )

    # The rubric the prompts share; a latest-version rubric of the same title is reused.
    rubric: dict[str, Rubric] = {}
    if data.get("rubric"):
        rubric_data = data["rubric"]
        fields = {
            "title": rubric_data["title"],
            "description": rubric_data.get("description", ""),
            "criteria": [
                CriterionSpec(
                    title=criterion["title"],
                    description=criterion.get("description", ""),
                    levels=tuple(
                        LevelSpec(level["title"], level["descriptor"], level["marks"])
                        for level in criterion["levels"]
                    ),
                )
                for criterion in rubric_data["criteria"]
            ],
        }
        writes.append(partial(_rubric_write, holder=rubric, fields=fields))

    existing = set(course.prompts.values_list("slug", flat=True))
    for prompt in data.get("prompts", []):
        item = f"prompt “{prompt['slug']}”"
        if not data.get("rubric"):
            raise DemoContentError(f"{item}: course.json has no rubric for it.")
        fields = {
            "slug": prompt["slug"],
            "title": prompt["title"],
            "question": prompt["question"],
            "guidance": prompt.get("guidance", ""),
            "min_words": prompt.get("min_words", 0),
            "max_words": prompt["max_words"],
            "readings": [index.reading(slug, item=item) for slug in prompt.get("readings", [])],
        }
        unit = unit_of(prompt.get("unit"), item=item)
        if fields["slug"] not in existing:
            writes.append(
                partial(_prompt_write, course=course, unit=unit, rubric=rubric, fields=fields)
            )

    # Glossary, people and timeline.
    existing = set(course.terms.values_list("slug", flat=True))
    for term in data.get("terms", []):
        fields = {
            "slug": term["slug"],
            "term": term["term"],
            "definition": term["definition"],
            "evidence": evidence_of(term, f"term “{term['slug']}”"),
        }
        if fields["slug"] not in existing:
            writes.append(partial(term_create, course=course, **fields))
    existing = set(course.people.values_list("slug", flat=True))
    for person in data.get("people", []):
        fields = {
            "slug": person["slug"],
            "name": person["name"],
            "life_dates": person.get("life_dates", ""),
            "summary": person["summary"],
            "evidence": evidence_of(person, f"person “{person['slug']}”"),
        }
        if fields["slug"] not in existing:
            writes.append(partial(person_create, course=course, **fields))
    existing = set(course.timeline_events.values_list("date", "title"))
    for event in data.get("events", []):
        item = f"event “{event['title']}”"
        precision = event.get("precision", "day")
        fields = {
            "date": period_start(_parse_date(event["date"], item=item), precision),
            "precision": precision,
            "title": event["title"],
            "description": event.get("description", ""),
            "evidence": evidence_of(event, item),
        }
        if (fields["date"], fields["title"]) not in existing:
            writes.append(partial(timeline_event_create, course=course, **fields))

    # Quizzes, their questions matched by order.
    for quiz_data in data.get("quizzes", []):
        item = f"quiz “{quiz_data['slug']}”"
        fields = {
            "slug": quiz_data["slug"],
            "title": quiz_data["title"],
            "instructions": quiz_data.get("instructions", ""),
        }
        questions = [
            _question(question, index=index, item=f"{item} question {order}") | {"order": order}
            for order, question in enumerate(quiz_data.get("questions", []), start=1)
        ]
        unit = unit_of(quiz_data["unit"], item=item)
        writes.append(partial(_quiz_write, unit=unit, fields=fields, questions=questions))
    return writes


def _unit_reading(entry: dict, *, index: EvidenceIndex, item: str) -> tuple:
    reading = index.reading(entry["reading"], item=item)
    section = None
    if entry.get("section"):
        section = reading.sections.filter(title=entry["section"]).order_by("order").first()
        if section is None:
            raise DemoContentError(
                f"{item}: “{entry['reading']}” has no section “{entry['section']}”."
            )
    return reading, section, entry.get("note") or ""


def _question(question: dict, *, index: EvidenceIndex, item: str) -> dict:
    choices = [
        ChoiceSpec(choice["text"], bool(choice.get("correct"))) for choice in question["choices"]
    ]
    if len(choices) < 2 or sum(choice.correct for choice in choices) != 1:
        raise DemoContentError(f"{item}: it needs two or more choices, exactly one correct.")
    evidence = question.get("evidence")
    return {
        "text": question["text"],
        "explanation": question.get("explanation", ""),
        "evidence": index.resolve(evidence, item=item) if evidence else None,
        "choices": choices,
    }


def _unit_write(*, course: Course, units: dict, fields: dict, readings: list[tuple]) -> None:
    unit = unit_create(course=course, **fields)
    units[unit.slug] = unit
    for reading, section, note in readings:
        unit_reading_add(unit=unit, reading=reading, section=section, note=note)


def _rubric_write(*, holder: dict, fields: dict) -> None:
    holder["rubric"] = Rubric.objects.filter(
        title=fields["title"], next_version__isnull=True
    ).first() or rubric_create(**fields)


def _prompt_write(*, course: Course, unit: Callable, rubric: dict, fields: dict) -> None:
    essay_prompt_create(course=course, unit=unit(), rubric=rubric["rubric"], **fields)


def _quiz_write(*, unit: Callable, fields: dict, questions: list[dict]) -> None:
    quiz = Quiz.objects.filter(unit=unit(), slug=fields["slug"]).first() or quiz_create(
        unit=unit(), **fields
    )
    have = set(quiz.questions.values_list("order", flat=True))
    for question in questions:
        if question["order"] not in have:
            quiz_question_add(quiz=quiz, **question)


def _parse_date(value: str, *, item: str) -> datetime.date:
    """A date as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``."""
    parts = str(value).split("-")
    try:
        numbers = [int(part) for part in parts] + [1] * (3 - len(parts))
        return datetime.date(*numbers[:3])
    except (TypeError, ValueError) as error:
        raise DemoContentError(f"{item}: “{value}” is not a date (YYYY-MM-DD).") from error
