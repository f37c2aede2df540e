"""Footnotes interleaved with the body of an OCR'd typescript, found line by line.

A footnote opens with a label (a number, or the glyph the OCR made of one) and reads like a
citation; it runs on until its page reference, and stops where the body resumes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .layout import TextLine
from .notes import completes_citation, footnote_start, has_citation_cue, label_number

NOTE_TAIL_LINES = 3


@dataclass
class NoteLines:
    label: str | None
    label_line: int | None
    indices: list[int]
    first_text: str  # the first line without its numeric label


def find_footnotes(lines: list[TextLine], *, end: int) -> dict[int, NoteLines]:
    """Find footnotes before ``end`` and mark their lines; key each by its first line."""
    found: dict[int, NoteLines] = {}
    last_end: int | None = None
    index = 0
    while index < end:
        line = lines[index]
        label_line = None
        first = index
        if line.role == "label":
            label_line, first = index, index + 1
        elif line.role:
            index += 1
            continue
        start = footnote_start(lines[first].text) if first < end and not lines[first].role else None
        indices = _collect_note(lines, first, end) if start is not None else []
        stacked = last_end is not None and all(
            lines[between].role == "blank" for between in range(last_end + 1, first)
        )
        if start is None or not (stacked or has_citation_cue(_joined(lines, indices))):
            if label_line is not None:
                line.role = "number"  # no citation follows after all: a stray number
            index += 1
            continue
        label = lines[label_line].text if label_line is not None else start[0]
        found[first] = NoteLines(
            label=label, label_line=label_line, indices=indices, first_text=start[1]
        )
        for note_index in indices:
            lines[note_index].role = "note"
        last_end = indices[-1]
        index = last_end + 1
    return found


def _joined(lines: list[TextLine], indices: list[int]) -> str:
    return " ".join(lines[index].text for index in indices)


def _collect_note(lines: list[TextLine], first: int, end: int) -> list[int]:
    """Gather a footnote's lines.

    An unfinished note (no page reference yet) runs on through the lines that follow, and
    across a single blank line when its page reference turns up within a few lines. A
    finished note takes only a parenthetical fragment after it ("(Ph.D. dissertation,").
    A note stops at an indented line (the body resuming), a heading or page number, and a
    line that opens another note.
    """
    indices = [first]
    complete = completes_citation(lines[first].text)
    index = first + 1
    while index < end:
        line = lines[index]
        if line.role == "blank":
            tail = _note_tail_after_blank(lines, index, end, complete=complete)
            if not tail:
                break
            indices += tail
            complete = True
            index = tail[-1] + 1
            continue
        if not _may_continue_note(line) or (complete and not line.text.startswith("(")):
            break
        indices.append(index)
        complete = complete or completes_citation(line.text)
        index += 1
    return indices


def _note_tail_after_blank(
    lines: list[TextLine], blank: int, end: int, *, complete: bool
) -> list[int]:
    """Return the lines after a single blank line that finish a note, or nothing."""
    tail: list[int] = []
    index = blank
    while index < end and len(tail) < NOTE_TAIL_LINES:
        if lines[index].role == "blank":
            if index + 1 < end and lines[index + 1].role == "blank":
                return []  # a paragraph gap or page break, not a stray blank line
            index += 1
            continue
        line = lines[index]
        if not _may_continue_note(line):
            return []
        tail.append(index)
        if complete:
            return tail if line.text.startswith("(") else []
        if completes_citation(line.text):
            return tail
        index += 1
    return []


def _may_continue_note(line: TextLine) -> bool:
    return not line.role and line.indent == 0 and not _opens_another_note(line.text)


def _opens_another_note(text: str) -> bool:
    """Tell whether a line inside a note starts the next one: it has a numeric label, or a
    label glyph and a citation (an unlabelled citation line just carries the note on)."""
    start = footnote_start(text)
    if start is None or start[0] is None:
        return False
    return label_number(start[0]) is not None or has_citation_cue(text)
