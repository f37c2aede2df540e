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

from .footnote_lines import NoteLines, find_footnotes, find_stranded_notes
from .layout import PAGE_BREAK_BLANKS, Layout, TextLine, is_bibliography_entry
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
from .notes import footnote_start, is_bare_citation, label_number
from .reflow import Vocabulary, reflow

BIB_CLUSTER = 5
BIB_CLUSTER_SPAN = 80


def parse_hard_wrapped(
    raw_lines: list[str], *, vocabulary: Vocabulary, report: Report
) -> list[Block]:
    """Turn hard-wrapped lines into headings, paragraphs and footnotes, in reading order."""
    lines = [
        TextLine(number=index + 1, raw=raw, text=collapse_spaces(raw), indent=_indent(raw))
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
    notes = find_footnotes(lines, end=bibliography_start)
    notes.update(find_stranded_notes(lines, end=bibliography_start, found=notes))
    for index, line in enumerate(lines):
        if not line.role:
            line.role = "bib" if index >= bibliography_start else "body"
    layout = Layout(lines)
    return _walk(
        lines, headings=headings, notes=notes, layout=layout, vocabulary=vocabulary, report=report
    )


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip(" \t"))


def _next_nonblank(lines: list[TextLine], index: int) -> int | None:
    for later in range(index + 1, len(lines)):
        if lines[later].role != "blank":
            return later
    return None


def _previous_nonblank(lines: list[TextLine], index: int) -> int | None:
    for earlier in range(index - 1, -1, -1):
        if lines[earlier].role != "blank":
            return earlier
    return None


def _stands_alone(lines: list[TextLine], index: int) -> bool:
    before = index == 0 or lines[index - 1].role == "blank"
    after = index + 1 >= len(lines) or lines[index + 1].role == "blank"
    return before and after


def _find_headings(lines: list[TextLine]) -> dict[int, Heading]:
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


def _heading_at(lines: list[TextLine], index: int) -> Heading | None:
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


def _is_title_case_between_paragraphs(lines: list[TextLine], index: int) -> bool:
    if not is_title_case_heading(lines[index].text):
        return False
    before, after = _previous_nonblank(lines, index), _next_nonblank(lines, index)
    return (before is None or ends_sentence(lines[before].text)) and (
        after is not None and starts_like_paragraph(lines[after].text)
    )


def _chapter_title(lines: list[TextLine], index: int) -> int | None:
    following = _next_nonblank(lines, index)
    if following is None or following - index > PAGE_BREAK_BLANKS:
        return None
    text = lines[following].text
    if lines[following].role or CHAPTER_RE.match(text) or not is_caps_title(text):
        return None
    return following


def _mark_numbers(lines: list[TextLine]) -> None:
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


def _find_bibliography(lines: list[TextLine], headings: dict[int, Heading], report: Report) -> int:
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


def _walk(
    lines: list[TextLine],
    *,
    headings: dict[int, Heading],
    notes: dict[int, NoteLines],
    layout: Layout,
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


def _offer_page(line: TextLine, tracker: PageTracker, report: Report) -> None:
    value = page_number_value(line.text)
    if value is None:
        return
    label, number, roman = value
    report.drop(line.number, line.raw)
    if not tracker.offer(label, number, roman=roman):
        report.stray_number(line.number, line.text, last_page=tracker.current)


def _note(
    lines: list[TextLine], found: NoteLines, *, page: str | None, vocabulary: Vocabulary
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
