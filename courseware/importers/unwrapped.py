"""Unwrapped text, such as a saved web page: each line is already a whole paragraph.

Headings are short lines without closing punctuation that have body text after them. At the
top of a text, a run of such lines is front matter (title, subtitle, byline) except its last
line, which heads the first section, and any numbered chapter heading in it ("4. The Lessons
of October"). Bulleted lines are list items (the bullet dropped), and so are numbered lines
(the number kept). A numbered list of notes at the end, cited by markers in the text,
becomes the footnotes.
"""

from __future__ import annotations

import re

from .lines import (
    BIBLIOGRAPHY_WORDS,
    BULLET_RE,
    CHAPTER_RE,
    NOTES_WORDS,
    NUMBERED_HEADING_RE,
    PREFACE_WORDS,
    Block,
    Heading,
    PageTracker,
    Para,
    Report,
    collapse_spaces,
    ends_with_punctuation,
    is_furniture,
    page_number_value,
)
from .notes import split_endnotes

HEADING_MAX_CHARS = 100
HEADING_MAX_WORDS = 14
PAGE_NUMBER_MAX_DIGITS = 3  # a four-digit line on its own is more likely a year heading
OPENING_RE = re.compile(r"^[\"“‘'(]?[A-Z0-9]")
NUMBERED_ITEM_RE = re.compile(r"^\(?\d{1,2}[.)]\s+\S")


def parse_unwrapped(raw_lines: list[str], *, report: Report) -> list[Block]:
    """Turn one-paragraph-per-line text into headings, paragraphs and endnotes, in order."""
    tracker = PageTracker()
    paras: list[Para] = []
    for number, raw in enumerate(raw_lines, start=1):
        text = collapse_spaces(raw)
        if not text:
            continue
        if is_furniture(text):
            report.drop(number, raw)
            continue
        page = page_number_value(text)
        if page is not None and (page[2] or len(text) <= PAGE_NUMBER_MAX_DIGITS):
            label, value, roman = page
            report.drop(number, raw)
            if not tracker.offer(label, value, roman=roman):
                report.stray_number(number, text, last_page=tracker.current)
            continue
        tracker.read(len(text))
        bullet = BULLET_RE.match(text)
        if bullet:
            paras.append(Para(bullet.group("text"), "list_item", tracker.current, ((number, raw),)))
        else:
            paras.append(Para(text, "text", tracker.current, ((number, raw),)))
    body, notes = split_endnotes(paras)
    return [*_place_headings(body), *notes]


def is_heading_like(para: Para) -> bool:
    """Tell whether a one-line paragraph reads like a heading rather than a sentence."""
    text = para.text
    return (
        para.kind == "text"
        and len(text) <= HEADING_MAX_CHARS
        and len(text.split()) <= HEADING_MAX_WORDS
        and bool(OPENING_RE.match(text))
        and not ends_with_punctuation(text)
    )


def heading_kind(text: str) -> str:
    """Name the kind of section a heading opens."""
    upper = text.upper()
    if CHAPTER_RE.match(text) or NUMBERED_HEADING_RE.match(text):
        return "chapter"
    for words, kind in (
        (PREFACE_WORDS, "preface"),
        (BIBLIOGRAPHY_WORDS, "bibliography"),
        (NOTES_WORDS, "notes"),
    ):
        if upper in words:
            return kind
    return "section"


def _place_headings(paras: list[Para]) -> list[Block]:
    candidates = [is_heading_like(para) for para in paras]
    last_body = max((i for i, candidate in enumerate(candidates) if not candidate), default=-1)
    first_body = next((i for i, candidate in enumerate(candidates) if not candidate), len(paras))
    blocks: list[Block] = []
    for index, para in enumerate(paras):
        if not candidates[index] or index > last_body:
            if para.kind == "text" and NUMBERED_ITEM_RE.match(para.text):
                para.kind = "list_item"  # numbered: the number stays, it carries the order
            blocks.append(para)
            continue
        kind = heading_kind(para.text)
        opens_section = index >= first_body or index == first_body - 1 or kind != "section"
        if opens_section:
            blocks.append(Heading(title=para.text, kind=kind, line=para.source[0][0]))
        else:
            blocks.append(Para(para.text, "heading", para.page, para.source))
    return blocks
