"""The structured reading that the plain-text importer produces.

These are plain frozen values with no Django in them: the import service turns them into
``Section``/``Paragraph``/``Footnote`` rows. Equal input text always gives equal values, which
is what makes re-importing a reading idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_READING_CHARS = 2_000_000

PARAGRAPH_KINDS = ("text", "quote", "list_item", "heading")
SECTION_KINDS = ("preface", "chapter", "bibliography", "section", "notes", "body")


class ReadingParseError(ValueError):
    """Refuse text that cannot be a reading: empty, binary or larger than ``MAX_READING_CHARS``."""


@dataclass(frozen=True)
class NoteRef:
    """A note marker inside a paragraph or footnote.

    ``text[start:end]`` is the marker exactly as the source prints it (``[4]``, a ``1`` glued
    to the end of a sentence, a ``^`` the OCR made of a superscript); the marker stays in the
    text. ``label`` is the ``label`` of the ``ParsedFootnote`` the marker points to.
    """

    label: str
    start: int
    end: int


@dataclass(frozen=True)
class ParsedParagraph:
    """One paragraph of a section.

    ``kind`` is ``"text"``, ``"quote"`` (a block quotation), ``"list_item"`` (its bullet glyph
    removed) or ``"heading"`` (a title or byline line of front matter that heads no section).
    ``page`` is the last page number printed in the source before the paragraph starts, or
    ``None`` when no page number precedes it.
    """

    text: str
    page: str | None = None
    note_refs: tuple[NoteRef, ...] = ()
    kind: str = "text"


@dataclass(frozen=True)
class ParsedFootnote:
    """A footnote or endnote, separated from the body text.

    ``label`` is unique within a reading. When a source restarts its numbering in each chapter
    the label is qualified by the chapter (``"IV.3"``); a number the OCR lost and the sequence
    could not supply is written ``"IV.?3"`` (the third note of chapter IV). A note that runs to
    several paragraphs keeps them separated by a blank line (``"\\n\\n"``). ``note_refs`` holds
    markers inside the note that point at other notes.
    """

    label: str
    text: str
    page: str | None = None
    note_refs: tuple[NoteRef, ...] = ()


@dataclass(frozen=True)
class ParsedSection:
    """A titled run of paragraphs.

    ``kind`` is one of ``SECTION_KINDS``; ``"body"`` is used for text before the first heading
    and for texts without headings, with an empty ``title``. A chapter heading directly followed
    by a sub-heading gives a chapter section with no paragraphs.
    """

    title: str
    kind: str
    paragraphs: tuple[ParsedParagraph, ...]


@dataclass(frozen=True)
class ParsedReading:
    """The whole reading: sections in order, footnotes in order, and what the import changed.

    ``dropped_lines`` lists every source line that does not reach the output (web furniture,
    page numbers, a truncated duplicate paragraph), in source order, so nothing disappears
    unaccounted. ``warnings`` explains guesses a teacher may want to check.
    """

    sections: tuple[ParsedSection, ...]
    footnotes: tuple[ParsedFootnote, ...]
    warnings: tuple[str, ...]
    dropped_lines: tuple[str, ...]
