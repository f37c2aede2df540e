"""Footnotes: telling them apart from body text, and linking the text's markers to them.

Two shapes occur. A typescript's footnotes sit at the foot of each page and, after OCR, turn
up between lines of body text; they are numbered afresh in each chapter and the OCR often
loses or garbles their numbers, so numbers are checked against (and filled in from) their
sequence. A web text's notes come as a numbered list at the end with ``[n]`` markers in the
text; those numbers are unique and are used as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .lines import Note, Para

# A citation: "p. 207", "pp. 9U-95" (OCR digits included), a volume:page pair, "Ibid".
# "p. 207", with the OCR's stand-ins for digits ("p. U03", "p. lob", "p. £22", "p. ix"); the
# "p" must not be part of an abbreviation chain such as "C.P.S.U." or "n.p.".
PAGE = r"(?<![.\w])[Pp]p?\s?[.,«*]['’]?\s?(?:[^\sA-Za-z]|[IUlLoOHiSxv])"
PAGE_CUE_RE = re.compile(PAGE + r"|\b\d{1,2}\s?:\s?\d|\bIbid\b")
CITATION_CUE_RE = re.compile(
    PAGE + r"|\b\d{1,2}\s?:\s?\d|\bIbid\b|\b(?:Press|Publishers|Publishing|University|trans\.|ed\.)"
    r"|\((?:[A-Z][a-z]+ ?){1,2}[:;]|\((?:New York|London|Cambridge|Moscow|Oxford|Princeton)"
)
# A note number, perhaps split by the OCR ("1 7") or followed by stray superscript glyphs.
DIGIT_LABEL_RE = re.compile(r"^(?P<label>\d(?: ?\d)?)[\s^\u0302]{0,3}(?P<body>[\"“'‘(]?[A-Z].*)$")
# OCR renders superscript note numbers as stray glyphs: ^, quotes, a combining circumflex,
# or a letter glued to a name ("pArthur E. Adams", but not Cyrillic debris like "aHiie cou").
GLYPH_LABEL_RE = re.compile(
    r"^(?P<label>[\^*\"'‘’“”¿£°/„»®©¥_\-\u0302 ]{1,6}\d{0,2}|[a-z]'?(?=[A-Z][a-z]+[ ,]+[A-Z]))"
    r"(?P<body>[A-Z].*)$"
)
BARE_CITATION_RE = re.compile(r"^(?:Ibid\b|[A-Z]\u0302?[\w'’]+(?: [A-Z][\w'’.]*)*, )")
ENDNOTE_RE = re.compile(
    r"^(?:\[(?P<bracket>\d{1,3}\*?)\]|(?P<plain>\d{1,3}\*?)[.)])\s+(?P<text>\S.*)$"
)

BRACKET_MARKER_RE = re.compile(r"\[(\d{1,3}\*?)\]")
SUPERSCRIPT_RE = re.compile(r"[¹²³⁰⁴⁵⁶⁷⁸⁹]+")
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
# OCR'd superscripts: a number glued after sentence punctuation or a word ("recoup.1",
# "Stalin,.8", 'machine."3'), a second number after one ("rival.1 2"), a number glued to
# the next line's first word ("11upon"), or a glyph after punctuation ("worker.^").
GLUED_AFTER_RE = re.compile(r"(?<=[.,;:!?\"”’')\]a-z])(\d{1,2})(?=[\s\"”’']|$)")
SECOND_NUMBER_RE = re.compile(r"(?<=[.,;:!?\"”’')]\d) (\d{1,2})(?=\s|$)")
GLUED_BEFORE_RE = re.compile(r"(?<![\w.,])(\d{1,2})(?=[a-z]{3,})")
GLYPH_MARKER_RE = re.compile(r"(?<=[.,;:!?\"”’')])(\^|\*{1,2}|\s?\u0302)")


def footnote_start(text: str) -> tuple[str | None, str] | None:
    """Read a line that may open a footnote as (label glyphs, the note's text), else ``None``.

    A numeric label is taken off the text (the label keeps it); any other glyph the OCR made
    of a superscript stays in the text, since it cannot be read as a number.
    """
    match = DIGIT_LABEL_RE.match(text)
    if match:
        return match.group("label"), match.group("body")
    match = GLYPH_LABEL_RE.match(text)
    if match:
        return match.group("label").strip() or None, text
    if is_bare_citation(text):
        return None, text
    return None


def is_bare_citation(text: str) -> bool:
    """Tell whether a line is a whole short citation without a label ("Ibid., p. 92.")."""
    return len(text) <= 80 and bool(BARE_CITATION_RE.match(text)) and bool(PAGE_CUE_RE.search(text))


def completes_citation(text: str) -> bool:
    """Tell whether a footnote line carries the page reference that usually ends a note."""
    return bool(PAGE_CUE_RE.search(text))


def has_citation_cue(text: str) -> bool:
    """Tell whether text reads like a bibliographic citation."""
    return bool(CITATION_CUE_RE.search(text))


def label_number(label: str | None) -> int | None:
    """Return a label's note number, or ``None`` when the label is not a plain number.

    A number the OCR split with a space ("1 7") is read as one number.
    """
    digits = (label or "").replace(" ", "")
    if not digits.isdigit():
        return None
    return int(digits) or None


def split_endnotes(paras: list[Para], *, max_gap: int = 3) -> tuple[list[Para], list[Note]]:
    """Take the numbered list of notes off the end of a text.

    The notes list is the trailing run of paragraphs that open with ``n.``, ``n*.``, ``n)`` or
    ``[n]``, allowing up to ``max_gap`` unnumbered paragraphs between two notes; such a
    paragraph continues the note before it. At least three notes are needed, the first must
    be numbered 1, and the text must carry a marker (``[n]`` or a superscript) for one of
    them, so a numbered list that merely ends a text is left alone.
    """
    starts = [index for index, para in enumerate(paras) if _endnote_match(para)]
    if len(starts) < 3:
        return paras, []
    first = starts[-1]
    for earlier in reversed(starts[:-1]):
        if first - earlier - 1 > max_gap:
            break
        first = earlier
    block_starts = [index for index in starts if index >= first]
    labels = {_endnote_label(paras[index]) for index in block_starts}
    cited = {
        candidate.label
        for para in paras[:first]
        for candidate in strong_markers(para.text, 0)
        if candidate.label in labels
    }
    if len(block_starts) < 3 or _endnote_label(paras[first]).rstrip("*") != "1" or not cited:
        return paras, []
    notes: list[Note] = []
    for para in paras[first:]:
        match = _endnote_match(para)
        if match:
            label = _endnote_label(para)
            notes.append(
                Note(
                    raw_label=label,
                    number=label_number(label),
                    text=match.group("text"),
                    page=para.page,
                    line=para.source[0][0],
                    endnote=True,
                )
            )
        else:
            notes[-1].text = f"{notes[-1].text}\n\n{para.text}"
    return paras[:first], notes


def _endnote_match(para: Para) -> re.Match[str] | None:
    return ENDNOTE_RE.match(para.text) if para.kind == "text" else None


def _endnote_label(para: Para) -> str:
    match = ENDNOTE_RE.match(para.text)
    if match is None:
        return ""
    return match.group("bracket") or match.group("plain")


@dataclass(frozen=True)
class MarkerCandidate:
    """A place in a text that may be a note marker; ``label`` is ``None`` for a bare glyph.

    ``shape`` says how it was found: ``"strong"`` (``[n]``, superscript), ``"after"`` (a
    number glued after punctuation or a word), ``"second"``, ``"before"`` or ``"glyph"``.
    """

    text_index: int
    start: int
    end: int
    label: str | None
    shape: str

    @property
    def strong(self) -> bool:
        """Tell whether the marker is unambiguous whatever the note sequence says."""
        return self.shape == "strong"


def strong_markers(text: str, text_index: int) -> list[MarkerCandidate]:
    """Find unambiguous markers: ``[12]``, ``[3*]`` and superscript digits."""
    found = [
        MarkerCandidate(text_index, match.start(), match.end(), match.group(1), "strong")
        for match in BRACKET_MARKER_RE.finditer(text)
    ]
    found += [
        MarkerCandidate(
            text_index,
            match.start(),
            match.end(),
            match.group().translate(SUPERSCRIPT_DIGITS),
            "strong",
        )
        for match in SUPERSCRIPT_RE.finditer(text)
    ]
    return sorted(found, key=lambda candidate: candidate.start)


def ocr_markers(text: str, text_index: int) -> list[MarkerCandidate]:
    """Find places where OCR may have flattened a superscript note number into the text."""
    found = strong_markers(text, text_index)
    for shape, pattern in (
        ("after", GLUED_AFTER_RE),
        ("second", SECOND_NUMBER_RE),
        ("before", GLUED_BEFORE_RE),
    ):
        for match in pattern.finditer(text):
            if shape == "after" and not _follows_word(text, match.start(1)):
                continue
            found.append(
                MarkerCandidate(text_index, match.start(1), match.end(1), match.group(1), shape)
            )
    for match in GLYPH_MARKER_RE.finditer(text):
        start = match.start(1) + (1 if match.group(1).startswith(" ") else 0)
        found.append(MarkerCandidate(text_index, start, match.end(1), None, "glyph"))
    unique = {(candidate.start, candidate.end): candidate for candidate in found}
    return sorted(unique.values(), key=lambda candidate: (candidate.start, candidate.end))


def _follows_word(text: str, index: int) -> bool:
    """Tell whether the punctuation before ``index`` closes a word (not "p. 12.3")."""
    position = index - 1
    while position >= 0 and text[position] in ".,;:!?\"”’')]":
        position -= 1
    return position >= 0 and text[position].isalpha()


def resolve_numbers(numbers: Sequence[int | None]) -> list[int | None]:
    """Check a chapter's printed note numbers against their order and fill in lost ones.

    The longest strictly increasing run of printed numbers is kept; numbers outside it are
    treated as misread. A lost number is filled in only where the neighbours fix it exactly
    (as many notes between them as numbers missing, or a run from note 1), or by counting on
    after the last known number.
    """
    chain = _longest_increasing(numbers)
    resolved: list[int | None] = [None] * len(numbers)
    if not chain:
        return resolved
    for index, number in chain:
        resolved[index] = number
    first_index, first_number = chain[0]
    if first_number == first_index + 1:
        for index in range(first_index):
            resolved[index] = index + 1
    for (left, left_number), (right, right_number) in zip(chain, chain[1:], strict=False):
        if right_number - left_number == right - left:
            for offset in range(1, right - left):
                resolved[left + offset] = left_number + offset
    last_index, last_number = chain[-1]
    for offset, index in enumerate(range(last_index + 1, len(numbers)), start=1):
        resolved[index] = last_number + offset
    return resolved


def _longest_increasing(numbers: Sequence[int | None]) -> list[tuple[int, int]]:
    """Return the longest strictly increasing run of known numbers, earliest on ties."""
    known = [(index, number) for index, number in enumerate(numbers) if number is not None]
    best: list[list[tuple[int, int]]] = []
    for position, (index, number) in enumerate(known):
        chain = [(index, number)]
        for earlier_chain in best[:position]:
            if earlier_chain[-1][1] < number and len(earlier_chain) + 1 > len(chain):
                chain = [*earlier_chain, (index, number)]
        best.append(chain)
    return max(best, key=len, default=[])


# Distances in source lines. A footnote sits on its marker's page (about 45 lines), so within
# a page distance costs nothing; beyond it, a pair loses score until it is refused.
FREE_NOTE_DISTANCE = 45
MAX_NOTE_DISTANCE = 90
NOTE_DISTANCE_SCALE = 30.0


def align_markers(
    candidates: Sequence[MarkerCandidate],
    numbers: Sequence[int | None],
    *,
    candidate_lines: Sequence[float],
    note_lines: Sequence[int],
) -> list[tuple[MarkerCandidate, int]]:
    """Pair a chapter's marker candidates with its notes, both in reading order.

    A typescript prints a footnote at the foot of the page that carries its marker, and both
    run in order, so this is an alignment: the pairing, in order, that scores best. A pair
    scores for agreeing numbers, loses for the distance between marker and note in the
    source, and is refused when they are more than ``MAX_NOTE_DISTANCE`` lines apart or when
    a number read as itself disagrees with the note's. Between equally good pairings the
    earlier candidate wins. Unpaired candidates are not markers. Returns (candidate, note
    position) pairs.
    """
    rows, columns = len(candidates), len(numbers)
    best = [[0.0] * (columns + 1) for _ in range(rows + 1)]
    for row in range(1, rows + 1):
        for column in range(1, columns + 1):
            pair = _pair_score(
                candidates[row - 1],
                numbers[column - 1],
                distance=abs(candidate_lines[row - 1] - note_lines[column - 1]),
            )
            best[row][column] = max(
                best[row - 1][column],
                best[row][column - 1],
                best[row - 1][column - 1] + pair if pair is not None else float("-inf"),
            )
    pairs: list[tuple[MarkerCandidate, int]] = []
    row, column = rows, columns
    while row and column:
        if best[row][column] == best[row - 1][column]:
            row -= 1
        elif best[row][column] == best[row][column - 1]:
            column -= 1
        else:
            pairs.append((candidates[row - 1], column - 1))
            row, column = row - 1, column - 1
    return pairs[::-1]


def _pair_score(candidate: MarkerCandidate, number: int | None, *, distance: float) -> float | None:
    if distance > MAX_NOTE_DISTANCE:
        return None
    marker_number = label_number(candidate.label)
    if candidate.shape == "strong":
        agreement = 10.0 if marker_number == number else None
    elif marker_number is not None and number is not None:
        if marker_number == number:
            agreement = 3.0
        else:  # a digit glued after punctuation may be misread; other numbers read as themselves
            agreement = 0.2 if candidate.shape == "after" else None
    elif marker_number is not None:
        agreement = 1.0 if candidate.shape == "after" else 0.5
    else:
        agreement = 1.0
    if agreement is None:
        return None
    score = agreement - max(0.0, distance - FREE_NOTE_DISTANCE) / NOTE_DISTANCE_SCALE
    return score if score > 0 else None
