"""Importers that turn source documents into structured readings (no Django here)."""

from .plaintext import parse_reading, validate_reading_text
from .structures import (
    MAX_READING_CHARS,
    PARAGRAPH_KINDS,
    SECTION_KINDS,
    NoteRef,
    ParsedFootnote,
    ParsedParagraph,
    ParsedReading,
    ParsedSection,
    ReadingParseError,
)

__all__ = [
    "MAX_READING_CHARS",
    "PARAGRAPH_KINDS",
    "SECTION_KINDS",
    "NoteRef",
    "ParsedFootnote",
    "ParsedParagraph",
    "ParsedReading",
    "ParsedSection",
    "ReadingParseError",
    "parse_reading",
    "validate_reading_text",
]
