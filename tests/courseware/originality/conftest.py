"""A class's essay on a reading, handed in and checked: the world the originality pages show."""

from dataclasses import dataclass

import pytest

from tests.factories import course_reading, essay_assignment
from tests.factories.originality import checked_submission

SOURCE_TEXT = "\n".join(
    [
        "The Troika had every reason to fear Trotsky, who had directed the October rising "
        "and built the Red Army from nothing in the middle of a civil war.",
        "",
        "Stalin, on the other hand, became synonymous with the policy of socialism in one "
        "country towards the end of 1924, which gave a tired party hope and continuity.",
        "",
        "Permanent revolution could easily be painted as adventurism, a gamble on risings in "
        "Berlin and London that showed no sign of coming.",
        "",
    ]
)

COPIED = (
    "Stalin, on the other hand, became synonymous with the policy of socialism in one "
    "country towards the end of 1924, which gave a tired party hope and continuity."
)


def essay_with_matches(slug: str) -> str:
    """An essay with one copied passage and one correctly cited quotation of the reading."""
    return (
        "My argument is that Stalin won the contest for power through patient control of "
        "appointments rather than through any brilliance of ideas or oratory.\n\n"
        f"{COPIED} That was the turning point in my view.\n\n"
        "Trotsky's opponents said that permanent revolution was "
        f"\u201ca gamble on risings in Berlin and London\u201d [[{slug}#p-3]], and many agreed."
    )


@dataclass
class EssayWorld:
    reading: object
    assignment: object
    submission: object
    version: object
    report: object


def make_essay_world(school) -> EssayWorld:
    """The class's essay on the reading, handed in by the school's student and checked."""
    reading = course_reading(school.classroom.course, slug="succession-notes", text=SOURCE_TEXT)
    assignment = essay_assignment(school.classroom, min_words=10, max_words=400, readings=[reading])
    submission, report = checked_submission(
        assignment, school.student, text=essay_with_matches(reading.slug)
    )
    return EssayWorld(
        reading=reading,
        assignment=assignment,
        submission=submission,
        version=report.version,
        report=report,
    )


@pytest.fixture
def essay_world(school) -> EssayWorld:
    return make_essay_world(school)
