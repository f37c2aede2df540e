"""Measure how faithfully the plain-text importer keeps each seed reading.

Usage: ``python bench/import_fidelity.py [SEEDS_DIR]`` (default: ``../shared/seeds`` from the
repository root). For each ``*.txt`` seed it prints one row:

- ``body words``: the seed's word tokens, not counting lines that are wholly web furniture
  ("top of page", "bottom of page", "Last updated ...") or a bare page number (1-4 digits or
  a lower-case Roman numeral on a line of its own). A word token is a run of letters or a
  run of digits after NFKC normalisation and lower-casing, so punctuation, bullets and OCR
  glyphs such as "^" are not words, and "3Ibid" is the two tokens "3" and "ibid". A bare
  number that the importer reads as a footnote's label is excluded from the count like any
  other bare number line; this undercounts by at most a few tokens.
- ``repeat``: tokens of lines the importer dropped as a truncated duplicate of the text after
  them. They are left out of ``body words`` only when every one of them is in the parsed
  reading anyway (the bench checks this), so a drop that lost words would show as missing.
- ``found``: the share of those tokens found in the parsed reading (paragraph text, footnote
  labels and text, section titles), compared as multisets. A token missing as such counts as
  found when it and its neighbour in the seed, joined, are a word of the output: that is a
  word broken across a line ("isola-" / "tionism") that the importer joined.
- ``furniture``: paragraphs and footnotes that still contain "top of page", "bottom of
  page" or "Last updated", or consist only of a number (goal: 0).
- ``notes``, ``markers``, ``linked``, ``cited``: footnotes found; distinct note labels that
  markers in the body text point at; how many of those labels are footnotes; and footnotes
  that at least one marker (in the body or in another note) points at.
- ``source [n]``: distinct ``[n]`` markers printed in the seed, where the seed has them, as
  an independent count to hold the parsed figures against.
"""

from __future__ import annotations

import importlib
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = REPO_ROOT.parent / "shared" / "seeds"
TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")
FURNITURE_LINE_RE = re.compile(r"^\s*(?:top of page|bottom of page|last updated\b.*)\s*$", re.I)
PAGE_LINE_RE = re.compile(r"^\s*(?:\d{1,4}|[ivxlc]{1,8})\s*$")
FURNITURE_TEXT_RE = re.compile(r"top of page|bottom of page|last updated", re.I)
NUMBER_ONLY_RE = re.compile(r"^\W*\d+\W*$")
BRACKET_MARKER_RE = re.compile(r"\[\d{1,3}\*?\]")
COLUMNS = (
    ("seed", 24),
    ("body words", 10),
    ("repeat", 6),
    ("found", 7),
    ("share", 7),
    ("furniture", 9),
    ("sections", 8),
    ("paragraphs", 10),
    ("notes", 5),
    ("markers", 7),
    ("linked", 6),
    ("cited", 5),
    ("source [n]", 10),
)


def tokens(text: str) -> list[str]:
    """Split text into normalised word tokens (letter runs and digit runs)."""
    return TOKEN_RE.findall(unicodedata.normalize("NFKC", text).lower())


def is_furniture_line(line: str) -> bool:
    """Tell whether a seed line is wholly furniture or a bare page number."""
    return bool(FURNITURE_LINE_RE.match(line) or PAGE_LINE_RE.match(line))


def body_tokens(seed: str, *, repeated: frozenset[str] = frozenset()) -> list[str]:
    """Tokens of the seed's lines, furniture, bare page numbers and ``repeated`` left out."""
    kept = [
        line
        for line in seed.splitlines()
        if not is_furniture_line(line) and line.rstrip() not in repeated
    ]
    return tokens("\n".join(kept))


def verified_repeats(reading: object, output: list[str]) -> frozenset[str]:
    """Return the dropped non-furniture lines whose every word the output still holds."""
    dropped = [line for line in reading.dropped_lines if not is_furniture_line(line)]
    needed = Counter(tokens("\n".join(dropped)))
    have = Counter(output)
    if any(have[token] < count for token, count in needed.items()):
        return frozenset()
    return frozenset(line.rstrip() for line in dropped)


def output_tokens(reading: object) -> list[str]:
    """Tokens of everything the parsed reading shows a reader."""
    texts: list[str] = []
    for section in reading.sections:
        texts.append(section.title)
        texts += [paragraph.text for paragraph in section.paragraphs]
    for footnote in reading.footnotes:
        texts += [footnote.label, footnote.text]
    return tokens("\n".join(texts))


def found_count(source: list[str], output: list[str]) -> int:
    """Count source tokens found in the output, crediting words joined across line breaks."""
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
            if left < 0 or right >= len(source):
                continue
            joined = source[left] + source[right]
            if remaining[joined] > 0:
                found[left] = found[right] = True
                remaining[joined] -= 1
                break
    return sum(found)


def furniture_left(reading: object) -> int:
    """Count paragraphs and footnotes that are, or still contain, furniture."""
    texts = [p.text for section in reading.sections for p in section.paragraphs]
    texts += [footnote.text for footnote in reading.footnotes]
    return sum(1 for text in texts if FURNITURE_TEXT_RE.search(text) or NUMBER_ONLY_RE.match(text))


def note_figures(reading: object) -> tuple[int, int, int, int]:
    """Return (footnotes, marker labels in the body, of which footnotes, footnotes cited)."""
    labels = {footnote.label for footnote in reading.footnotes}
    body_refs = {
        ref.label
        for section in reading.sections
        for paragraph in section.paragraphs
        for ref in paragraph.note_refs
    }
    note_refs = {ref.label for footnote in reading.footnotes for ref in footnote.note_refs}
    cited = labels & (body_refs | note_refs)
    return len(labels), len(body_refs), len(body_refs & labels), len(cited)


def measure(path: Path, importers: ModuleType) -> tuple[str, ...]:
    """Parse one seed and return its table row."""
    seed = path.read_text(encoding="utf-8")
    reading = importers.parse_reading(seed)
    output = output_tokens(reading)
    repeated = verified_repeats(reading, output)
    source = body_tokens(seed, repeated=repeated)
    found = found_count(source, output)
    notes, markers, linked, cited = note_figures(reading)
    paragraphs = sum(len(section.paragraphs) for section in reading.sections)
    printed = len(set(BRACKET_MARKER_RE.findall(seed)))
    return (
        path.name[:24],
        str(len(source)),
        str(len(tokens("\n".join(repeated)))),
        str(found),
        f"{found / len(source):.2%}" if source else "-",
        str(furniture_left(reading)),
        str(len(reading.sections)),
        str(paragraphs),
        str(notes),
        str(markers),
        str(linked),
        str(cited),
        str(printed) if printed else "-",
    )


def render(rows: list[tuple[str, ...]]) -> str:
    """Lay the rows out as a plain-text table."""
    header = " | ".join(name.ljust(width) for name, width in COLUMNS)
    rule = "-+-".join("-" * width for _, width in COLUMNS)
    body = [
        " | ".join(
            cell.ljust(width) if index == 0 else cell.rjust(width)
            for index, (cell, (_, width)) in enumerate(zip(row, COLUMNS, strict=True))
        )
        for row in rows
    ]
    return "\n".join([header, rule, *body])


def main(argv: list[str]) -> int:
    """Print the fidelity table for every seed in the given (or default) directory."""
    seeds_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_SEEDS
    seeds = sorted(seeds_dir.glob("*.txt"))
    if not seeds:
        print(f"No *.txt seeds in {seeds_dir}", file=sys.stderr)
        return 1
    sys.path.insert(0, str(REPO_ROOT))
    importers = importlib.import_module("courseware.importers")
    print(render([measure(path, importers) for path in seeds]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
