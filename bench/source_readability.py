"""Measure how readable and how faithful the demo readings are on their reading pages.

Usage: ``.venv/bin/python bench/source_readability.py [SEEDS_DIR] [--missing]``

Without ``DATABASE_URL`` it builds a throwaway SQLite database. It loads the demo readings as
``seed_demo`` does (``fixtures/demo_course/readings.json``, with each reading's corrections
file), renders each reading's text in both views through the page's own code
(``courseware.views.reading_text``) and prints one row per reading:

- ``seed = fixture``: whether the fixture's bytes are the seed file's (only with SEEDS_DIR).
- ``seed words``: the seed's word tokens, furniture, bare page numbers and a truncated
  duplicate whose words the text repeats left out (as ``import_fidelity.py`` counts them).
- ``as scanned``: the share of those tokens found in the text of the "as scanned" page
  (its contents and body, tags stripped), credited as ``import_fidelity.py`` credits them
  (goal: about 100%).
- ``note text in body``: paragraphs outside the bibliography that still contain a note's
  citation text (``courseware.importers.fidelity``; goal: 0).
- ``corrections``: corrections recorded in the reading's corrections file; ``loaded``: those
  loaded as emendations; ``missed``: recorded corrections whose original is not in their
  target (goal: 0); ``places``: places in the text where one is shown; ``drawn``: of those,
  the emendations drawn on the corrected page (a correction overlapping a note marker is not
  drawn).

``--missing`` also lists, per reading, the seed's tokens the as-scanned page lacks, in context.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from benchlib import REPO_ROOT, setup_django
from import_fidelity import body_tokens, found_count, output_tokens, tokens, verified_repeats

READINGS_JSON = REPO_ROOT / "fixtures" / "demo_course" / "readings.json"
SEED_OF = {
    "debate-on-foreign-policy": "000_",
    "stalin-trotsky-thesis": "001_",
    "student-essay-socialism-debate": "002_",
    "cliff-lessons-of-october": "003_",
}
COLUMNS = (
    ("reading", 30),
    ("seed = fixture", 14),
    ("seed words", 10),
    ("as scanned", 10),
    ("note text in body", 17),
    ("corrections", 11),
    ("loaded", 6),
    ("missed", 6),
    ("places", 6),
    ("drawn", 5),
)
EMEND_RE = re.compile(r'<span class="emend"><ins tabindex="0"')


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return html.unescape(" ".join(parser.parts))


def not_found(source: list[str], output: list[str]) -> list[str]:
    """The source tokens ``found_count`` does not credit, each with its neighbours."""
    remaining = Counter(output)
    found = [False] * len(source)
    for index, token in enumerate(source):
        if remaining[token] > 0:
            remaining[token] -= 1
            found[index] = True
    for index in range(len(source)):
        if found[index]:
            continue
        for left, right in ((index - 1, index), (index, index + 1)):
            if 0 <= left and right < len(source) and remaining[source[left] + source[right]] > 0:
                found[left] = found[right] = True
                remaining[source[left] + source[right]] -= 1
                break
    return [
        f"{source[index]} ({' '.join(source[max(0, index - 2) : index + 3])})"
        for index, hit in enumerate(found)
        if not hit
    ]


def main(argv: list[str]) -> int:
    show_missing = "--missing" in argv
    argv = [arg for arg in argv if arg != "--missing"]
    seeds_dir = Path(argv[1]) if len(argv) > 1 else None
    missing_tokens: dict[str, list[str]] = {}
    setup_django()
    from courseware.demo_content import readings_import
    from courseware.importers import parse_reading
    from courseware.importers.corrections import (
        corrections_missing,
        corrections_read,
        target_texts,
    )
    from courseware.importers.fidelity import note_text_in_body
    from courseware.models import EditorialNote
    from courseware.views.reading_text import reading_text

    entries = json.loads(READINGS_JSON.read_text("utf-8"))
    readings = readings_import(path=READINGS_JSON)
    rows = []
    for entry in entries:
        fixture = READINGS_JSON.parent / entry["file"]
        seed_text = fixture.read_text("utf-8")
        same = "-"
        if seeds_dir is not None:
            seeds = sorted(seeds_dir.glob(f"{SEED_OF.get(entry['slug'], '?')}*.txt"))
            same = "yes" if seeds and seeds[0].read_bytes() == fixture.read_bytes() else "NO"
        parsed = parse_reading(seed_text)
        reading = readings[entry["slug"]]
        scanned = reading_text(reading, scanned=True)
        corrected = reading_text(reading)
        shown = tokens(page_text(f"{scanned.toc} {scanned.body}"))
        source = body_tokens(seed_text, repeated=verified_repeats(parsed, output_tokens(parsed)))
        found = found_count(source, shown)
        missing_tokens[entry["slug"]] = not_found(source, shown)
        recorded = []
        if entry.get("corrections"):
            data = json.loads((READINGS_JSON.parent / entry["corrections"]).read_text("utf-8"))
            recorded = corrections_read(data, slug=entry["slug"])
        missed = corrections_missing(target_texts(parsed), recorded)
        rows.append(
            (
                entry["slug"],
                same,
                str(len(source)),
                f"{found / len(source):.2%}",
                str(len(note_text_in_body(parsed))),
                str(len(recorded)),
                str(EditorialNote.objects.filter(reading=reading, in_text=True).count()),
                str(len(missed)),
                str(corrected.emendation_count),
                str(len(EMEND_RE.findall(f"{corrected.toc} {corrected.body}"))),
            )
        )
    header = " | ".join(name.ljust(width) for name, width in COLUMNS)
    print(header)
    print("-+-".join("-" * width for _, width in COLUMNS))
    for row in rows:
        print(
            " | ".join(
                cell.ljust(width) if index == 0 else cell.rjust(width)
                for index, (cell, (_, width)) in enumerate(zip(row, COLUMNS, strict=True))
            )
        )
    if show_missing:
        for slug, missing in missing_tokens.items():
            print(f"{slug}: {len(missing)} not found: {'; '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
