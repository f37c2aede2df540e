"""Recorded corrections of a source's misreadings, kept beside its text and never written into it.

A corrections file (``<slug>.corrections.json`` next to the reading's text) lists, for one
reading, what the scanned text reads and what it should read, and where: a paragraph by its
number, a section's title by its order, or a footnote by its label::

    {"reading": "stalin-trotsky-thesis",
     "corrections": [
       {"paragraph": 1, "original": "fi*otsky", "correction": "Trotsky"},
       {"section": 8, "original": "CHAPTER H I", "correction": "CHAPTER III"},
       {"footnote": "V.?7", "original": "®Joseph", "correction": "Joseph"}]}

A correction applies to every place in its target where the original stands as a whole (not
inside a longer word), and must apply at least once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .structures import ParsedReading

TARGETS = ("paragraph", "section", "footnote")
MAX_FIELD_CHARS = 200


class CorrectionsError(ValueError):
    """A corrections file that cannot be used: its shape is wrong, or a correction misses."""


@dataclass(frozen=True)
class Correction:
    original: str
    correction: str
    paragraph: int | None = None
    section: int | None = None
    footnote: str | None = None
    note: str = ""

    @property
    def target(self) -> str:
        if self.paragraph is not None:
            return f"paragraph {self.paragraph}"
        if self.section is not None:
            return f"section {self.section}"
        return f"note {self.footnote}"


def corrections_read(data: object, *, slug: str) -> list[Correction]:
    """Read a corrections file's parsed JSON for the reading ``slug``, checking its shape."""
    if not isinstance(data, dict) or not isinstance(data.get("corrections"), list):
        raise CorrectionsError("A corrections file is an object with a list of corrections.")
    if data.get("reading") != slug:
        raise CorrectionsError(f"The corrections are for “{data.get('reading')}”, not “{slug}”.")
    corrections = []
    for index, entry in enumerate(data["corrections"], start=1):
        if not isinstance(entry, dict):
            raise CorrectionsError(f"Correction {index} is not an object.")
        targets = [name for name in TARGETS if name in entry]
        original, correction = entry.get("original"), entry.get("correction")
        if len(targets) != 1:
            raise CorrectionsError(
                f"Correction {index} needs exactly one of paragraph, section or footnote."
            )
        if not (isinstance(original, str) and isinstance(correction, str)):
            raise CorrectionsError(f"Correction {index} needs an original and a correction.")
        if not original.strip() or not correction.strip() or original == correction:
            raise CorrectionsError(f"Correction {index}: original and correction must differ.")
        if max(len(original), len(correction)) > MAX_FIELD_CHARS:
            raise CorrectionsError(f"Correction {index} is over {MAX_FIELD_CHARS} characters.")
        target = entry[targets[0]]
        valid = isinstance(target, str) if targets[0] == "footnote" else _is_number(target)
        if not valid:
            raise CorrectionsError(f"Correction {index}: “{target}” is no {targets[0]}.")
        corrections.append(
            Correction(
                original=original,
                correction=correction,
                note=str(entry.get("note", "")),
                **{targets[0]: target},
            )
        )
    return corrections


def _is_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def correction_spans(text: str, original: str) -> list[tuple[int, int]]:
    """Where ``original`` stands in ``text`` as a whole: not glued to a letter or digit that
    would make it part of a longer word."""
    before = r"(?<!\w)" if original[:1].isalnum() else ""
    after = r"(?!\w)" if original[-1:].isalnum() else ""
    pattern = re.compile(before + re.escape(original) + after)
    return [(match.start(), match.end()) for match in pattern.finditer(text)]


def target_texts(parsed: ParsedReading) -> dict[tuple[str, object], str]:
    """Every text a correction can target, keyed as a correction names it."""
    texts: dict[tuple[str, object], str] = {}
    number = 0
    for order, section in enumerate(parsed.sections, start=1):
        texts[("section", order)] = section.title
        for paragraph in section.paragraphs:
            number += 1
            texts[("paragraph", number)] = paragraph.text
    for note in parsed.footnotes:
        texts[("footnote", note.label)] = note.text
    return texts


def target_key(correction: Correction) -> tuple[str, object]:
    if correction.paragraph is not None:
        return ("paragraph", correction.paragraph)
    if correction.section is not None:
        return ("section", correction.section)
    return ("footnote", correction.footnote)


def corrections_missing(
    texts: dict[tuple[str, object], str], corrections: Iterable[Correction]
) -> list[str]:
    """Say which corrections find no target or no original in it (goal: none)."""
    problems = []
    for correction in corrections:
        text = texts.get(target_key(correction))
        if text is None:
            problems.append(f"{correction.target} does not exist")
        elif not correction_spans(text, correction.original):
            problems.append(f"{correction.target} does not read “{correction.original}”")
    return problems


def corrected(text: str, corrections: Iterable[Correction]) -> str:
    """The text with each correction's original replaced by its correction (for measuring)."""
    spans = sorted(
        (start, end, correction.correction)
        for correction in corrections
        for start, end in correction_spans(text, correction.original)
    )
    parts, position = [], 0
    for start, end, replacement in spans:
        if start < position:
            continue  # overlapping corrections: the first wins
        parts += [text[position:start], replacement]
        position = end
    parts.append(text[position:])
    return "".join(parts)
