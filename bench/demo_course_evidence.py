"""Measure how the demo course's evidence quotes sit in the readings they cite.

Usage: ``python bench/demo_course_evidence.py`` from the repository root. It parses each reading
with the importer's ``parse_reading`` (from ``fixtures/demo_course/readings/<slug>.txt``, else the
shared seed), resolves every evidence quote in ``fixtures/demo_course/course.json`` as the loader
does (the first paragraph whose whitespace-collapsed text contains the quote), and prints:

- one row per reading: ``quotes`` citing it, ``resolved`` of them, ``ambiguous`` (quotes found in
  more than one paragraph, where the first match might not be the intended one), ``cited``
  (distinct paragraphs cited), ``paragraphs`` in the reading and ``coverage`` (cited share);
- the quote-length distribution in words (min, median, max);
- how many paragraphs each unit's quiz draws on, and the timing of parsing and resolving.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from courseware.importers import parse_reading  # noqa: E402

COURSE_JSON = REPO_ROOT / "fixtures" / "demo_course" / "course.json"
READINGS_DIR = REPO_ROOT / "fixtures" / "demo_course" / "readings"
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"
SEED_FILES = {
    "debate-on-foreign-policy": "000_fbe8f050d7762f83.txt",
    "stalin-trotsky-thesis": "001_4e889e92fdabce2b.txt",
    "student-essay-socialism-debate": "002_2f3d464b1cd55c10.txt",
    "cliff-lessons-of-october": "003_69c2650609e06f78.txt",
}
WHITESPACE_RE = re.compile(r"\s+")


def collapse(text: str) -> str:
    return WHITESPACE_RE.sub(" ", text).strip()


def seed_text(slug: str) -> str:
    fixture = READINGS_DIR / f"{slug}.txt"
    path = fixture if fixture.exists() else SEEDS_DIR / SEED_FILES[slug]
    return path.read_text(encoding="utf-8")


def evidence(course: dict) -> list[tuple[str, dict]]:
    """Every evidence quote, labelled with the quiz's unit for quiz questions."""
    items = [
        ("", item)
        for kind in ("terms", "people", "events")
        for entry in course[kind]
        for item in entry["evidence"]
    ]
    items += [
        (quiz["unit"], question["evidence"])
        for quiz in course["quizzes"]
        for question in quiz["questions"]
    ]
    return items


def main() -> None:
    course = json.loads(COURSE_JSON.read_text(encoding="utf-8"))
    started = time.perf_counter()
    paragraphs = {}
    for slug in SEED_FILES:
        parsed = parse_reading(seed_text(slug))
        paragraphs[slug] = [
            collapse(paragraph.text)
            for section in parsed.sections
            for paragraph in section.paragraphs
        ]
    parsed_at = time.perf_counter()

    quotes: Counter[str] = Counter()
    resolved: Counter[str] = Counter()
    ambiguous: Counter[str] = Counter()
    cited: dict[str, set[int]] = defaultdict(set)
    per_unit: dict[str, set[tuple[str, int]]] = defaultdict(set)
    lengths = []
    for unit, item in evidence(course):
        slug, quote = item["reading"], collapse(item["quote"])
        lengths.append(len(quote.split()))
        quotes[slug] += 1
        hits = [number for number, text in enumerate(paragraphs[slug], 1) if quote in text]
        if hits:
            resolved[slug] += 1
            cited[slug].add(hits[0])
            if unit:
                per_unit[unit].add((slug, hits[0]))
        if len(hits) > 1:
            ambiguous[slug] += 1
    resolved_at = time.perf_counter()

    header = ("reading", "quotes", "resolved", "ambiguous", "cited", "paragraphs", "coverage")
    print(f"{header[0]:32}" + "".join(f"{name:>11}" for name in header[1:]))
    for slug in SEED_FILES:
        total = len(paragraphs[slug])
        share = len(cited[slug]) / total if total else 0
        row = (quotes[slug], resolved[slug], ambiguous[slug], len(cited[slug]), total)
        print(f"{slug:32}" + "".join(f"{value:>11}" for value in row) + f"{share:>11.0%}")
    print(
        f"\n{sum(quotes.values())} quotes; words per quote: min {min(lengths)}, "
        f"median {statistics.median(lengths):g}, max {max(lengths)}"
    )
    for unit in (unit["slug"] for unit in course["units"]):
        print(f"quiz for {unit}: draws on {len(per_unit[unit])} distinct paragraphs")
    print(
        f"\nparse 4 readings: {(parsed_at - started) * 1000:.0f} ms; "
        f"resolve {sum(quotes.values())} quotes: {(resolved_at - parsed_at) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
