"""Search over the readings a user may open: parsing a query, finding and ranking paragraphs, and
the snippets that show why each one matched.

A query is words and "quoted phrases". A paragraph matches when it holds every word that carries
meaning (stop words such as "the", "in" and "or" are left out, as PostgreSQL's ``english``
configuration leaves them out) and every phrase, word for word. Only whole words are marked in
the snippets: "in" never marks the middle of "Stalin", nor "or" of "world".

On PostgreSQL this is full-text search ranked by relevance (``SearchRank`` with cover density,
so paragraphs where the words stand close together come first, normalised by length so long
paragraphs do not win by size alone) and served by the GIN index on the paragraph text's
``tsvector``. Elsewhere (SQLite) the same words and phrases are matched as whole words, English
endings (“Trotsky's”, “revolutions”) included, and results come in reading order.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import QuerySet, Value
from django.db.models.functions import Replace
from django.utils.safestring import SafeString, mark_safe

from courseware.models import Paragraph, Reading
from courseware.selectors.content import readings_for_user

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

SEARCH_CONFIG = "english"
# Control characters never occur in imported text, so they can mark a headline's matches
# before the text is escaped; the marks become <mark> only after escaping.
MARK_START, MARK_STOP = "\x02", "\x03"
LT_STAND_IN, GT_STAND_IN = "\x04", "\x05"
SNIPPET_CHARS = 240
MAX_TERMS = 12
# ts_rank_cd normalisation 1: divide the rank by 1 + log(length of the paragraph).
RANK_NORMALISATION = 1

WORD_RE = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
PHRASE_RE = re.compile(r'"([^"]*)"|“([^”]*)”')
# What may follow a word and still be the same word: a possessive or a plural.
ENDING = r"(?:['’]s|s|es)?"

# The stop words of PostgreSQL's ``english`` configuration (the Snowball list), so both
# databases leave the same words out.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now
    """.split()
)


@dataclass
class ParsedQuery:
    """A query's words that carry meaning and its quoted phrases (each a list of words, stop
    words kept: a phrase is matched word for word)."""

    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)


def parse_query(query: str) -> ParsedQuery:
    """Split a query into meaningful words and "quoted phrases"; stop words outside phrases,
    repeated words and single-word phrases' duplicates are dropped."""
    parsed = ParsedQuery()
    seen: set[str] = set()

    def add_word(word: str) -> None:
        key = word.casefold()
        if key not in STOP_WORDS and key not in seen:
            seen.add(key)
            parsed.words.append(word)

    rest = query
    for match in PHRASE_RE.finditer(query):
        words = WORD_RE.findall(match.group(1) or match.group(2) or "")
        if len(words) > 1:
            parsed.phrases.append(words)
        elif words:
            add_word(words[0])
        rest = rest.replace(match.group(0), " ")
    rest = rest.replace('"', " ")  # an unclosed quote is just words
    for word in WORD_RE.findall(rest):
        add_word(word)
    parsed.words = parsed.words[:MAX_TERMS]
    parsed.phrases = parsed.phrases[: max(0, MAX_TERMS - len(parsed.words))]
    return parsed


def _word_pattern(word: str) -> str:
    return re.escape(word) + (ENDING if not word.casefold().endswith("s") else "")


def _term_patterns(parsed: ParsedQuery) -> list[str]:
    """One regular expression a term must match as whole words, for each word and phrase."""
    patterns = [_word_pattern(word) for word in parsed.words]
    patterns += [
        r"[\W_]+".join([*(re.escape(w) for w in phrase[:-1]), _word_pattern(phrase[-1])])
        for phrase in parsed.phrases
    ]
    return [rf"(?<!\w){pattern}(?!\w)" for pattern in patterns]


def paragraph_search(
    *, user: User | AnonymousUser, query: str, reading: Reading | None = None
) -> QuerySet[Paragraph]:
    """Paragraphs of readings the user may open that match the query, best first on PostgreSQL
    (reading order elsewhere), each with its reading and section for the results list.

    Each paragraph carries ``headline`` (PostgreSQL) for ``search_hits`` to turn into a snippet.
    """
    parsed = parse_query(query)
    paragraphs = Paragraph.objects.filter(reading__in=readings_for_user(user=user))
    if reading is not None:
        paragraphs = paragraphs.filter(reading=reading)
    paragraphs = paragraphs.select_related("reading", "section").only(
        "pk", "number", "text", "reading__slug", "reading__title", "section__title"
    )
    if not parsed:
        return paragraphs.none()
    if connection.vendor == "postgresql":
        search_query = _postgresql_query(parsed)
        vector = SearchVector("text", config=SEARCH_CONFIG)
        return (
            paragraphs.annotate(
                search=vector,
                rank=SearchRank(
                    vector,
                    search_query,
                    cover_density=True,
                    normalization=Value(RANK_NORMALISATION),
                ),
                headline=SearchHeadline(
                    # PostgreSQL's parser drops anything that looks like an HTML tag from a
                    # headline; hide angle brackets from it so the snippet keeps every word.
                    Replace(
                        Replace("text", Value("<"), Value(LT_STAND_IN)),
                        Value(">"),
                        Value(GT_STAND_IN),
                    ),
                    search_query,
                    config=SEARCH_CONFIG,
                    start_sel=MARK_START,
                    stop_sel=MARK_STOP,
                    max_words=40,
                    min_words=20,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .filter(search=search_query)
            .order_by("-rank", "reading__title", "number")
        )
    for pattern in _term_patterns(parsed):
        paragraphs = paragraphs.filter(text__iregex=pattern)
    return paragraphs.order_by("reading__title", "number")


def _postgresql_query(parsed: ParsedQuery) -> SearchQuery:
    """Every word (``plain``: stemmed, stop words ignored) and every phrase (``phrase``: the
    words in order), all required."""
    terms = [SearchQuery(word, config=SEARCH_CONFIG, search_type="plain") for word in parsed.words]
    terms += [
        SearchQuery(" ".join(phrase), config=SEARCH_CONFIG, search_type="phrase")
        for phrase in parsed.phrases
    ]
    combined = terms[0]
    for term in terms[1:]:
        combined &= term
    return combined


@dataclass
class SearchHit:
    paragraph: Paragraph
    snippet: SafeString


def search_hits(paragraphs, *, query: str) -> list[SearchHit]:
    """Snippets for a page of results: the text escaped, then the matches in ``<mark>``."""
    patterns = _term_patterns(parse_query(query))
    matcher = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None
    hits = []
    for paragraph in paragraphs:
        headline = getattr(paragraph, "headline", None)
        if headline is not None:
            headline = headline.replace(LT_STAND_IN, "<").replace(GT_STAND_IN, ">")
            snippet = _marked(html.escape(headline))
        else:
            snippet = _fallback_snippet(paragraph.text, matcher)
        hits.append(SearchHit(paragraph=paragraph, snippet=snippet))
    return hits


def _marked(escaped: str) -> SafeString:
    return mark_safe(  # noqa: S308 - the text was escaped; only our own <mark> tags are added
        escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    )


def _fallback_snippet(text: str, matcher: re.Pattern | None) -> SafeString:
    """A window of the text around the first match, escaped, with every whole-word match
    marked."""
    first_match = matcher.search(text) if matcher else None
    first = first_match.start() if first_match else 0
    start = max(0, first - SNIPPET_CHARS // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    window = text[start:end]
    if matcher is not None:
        window = matcher.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_STOP}", window)
    snippet = ("… " if start else "") + window + (" …" if end < len(text) else "")
    return _marked(html.escape(snippet))
