"""Essays as HTML: Markdown rendered on the server, citations resolved, everything sanitised.

An essay is CommonMark written by a student. Raw HTML in it is never passed through: markdown-it
runs with HTML disabled (so ``<script>`` is shown as text), images are switched off (an essay is
words), and the result is cleaned by nh3 against a short allow-list, so whatever slips past the
renderer still cannot carry a script, an event handler or a ``javascript:`` link.

A citation is ``[[reading-slug#p-12]]``: paragraph 12 of a reading. It is rendered as a link to
that paragraph with the cited passage beside it, shown on hover and on keyboard focus. Every
citation of an essay is resolved in one query, among the readings the essay may cite; anything
else written between ``[[`` and ``]]`` is shown as plain text marked as unresolved.

Words are counted by ``count_words``; ``static/js/editor.js`` counts with the same rule, so the
live count in the editor is the count the submit check uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import nh3
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from courseware.models import Paragraph, Reading

# --- Counting words -----------------------------------------------------------------------------

# Anything written as a citation, well formed or not: citations are references, not words.
CITATION_SPAN = re.compile(r"\[\[[^\[\]\n]*\]\]")
# What separates words, spelt out so that JavaScript's regular expressions agree exactly
# (Python's str.split and JavaScript's \s each count a few other characters as space).
WHITESPACE = re.compile(
    "[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+"
)
# A word is a run of characters between spaces with at least one letter or digit, so Markdown
# markup standing alone ("#", "-", ">", "**") is not counted.
WORD = re.compile(r"[^\W_]")


def count_words(text: str) -> int:
    """Count an essay's words: whitespace-separated runs holding a letter or a digit, not
    counting citations. ``editor.js`` implements the same rule."""
    return sum(1 for token in WHITESPACE.split(CITATION_SPAN.sub(" ", text)) if WORD.search(token))


# --- Citations ----------------------------------------------------------------------------------

CITATION = re.compile(r"^(?P<slug>[A-Za-z0-9_-]{1,80})#p-(?P<number>[1-9][0-9]{0,6})$")
MAX_CITATION_LENGTH = 200
PASSAGE_WORDS = 60  # enough to recognise the passage; the link opens all of it


@dataclass(frozen=True)
class Citation:
    """One ``[[...]]`` of an essay; ``paragraph`` is None when it cites nothing known."""

    raw: str
    slug: str | None
    number: int | None
    paragraph: Paragraph | None = None

    @property
    def resolved(self) -> bool:
        return self.paragraph is not None


def parse_citation(raw: str) -> tuple[str | None, int | None]:
    """``("reading-slug", 12)`` for ``reading-slug#p-12``; ``(None, None)`` if malformed."""
    match = CITATION.match(raw)
    if match is None:
        return None, None
    return match["slug"], int(match["number"])


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule: ``[[...]]`` on one line becomes a ``citation`` token holding the raw text."""
    start = state.pos
    if not state.src.startswith("[[", start):
        return False
    end = state.src.find("]]", start + 2)
    if end < 0 or end - start - 2 > MAX_CITATION_LENGTH:
        return False
    raw = state.src[start + 2 : end]
    if "[" in raw or "]" in raw or "\n" in raw:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"raw": raw}
    state.pos = end + 2
    return True


def _passage(text: str) -> str:
    words = text.split()
    if len(words) <= PASSAGE_WORDS:
        return " ".join(words)
    return " ".join(words[:PASSAGE_WORDS]) + " …"


def _label(paragraph: Paragraph) -> str:
    """A citation's label, e.g. "Tony Cliff, ¶12": the author, else the title up to its first
    parenthesis, shortened."""
    reading = paragraph.reading
    name = reading.author or Truncator(reading.title.split(" (")[0]).words(6, truncate=" …")
    return f"{name}, ¶{paragraph.number}"


def _render_citation(self, tokens, idx, options, env) -> str:
    raw = tokens[idx].meta["raw"]
    citation = env["citations"].get(raw)
    if citation is None or citation.paragraph is None:
        return (
            f'<span class="citation citation-unresolved" title="{escape(_("Unknown citation"))}">'
            f"[[{escape(raw)}]]</span>"
        )
    env["counter"] += 1
    paragraph = citation.paragraph
    tip = f"{env['id_prefix']}-cite-{env['counter']}"
    url = reverse("courseware:reading-detail", kwargs={"slug": paragraph.reading.slug})
    return (
        '<span class="citation-wrap">'
        f'<a class="citation" href="{escape(url)}#p-{paragraph.number}" '
        f'aria-describedby="{tip}">{escape(_label(paragraph))}</a>'
        f'<span class="citation-passage" role="tooltip" id="{tip}">'
        f"{escape(_passage(paragraph.text))}</span>"
        "</span>"
    )


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.disable("image")
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)
    return md


MARKDOWN = _markdown()

# --- Sanitising ---------------------------------------------------------------------------------

ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "class", "aria-describedby"},
    "span": {"class", "id", "role", "title"},
    "p": {"id", "class"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# The page's own title is h1 and its sections h2: an essay's headings start below them.
HEADING_OFFSET = 2


def sanitise(html: str) -> str:
    """Keep only the tags, attributes and URL schemes an essay needs; drop the rest (and the
    contents of script and style elements)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


# --- Rendering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedEssay:
    html: SafeString
    citations: list[Citation] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Citation]:
        return [c for c in self.citations if not c.resolved]


def _resolve(raws: list[str], citable: QuerySet[Reading]) -> dict[str, Citation]:
    """Every citation of an essay, looked up among ``citable`` readings in one query."""
    parsed = {raw: parse_citation(raw) for raw in raws}
    wanted = {(slug, number) for slug, number in parsed.values() if slug is not None}
    found: dict[tuple[str, int], Paragraph] = {}
    if wanted:
        paragraphs = (
            Paragraph.objects.filter(
                reading__in=citable.values("pk"),
                reading__slug__in={slug for slug, _n in wanted},
                number__in={number for _s, number in wanted},
            )
            .select_related("reading")
            .only("number", "text", "reading__slug", "reading__title", "reading__author")
        )
        found = {
            (p.reading.slug, p.number): p
            for p in paragraphs
            if (p.reading.slug, p.number) in wanted
        }
    return {
        raw: Citation(raw=raw, slug=slug, number=number, paragraph=found.get((slug, number)))
        for raw, (slug, number) in parsed.items()
    }


def render_essay(
    text: str,
    *,
    citable: QuerySet[Reading],
    id_prefix: str = "essay",
    number_paragraphs: bool = False,
) -> RenderedEssay:
    """Render an essay's Markdown to sanitised HTML, resolving its citations among ``citable``.

    ``id_prefix`` keeps element ids unique when a page shows more than one essay. With
    ``number_paragraphs`` each top-level paragraph gets an anchor ``<prefix>-p-N`` and is shown
    with its number, for reading and commenting on a submission.
    """
    env: dict = {"citations": {}, "counter": 0, "id_prefix": id_prefix}
    tokens = MARKDOWN.parse(text, env)
    raws: list[str] = []
    paragraph_number = 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + HEADING_OFFSET)}"
        elif token.type == "paragraph_open" and number_paragraphs and token.level == 0:
            paragraph_number += 1
            token.attrSet("id", f"{id_prefix}-p-{paragraph_number}")
            token.attrSet("class", "essay-paragraph")
        elif token.type == "inline" and token.children:
            raws.extend(c.meta["raw"] for c in token.children if c.type == "citation")
    citations = _resolve(list(dict.fromkeys(raws)), citable)
    env["citations"] = citations
    html = MARKDOWN.renderer.render(tokens, MARKDOWN.options, env)
    # nh3's output is safe to put in a page: it is the sanitiser's job to make it so.
    return RenderedEssay(
        html=mark_safe(sanitise(html)),  # noqa: S308
        citations=list(citations.values()),
    )
