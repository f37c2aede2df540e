"""Parse a plain-text source reading into sections, paragraphs and footnotes.

One entry point, ``parse_reading``, serves every kind of source: what the text shows decides
how it is read. Text whose lines are hard-wrapped (many lines continue a sentence begun on
the line before) is read as a typescript (see ``hardwrap``); text whose lines are whole
paragraphs is read as a web page or document (see ``unwrapped``).

The source's words are never rewritten. The only changes are to whitespace, reflowing
wrapped lines, joining words broken across lines, and removing furniture (web-page
navigation, page numbers), a truncated duplicate paragraph, the bullet glyphs of list items
and the numbers of footnotes (kept as their labels). Every removed line is listed in
``dropped_lines``, and guesses are explained in ``warnings``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from .hardwrap import parse_hard_wrapped
from .lines import Block, Heading, Note, Para, Report, collapse_spaces, is_furniture, to_roman
from .notes import MarkerCandidate, align_markers, ocr_markers, resolve_numbers, strong_markers
from .reflow import Vocabulary
from .structures import (
    MAX_READING_CHARS,
    NoteRef,
    ParsedFootnote,
    ParsedParagraph,
    ParsedReading,
    ParsedSection,
    ReadingParseError,
)
from .unwrapped import parse_unwrapped

MAX_NONPRINTABLE_SHARE = 0.01
ALLOWED_CONTROLS = frozenset("\n\r\t\f\v")
WRAPPED_CONTINUATION_SHARE = 0.2
WRAPPED_MAX_LINE = 120
FILLED_LINE_SHARE = 0.7
WRAPPED_FILLED_SHARE = 0.6
TRUNCATED_MIN_CHARS = 30
ELLIPSIS_END_RE = re.compile(r"\s*(?:\.\.\.|…)$")
TOP_LEVEL_KINDS = frozenset({"preface", "chapter", "bibliography", "notes", "body"})
MAX_LABELS_LISTED = 12


def parse_reading(text: str) -> ParsedReading:
    """Parse a plain-text reading; the same text always gives an equal result.

    Raise ``ReadingParseError`` for empty text, binary-looking text (any NUL, or more than
    1% non-printable characters) and text over ``MAX_READING_CHARS`` characters.
    """
    validate_reading_text(text)
    lines = _split_lines(text)
    report = Report()
    if is_hard_wrapped(lines):
        blocks = parse_hard_wrapped(lines, vocabulary=Vocabulary(lines), report=report)
    else:
        blocks = parse_unwrapped(lines, report=report)
    return _assemble(blocks, report)


def validate_reading_text(text: str) -> None:
    """Refuse text that cannot be a reading, saying why."""
    if len(text) > MAX_READING_CHARS:
        raise ReadingParseError(
            f"The text is {len(text):,} characters long; the limit is {MAX_READING_CHARS:,}."
        )
    if not text.strip():
        raise ReadingParseError("The text is empty.")
    if "\x00" in text:
        raise ReadingParseError("The text contains NUL characters; it looks like a binary file.")
    nonprintable = sum(1 for char in text if _is_nonprintable(char))
    if nonprintable > len(text) * MAX_NONPRINTABLE_SHARE:
        raise ReadingParseError(
            f"{nonprintable:,} of {len(text):,} characters are control characters; "
            "the text looks like a binary file."
        )


def _is_nonprintable(char: str) -> bool:
    if char in ALLOWED_CONTROLS:
        return False
    return char == "\ufffd" or unicodedata.category(char) in ("Cc", "Cs")


def _split_lines(text: str) -> list[str]:
    # A form feed is a page break; write it as the blank-line gap an OCR page break leaves.
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n\n\n")
    return text.split("\n")


def is_hard_wrapped(lines: list[str]) -> bool:
    """Tell whether lines are hard-wrapped rather than whole paragraphs.

    Wrapped text has no very long lines, and either many of its lines continue the sentence
    of the line before (they start in lower case) or most lines are nearly as long as the
    longest, as lines filled to a margin are.
    """
    texts = [collapse_spaces(line) for line in lines]
    texts = [text for text in texts if text and not is_furniture(text)]
    pairs = list(zip(texts, texts[1:], strict=False))
    if len(pairs) < 3:
        return False
    widths = sorted(len(text) for text in texts)
    longest_typical = widths[int(len(widths) * 0.9)]
    if longest_typical > WRAPPED_MAX_LINE:
        return False
    continued = sum(1 for _, following in pairs if following[0].islower())
    filled = sum(1 for width in widths if width >= longest_typical * FILLED_LINE_SHARE)
    return (
        continued >= len(pairs) * WRAPPED_CONTINUATION_SHARE
        or filled >= len(widths) * WRAPPED_FILLED_SHARE
    )


@dataclass
class _Section:
    title: str
    kind: str
    scope: int
    paras: list[Para] = field(default_factory=list)


@dataclass
class _Scope:
    """A run of sections that share one footnote numbering (a chapter and its sub-sections)."""

    name: str
    notes: list[Note] = field(default_factory=list)
    paras: list[Para] = field(default_factory=list)


def _assemble(blocks: list[Block], report: Report) -> ParsedReading:
    sections, scopes, endnotes = _sectioned(blocks)
    for section in sections:
        section.paras = _without_truncated_duplicates(section.paras, report)
        for para in section.paras:
            if para.kind == "text" and para.text.startswith(("...", "…")):
                para.kind = "quote"  # an excerpt opening with an ellipsis is quoted matter
        scopes[section.scope].paras.extend(section.paras)
    refs: dict[int, list[NoteRef]] = defaultdict(list)
    footnotes: list[ParsedFootnote] = []
    qualify = sum(1 for scope in scopes if scope.notes) > 1
    for scope in scopes:
        footnotes += _link_scope(scope, qualify=qualify, refs=refs, report=report)
    footnotes += _link_endnotes(
        endnotes, [para for scope in scopes for para in scope.paras], refs, report
    )
    _warn_unreferenced(footnotes, refs, report)
    parsed_sections = tuple(
        ParsedSection(
            title=section.title,
            kind=section.kind,
            paragraphs=tuple(
                ParsedParagraph(
                    text=para.text,
                    page=para.page,
                    note_refs=tuple(refs.get(id(para), ())),
                    kind=para.kind,
                )
                for para in section.paras
            ),
        )
        for section in sections
    )
    return ParsedReading(
        sections=parsed_sections,
        footnotes=tuple(
            ParsedFootnote(
                label=note.label,
                text=note.text,
                page=note.page,
                note_refs=tuple(refs.get(id(note), ())),
            )
            for note in footnotes
        ),
        warnings=report.all_warnings(),
        dropped_lines=report.dropped_lines(),
    )


def _sectioned(blocks: list[Block]) -> tuple[list[_Section], list[_Scope], list[Note]]:
    """Group blocks under their headings; a text with no headings is one "body" section."""
    scopes = [_Scope(name="")]
    sections = [_Section(title="", kind="body", scope=0)]
    endnotes: list[Note] = []
    top_kind = "body"
    chapters = 0
    for block in blocks:
        if isinstance(block, Heading):
            kind = block.kind
            if kind == "section" and top_kind == "bibliography":
                kind = "bibliography"  # "Secondary Sources" under the bibliography
            if kind in TOP_LEVEL_KINDS:
                top_kind = kind
                chapters += kind == "chapter"
                name = to_roman(chapters) if kind == "chapter" else kind
                scopes.append(_Scope(name=name))
            sections.append(_Section(title=block.title, kind=kind, scope=len(scopes) - 1))
        elif isinstance(block, Para):
            sections[-1].paras.append(block)
        elif block.endnote:
            endnotes.append(block)
        else:
            scopes[sections[-1].scope].notes.append(block)
    if not sections[0].paras and len(sections) > 1:
        sections = sections[1:]
    return sections, scopes, endnotes


def _without_truncated_duplicates(paras: list[Para], report: Report) -> list[Para]:
    """Drop a paragraph cut off with an ellipsis whose text the following text repeats in full.

    Web pages often show a teaser ("... This would have been an unpopular...") above the full
    text; the teaser is dropped, and its lines are reported.
    """
    kept: list[Para] = []
    for index, para in enumerate(paras):
        if para.kind == "text" and _is_truncated_copy(para, paras[index + 1 :]):
            for number, line in para.source:
                report.drop(number, line)
            report.warn(
                f"Line {para.source[0][0]}: dropped a paragraph cut off with '...' whose text "
                "is repeated in full by the text after it."
            )
            continue
        kept.append(para)
    return kept


def _is_truncated_copy(para: Para, following: list[Para]) -> bool:
    if not ELLIPSIS_END_RE.search(para.text):
        return False
    prefix = " ".join(ELLIPSIS_END_RE.sub("", para.text).split())
    if len(prefix) < TRUNCATED_MIN_CHARS:
        return False
    after = ""
    for later in following:
        if len(after) >= len(prefix):
            break
        after = f"{after} {' '.join(later.text.split())}".strip()
    return after.startswith(prefix)


def _link_scope(
    scope: _Scope, *, qualify: bool, refs: dict[int, list[NoteRef]], report: Report
) -> list[Note]:
    """Number a chapter's footnotes from their sequence and link the chapter's markers."""
    if not scope.notes:
        return []
    printed = [note.number for note in scope.notes]
    resolved = resolve_numbers(printed)
    prefix = f"{scope.name}." if qualify and scope.name else ""
    inferred: list[str] = []
    unplaced: list[str] = []
    for position, (note, number) in enumerate(zip(scope.notes, resolved, strict=True), start=1):
        note.label = f"{prefix}{number}" if number is not None else f"{prefix}?{position}"
        if number is None:
            unplaced.append(note.label)
        elif number != note.number:
            inferred.append(f"{note.raw_label or '(none)'} → {note.label}")
    where = f"chapter {scope.name}" if scope.name[:1].isupper() else scope.name or "text"
    if inferred:
        report.warn(
            f"{where}: {len(inferred)} footnote number(s) were unreadable or out of sequence and "
            f"were inferred from the notes' order: {_listed(inferred)}."
        )
    if unplaced:
        report.warn(
            f"{where}: {len(unplaced)} footnote(s) have no readable number that fits the "
            f"sequence and are labelled by their place in the chapter: {_listed(unplaced)}."
        )
    candidates: list[MarkerCandidate] = []
    for text_index, para in enumerate(scope.paras):
        candidates += ocr_markers(para.text, text_index)
    candidate_lines = [_source_line(scope.paras[c.text_index], c.start) for c in candidates]
    note_lines = [note.line for note in scope.notes]
    pairs = align_markers(
        candidates, resolved, candidate_lines=candidate_lines, note_lines=note_lines
    )
    for candidate, position in pairs:
        para = scope.paras[candidate.text_index]
        label = scope.notes[position].label
        refs[id(para)].append(NoteRef(label, candidate.start, candidate.end))
    return scope.notes


def _source_line(para: Para, offset: int) -> float:
    """Estimate the source line of a character of a paragraph from its share of the text."""
    first, last = para.source[0][0], para.source[-1][0]
    return first + (last - first) * offset / max(len(para.text), 1)


def _link_endnotes(
    notes: list[Note], paras: list[Para], refs: dict[int, list[NoteRef]], report: Report
) -> list[Note]:
    """Link ``[n]`` markers in paragraphs and in other notes to the notes list by label."""
    if not notes:
        return []
    by_label: dict[str, Note] = {}
    for note in notes:
        note.label = note.raw_label or ""
        if note.label in by_label:
            report.warn(f"Two notes are numbered {note.label}; markers link to the first.")
            continue
        by_label[note.label] = note
    unmatched: list[str] = []
    for owner in [*paras, *notes]:
        for candidate in strong_markers(owner.text, 0):
            if candidate.label in by_label:
                refs[id(owner)].append(NoteRef(candidate.label, candidate.start, candidate.end))
            elif candidate.label is not None:
                unmatched.append(candidate.label)
    if unmatched:
        report.warn(f"Markers with no note to link to: {_listed(unmatched)}.")
    return notes


def _warn_unreferenced(notes: list[Note], refs: dict[int, list[NoteRef]], report: Report) -> None:
    referenced = {ref.label for owner_refs in refs.values() for ref in owner_refs}
    missing = [note.label for note in notes if note.label not in referenced]
    if missing:
        report.warn(
            f"{len(missing)} of {len(notes)} footnotes have no marker found in the text: "
            f"{_listed(missing)}."
        )


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_LABELS_LISTED])
    more = len(items) - MAX_LABELS_LISTED
    return f"{shown} and {more} more" if more > 0 else shown
