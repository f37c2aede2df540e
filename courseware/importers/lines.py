"""Line-level building blocks shared by both layouts: what a line is, and what it becomes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Whole-line web furniture. "Last updated" must look like a date stamp, so a paragraph that
# happens to start with those words is not mistaken for one.
FURNITURE_RE = re.compile(
    r"^(?:top of (?:the )?page|bottom of (?:the )?page|back to top|return to top"
    r"|skip to (?:main )?content|print this page"
    r"|last (?:updated|modified)(?: on)?:? .{0,40}\d{4}\.?)$",
    re.IGNORECASE,
)
PAGE_NUMBER_RE = re.compile(
    r"^(?:page\s+)?[-–—]?\s*(?P<value>\d{1,4}|[ivxlc]{1,8})\s*[-–—]?$", re.IGNORECASE
)
ROMAN_RE = re.compile(r"^(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")
ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
BULLET_RE = re.compile(r"^[•◦▪‣●○■□·*–-]\s+(?P<text>\S.*)$")
# A sentence end, allowing closing quotes/brackets, a note number glued after it ("recoup.1",
# "rival.1 2") and the glyphs OCR makes of superscripts ("conflict.\"^", "activity.\"\"1 ̂").
SENTENCE_END_RE = re.compile(
    r"(?:[.?!…]|\.\.\.)[\"”’')\]]*(?:\s?(?:\[\d{1,3}\*?\]|\d{1,2}(?: \d{1,2})?))?"
    r"(?:\s?[\^*\u0302]+)?$"
)
NOTE_TAIL_RE = re.compile(r"\s*(?:\[\d{1,3}\*?\]\s*)+$")
CHAPTER_RE = re.compile(r"^(?:CHAPTER|Chapter)\s+(?P<number>\S.{0,12})$")
NUMBERED_HEADING_RE = re.compile(r"^(?:(?:chapter|part)\s+\w+[.:]?|\d{1,2}\.)\s+\S", re.I)
HORIZONTAL_SPACE_RE = re.compile(r"[^\S\n]+")
CLOSING_MARKS = "\"”’')]"

PREFACE_WORDS = frozenset(
    {"PREFACE", "FOREWORD", "ACKNOWLEDGMENTS", "ACKNOWLEDGEMENTS", "ABSTRACT"}
)
BIBLIOGRAPHY_WORDS = frozenset(
    {"BIBLIOGRAPHY", "SELECT BIBLIOGRAPHY", "SELECTED BIBLIOGRAPHY", "REFERENCES", "WORKS CITED"}
)
NOTES_WORDS = frozenset({"NOTES", "ENDNOTES", "FOOTNOTES"})
TITLE_SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or"})
TITLE_SMALL_WORDS |= {"the", "to", "with"}
STRAYS_LISTED = 8


def collapse_spaces(line: str) -> str:
    """Return the line with runs of horizontal whitespace made single spaces, ends trimmed."""
    return HORIZONTAL_SPACE_RE.sub(" ", line).strip()


def is_furniture(text: str) -> bool:
    """Tell whether a trimmed line is web-page furniture rather than source text."""
    return bool(FURNITURE_RE.match(text))


def page_number_value(text: str) -> tuple[str, int, bool] | None:
    """Read a bare page-number line as (label, value, is_roman), or ``None`` if it is not one.

    Roman numerals count only in lower case, since an upper-case ``I`` or ``V`` on its own is
    more often a word or a list label than front-matter pagination.
    """
    match = PAGE_NUMBER_RE.match(text)
    if not match:
        return None
    label = match.group("value")
    if label.isdigit():
        return label, int(label), False
    if not label.islower() or not ROMAN_RE.match(label):
        return None
    return label, _roman_value(label), True


def _roman_value(numeral: str) -> int:
    total = 0
    for index, char in enumerate(numeral):
        value = ROMAN_VALUES[char]
        following = ROMAN_VALUES[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def to_roman(number: int) -> str:
    """Write a positive number as an upper-case Roman numeral."""
    parts = []
    for value, numeral in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, number = divmod(number, value)
        parts.append(numeral * count)
    return "".join(parts)


def without_note_tail(text: str) -> str:
    """Strip bracketed note markers from the end of a line before judging its punctuation."""
    return NOTE_TAIL_RE.sub("", text)


def ends_sentence(text: str) -> bool:
    """Tell whether a line ends a sentence (a glued note number or closing quote allowed)."""
    return bool(SENTENCE_END_RE.search(without_note_tail(text).rstrip()))


def starts_like_paragraph(text: str) -> bool:
    """Tell whether a line could open a paragraph: a capital, possibly after quotes/brackets."""
    stripped = text.lstrip("\"“‘'([«")
    return bool(stripped) and (stripped[0].isupper() or stripped.startswith(("...", "…")))


def caps_ratio(text: str) -> float:
    """Share of a line's letters that are upper case (0 when it has no letters)."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return 0.0
    return sum(char.isupper() for char in letters) / len(letters)


def is_caps_title(text: str) -> bool:
    """Tell whether a line is an upper-case title such as ``BRITAIN AND THE WAR SCARE``."""
    letters = sum(char.isalpha() for char in text)
    words = text.split()
    return (
        letters >= 4
        and len(text) <= 80
        and caps_ratio(text) >= 0.9
        and (len(words) >= 2 or letters >= 6)
        and not text.endswith((".", ",", ";"))
    )


def is_title_case_heading(text: str) -> bool:
    """Tell whether a short line reads like a Title Case heading (``Secondary Sources``)."""
    words = text.split()
    if not 2 <= len(words) <= 6 or len(text) > 60 or not text[0].isupper():
        return False
    if ends_with_punctuation(text):
        return False
    if sum(char.isalpha() for char in words[0]) < 2:
        return False
    return all(
        word[0].isupper() or word.lower() in TITLE_SMALL_WORDS
        for word in words
        if word[0].isalpha()
    )


def ends_with_punctuation(text: str) -> bool:
    """Tell whether a line ends with sentence or clause punctuation, quotes and markers aside."""
    core = without_note_tail(text).rstrip().rstrip(CLOSING_MARKS)
    return not core or core[-1] in ".,;:!?…"


@dataclass
class Heading:
    """A heading found in the text; ``kind`` is the kind of the section it opens."""

    title: str
    kind: str
    line: int


@dataclass
class Para:
    """A paragraph on its way to becoming a ``ParsedParagraph``; ``source`` keeps its lines."""

    text: str
    kind: str
    page: str | None
    source: tuple[tuple[int, str], ...]


@dataclass
class Note:
    """A footnote on its way to becoming a ``ParsedFootnote``.

    ``number`` is the note number as printed (``None`` when the OCR lost it); ``endnote``
    marks notes gathered from a notes list at the end, which carry unique labels of their own.
    ``label`` is the final, unique label, set once the notes of the whole text are known.
    """

    raw_label: str | None
    number: int | None
    text: str
    page: str | None
    line: int
    endnote: bool = False
    label: str = ""


Block = Heading | Para | Note


@dataclass
class Report:
    """What the parse dropped or guessed, collected in order as the parse goes."""

    warnings: list[str] = field(default_factory=list)
    dropped: list[tuple[int, str]] = field(default_factory=list)
    strays: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        """Record a guess or an oddity a teacher may want to check."""
        self.warnings.append(message)

    def stray_number(self, line_number: int, text: str, *, last_page: str | None) -> None:
        """Record a bare number dropped although it does not fit the page sequence."""
        self.strays.append(f"line {line_number} {text!r} (after page {last_page or 'none'})")

    def all_warnings(self) -> tuple[str, ...]:
        """Return the warnings, stray numbers summed up in one (the first few listed)."""
        if not self.strays:
            return tuple(self.warnings)
        shown = "; ".join(self.strays[:STRAYS_LISTED])
        more = (
            f"; and {len(self.strays) - STRAYS_LISTED} more"
            if len(self.strays) > STRAYS_LISTED
            else ""
        )
        summary = (
            f"Dropped {len(self.strays)} bare number line(s) that do not fit the page sequence "
            f"(stray OCR digits, not page numbers): {shown}{more}."
        )
        return (summary, *self.warnings)

    def drop(self, line_number: int, line: str) -> None:
        """Record a source line that will not reach the output."""
        self.dropped.append((line_number, line.rstrip()))

    def dropped_lines(self) -> tuple[str, ...]:
        """Return the dropped lines in source order."""
        return tuple(line for _, line in sorted(self.dropped, key=lambda item: item[0]))


class PageTracker:
    """Accept bare numbers as page numbers only when they fit the page sequence.

    OCR leaves stray digits (lost footnote labels, misread page numbers) on lines of their own.
    A number is taken as the next page only if it is larger than the last page and no larger
    than the text read since could fill (at least ``MIN_CHARS_PER_PAGE`` characters a page, plus
    slack for pages the OCR lost). Roman numerals (front matter) are accepted only before the
    first Arabic page number.
    """

    MIN_CHARS_PER_PAGE = 700

    def __init__(self) -> None:
        self.current: str | None = None
        self._last_value: int | None = None
        self._last_roman = False
        self._chars_since = 0

    def read(self, chars: int) -> None:
        """Count text read since the last accepted page number."""
        self._chars_since += chars

    def offer(self, label: str, value: int, *, roman: bool) -> bool:
        """Take ``label`` as the current page if it fits the sequence; say whether it did."""
        reach = 2 + self._chars_since // self.MIN_CHARS_PER_PAGE
        if roman:
            fits = (self._last_value is None or self._last_roman) and (
                self._last_value is None or self._last_value < value <= self._last_value + reach
            )
        elif self._last_value is None or self._last_roman:
            fits = 0 < value <= reach
        else:
            fits = self._last_value < value <= self._last_value + reach
        if fits:
            self.current, self._last_value, self._last_roman = label, value, roman
            self._chars_since = 0
        return fits
