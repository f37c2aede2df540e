"""The layout of hard-wrapped body text: its line width, paragraph ends and block quotations.

A typescript's body lines are filled to a right margin. Where a line ends a sentence well
short of that margin, or short enough that the next line's first word would have fitted,
the typist ended the paragraph there. Block quotations are single-spaced and set narrower
than the body, so a run of three or more single-spaced lines all narrower than the body's
usual width (or all indented) is a quotation. When blank lines never fall mid-sentence
they are the paragraph breaks, as in most plain-text books.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from .lines import ends_sentence, starts_like_paragraph

PAGE_BREAK_BLANKS = 3
BIB_DITTO_RE = re.compile(r"^(?:_+\s*\.?|[.„•]\s*[.•]?)\s*[\"“]?[A-Z]")
BIB_AUTHOR_RE = re.compile(r"^[A-Z][\w'’-]+, (?:[A-Z][\w'’]*\.?\s?)+(?:, ed)?\.\s+[\"“]?[A-Z]")
SHORT_LINE_SHARE = 0.86
NARROW_LINE_SHARE = 0.87
QUOTE_MIN_LINES = 3
MARGIN_NEIGHBOURS = 4
MARGIN_SLACK = 3


@dataclass
class TextLine:
    """One source line and what the parse has made of it (its ``role``)."""

    number: int
    raw: str
    text: str
    indent: int
    role: str = ""  # blank, furniture, heading, number, label, note, body, bib


def is_bibliography_entry(text: str) -> bool:
    """Tell whether a line opens a bibliography entry ("Carr, Edward H. Title." or a ditto)."""
    return bool(BIB_DITTO_RE.match(text) or BIB_AUTHOR_RE.match(text))


class Layout:
    """Measures of the body text: line width, and whether blank lines separate paragraphs."""

    def __init__(self, lines: list[TextLine]) -> None:
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
