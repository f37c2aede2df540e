"""Ready-made rubrics history teachers use, offered as starting points in the rubric builder.

Each is a title, a description and criteria (levels highest first, marks before weighting).
The HSC-style band rubric is the demo course's own; the AP DBQ rubric follows the College
Board's seven-point document-based question scoring; the IB-style rubric marks a source
analysis by origin, purpose, content, and value and limitations (OPCVL).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from django.conf import settings

from courseware.services.content import CriterionSpec, LevelSpec


@dataclass(frozen=True)
class RubricTemplate:
    key: str
    title: str
    description: str
    criteria: tuple[CriterionSpec, ...]

    @property
    def total(self):
        from courseware.services.content import rubric_spec_total

        return rubric_spec_total(self.criteria)


def _criterion(title: str, description: str, *levels: tuple[str, int, str]) -> CriterionSpec:
    return CriterionSpec(
        title=title,
        description=description,
        levels=tuple(LevelSpec(name, descriptor, marks) for name, marks, descriptor in levels),
    )


def _hsc() -> RubricTemplate:
    path = settings.BASE_DIR / "fixtures" / "demo_course" / "course.json"
    data = json.loads(path.read_text(encoding="utf-8"))["rubric"]
    return RubricTemplate(
        key="hsc-bands",
        title=data["title"],
        description=data.get("description", ""),
        criteria=tuple(
            CriterionSpec(
                title=criterion["title"],
                description=criterion.get("description", ""),
                levels=tuple(
                    LevelSpec(level["title"], level["descriptor"], level["marks"])
                    for level in criterion["levels"]
                ),
            )
            for criterion in data["criteria"]
        ),
    )


AP_DBQ = RubricTemplate(
    key="ap-dbq",
    title="AP History — Document-based question (7 points)",
    description=(
        "The seven-point DBQ rubric: thesis (1), contextualisation (1), evidence (3) and "
        "analysis and reasoning (2). Points are earned, not deducted; award each one the "
        "response shows anywhere."
    ),
    criteria=(
        _criterion(
            "A. Thesis / claim",
            "A historically defensible thesis or claim that responds to the prompt and sets out "
            "a line of reasoning.",
            (
                "1 point",
                1,
                "Responds to the prompt with a historically defensible thesis or claim that "
                "establishes a line of reasoning, in the introduction or the conclusion.",
            ),
            (
                "0 points",
                0,
                "No defensible claim, a claim that only restates the prompt, or one that does "
                "not set out a line of reasoning.",
            ),
        ),
        _criterion(
            "B. Contextualisation",
            "The broader historical context relevant to the prompt.",
            (
                "1 point",
                1,
                "Describes a broader historical context relevant to the prompt: events, "
                "developments or processes before, during or continuing after its period, "
                "more than a phrase or a passing reference.",
            ),
            ("0 points", 0, "No relevant context, or only a passing reference to it."),
        ),
        _criterion(
            "C. Evidence",
            "Evidence from the documents, and evidence beyond them.",
            (
                "3 points",
                3,
                "Supports an argument using the content of at least four documents, and uses "
                "at least one further piece of specific historical evidence, beyond the "
                "documents, relevant to that argument.",
            ),
            (
                "2 points",
                2,
                "Supports an argument using at least four documents; or uses the content of at "
                "least three documents and one relevant piece of evidence beyond them.",
            ),
            (
                "1 point",
                1,
                "Uses the content of at least three documents to address the topic of the "
                "prompt (accurately describing them, not only quoting them).",
            ),
            ("0 points", 0, "Fewer than three documents used accurately; no outside evidence."),
        ),
        _criterion(
            "D. Analysis and reasoning",
            "Sourcing of the documents and a complex understanding of the development.",
            (
                "2 points",
                2,
                "For at least two documents explains how or why the author's point of view, "
                "purpose, historical situation or audience is relevant to the argument; and "
                "shows a complex understanding, using evidence to corroborate, qualify or "
                "modify the argument.",
            ),
            (
                "1 point",
                1,
                "Explains the relevance of point of view, purpose, historical situation or "
                "audience for at least two documents; or shows a complex understanding without "
                "that sourcing.",
            ),
            ("0 points", 0, "Documents are summarised or quoted but not sourced or analysed."),
        ),
    ),
)


IB_OPCVL = RubricTemplate(
    key="ib-opcvl",
    title="IB-style source analysis — origin, purpose, content, value and limitations",
    description=(
        "For a written analysis of one source: who made it, when and why, what it says, and "
        "so what it is worth, and where it falls short, to a historian of the question."
    ),
    criteria=(
        _criterion(
            "Origin",
            "Author, date, type of source and where it comes from.",
            (
                "2 marks",
                2,
                "Identifies author, date and kind of source precisely and explains what the "
                "author's position and the moment of writing mean for the source.",
            ),
            ("1 mark", 1, "Identifies the origin accurately but only describes it."),
            ("0 marks", 0, "Origin missing or wrong."),
        ),
        _criterion(
            "Purpose",
            "Why the source was made and for whom.",
            (
                "2 marks",
                2,
                "Infers the purpose and intended audience from the source and its context and "
                "explains how they shape what it says.",
            ),
            ("1 mark", 1, "States a plausible purpose or audience without explaining it."),
            ("0 marks", 0, "Purpose missing or implausible."),
        ),
        _criterion(
            "Content",
            "What the source says, read closely and placed in context.",
            (
                "2 marks",
                2,
                "Reads the content closely (language, emphasis, omission) and relates it to "
                "accurate knowledge of the period.",
            ),
            ("1 mark", 1, "Summarises the content accurately with little analysis."),
            ("0 marks", 0, "Content misread or only quoted."),
        ),
        _criterion(
            "Value and limitations",
            "What the source is worth to a historian, and where it falls short, argued from its "
            "origin, purpose and content.",
            (
                "4 marks",
                4,
                "Argues both value and limitations explicitly from origin, purpose and content, "
                "for the question being asked; weighs one against the other.",
            ),
            (
                "3 marks",
                3,
                "Discusses value and limitations with explicit reference to origin, purpose "
                "and content, but unevenly.",
            ),
            (
                "2 marks",
                2,
                "Identifies value and limitations with some link to origin, purpose or "
                'content; partly generic ("it is biased").',
            ),
            ("1 mark", 1, "Value or limitations asserted without support."),
            ("0 marks", 0, "No assessment of value or limitations."),
        ),
    ),
)


@cache
def rubric_templates() -> dict[str, RubricTemplate]:
    """The templates by key, in the order they are offered."""
    return {template.key: template for template in (_hsc(), AP_DBQ, IB_OPCVL)}
