"""A class with an OPCVL task on paragraphs 2–5 of a six-paragraph reading, and an essay whose
prompt links that reading."""

from dataclasses import dataclass

from courseware.models import Assignment, Reading, Rubric
from tests.conftest import module_world
from tests.factories import RubricFactory, analysis_assignment, analysis_reading, essay_assignment


@dataclass
class Analysis:
    reading: Reading
    rubric: Rubric
    task: Assignment
    essay: Assignment


def make_analysis(school) -> Analysis:
    reading = analysis_reading(school.classroom)
    rubric = RubricFactory()
    task = analysis_assignment(
        school.classroom,
        reading=reading,
        rubric=rubric,
        paragraph_from=2,
        paragraph_to=5,
        by=school.teacher,
        title="Carr on the Troika",
    )
    essay = essay_assignment(school.classroom, min_words=5, max_words=400, readings=[reading])
    return Analysis(reading=reading, rubric=rubric, task=task, essay=essay)


shared_world, world_copy, school, analysis = module_world(make_analysis, name="analysis")


def answers(**overrides) -> dict[str, str]:
    """An answer to every OPCVL prompt, citing paragraphs 2 and 3."""
    base = {
        "origin": "Carr, a historian writing in the 1950s.",
        "purpose": "To explain the succession [[{slug}#p-2]].",
        "content": 'He says "the Troika met in Moscow" [[{slug}#p-3]].',
        "value": "Detailed use of party records.",
        "limitation": "Written before the archives opened.",
    }
    base.update(overrides)
    return base


def answers_for(reading: Reading, **overrides) -> dict[str, str]:
    return {key: text.replace("{slug}", reading.slug) for key, text in answers(**overrides).items()}
