"""Text as the originality checks see it: normalised words that remember where they came from,
and an essay's quotations and citations.

Two texts are compared word by word after normalisation: Unicode compatibility forms folded
(NFKC), case folded, curly quotes and apostrophes made straight and then dropped inside words
("Lenin’s" and "Lenin's" are both ``lenins``), dashes and every other punctuation mark treated
as a space, whitespace of any kind collapsed. Each word keeps the character offsets of its
original spelling, so a match found between normalised words is shown on the original text.

Citations (``[[reading-slug#p-12]]``, the essay editor's syntax, see ``courseware.rendering``)
are references, not words: they are left out of an essay's words and read separately.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

# A word: letters or digits, with apostrophes allowed inside it (don't, Russia’s).
WORD = re.compile(r"[^\W_]+(?:['’‘ʼ][^\W_]+)*")
APOSTROPHES = re.compile(r"['’‘ʼ]")
# The editor's citation syntax, as ``courseware.rendering`` parses it (kept here so that the
# checks run without Django, e.g. in the benchmarks).
CITATION_SPAN = re.compile(r"\[\[([^\[\]\n]*)\]\]")
CITATION = re.compile(r"^(?P<slug>[A-Za-z0-9_-]{1,80})#p-(?P<number>[1-9][0-9]{0,6})$")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# An ellipsis marks words a quotation leaves out: the parts either side are checked separately.
ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\s*){3}\]|\[\s*…\s*\]|\.\s*\.\s*\.|…)\s*")
# Square brackets in a quotation hold the writer's own words ("[Trotsky] argued"), not the source's.
EDITORIAL = re.compile(r"\[[^\[\]]*\]")
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


@lru_cache(maxsize=65536)
def normalise_word(word: str) -> str:
    """The form a word is compared in: NFKC, case folded, without apostrophes (remembered:
    an essay's words are mostly the same few thousand)."""
    return APOSTROPHES.sub("", unicodedata.normalize("NFKC", word).casefold())


@dataclass(frozen=True)
class Words:
    """A text's normalised words with the character span ``[starts[i], ends[i])`` of each in
    the original text."""

    words: list[str]
    starts: list[int]
    ends: list[int]

    def __len__(self) -> int:
        return len(self.words)

    def char_span(self, first: int, last: int) -> tuple[int, int]:
        """Character offsets covering words ``first`` to ``last - 1``."""
        return self.starts[first], self.ends[last - 1]

    def index_at_or_after(self, offset: int) -> int:
        """Index of the first word starting at or after character ``offset``."""
        lo, hi = 0, len(self.starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.starts[mid] < offset:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def word_range(self, start: int, end: int) -> tuple[int, int]:
        """Indices ``[first, last)`` of the words lying inside characters ``[start, end)``."""
        first = self.index_at_or_after(start)
        last = first
        while last < len(self.starts) and self.ends[last] <= end:
            last += 1
        return first, last


def blank_citations(text: str) -> str:
    """The text with each ``[[...]]`` replaced by spaces of the same length (offsets keep)."""
    return CITATION_SPAN.sub(lambda m: " " * len(m.group(0)), text)


def words_of(text: str, *, skip_citations: bool = True) -> Words:
    """Split ``text`` into normalised words, remembering each one's original offsets."""
    scan = blank_citations(text) if skip_citations else text
    words, starts, ends = [], [], []
    for match in WORD.finditer(scan):
        words.append(normalise_word(match.group(0)))
        starts.append(match.start())
        ends.append(match.end())
    return Words(words, starts, ends)


# --- Citations and quotations in an essay ------------------------------------------------------


@dataclass(frozen=True)
class CitationRef:
    """One ``[[slug#p-N]]`` in an essay; ``slug`` is None when it is not of that form."""

    start: int
    end: int
    slug: str | None
    number: int | None

    @property
    def anchor(self) -> tuple[str, int] | None:
        return (self.slug, self.number) if self.slug is not None else None


@dataclass(frozen=True)
class Quotation:
    """Words an essay puts in quotation marks (or a Markdown block quotation): ``[start, end)``
    is the quoted text without its marks; ``parts`` are the stretches either side of any
    ellipsis, with editorial brackets removed, as character ranges; ``citations`` are the
    citations that attribute it."""

    start: int
    end: int
    parts: tuple[tuple[int, int], ...]
    citations: tuple[CitationRef, ...] = field(default=())
    block: bool = False


def citations_in(text: str) -> list[CitationRef]:
    """Every citation of an essay, in order."""
    found = []
    for match in CITATION_SPAN.finditer(text):
        parsed = CITATION.match(match.group(1).strip())
        found.append(
            CitationRef(
                start=match.start(),
                end=match.end(),
                slug=parsed["slug"] if parsed else None,
                number=int(parsed["number"]) if parsed else None,
            )
        )
    return found


def paragraphs_of(text: str) -> list[tuple[int, int]]:
    """Character ranges of the text's paragraphs (separated by blank lines)."""
    ranges, start = [], 0
    for match in PARAGRAPH_BREAK.finditer(text):
        if text[start : match.start()].strip():
            ranges.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        ranges.append((start, len(text)))
    return ranges


# Opening mark → closing mark. A closing single quote must not be followed by a letter, so the
# apostrophe in "Trotsky’s" does not close ‘Trotsky’s vision …’.
_INLINE_QUOTES = re.compile(
    r"“(?P<curly>[^”“]+)”"
    r"|\"(?P<straight>[^\"\n]+)\""
    r"|(?<![^\W_])‘(?P<single>.+?)’(?![^\W_])"
    r"|(?<![^\W_])'(?P<plain>.+?)'(?![^\W_])",
    re.DOTALL,
)


# Where a quotation is cut into parts checked separately: an ellipsis (words left out) or the
# writer's words in square brackets (words put in place of the source's).
_PART_BREAK = re.compile(rf"{ELLIPSIS.pattern}|\s*{EDITORIAL.pattern}\s*")


def _parts(text: str, start: int, end: int) -> tuple[tuple[int, int], ...]:
    """The quoted stretch split at ellipses and at bracketed editorial words."""
    inner = text[start:end]
    parts, cursor = [], 0
    for match in _PART_BREAK.finditer(inner):
        if inner[cursor : match.start()].strip():
            parts.append((start + cursor, start + match.start()))
        cursor = match.end()
    if inner[cursor:].strip():
        parts.append((start + cursor, end))
    return tuple(parts)


def _quotations_in_paragraph(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """(start, end, is_block) of each quotation in one paragraph."""
    body = text[start:end]
    lines = [line for line in body.split("\n") if line.strip()]
    if lines and all(line.lstrip().startswith(">") for line in lines):
        first = start + body.index(">") + 1
        return [(first, end, True)]
    found = []
    for match in _INLINE_QUOTES.finditer(body):
        group = next(name for name in ("curly", "straight", "single", "plain") if match[name])
        found.append((start + match.start(group), start + match.end(group), False))
    return found


def _attribution(
    text: str, quote_start: int, quote_end: int, later_quote: int, paragraph_citations: list
) -> tuple[CitationRef, ...]:
    """The citations that attribute a quotation: those straight after it (before the next
    quotation of the paragraph), else the last one before it in the same sentence."""
    after = [c for c in paragraph_citations if quote_end <= c.start < later_quote]
    if after:
        # A run of citations separated only by spaces and punctuation cites the same words.
        run = [after[0]]
        for citation in after[1:]:
            if text[run[-1].end : citation.start].strip(" ,;.:)(–—-") == "":
                run.append(citation)
            else:
                break
        return tuple(run)
    before = [c for c in paragraph_citations if c.end <= quote_start]
    if before and not SENTENCE_END.search(text[before[-1].end : quote_start]):
        return (before[-1],)
    return ()


def quotations_in(text: str) -> list[Quotation]:
    """Every quotation of an essay with the citations that attribute it."""
    citations = citations_in(text)
    quotations = []
    for para_start, para_end in paragraphs_of(text):
        in_paragraph = [c for c in citations if para_start <= c.start < para_end]
        spans = _quotations_in_paragraph(blank_citations(text), para_start, para_end)
        for i, (start, end, block) in enumerate(spans):
            later = spans[i + 1][0] if i + 1 < len(spans) else para_end
            parts = _parts(text, start, end)
            if block:
                # A block quotation's citation is usually its own last line.
                attributing = tuple(in_paragraph)
                parts = _parts(blank_citations(text), start, end)
            else:
                attributing = _attribution(text, start, end, later, in_paragraph)
            if parts:
                quotations.append(
                    Quotation(start=start, end=end, parts=parts, citations=attributing, block=block)
                )
    return quotations
