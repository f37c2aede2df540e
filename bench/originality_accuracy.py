"""Precision and recall of the originality checker on the labelled evaluation set.

    .venv/bin/python bench/originality_accuracy.py

Runs ``courseware.originality.check`` over ``tests/courseware/originality/evaluation/cases.json``
against the demo course's readings (peers within each case's group) and prints, per class of
match, predicted matches, correct ones, labelled spans, those found, precision and recall; then
recall by how each passage was planted, paraphrases flagged, time per essay, and the misses and
false matches so they can be read. Agreement between a match and a label is defined in
``tests/courseware/originality/evaluation/scoring.py``.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from courseware.originality.check import CLASSES  # noqa: E402
from tests.courseware.originality.evaluation.scoring import (  # noqa: E402
    demo_reading_corpus,
    evaluate,
    load_cases,
)


def _ratio(value):
    return "–" if value is None else f"{value:.3f}"


def main() -> None:
    cases = load_cases()
    started = time.perf_counter()
    readings = demo_reading_corpus()
    built = time.perf_counter() - started
    started = time.perf_counter()
    outcome = evaluate(cases, readings)
    elapsed = time.perf_counter() - started
    print(
        f"{len(cases)} essays; reading index of {len(readings.paragraphs)} paragraphs "
        f"({readings.index.windows} windows) built in {built:.2f} s"
    )
    print(f"checked in {elapsed:.2f} s ({1000 * elapsed / len(cases):.1f} ms per essay)\n")
    print(
        f"{'class':<16}{'predicted':>10}{'correct':>9}{'labelled':>10}{'found':>7}"
        f"{'precision':>11}{'recall':>8}"
    )
    for kind in CLASSES:
        print(
            f"{kind:<16}{outcome.predicted[kind]:>10}{outcome.correct[kind]:>9}"
            f"{outcome.labelled[kind]:>10}{outcome.found[kind]:>7}"
            f"{_ratio(outcome.precision(kind)):>11}{_ratio(outcome.recall(kind)):>8}"
        )
    print("\nby how the passage was made (found / labelled; for paraphrases: flagged / total)")
    for (kind, variant), (found, total) in sorted(outcome.by_variant.items()):
        print(f"  {kind:<16}{variant:<18}{found:>4} / {total:<4}")
    if outcome.misses:
        print("\nmissed:")
        for case_id, span, _findings in outcome.misses:
            print(f"  {case_id}: {span['class']} ({span['variant']}) at {span['start']}")
    if outcome.false_matches:
        print("\nmatches that agree with no label:")
        for case_id, finding, text in outcome.false_matches:
            words = text[finding.start : finding.end][:70]
            print(f"  {case_id}: {finding.kind} “{words}”")


if __name__ == "__main__":
    main()
