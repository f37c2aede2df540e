"""Checks on a parsed reading that a reader would notice: note text left in the body.

A footnote that the OCR dropped into a paragraph shows as citation text inside running prose:
a publisher's imprint ("(Princeton: Princeton University Press, 1967)"), "Author, Title,
p. 206" or "Ibid.". These patterns are independent of the rules the importer uses to find
notes, so they can hold the importer to account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .structures import ParsedReading

YEAR = r"1[89][\d^?]{2}"
IMPRINT = r"\((?:[^()]{2,40}?)[:;]['’]?\s?[^()]{3,90}?,\s?" + YEAR + r"\s?\)"
AUTHOR_TITLE_PAGE = r"\b[A-Za-z][a-z]+, [A-Z][\w' .:-]{2,60}?, pp?[.*,«] ?[\dUlIoO]{1,4}\b"
WORKS_VOLUME = r"\bWorks, \d{1,2}\s?:\s?\d{1,3}\b"
IBID = r"\bIbid\b|\bop\. ?cit\b"
NOTE_TEXT_RE = re.compile("|".join((IMPRINT, AUTHOR_TITLE_PAGE, WORKS_VOLUME, IBID)))


@dataclass(frozen=True)
class NoteTextInBody:
    """A paragraph (numbered as the reading numbers it) with citation text inside it."""

    number: int
    excerpt: str


def note_text_in_body(parsed: ParsedReading) -> list[NoteTextInBody]:
    """List the paragraphs outside the bibliography that contain a note's citation text."""
    found: list[NoteTextInBody] = []
    number = 0
    for section in parsed.sections:
        for paragraph in section.paragraphs:
            number += 1
            if section.kind == "bibliography":
                continue
            match = NOTE_TEXT_RE.search(paragraph.text)
            if match:
                start = max(0, match.start() - 40)
                found.append(NoteTextInBody(number, paragraph.text[start : match.end() + 20]))
    return found
