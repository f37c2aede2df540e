"""The demo course's content (``fixtures/demo_course/course.json``) is complete and evidenced.

The course is authored as JSON and loaded into the database by the demo loader. These tests hold
the JSON to the rules the loader relies on and to the promise the course makes to teachers: every
glossary term, person, timeline event and quiz question carries evidence quotes that are the
source's own words, and each quote resolves to exactly the paragraph it was taken from in the
reading as the importer parses it.

A quote resolves to the first paragraph of its reading (in reading order) whose text contains
it once runs of whitespace are collapsed; matching is exact and case-sensitive.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from courseware.importers import parse_reading

REPO = Path(__file__).resolve().parents[2]
COURSE_JSON = REPO / "fixtures" / "demo_course" / "course.json"
READINGS_DIR = REPO / "fixtures" / "demo_course" / "readings"
SEEDS_DIR = REPO.parent / "shared" / "seeds"
SEED_FILES = {
    "debate-on-foreign-policy": "000_fbe8f050d7762f83.txt",
    "stalin-trotsky-thesis": "001_4e889e92fdabce2b.txt",
    "student-essay-socialism-debate": "002_2f3d464b1cd55c10.txt",
    "cliff-lessons-of-october": "003_69c2650609e06f78.txt",
}

MIN_UNITS = 6
MIN_PROMPTS = 8
MIN_TERMS = 20
MIN_PEOPLE = 12
MIN_EVENTS = 25
MIN_QUESTIONS_PER_QUIZ = 8
MIN_CRITERIA = 4
# A quote must be long enough to pin down one paragraph and short enough to sit inside one.
MIN_QUOTE_WORDS = 5
MAX_QUOTE_WORDS = 30
MONTHS = (
    "January February March April May June July August September October November December"
).split()
WHITESPACE_RE = re.compile(r"\s+")

# The seven topics of the course, each of which some unit must cover.
TOPICS = {
    "the succession after Lenin": ("succession", "lenin"),
    "permanent revolution vs socialism in one country": ("permanent revolution", "one country"),
    "The Lessons of October and the 1924 discussion": ("lessons of october",),
    "the United Opposition and democratic centralism": ("united opposition", "centralism"),
    "the economic debates": ("economic",),
    "China and Britain 1926–27": ("china", "britain"),
    "the apparatus, defeat and expulsion 1927–28": ("apparatus", "expulsion"),
}


def collapse(text: str) -> str:
    """Collapse runs of whitespace to one space, as the loader does before matching."""
    return WHITESPACE_RE.sub(" ", text).strip()


@cache
def course() -> dict:
    return json.loads(COURSE_JSON.read_text(encoding="utf-8"))


def seed_text(slug: str) -> str:
    """The text the reading is imported from: the fixture copy, else the shared seed."""
    fixture = READINGS_DIR / f"{slug}.txt"
    if fixture.exists():
        return fixture.read_text(encoding="utf-8")
    seed = SEEDS_DIR / SEED_FILES[slug]
    if not seed.exists():
        pytest.fail(f"No text for reading {slug!r}: neither {fixture} nor {seed} exists.")
    return seed.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Paragraph:
    number: int
    section: str
    text: str


@dataclass(frozen=True)
class Parsed:
    paragraphs: tuple[Paragraph, ...]
    footnotes: tuple[str, ...]
    section_titles: frozenset[str]


@cache
def parsed(slug: str) -> Parsed:
    """The reading as the importer parses it, with whitespace collapsed for matching."""
    reading = parse_reading(seed_text(slug))
    paragraphs = []
    for section in reading.sections:
        for paragraph in section.paragraphs:
            paragraphs.append(
                Paragraph(len(paragraphs) + 1, section.title, collapse(paragraph.text))
            )
    return Parsed(
        paragraphs=tuple(paragraphs),
        footnotes=tuple(collapse(note.text) for note in reading.footnotes),
        section_titles=frozenset(section.title for section in reading.sections if section.title),
    )


def resolve(reading: str, quote: str) -> Paragraph | None:
    """The first paragraph of the reading that contains the quote, as the loader finds it."""
    wanted = collapse(quote)
    return next((p for p in parsed(reading).paragraphs if wanted in p.text), None)


def evidence_items() -> list[tuple[str, dict]]:
    """Every evidence quote in the course, with a label saying where it is used."""
    data = course()
    items: list[tuple[str, dict]] = []
    for kind, key in (("term", "slug"), ("person", "slug"), ("event", "title")):
        for entry in data[{"term": "terms", "person": "people", "event": "events"}[kind]]:
            for evidence in entry["evidence"]:
                items.append((f"{kind} {entry[key]!r}", evidence))
    for quiz in data["quizzes"]:
        for number, question in enumerate(quiz["questions"], start=1):
            items.append((f"quiz {quiz['slug']!r} question {number}", question["evidence"]))
    return items


def test_course_has_the_required_numbers_of_everything():
    data = course()
    assert len(data["units"]) >= MIN_UNITS
    assert len(data["prompts"]) >= MIN_PROMPTS
    assert len(data["terms"]) >= MIN_TERMS
    assert len(data["people"]) >= MIN_PEOPLE
    assert len(data["events"]) >= MIN_EVENTS
    assert len(data["rubric"]["criteria"]) >= MIN_CRITERIA


def test_every_topic_of_the_course_has_a_unit():
    titles = [collapse(unit["title"]).lower() for unit in course()["units"]]
    uncovered = [
        topic
        for topic, words in TOPICS.items()
        if not any(all(word in title for word in words) for title in titles)
    ]
    assert uncovered == []


def test_slugs_are_unique_within_each_kind():
    data = course()
    for kind in ("units", "prompts", "terms", "people", "quizzes"):
        counts = Counter(entry["slug"] for entry in data[kind])
        assert [slug for slug, count in counts.items() if count > 1] == [], kind


def test_every_reference_names_a_known_reading_or_unit():
    data = course()
    units = {unit["slug"] for unit in data["units"]}
    readings = [reading["reading"] for unit in data["units"] for reading in unit["readings"]]
    readings += [slug for prompt in data["prompts"] for slug in prompt["readings"]]
    readings += [evidence["reading"] for _, evidence in evidence_items()]
    assert set(readings) <= set(SEED_FILES)
    assert {prompt["unit"] for prompt in data["prompts"]} <= units
    assert {quiz["unit"] for quiz in data["quizzes"]} <= units


def test_every_unit_has_an_overview_intentions_and_at_least_one_reading():
    for unit in course()["units"]:
        assert unit["title"].strip() and unit["overview"].strip(), unit["slug"]
        assert unit["learning_intentions"], unit["slug"]
        assert all(intention.strip() for intention in unit["learning_intentions"])
        assert unit["readings"], unit["slug"]


def test_unit_reading_sections_are_sections_the_importer_finds():
    missing = [
        (unit["slug"], entry["reading"], entry["section"])
        for unit in course()["units"]
        for entry in unit["readings"]
        if entry["section"] is not None
        and entry["section"] not in parsed(entry["reading"]).section_titles
    ]
    assert missing == []


def test_a_unit_sets_each_reading_section_only_once():
    for unit in course()["units"]:
        pairs = Counter((entry["reading"], entry["section"]) for entry in unit["readings"])
        assert [pair for pair, count in pairs.items() if count > 1] == [], unit["slug"]


def test_prompts_are_spread_over_the_units_with_year_12_word_limits_and_readings():
    data = course()
    assert len({prompt["unit"] for prompt in data["prompts"]}) == len(data["units"])
    for prompt in data["prompts"]:
        assert prompt["question"].strip() and prompt["guidance"].strip(), prompt["slug"]
        assert 600 <= prompt["min_words"] < prompt["max_words"] <= 2000, prompt["slug"]
        assert prompt["readings"], prompt["slug"]
        assert len(set(prompt["readings"])) == len(prompt["readings"]), prompt["slug"]


def test_rubric_criteria_have_four_or_five_levels_with_distinct_descending_marks():
    rubric = course()["rubric"]
    assert rubric["title"].strip()
    for criterion in rubric["criteria"]:
        levels = criterion["levels"]
        assert 4 <= len(levels) <= 5, criterion["title"]
        marks = [level["marks"] for level in levels]
        assert marks == sorted(marks, reverse=True), criterion["title"]
        assert len(set(marks)) == len(marks) and min(marks) >= 0, criterion["title"]
        assert all(level["title"].strip() and level["descriptor"].strip() for level in levels)


def test_every_unit_has_a_quiz_of_at_least_eight_questions():
    quizzes = Counter(quiz["unit"] for quiz in course()["quizzes"])
    for unit in course()["units"]:
        assert quizzes[unit["slug"]] >= 1, unit["slug"]
    for quiz in course()["quizzes"]:
        assert len(quiz["questions"]) >= MIN_QUESTIONS_PER_QUIZ, quiz["slug"]


def test_every_question_has_three_or_four_choices_exactly_one_correct():
    for quiz in course()["quizzes"]:
        for number, question in enumerate(quiz["questions"], start=1):
            where = f"{quiz['slug']} question {number}"
            choices = question["choices"]
            assert 3 <= len(choices) <= 4, where
            assert sum(1 for choice in choices if choice["correct"] is True) == 1, where
            texts = [collapse(choice["text"]) for choice in choices]
            assert len(set(texts)) == len(texts), where
            assert question["text"].strip() and question["explanation"].strip(), where


def test_event_dates_are_real_dates_at_the_start_of_their_period():
    for event in course()["events"]:
        date = datetime.date.fromisoformat(event["date"])
        assert event["precision"] in ("day", "month", "year"), event["title"]
        if event["precision"] in ("month", "year"):
            assert date.day == 1, event["title"]
        if event["precision"] == "year":
            assert date.month == 1, event["title"]


def test_every_evidence_quote_is_a_few_words_long():
    wrong = [
        (where, evidence["quote"])
        for where, evidence in evidence_items()
        if not MIN_QUOTE_WORDS <= len(collapse(evidence["quote"]).split()) <= MAX_QUOTE_WORDS
    ]
    assert wrong == []


def test_every_evidence_quote_is_verbatim_in_its_seed_text():
    """Independent of the parser: the quote is the source's own words, whitespace aside."""
    texts = {slug: collapse(seed_text(slug)) for slug in SEED_FILES}
    missing = [
        (where, evidence["reading"], evidence["quote"])
        for where, evidence in evidence_items()
        if collapse(evidence["quote"]) not in texts[evidence["reading"]]
    ]
    assert missing == []


def test_every_evidence_quote_resolves_to_a_paragraph_of_its_reading():
    unresolved = []
    for where, evidence in evidence_items():
        if resolve(evidence["reading"], evidence["quote"]) is None:
            in_note = any(
                collapse(evidence["quote"]) in note
                for note in parsed(evidence["reading"]).footnotes
            )
            place = "only in a footnote" if in_note else "nowhere"
            unresolved.append((where, evidence["reading"], evidence["quote"], place))
    assert unresolved == []


def test_no_evidence_quote_is_also_found_in_a_footnote():
    """Evidence is body text: a quote that a note repeats would point readers the wrong way."""
    in_notes = [
        (where, evidence["quote"])
        for where, evidence in evidence_items()
        if any(
            collapse(evidence["quote"]) in note for note in parsed(evidence["reading"]).footnotes
        )
    ]
    assert in_notes == []


def test_every_evidence_quote_occurs_in_exactly_one_paragraph():
    """So the first match the loader takes is the paragraph the quote was chosen from."""
    ambiguous = []
    for where, evidence in evidence_items():
        wanted = collapse(evidence["quote"])
        hits = [p.number for p in parsed(evidence["reading"]).paragraphs if wanted in p.text]
        if len(hits) > 1:
            ambiguous.append((where, evidence["quote"], hits))
    assert ambiguous == []


def test_quiz_evidence_comes_from_what_the_unit_sets_students_to_read():
    data = course()
    units = {unit["slug"]: unit for unit in data["units"]}
    outside = []
    for quiz in data["quizzes"]:
        set_readings = units[quiz["unit"]]["readings"]
        for number, question in enumerate(quiz["questions"], start=1):
            evidence = question["evidence"]
            paragraph = resolve(evidence["reading"], evidence["quote"])
            if paragraph is None:
                continue  # reported by the resolution test
            covered = any(
                entry["reading"] == evidence["reading"]
                and entry["section"] in (None, paragraph.section)
                for entry in set_readings
            )
            if not covered:
                outside.append((quiz["slug"], number, evidence["reading"], paragraph.section))
    assert outside == []


def test_every_event_is_dated_by_its_own_evidence():
    """The year (and the month, when the event gives one) is printed in an evidence paragraph."""
    undated = []
    for event in course()["events"]:
        date = datetime.date.fromisoformat(event["date"])
        texts = []
        for evidence in event["evidence"]:
            paragraph = resolve(evidence["reading"], evidence["quote"])
            if paragraph is not None:
                texts.append(paragraph.text)
        if not any(str(date.year) in text for text in texts):
            undated.append((event["title"], "year"))
        if event["precision"] != "year" and not any(MONTHS[date.month - 1] in t for t in texts):
            undated.append((event["title"], "month"))
        if event["precision"] == "day" and not any(
            re.search(rf"\b{date.day}\b", text) for text in texts
        ):
            undated.append((event["title"], "day"))
    assert undated == []


def test_every_term_person_and_event_has_evidence():
    data = course()
    for kind in ("terms", "people", "events"):
        for entry in data[kind]:
            assert entry["evidence"], entry.get("slug") or entry["title"]


FIELDS = {
    "unit": {"slug", "title", "overview", "learning_intentions", "readings"},
    "unit reading": {"reading", "section", "note"},
    "rubric": {"title", "description", "criteria"},
    "criterion": {"title", "description", "levels"},
    "level": {"title", "descriptor", "marks"},
    "prompt": {
        "slug",
        "unit",
        "title",
        "question",
        "guidance",
        "min_words",
        "max_words",
        "readings",
    },
    "term": {"slug", "term", "definition", "evidence"},
    "person": {"slug", "name", "life_dates", "summary", "evidence"},
    "event": {"date", "precision", "title", "description", "evidence"},
    "quiz": {"unit", "slug", "title", "instructions", "questions"},
    "question": {"text", "explanation", "evidence", "choices"},
    "choice": {"text", "correct"},
    "evidence": {"reading", "quote"},
}


def test_every_entry_has_exactly_the_fields_of_the_agreed_format():
    data = course()
    assert set(data) == {"units", "rubric", "prompts", "terms", "people", "events", "quizzes"}
    shaped: list[tuple[str, dict]] = [("rubric", data["rubric"])]
    shaped += [("unit", unit) for unit in data["units"]]
    shaped += [("unit reading", entry) for unit in data["units"] for entry in unit["readings"]]
    shaped += [("criterion", criterion) for criterion in data["rubric"]["criteria"]]
    shaped += [("level", lvl) for crit in data["rubric"]["criteria"] for lvl in crit["levels"]]
    shaped += [("prompt", prompt) for prompt in data["prompts"]]
    shaped += [("term", term) for term in data["terms"]]
    shaped += [("person", person) for person in data["people"]]
    shaped += [("event", event) for event in data["events"]]
    shaped += [("quiz", quiz) for quiz in data["quizzes"]]
    questions = [question for quiz in data["quizzes"] for question in quiz["questions"]]
    shaped += [("question", question) for question in questions]
    shaped += [("choice", choice) for question in questions for choice in question["choices"]]
    shaped += [("evidence", evidence) for _, evidence in evidence_items()]
    wrong = [
        (kind, sorted(set(entry) ^ FIELDS[kind]))
        for kind, entry in shaped
        if set(entry) != FIELDS[kind]
    ]
    assert wrong == []


def test_the_correct_choice_is_not_always_in_the_same_place():
    for quiz in course()["quizzes"]:
        places = {
            next(index for index, choice in enumerate(question["choices"]) if choice["correct"])
            for question in quiz["questions"]
        }
        assert len(places) >= 3, quiz["slug"]


def test_the_correct_choice_is_not_given_away_by_its_length():
    """A right answer much longer than every wrong one can be guessed without reading."""
    giveaways = []
    for quiz in course()["quizzes"]:
        for number, question in enumerate(quiz["questions"], start=1):
            right = [len(c["text"]) for c in question["choices"] if c["correct"]]
            wrong = [len(c["text"]) for c in question["choices"] if not c["correct"]]
            if right and wrong and right[0] > 1.5 * max(wrong):
                giveaways.append((quiz["slug"], number))
    assert giveaways == []
