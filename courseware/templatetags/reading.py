"""Drawing a reading: paragraphs with their anchors, citation controls and note markers.

Source text is plain text. It is always escaped here; the only markup on the page is what these
tags add around it (note links at the markers' character offsets, the paragraph's frame). A
whole thesis has hundreds of paragraphs, so they are drawn in Python rather than by including a
template per paragraph.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from courseware.models import ParagraphKind
from courseware.selectors.content import (
    BlockView,
    EmendationView,
    MarkerView,
    NoteView,
    SectionView,
)

register = template.Library()


def citation(reading_slug: str, number: int) -> str:
    """How an essay cites a paragraph: ``[[reading-slug#p-12]]``."""
    return f"[[{reading_slug}#p-{number}]]"


def text_with_markers(
    text: str, markers: list[MarkerView], emendations: list[EmendationView] = ()
) -> SafeString:
    """The text escaped, with each marker's span replaced by a link to its note and each
    emendation's span by the correction in brackets, its original a focus or hover away.

    A bracketed marker (``[4]``) loses the space before it, as a superscript needs none.
    Where a marker and an emendation overlap, the marker is drawn and the emendation not.
    """
    spans = sorted(
        [(marker.start, 0, marker) for marker in markers]
        + [(emendation.start, 1, emendation) for emendation in emendations],
        key=lambda item: item[:2],
    )
    parts: list[str] = []
    position = 0
    for _start, _order, span in spans:
        if span.start < position or span.end > len(text):
            continue  # a span that overlaps another or runs past the text is not drawn
        before = text[position : span.start]
        if isinstance(span, EmendationView):
            parts += [conditional_escape(before), emendation_html(span)]
            position = span.end
            continue
        marker = span
        if text[marker.start : marker.end].startswith("["):
            before = before.rstrip()
        parts.append(conditional_escape(before))
        parts.append(
            format_html(
                '<sup class="note-ref" id="{}"><a href="#fn-{}" aria-label="{}">{}</a></sup>',
                marker.ref_id,
                marker.footnote_order,
                _("Note %(label)s") % {"label": marker.short_label},
                marker.short_label,
            )
        )
        position = marker.end
    parts.append(conditional_escape(text[position:]))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part escaped


def emendation_html(emendation: EmendationView, *, focusable: bool = True) -> SafeString:
    """A correction in brackets, marked as inserted, with the scanned original as its
    description: shown on hover and keyboard focus, announced by screen readers on focus."""
    if not focusable:  # inside a link (the table of contents): the brackets alone
        return format_html('<ins class="emend">[{}]</ins>', emendation.correction)
    return format_html(
        '<span class="emend"><ins tabindex="0" aria-describedby="{id}">[{correction}]</ins>'
        '<span class="emend-source" id="{id}" role="tooltip">{label} <del>{original}</del>'
        "</span></span>",
        id=emendation.dom_id,
        correction=emendation.correction,
        label=_("As scanned:"),
        original=emendation.original,
    )


def _paragraph_frame(paragraph, reading_slug: str, body: SafeString, tag: str) -> SafeString:
    cite = citation(reading_slug, paragraph.number)
    margin = format_html(
        '<a class="para-number" href="#p-{n}" title="{title}">{n}</a>',
        n=paragraph.number,
        title=_("Link to paragraph %(number)s") % {"number": paragraph.number},
    )
    if paragraph.page_changed:
        margin += format_html(
            '<span class="page-ref" title="{}">p.&nbsp;{}</span>',
            _("Page in the source"),
            paragraph.page,
        )
    editorial = format_html_join(
        "",
        '<p class="editorial-note"><span class="editorial-label">{}</span> {}</p>',
        (
            (
                _("Editorial note:"),
                _("“%(original)s” probably reads “%(correction)s”. %(note)s")
                % {"original": note.original, "correction": note.correction, "note": note.note}
                if note.original
                else note.note,
            )
            for note in paragraph.notes_here
        ),
    )
    return format_html(
        '<{tag} class="para para-{kind}" id="p-{n}">'
        '<span class="para-margin">{margin}</span>'
        "{body}"
        '<span class="cite">'
        '<button type="button" class="cite-copy" data-cite="{cite}" hidden>{cite_label}</button>'
        '<span class="cite-text">{cite_as} <code>{cite}</code></span>'
        "</span>{editorial}</{tag}>",
        tag=tag,
        kind=paragraph.kind.replace("_", "-"),
        n=paragraph.number,
        margin=margin,
        body=body,
        cite=cite,
        cite_label=_("Cite"),
        cite_as=_("Cite as"),
        editorial=editorial,
    )


@register.simple_tag
def reading_block(block: BlockView, reading_slug: str) -> SafeString:
    """One block of a section: a paragraph, a block quotation, a heading line or a list."""
    if block.kind == ParagraphKind.LIST_ITEM:
        items = [
            _paragraph_frame(
                paragraph,
                reading_slug,
                format_html(
                    "<p>{}</p>",
                    text_with_markers(
                        paragraph.text, paragraph.note_markers, paragraph.emendations
                    ),
                ),
                "li",
            )
            for paragraph in block.paragraphs
        ]
        return format_html('<ul class="para-list">{}</ul>', mark_safe("".join(items)))  # noqa: S308
    (paragraph,) = block.paragraphs
    text = text_with_markers(paragraph.text, paragraph.note_markers, paragraph.emendations)
    if block.kind == ParagraphKind.QUOTE:
        body = format_html("<blockquote><p>{}</p></blockquote>", text)
    elif block.kind == ParagraphKind.HEADING:
        body = format_html('<p class="para-heading-text">{}</p>', text)
    else:
        body = format_html("<p>{}</p>", text)
    return _paragraph_frame(paragraph, reading_slug, body, "div")


@register.simple_tag
def note_text(note: NoteView) -> SafeString:
    """A note's text, escaped, its own markers linked; a note of several paragraphs keeps them."""
    paragraphs = note.footnote.text.split("\n\n")
    html_parts, offset = [], 0
    for part in paragraphs:
        end = offset + len(part)
        markers = [
            MarkerView(
                start=m.start - offset,
                end=m.end - offset,
                footnote_order=m.footnote_order,
                short_label=m.short_label,
                ref_id=m.ref_id,
            )
            for m in note.markers
            if offset <= m.start and m.end <= end
        ]
        emendations = [
            EmendationView(
                start=e.start - offset,
                end=e.end - offset,
                original=e.original,
                correction=e.correction,
                dom_id=e.dom_id,
            )
            for e in note.emendations
            if offset <= e.start and e.end <= end
        ]
        html_parts.append(format_html("<p>{}</p>", text_with_markers(part, markers, emendations)))
        offset = end + 2
    return mark_safe("".join(html_parts))  # noqa: S308 - each part built by format_html


@register.simple_tag
def section_title(item: SectionView, in_link: bool = False) -> SafeString:
    """A section's title, escaped, with its emendations (plain brackets inside a link)."""
    title = item.section.title
    parts: list[str] = []
    position = 0
    for emendation in item.emendations:
        parts.append(conditional_escape(title[position : emendation.start]))
        parts.append(emendation_html(emendation, focusable=not in_link))
        position = emendation.end
    parts.append(conditional_escape(title[position:]))
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 - every part escaped


@register.simple_tag
def paragraph_link(paragraph) -> str:
    """The URL of a paragraph on its reading's page."""
    url = reverse("courseware:reading-detail", args=[paragraph.reading.slug])
    return f"{url}#p-{paragraph.number}"
