"""Hard-wrapped text, such as an OCR'd typescript: lines of a fixed width, not paragraphs.

What the layout shows, and what this module reads from it:

- Blank lines are not paragraph breaks when they also fall mid-sentence (a double-spaced
  typescript); then a paragraph ends where a line ends a sentence well short of the usual
  line width and the next line starts with a capital. When blank lines never fall
  mid-sentence, they are the paragraph breaks.
- Three or more blank lines are a page break. A bare number is a page number when it fits
  the page sequence; it marks the *start* of its page (the typescript numbers pages at the
  top: the number sits after the page-break gap, one blank line above that page's text).
- Footnotes are short runs of lines that open with a note label and read like citations.
- Block quotations are single-spaced runs of lines narrower than the body text (or indented).
- Headings are ``CHAPTER`` lines (with the upper-case title below them), upper-case lines
  standing alone, and short Title Case lines standing alone between paragraphs.
- A bibliography without a heading starts at the first close cluster of entries
  ("Surname, Given. Title." or a ditto line "_____ . Title.") after the last chapter.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from .lines import (
    BIBLIOGRAPHY_WORDS,
    CHAPTER_RE,
    NOTES_WORDS,
    PREFACE_WORDS,
    Block,
    Heading,
    Note,
    PageTracker,
    Para,
    Report,
    collapse_spaces,
    ends_sentence,
    is_caps_title,
    is_furniture,
    is_title_case_heading,
    page_number_value,
    starts_like_paragraph,
)
from .notes import (
    completes_citation,
    footnote_start,
    has_citation_cue,
    is_bare_citation,
    label_number,
)
from .reflow import Vocabulary, reflow

PAGE_BREAK_BLANKS = 3
BIB_DITTO_RE = re.compile(r"^(?:_+\s*\.?|[.„•]\s*[.•]?)\s*[\"“]?[A-Z]")
BIB_AUTHOR_RE = re.compile(r"^[A-Z][\w'’-]+, (?:[A-Z][\w'’]*\.?\s?)+(?:, ed)?\.\s+[\"“]?[A-Z]")
BIB_CLUSTER = 5
BIB_CLUSTER_SPAN = 80
SHORT_LINE_SHARE = 0.86
NARROW_LINE_SHARE = 0.87
QUOTE_MIN_LINES = 3
NOTE_TAIL_LINES = 3
MARGIN_NEIGHBOURS = 4
MARGIN_SLACK = 3


@dataclass
class _Line:
    number: int
    raw: str
    text: str
    indent: int
    role: str = ""  # blank, furniture, heading, number, label, note, body, bib


def is_bibliography_entry(text: str) -> bool:
    """Tell whether a line opens a bibliography entry ("Carr, Edward H. Title." or a ditto)."""
    return bool(BIB_DITTO_RE.match(text) or BIB_AUTHOR_RE.match(text))


def parse_hard_wrapped(
    raw_lines: list[str], *, vocabulary: Vocabulary, report: Report
) -> list[Block]:
    """Turn hard-wrapped lines into headings, paragraphs and footnotes, in reading order."""
    lines = [
        _Line(number=index + 1, raw=raw, text=collapse_spaces(raw), indent=_indent(raw))
        for index, raw in enumerate(raw_lines)
    ]
    for line in lines:
        if not line.text:
            line.role = "blank"
        elif is_furniture(line.text):
            line.role = "furniture"
    headings = _find_headings(lines)
    _mark_numbers(lines)
    bibliography_start = _find_bibliography(lines, headings, report)
    notes = _find_footnotes(lines, end=bibliography_start)
    for index, line in enumerate(lines):
        if not line.role:
            line.role = "bib" if index >= bibliography_start else "body"
    layout = _Layout(lines)
    return _walk(
        lines, headings=headings, notes=notes, layout=layout, vocabulary=vocabulary, report=report
    )


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip(" \t"))


def _blanks_before(lines: list[_Line], index: int) -> int:
    count = 0
    while index - count - 1 >= 0 and lines[index - count - 1].role == "blank":
        count += 1
    return count


def _next_nonblank(lines: list[_Line], index: int) -> int | None:
    for later in range(index + 1, len(lines)):
        if lines[later].role != "blank":
            return later
    return None


def _previous_nonblank(lines: list[_Line], index: int) -> int | None:
    for earlier in range(index - 1, -1, -1):
        if lines[earlier].role != "blank":
            return earlier
    return None


def _stands_alone(lines: list[_Line], index: int) -> bool:
    before = index == 0 or lines[index - 1].role == "blank"
    after = index + 1 >= len(lines) or lines[index + 1].role == "blank"
    return before and after


def _find_headings(lines: list[_Line]) -> dict[int, Heading]:
    headings: dict[int, Heading] = {}
    for index, line in enumerate(lines):
        if line.role:
            continue
        heading = _heading_at(lines, index)
        if heading is None:
            continue
        headings[index] = heading
        line.role = "heading"
        if heading.kind == "chapter":
            title_index = _chapter_title(lines, index)
            if title_index is not None:
                heading.title = f"{line.text} — {lines[title_index].text}"
                lines[title_index].role = "heading"
    return headings


def _heading_at(lines: list[_Line], index: int) -> Heading | None:
    text = lines[index].text
    if CHAPTER_RE.match(text):
        return Heading(title=text, kind="chapter", line=lines[index].number)
    if not _stands_alone(lines, index) or page_number_value(text):
        return None
    upper = text.upper().rstrip(".:")
    for words, kind in (
        (PREFACE_WORDS, "preface"),
        (BIBLIOGRAPHY_WORDS, "bibliography"),
        (NOTES_WORDS, "notes"),
    ):
        if upper in words:
            return Heading(title=text, kind=kind, line=lines[index].number)
    if is_caps_title(text) or _is_title_case_between_paragraphs(lines, index):
        return Heading(title=text, kind="section", line=lines[index].number)
    return None


def _is_title_case_between_paragraphs(lines: list[_Line], index: int) -> bool:
    if not is_title_case_heading(lines[index].text):
        return False
    before, after = _previous_nonblank(lines, index), _next_nonblank(lines, index)
    return (before is None or ends_sentence(lines[before].text)) and (
        after is not None and starts_like_paragraph(lines[after].text)
    )


def _chapter_title(lines: list[_Line], index: int) -> int | None:
    following = _next_nonblank(lines, index)
    if following is None or following - index > PAGE_BREAK_BLANKS:
        return None
    text = lines[following].text
    if lines[following].role or CHAPTER_RE.match(text) or not is_caps_title(text):
        return None
    return following


def _mark_numbers(lines: list[_Line]) -> None:
    """Mark bare numbers: a footnote's label when a citation follows directly, else a page."""
    for index, line in enumerate(lines):
        if line.role or not page_number_value(line.text):
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        is_label = (
            following is not None
            and not following.role
            and line.text.isdigit()
            and is_bare_citation(following.text)
        )
        line.role = "label" if is_label else "number"


def _find_bibliography(lines: list[_Line], headings: dict[int, Heading], report: Report) -> int:
    """Return the index where the bibliography starts (``len(lines)`` when there is none)."""
    for index, heading in headings.items():
        if heading.kind == "bibliography":
            return index
    chapters = [
        index for index, heading in headings.items() if heading.kind in ("chapter", "preface")
    ]
    if not chapters:
        return len(lines)
    entries = [
        index
        for index in range(max(chapters), len(lines))
        if not lines[index].role and is_bibliography_entry(lines[index].text)
    ]
    start = None
    for position, index in enumerate(entries):
        cluster = entries[position : position + BIB_CLUSTER]
        if len(cluster) == BIB_CLUSTER and cluster[-1] - index <= BIB_CLUSTER_SPAN:
            start = index
            break
    if start is None:
        return len(lines)
    # An entry's annotation cut off by the OCR may sit just above the first whole entry.
    while start > 0 and not lines[start - 1].role and footnote_start(lines[start - 1].text) is None:
        start -= 1
    headings[start] = Heading(title="Bibliography", kind="bibliography", line=lines[start].number)
    report.warn(
        f"The bibliography has no heading in the source; it was recognised from its entries "
        f"at line {lines[start].number} and titled 'Bibliography'."
    )
    return start


@dataclass
class _NoteLines:
    label: str | None
    label_line: int | None
    indices: list[int]
    first_text: str  # the first line without its numeric label


def _find_footnotes(lines: list[_Line], *, end: int) -> dict[int, _NoteLines]:
    """Find footnotes before ``end`` and mark their lines; key each by its first line."""
    found: dict[int, _NoteLines] = {}
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
        found[first] = _NoteLines(
            label=label, label_line=label_line, indices=indices, first_text=start[1]
        )
        for note_index in indices:
            lines[note_index].role = "note"
        last_end = indices[-1]
        index = last_end + 1
    return found


def _joined(lines: list[_Line], indices: list[int]) -> str:
    return " ".join(lines[index].text for index in indices)


def _collect_note(lines: list[_Line], first: int, end: int) -> list[int]:
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
    lines: list[_Line], blank: int, end: int, *, complete: bool
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


def _may_continue_note(line: _Line) -> bool:
    return not line.role and line.indent == 0 and not _opens_another_note(line.text)


def _opens_another_note(text: str) -> bool:
    """Tell whether a line inside a note starts the next one: it has a numeric label, or a
    label glyph and a citation (an unlabelled citation line just carries the note on)."""
    start = footnote_start(text)
    if start is None or start[0] is None:
        return False
    return label_number(start[0]) is not None or has_citation_cue(text)


class _Layout:
    """Measures of the body text: line width, and whether blank lines separate paragraphs."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        body = [index for index, line in enumerate(lines) if line.role == "body"]
        self.body = body
        self.body_rank = {index: rank for rank, index in enumerate(body)}
        widths = sorted(len(lines[index].text) for index in body)
        quantiles = statistics.quantiles(widths, n=20) if len(widths) >= 4 else [80] * 19
        width = quantiles[14]  # the 75th percentile: a full line of body text
        self.short_width = width * SHORT_LINE_SHARE
        self.narrow_width = width * NARROW_LINE_SHARE
        self.widest = quantiles[18]  # the 95th percentile, so a stray long line is no margin
        self.blank_lines_break = self._blank_lines_break(body)
        self.quote_run = self._find_quotes(body)

    def gap(self, left: int, right: int) -> tuple[int, bool]:
        """Blank lines between two lines, and whether dropped or note lines lie between."""
        between = self.lines[left + 1 : right]
        blanks = sum(line.role == "blank" for line in between)
        return blanks, any(line.role != "blank" for line in between)

    def tight(self, left: int, right: int) -> bool:
        """Tell whether two body lines are single-spaced neighbours (a page break counts)."""
        blanks, removed = self.gap(left, right)
        return blanks == 0 or blanks >= PAGE_BREAK_BLANKS or removed

    def _blank_lines_break(self, body: list[int]) -> bool:
        gapped = mid_sentence = 0
        for left, right in zip(body, body[1:], strict=False):
            blanks, removed = self.gap(left, right)
            if removed or not 1 <= blanks < PAGE_BREAK_BLANKS:
                continue
            gapped += 1
            mid_sentence += self.lines[right].text[:1].islower()
        return gapped >= 3 and mid_sentence <= gapped * 0.1

    def _find_quotes(self, body: list[int]) -> dict[int, int]:
        runs: dict[int, int] = {}
        sequence: list[int] = []
        for index in [*body, None]:
            if index is not None and sequence and self._same_block(sequence[-1], index):
                sequence.append(index)
                continue
            for run in self._quote_runs(sequence):
                for member in run:
                    runs[member] = run[0]
            sequence = [index] if index is not None else []
        return runs

    def _same_block(self, left: int, right: int) -> bool:
        between = self.lines[left + 1 : right]
        return self.tight(left, right) and not any(line.role == "heading" for line in between)

    def _quote_runs(self, sequence: list[int]) -> list[list[int]]:
        if len(sequence) >= 2 and all(self.lines[index].indent >= 3 for index in sequence):
            return [sequence]
        runs: list[list[int]] = []
        current: list[int] = []
        for index in [*sequence, None]:
            if index is not None and len(self.lines[index].text) <= self.narrow_width:
                current.append(index)
                continue
            if current and self._continues_paragraph_above(current):
                current = current[1:]
            if len(current) >= QUOTE_MIN_LINES:
                runs.append(current)
            current = []
        return runs

    def _continues_paragraph_above(self, run: list[int]) -> bool:
        """Tell whether a run's first line finishes the sentence of the paragraph above
        ("political" / "power.")."""
        above = self._previous_body(run[0])
        if above is None or self.tight(above, run[0]) or len(run) < 2:
            return False
        above_text, first_text = self.lines[above].text, self.lines[run[0]].text
        return (
            above_text[-1:].isalpha()
            and first_text[:1].islower()
            and ends_sentence(first_text)
            and starts_like_paragraph(self.lines[run[1]].text)
        )

    def _previous_body(self, index: int) -> int | None:
        for earlier in range(index - 1, -1, -1):
            role = self.lines[earlier].role
            if role == "body":
                return earlier
            if role == "heading":
                return None
        return None

    def breaks_between(self, left: int, right: int) -> bool:
        """Tell whether a paragraph ends between two consecutive text lines."""
        left_line, right_line = self.lines[left], self.lines[right]
        if left_line.role != right_line.role:
            return True
        if right_line.role == "bib":
            return self._bibliography_break(left, right)
        left_run, right_run = self.quote_run.get(left), self.quote_run.get(right)
        if left_run is not None or right_run is not None:
            return left_run != right_run
        if self.blank_lines_break:
            blanks, _ = self.gap(left, right)
            if blanks and not right_line.text[:1].islower():
                return True
        if not ends_sentence(left_line.text) or not starts_like_paragraph(right_line.text):
            return False
        if right_line.indent >= 3:
            return True
        if self.blank_lines_break:
            return False
        return len(left_line.text) < self.short_width or self._next_word_fits(left, right)

    def _next_word_fits(self, left: int, right: int) -> bool:
        """Tell whether the next line's first word would have fitted on the line that ends a
        sentence: the typist then ended the line early, so the paragraph ended there."""
        rank = self.body_rank.get(left)
        if rank is None:
            return False
        neighbours = self.body[max(0, rank - MARGIN_NEIGHBOURS) : rank + MARGIN_NEIGHBOURS + 1]
        margin = min(max(len(self.lines[index].text) for index in neighbours), self.widest)
        next_word = self.lines[right].text.split()[0]
        return len(self.lines[left].text) + 1 + len(next_word) <= margin - MARGIN_SLACK

    def _bibliography_break(self, left: int, right: int) -> bool:
        # An entry opens after a blank line or a finished sentence; "Lenin," / "Trotsky,
        # Gandhi. Princeton" is an entry's title running on, however much it looks like one.
        blanks, removed = self.gap(left, right)
        if is_bibliography_entry(self.lines[right].text) and (
            blanks or ends_sentence(self.lines[left].text)
        ):
            return True
        return (
            1 <= blanks < PAGE_BREAK_BLANKS
            and not removed
            and not self.lines[right].text[:1].islower()
        )


def _walk(
    lines: list[_Line],
    *,
    headings: dict[int, Heading],
    notes: dict[int, _NoteLines],
    layout: _Layout,
    vocabulary: Vocabulary,
    report: Report,
) -> list[Block]:
    """Read the marked lines in order, closing paragraphs and tracking the page."""
    blocks: list[Block] = []
    tracker = PageTracker()
    open_lines: list[int] = []
    open_page: str | None = None

    def close() -> None:
        if not open_lines:
            return
        text = reflow(
            ((lines[i].text, lines[i].raw.rstrip("\n").endswith("- ")) for i in open_lines),
            vocabulary,
        )
        kind = "quote" if open_lines[0] in layout.quote_run else "text"
        source = tuple((lines[i].number, lines[i].raw) for i in open_lines)
        blocks.append(Para(text=text, kind=kind, page=open_page, source=source))
        open_lines.clear()

    for index, line in enumerate(lines):
        if index in headings:
            # A heading the importer supplied (a bibliography without one) precedes a text line.
            close()
            blocks.append(headings[index])
        if line.role == "furniture":
            report.drop(line.number, line.raw)
        elif line.role == "number":
            _offer_page(line, tracker, report)
        elif index in notes:
            blocks.append(_note(lines, notes[index], page=tracker.current, vocabulary=vocabulary))
        elif line.role in ("body", "bib"):
            tracker.read(len(line.text))
            if open_lines and layout.breaks_between(open_lines[-1], index):
                close()
            if not open_lines:
                open_page = tracker.current
            open_lines.append(index)
    close()
    return blocks


def _offer_page(line: _Line, tracker: PageTracker, report: Report) -> None:
    value = page_number_value(line.text)
    if value is None:
        return
    label, number, roman = value
    report.drop(line.number, line.raw)
    if not tracker.offer(label, number, roman=roman):
        report.stray_number(line.number, line.text, last_page=tracker.current)


def _note(
    lines: list[_Line], found: _NoteLines, *, page: str | None, vocabulary: Vocabulary
) -> Note:
    number = label_number(found.label)
    texts = [found.first_text, *(lines[i].text for i in found.indices[1:])]
    text = reflow(((text, False) for text in texts), vocabulary)
    return Note(
        raw_label=found.label,
        number=number,
        text=text,
        page=page,
        line=lines[found.indices[0]].number,
    )
