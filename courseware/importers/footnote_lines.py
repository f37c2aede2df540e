"""Footnotes interleaved with the body of an OCR'd typescript, found line by line.

A footnote opens with a label (a number, or the glyph the OCR made of one) and reads like a
citation; it runs on until its page reference, and stops where the body resumes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .layout import TextLine
from .lines import ends_sentence
from .notes import completes_citation, footnote_start, has_citation_cue, label_number

NOTE_TAIL_LINES = 3
STRANDED_MAX_LINES = 5
LABEL_LINE_MAX_CHARS = 4
# A citation opens with a name and a comma ("Tucker, ", "Joseph Stalin, ", "victor E.
# -Wolfenstein, "), perhaps behind the glyphs the OCR made of its number ("1''", "‘4¥").
CITATION_OPENING_RE = re.compile(r"^[^A-Za-z]{0,6}[A-Za-z][\w'’]*(?:\s[-A-Z][\w.'’-]*){0,4},\s")
# A citation ends with its page reference ("p. 206.", "p* U22.", "1 :78-79"), perhaps with
# the glyph or number of the next note glued on ("1971)» p. 220.", "78-79.3").
PAGE_REFERENCE_END_RE = re.compile(
    r"(?:(?<![\w.])[Pp]p?[.,*«]\s?\S{1,9}|\b\d{1,2}\s?:\s?\d{1,3}(?:-\d{1,3})?)[.,]?\s?\d{0,2}$"
)


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


def find_stranded_notes(
    lines: list[TextLine], *, end: int, found: dict[int, NoteLines]
) -> dict[int, NoteLines]:
    """Find footnotes the OCR set inside a sentence of body text, and mark their lines.

    A footnote whose label the OCR garbled beyond reading ("®Joseph Stalin, ...", "^eon
    Trotsky, ...", "1''Tucker, ...") is not found by ``find_footnotes`` and would be read
    into the paragraph around it. It shows itself by interrupting a sentence: the body line
    before it does not end a sentence, the body line after it continues in lower case, and
    between them stand at most ``STRANDED_MAX_LINES`` lines that open like a citation (a name
    and a comma), read like one and end with its page reference. A short line standing alone
    just above it ("O", "19 .") is the note's label. Lines directly below a note already
    found (its English rendering after a Russian title) continue that note. Returns the notes
    found, keyed by first line.
    """
    stranded: dict[int, NoteLines] = {}
    index = 0
    while index < end:
        if lines[index].role or _is_label_line(lines[index]):
            index += 1
            continue
        run = _citation_run(lines, index, end)
        if run and _note_ending_at(found, index - 1) is None:
            run = run if CITATION_OPENING_RE.match(lines[index].text) else []
        before = _body_neighbour(lines, index, step=-1, end=end)
        after = _body_neighbour(lines, run[-1], step=1, end=end) if run else None
        if (
            not run
            or before is None
            or ends_sentence(lines[before].text)
            or after is None
            or not lines[after].text[:1].islower()
            or not has_citation_cue(_joined(lines, run))
        ):
            index += 1
            continue
        for note_index in run:
            lines[note_index].role = "note"
        owner = _note_ending_at(found, index - 1)
        if owner is not None:
            owner.indices += run
        else:
            label_line = _label_line_above(lines, index)
            label = None
            first_text = lines[index].text
            if label_line is not None:
                digits = "".join(char for char in lines[label_line].text if char.isdigit())
                if digits:
                    label = digits
                    lines[label_line].role = "label"
                else:  # a glyph stands for the number: it stays in the note's text
                    first_text = f"{lines[label_line].text} {first_text}"
                    lines[label_line].role = "note"
            stranded[index] = NoteLines(
                label=label, label_line=label_line, indices=run, first_text=first_text
            )
        index = run[-1] + 1
    return stranded


def _is_label_line(line: TextLine) -> bool:
    return not line.role and len(line.text) <= LABEL_LINE_MAX_CHARS


def _citation_run(lines: list[TextLine], first: int, end: int) -> list[int]:
    """Return the lines from ``first`` to the first one ending with a page reference, if
    that is within ``STRANDED_MAX_LINES`` lines with no more than single blank lines between."""
    run: list[int] = []
    index = first
    while index < end and len(run) < STRANDED_MAX_LINES:
        line = lines[index]
        if line.role == "blank":
            if index + 1 < end and lines[index + 1].role == "blank":
                return []
            index += 1
            continue
        if line.role:
            return []
        run.append(index)
        if PAGE_REFERENCE_END_RE.search(line.text):
            return run
        index += 1
    return []


def _body_neighbour(lines: list[TextLine], index: int, *, step: int, end: int) -> int | None:
    """The nearest body line before or after ``index``, past blanks, notes, numbers and the
    short label lines the OCR leaves around a note."""
    index += step
    while 0 <= index < end:
        line = lines[index]
        if not line.role and not _is_label_line(line):
            return index
        if line.role not in ("blank", "note", "label", "number", "") and step < 0:
            return None  # a heading: the paragraph began after it
        if line.role == "heading":
            return None
        index += step
    return None


def _note_ending_at(found: dict[int, NoteLines], index: int) -> NoteLines | None:
    for note in found.values():
        if note.indices and note.indices[-1] == index:
            return note
    return None


def _label_line_above(lines: list[TextLine], index: int) -> int | None:
    above = index - 1
    while above >= 0 and lines[above].role == "blank" and index - above <= 2:
        above -= 1
    if above >= 0 and _is_label_line(lines[above]):
        return above
    return None
