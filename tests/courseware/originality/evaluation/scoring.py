"""Scoring the checker against the labelled evaluation set (``cases.json``).

A predicted match and a labelled span agree when they are of the same class, point at the
same source (the reading paragraph for reading classes, the other essay for peer overlap) and
overlap by at least half of each one's length in characters (``OVERLAP``): a match a few words
longer or shorter than the planted passage (a shared word at either edge) is still right,
while one covering only a corner of it is not. ``wrong_paragraph`` matches are compared by the
paragraph where the words really are.

Precision of a class is the share of its predicted matches that agree with a labelled span;
recall is the share of its labelled spans that some predicted match agrees with. A match over
a paraphrase or a clean essay agrees with nothing and counts against precision.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from courseware.importers import parse_reading
from courseware.originality.check import (
    CLASSES,
    PeerCorpus,
    PeerEssay,
    ReadingCorpus,
    SourceParagraph,
    check_essay,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
OVERLAP = 0.5


def load_cases() -> list[dict]:
    return json.loads((HERE / "cases.json").read_text(encoding="utf-8"))


def demo_reading_corpus() -> ReadingCorpus:
    """The demo course's four readings as the importer numbers their paragraphs."""
    meta = json.loads((ROOT / "fixtures/demo_course/readings.json").read_text(encoding="utf-8"))
    paragraphs = []
    for item in meta:
        parsed = parse_reading((ROOT / "fixtures/demo_course" / item["file"]).read_text("utf-8"))
        number = 0
        for section in parsed.sections:
            for paragraph in section.paragraphs:
                number += 1
                paragraphs.append(
                    SourceParagraph(
                        key=f"{item['slug']}#{number}",
                        reading_slug=item["slug"],
                        number=number,
                        text=paragraph.text,
                    )
                )
    return ReadingCorpus(paragraphs)


@dataclass
class Outcome:
    """Per class: predicted matches, those that agree, labelled spans, those found."""

    predicted: dict = field(default_factory=lambda: defaultdict(int))
    correct: dict = field(default_factory=lambda: defaultdict(int))
    labelled: dict = field(default_factory=lambda: defaultdict(int))
    found: dict = field(default_factory=lambda: defaultdict(int))
    by_variant: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list = field(default_factory=list)
    false_matches: list = field(default_factory=list)

    def precision(self, kind: str) -> float | None:
        return self.correct[kind] / self.predicted[kind] if self.predicted[kind] else None

    def recall(self, kind: str) -> float | None:
        return self.found[kind] / self.labelled[kind] if self.labelled[kind] else None


def _source_of(finding) -> str | None:
    if finding.peer is not None:
        return f"peer:{finding.peer}"
    if finding.paragraph is not None:
        return f"reading:{finding.paragraph}"
    return None


def _label_source(span: dict) -> str | None:
    if "peer" in span:
        return f"peer:{span['peer']}"
    if "source" in span:
        return f"reading:{span['source']['reading']}#{span['source']['number']}"
    return None


def _agree(finding, span: dict) -> bool:
    if finding.kind != span["class"]:
        return False
    if _source_of(finding) != _label_source(span):
        return False
    overlap = min(finding.end, span["end"]) - max(finding.start, span["start"])
    return overlap >= OVERLAP * (span["end"] - span["start"]) and overlap >= OVERLAP * (
        finding.end - finding.start
    )


def evaluate(cases: list[dict] | None = None, readings: ReadingCorpus | None = None) -> Outcome:
    cases = cases if cases is not None else load_cases()
    readings = readings or demo_reading_corpus()
    groups: dict[str, list[dict]] = defaultdict(list)
    for case in cases:
        if case["group"]:
            groups[case["group"]].append(case)
    outcome = Outcome()
    for case in cases:
        peers = None
        if case["group"]:
            peers = PeerCorpus(
                PeerEssay(key=other["id"], text=other["text"])
                for other in groups[case["group"]]
                if other["id"] != case["id"]
            )
        result = check_essay(case["text"], readings=readings, peers=peers)
        spans = [s for s in case["spans"] if s["class"] in CLASSES]
        for span in spans:
            outcome.labelled[span["class"]] += 1
            hit = any(_agree(f, span) for f in result.findings)
            outcome.found[span["class"]] += hit
            tally = outcome.by_variant[(span["class"], span["variant"])]
            tally[0] += hit
            tally[1] += 1
            if not hit:
                outcome.misses.append((case["id"], span, result.findings))
        for span in case["spans"]:
            if span["class"] == "none":
                tally = outcome.by_variant[("none", span["variant"])]
                flagged = any(
                    min(f.end, span["end"]) > max(f.start, span["start"]) for f in result.findings
                )
                tally[0] += flagged
                tally[1] += 1
        for finding in result.findings:
            outcome.predicted[finding.kind] += 1
            if any(_agree(finding, span) for span in spans):
                outcome.correct[finding.kind] += 1
            else:
                outcome.false_matches.append((case["id"], finding, case["text"]))
    return outcome
