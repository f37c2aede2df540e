"""Checking one essay against the readings and the other essays: the classified matches.

Plain Python on plain data (no Django), so the benchmarks and the labelled evaluation run it
directly; ``courseware.services.originality`` feeds it from the database and stores what it
finds.

How an essay's words are classified:

1. **Quotations** (words in quotation marks, or a Markdown block quotation) of at least
   ``MIN_QUOTE_WORDS`` words, with the citations that attribute them (a citation straight after
   the quotation, else one before it in the same sentence):

   - cited, and the cited paragraph holds the quoted words exactly → ``quoted_cited``;
   - cited, but the words are found word for word in another paragraph of the readings (or not
     in any reading at all) → ``wrong_paragraph``;
   - cited, and the cited paragraph holds nearly the same words (similarity at least
     ``MISQUOTE_MIN``) → ``misquoted``, with the words that differ;
   - not cited, at least ``MIN_COPY_WORDS`` long and found in a reading → ``unattributed``.
     Shorter uncited quotations (a slogan in inverted commas) are not reported.

2. **Copying from the readings**: stretches of the essay outside its quotations that align with
   a reading paragraph (at least ``MIN_COPY_WORDS`` matched words, mostly matches, see
   ``align``) → ``unattributed``, whether or not a citation is nearby: copied words need
   quotation marks.

3. **Overlap with peers**: stretches not already explained by the readings or by quotations
   that align with another student's essay (at least ``MIN_PEER_WORDS``) → ``peer_overlap``.
   Two students quoting or copying the same reading are reported against the reading, not
   against each other.

The score is the share of the essay's words that lie in ``unattributed``, ``peer_overlap`` or
``misquoted`` matches, in percent. Correct quotations and citation slips are not counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from courseware.originality.align import Located, Span, aligned_spans, locate
from courseware.originality.index import (
    PEER_SETTINGS,
    READING_SETTINGS,
    IndexSettings,
    PassageIndex,
    ShingleTable,
    window_band_keys,
)
from courseware.originality.text import Quotation, Words, quotations_in, words_of

QUOTED_CITED = "quoted_cited"
MISQUOTED = "misquoted"
WRONG_PARAGRAPH = "wrong_paragraph"
UNATTRIBUTED = "unattributed"
PEER_OVERLAP = "peer_overlap"
CLASSES = (QUOTED_CITED, MISQUOTED, WRONG_PARAGRAPH, UNATTRIBUTED, PEER_OVERLAP)
SCORED = frozenset({UNATTRIBUTED, PEER_OVERLAP, MISQUOTED})

MIN_QUOTE_WORDS = 3
MIN_COPY_WORDS = 8
MIN_PEER_WORDS = 12
PEER_CANDIDATES = 40  # essays aligned word by word per check, those sharing most windows
MAX_INLINE_QUOTE_WORDS = 60  # longer, and a quotation mark was left unmatched
EXACT_MIN = 0.97  # and word for word: quoted parts found out of the source's order score less
MISQUOTE_MIN = 0.6
FOUND_ELSEWHERE_MIN = 0.9
EXACT_GRAM = 4  # the aligner's seed: a copied stretch holds a run of this many identical words
EXACT_GRAM_SHARED = 2  # distinct shared n-grams that make a paragraph a candidate
EXACT_CANDIDATES = 20  # paragraphs found by exact n-grams, beyond those LSH found


@dataclass(frozen=True)
class SourceParagraph:
    """A paragraph of a reading: ``key`` is the paragraph's id."""

    key: Hashable
    reading_slug: str
    number: int
    text: str


@dataclass(frozen=True)
class PeerEssay:
    """Another student's submitted essay: ``key`` is the version's id."""

    key: Hashable
    text: str


@dataclass(frozen=True)
class Finding:
    """One classified match: characters ``[start, end)`` of the essay against characters
    ``[source_start, source_end)`` of a reading paragraph (``paragraph``) or a peer's essay
    (``peer``). ``cited`` is the paragraph the essay cited, for quotations."""

    kind: str
    start: int
    end: int
    words: int
    similarity: float
    paragraph: Hashable | None = None
    peer: Hashable | None = None
    source_start: int = 0
    source_end: int = 0
    cited: Hashable | None = None
    detail: str = ""


@dataclass
class Result:
    findings: list[Finding]
    total_words: int
    reading_candidates: int = 0  # reading paragraphs aligned word by word
    peer_candidates: int = 0  # other essays aligned word by word

    @property
    def flagged_words(self) -> int:
        return sum(f.words for f in self.findings if f.kind in SCORED)

    @property
    def score(self) -> float:
        """Percent of the essay's words in unattributed, peer-overlap or misquoted matches."""
        if not self.total_words:
            return 0.0
        return round(100 * min(self.flagged_words, self.total_words) / self.total_words, 1)


class ReadingCorpus:
    """The paragraphs an essay is checked against, indexed for search.

    Built once per course (it pickles, so it can be cached) and reused for every essay.
    ``FORMAT`` names what it holds: a cached index of another format is not used.
    """

    FORMAT = 2

    def __init__(
        self, paragraphs: Iterable[SourceParagraph], settings: IndexSettings = READING_SETTINGS
    ):
        self.paragraphs: dict[Hashable, SourceParagraph] = {}
        self.words: dict[Hashable, Words] = {}
        self.by_anchor: dict[tuple[str, int], Hashable] = {}
        self.index = PassageIndex(settings)
        self.table = ShingleTable(settings.n)
        self.grams = ShingleTable(EXACT_GRAM)
        for paragraph in paragraphs:
            words = words_of(paragraph.text, skip_citations=False)
            self.paragraphs[paragraph.key] = paragraph
            self.words[paragraph.key] = words
            self.by_anchor[(paragraph.reading_slug, paragraph.number)] = paragraph.key
            if words.words:
                self.index.add(paragraph.key, words.words)
                self.table.add(paragraph.key, words.words)
                self.grams.add(paragraph.key, words.words)

    def candidates(self, words: list[str]) -> list[Hashable]:
        """Paragraphs that may share a passage with ``words``: those with a similar window
        (LSH), then those sharing exact word ``EXACT_GRAM``-grams, which a passage edited
        every few words still keeps while its windows' similarity falls below what LSH finds
        (the aligner needs a run of that many identical words anyway)."""
        found = self.index.candidates(words)
        seen = set(found)
        for key in self.grams.sharing(words, at_least=EXACT_GRAM_SHARED, limit=EXACT_CANDIDATES):
            if key not in seen:
                found.append(key)
                seen.add(key)
        return found


class PeerSource(Protocol):
    """Where the other students' essays are looked up: in memory (``PeerCorpus``) or in the
    database's peer index (``courseware.services.originality.StoredPeers``)."""

    def hits(self, keys: list[int]) -> Counter:
        """How many of these LSH band keys each essay shares."""

    def words(self, keys: list[Hashable]) -> dict[Hashable, Words]:
        """The words of these essays (the candidates the aligner compares)."""


def query_keys(words: list[str], settings: IndexSettings = PEER_SETTINGS) -> list[int]:
    """The band keys a stretch of an essay looks up: its windows every ``query_step`` words."""
    return window_band_keys(words, settings, step=settings.query_step)


def stored_keys(words: list[str], settings: IndexSettings = PEER_SETTINGS) -> list[int]:
    """The band keys an essay is stored under: its windows every ``step`` words."""
    return window_band_keys(words, settings, step=settings.step)


class PeerCorpus:
    """Other students' essays indexed in memory, the same way the database's peer index holds
    them (``stored_keys``): for the benchmarks, the labelled evaluation and tests.

    Only the texts and the keys are kept: an essay's words (with their offsets) are worked out
    again when it is a candidate, which is a few essays per check.
    """

    def __init__(self, essays: Iterable[PeerEssay], settings: IndexSettings = PEER_SETTINGS):
        self.settings = settings
        self.essays: dict[Hashable, PeerEssay] = {}
        self.table: dict[int, list[Hashable]] = defaultdict(list)
        for essay in essays:
            self.essays[essay.key] = essay
            for key in stored_keys(words_of(essay.text).words, settings):
                self.table[key].append(essay.key)

    def hits(self, keys: list[int]) -> Counter:
        hits: Counter = Counter()
        for key in keys:
            hits.update(self.table.get(key, ()))
        return hits

    def words(self, keys: list[Hashable]) -> dict[Hashable, Words]:
        return {key: words_of(self.essays[key].text) for key in keys if key in self.essays}


@dataclass
class _Coverage:
    """Which of the essay's words are already explained by a finding."""

    size: int
    covered: list[bool] = field(init=False)

    def __post_init__(self):
        self.covered = [False] * self.size

    def cover(self, first: int, last: int) -> None:
        for i in range(first, last):
            self.covered[i] = True

    def free_runs(self, first: int, last: int) -> list[tuple[int, int]]:
        runs, start = [], None
        for i in range(first, last):
            if not self.covered[i] and start is None:
                start = i
            elif self.covered[i] and start is not None:
                runs.append((start, i))
                start = None
        if start is not None:
            runs.append((start, last))
        return runs


def _inside_copy(first: int, last: int, copies: list[tuple[Span, Hashable]]) -> bool:
    """Whether words ``[first, last)`` lie in a stretch copied from a reading that runs on
    for at least ``MIN_COPY_WORDS`` words outside them: quotation marks round part of a copied
    passage do not make the passage a quotation."""
    for span, _key in copies:
        if span.a_start <= first and last <= span.a_end:
            outside = (first - span.a_start) + (span.a_end - last)
            if outside >= MIN_COPY_WORDS:
                return True
    return False


def _describe(located: Located, words: int) -> str:
    changes = []
    for difference in located.differences[:4]:
        quoted, source = " ".join(difference.quoted), " ".join(difference.source)
        if quoted and source:
            changes.append(f"“{quoted}” for “{source}”")
        elif quoted:
            changes.append(f"“{quoted}” added")
        else:
            changes.append(f"“{source}” left out")
    more = len(located.differences) - len(changes)
    text = "; ".join(changes)
    return f"{text}; and {more} more" if more > 0 else text


class _Checker:
    def __init__(
        self,
        text: str,
        readings: ReadingCorpus,
        peers: PeerSource | None,
        progress: Callable[[int], None],
    ):
        self.text = text
        self.readings = readings
        self.peers = peers
        self.progress = progress
        self.essay = words_of(text)
        self.coverage = _Coverage(len(self.essay))
        self.findings: list[Finding] = []
        self.reading_candidates = 0
        self.peer_candidates = 0

    # --- helpers ---------------------------------------------------------------------------

    def _add(self, kind: str, first: int, last: int, similarity: float, **source) -> None:
        start, end = self.essay.char_span(first, last)
        self.findings.append(
            Finding(
                kind=kind,
                start=start,
                end=end,
                words=last - first,
                similarity=round(similarity, 3),
                **source,
            )
        )
        self.coverage.cover(first, last)

    def _paragraph_source(self, key: Hashable, b_start: int, b_end: int) -> dict:
        words = self.readings.words[key]
        source_start, source_end = words.char_span(b_start, b_end)
        return {"paragraph": key, "source_start": source_start, "source_end": source_end}

    def _quote_parts(self, quotation: Quotation) -> list[list[str]]:
        parts = []
        for start, end in quotation.parts:
            first, last = self.essay.word_range(start, end)
            if last > first:
                parts.append(self.essay.words[first:last])
        return parts

    def _find_in_readings(self, parts: list[list[str]]) -> tuple[Hashable, Located] | None:
        """The reading paragraph holding these words most nearly, if any holds them."""
        words = [w for part in parts for w in part]
        best = None
        for key in self.readings.table.candidates(words):
            located = locate(parts, self.readings.words[key].words)
            if located and (best is None or located.similarity > best[1].similarity):
                best = (key, located)
        return best

    # --- 1. quotations -----------------------------------------------------------------------

    def quotations(self, copies: list[tuple[Span, Hashable]]) -> list[tuple[int, int]]:
        checked = []
        for quotation in quotations_in(self.text):
            parts = self._quote_parts(quotation)
            count = sum(len(part) for part in parts)
            first, last = self.essay.word_range(quotation.start, quotation.end)
            if count < MIN_QUOTE_WORDS or last <= first:
                continue
            if not quotation.block and count > MAX_INLINE_QUOTE_WORDS:
                continue  # an unmatched quotation mark, not a quotation
            if _inside_copy(first, last, copies):
                continue
            if quotation.citations:
                self._cited_quotation(quotation, parts, first, last)
                checked.append((first, last))
            elif count >= MIN_COPY_WORDS:
                found = self._find_in_readings(parts)
                if found and found[1].similarity >= FOUND_ELSEWHERE_MIN:
                    key, located = found
                    self._add(
                        UNATTRIBUTED,
                        first,
                        last,
                        located.similarity,
                        **self._paragraph_source(key, located.b_start, located.b_end),
                        detail="In quotation marks but not cited.",
                    )
                    checked.append((first, last))
        # Only quotations that were classified are set aside: a short slogan in inverted commas
        # inside a copied passage is part of the copying.
        return checked

    def _cited_quotation(self, quotation: Quotation, parts, first: int, last: int) -> None:
        cited_keys = [
            self.readings.by_anchor.get(c.anchor) for c in quotation.citations if c.anchor
        ]
        cited_keys = [key for key in cited_keys if key is not None]
        best_cited = None
        for key in cited_keys:
            located = locate(parts, self.readings.words[key].words)
            if located and (best_cited is None or located.similarity > best_cited[1].similarity):
                best_cited = (key, located)
        if best_cited and best_cited[1].exact and best_cited[1].similarity >= EXACT_MIN:
            key, located = best_cited
            self._add(
                QUOTED_CITED,
                first,
                last,
                located.similarity,
                **self._paragraph_source(key, located.b_start, located.b_end),
                cited=key,
            )
            return
        cited = best_cited[0] if best_cited else (cited_keys[0] if cited_keys else None)
        elsewhere = self._find_in_readings(parts)
        if (
            elsewhere
            and elsewhere[1].similarity >= FOUND_ELSEWHERE_MIN
            and (best_cited is None or elsewhere[1].similarity > best_cited[1].similarity)
        ):
            key, located = elsewhere
            paragraph = self.readings.paragraphs[key]
            self._add(
                WRONG_PARAGRAPH,
                first,
                last,
                located.similarity,
                **self._paragraph_source(key, located.b_start, located.b_end),
                cited=cited,
                detail=f"The quoted words are in {paragraph.reading_slug} ¶{paragraph.number}.",
            )
            return
        if best_cited and best_cited[1].similarity >= MISQUOTE_MIN:
            key, located = best_cited
            self._add(
                MISQUOTED,
                first,
                last,
                located.similarity,
                **self._paragraph_source(key, located.b_start, located.b_end),
                cited=key,
                detail=_describe(located, last - first),
            )
            return
        if cited is None:
            detail = "The citation does not name a paragraph of the course's readings."
        else:
            detail = "The quoted words are not in the cited paragraph or any other reading."
        self._add(WRONG_PARAGRAPH, first, last, 0.0, cited=cited, detail=detail)

    # --- 2. copying from the readings ----------------------------------------------------------

    def reading_alignments(self) -> list[tuple[Span, Hashable]]:
        """Stretches of the essay aligned with reading paragraphs, closest source first."""
        words = self.essay.words
        candidates = self.readings.candidates(words)
        self.reading_candidates = len(candidates)
        self.progress(20)
        spans = []
        for key in candidates:
            for span in aligned_spans(
                words, self.readings.words[key].words, min_matched=MIN_COPY_WORDS
            ):
                spans.append((span, key))
        # A stretch copied from two identical paragraphs is reported once, against the closer.
        spans.sort(key=lambda item: (-item[0].matched, -item[0].similarity))
        return spans

    def reading_copies(self, spans, quoted: list[tuple[int, int]]) -> None:
        in_quote = _Coverage(len(self.essay))
        for first, last in quoted:
            in_quote.cover(first, last)
        for span, key in spans:
            for first, last in self.coverage.free_runs(span.a_start, span.a_end):
                runs = in_quote.free_runs(first, last)
                for run_first, run_last in runs:
                    if run_last - run_first < MIN_COPY_WORDS:
                        continue
                    self._add_copy(span, key, run_first, run_last)

    def _add_copy(self, span, key, first: int, last: int) -> None:
        # The source stretch answering to this part of the essay span, in proportion.
        length = span.a_end - span.a_start
        ratio = (span.b_end - span.b_start) / length if length else 1
        b_start = span.b_start + round((first - span.a_start) * ratio)
        b_end = min(span.b_start + round((last - span.a_start) * ratio), span.b_end)
        paragraph = self.readings.paragraphs[key]
        detail = "Copied without quotation marks."
        if self._cites_nearby(first, last, paragraph):
            detail = "Cited, but copied without quotation marks."
        self._add(
            UNATTRIBUTED,
            first,
            last,
            span.similarity,
            **self._paragraph_source(key, b_start, max(b_end, b_start + 1)),
            detail=detail,
        )

    def _cites_nearby(self, first: int, last: int, paragraph: SourceParagraph) -> bool:
        start, end = self.essay.char_span(first, last)
        window = self.text[max(0, start - 300) : end + 300]
        return f"[[{paragraph.reading_slug}#p-{paragraph.number}]]" in window

    # --- 3. peers ------------------------------------------------------------------------------

    def peer_overlaps(self) -> None:
        if self.peers is None:
            return
        words = self.essay.words
        # Only what the readings and quotations do not explain is looked up: essays sharing a
        # passage of a reading would otherwise crowd out the essay a stretch was copied from.
        keys: set[int] = set()
        for first, last in self.coverage.free_runs(0, len(words)):
            if last - first >= MIN_PEER_WORDS:
                keys.update(query_keys(words[first:last]))
        hits = self.peers.hits(sorted(keys)) if keys else Counter()
        chosen = [key for key, _count in hits.most_common(PEER_CANDIDATES)]
        self.peer_candidates = len(chosen)
        peer_words = self.peers.words(chosen)
        spans = []
        for key in chosen:
            if key not in peer_words:
                continue  # withdrawn from the index since the lookup
            for span in aligned_spans(words, peer_words[key].words, min_matched=8):
                spans.append((span, key))
        spans.sort(key=lambda item: (-item[0].matched, -item[0].similarity))
        for span, key in spans:
            for first, last in self.coverage.free_runs(span.a_start, span.a_end):
                if last - first < MIN_PEER_WORDS:
                    continue
                length = span.a_end - span.a_start
                ratio = (span.b_end - span.b_start) / length if length else 1
                b_start = span.b_start + round((first - span.a_start) * ratio)
                b_end = min(span.b_start + round((last - span.a_start) * ratio), span.b_end)
                source_start, source_end = peer_words[key].char_span(
                    b_start, max(b_end, b_start + 1)
                )
                self._add(
                    PEER_OVERLAP,
                    first,
                    last,
                    span.similarity,
                    peer=key,
                    source_start=source_start,
                    source_end=source_end,
                )

    def run(self) -> Result:
        self.progress(10)
        copies = self.reading_alignments()
        self.progress(50)
        quoted = self.quotations(copies)
        self.progress(60)
        self.reading_copies(copies, quoted)
        self.progress(70)
        self.peer_overlaps()
        self.progress(95)
        return Result(
            findings=self._merged(),
            total_words=len(self.essay),
            reading_candidates=self.reading_candidates,
            peer_candidates=self.peer_candidates,
        )

    def _merged(self) -> list[Finding]:
        """Join copies of one source that only a classified quotation split: one passage
        copied with a quotation inside it is one match."""
        merged: list[Finding] = []
        for finding in sorted(self.findings, key=lambda f: (f.start, f.end)):
            last = merged[-1] if merged else None
            if (
                last is not None
                and finding.kind == last.kind
                and finding.kind in (UNATTRIBUTED, PEER_OVERLAP)
                and (finding.paragraph, finding.peer) == (last.paragraph, last.peer)
                and not words_of(self.text[last.end : finding.start]).words
            ):
                words = last.words + finding.words
                merged[-1] = Finding(
                    kind=last.kind,
                    start=last.start,
                    end=finding.end,
                    words=words,
                    similarity=round(
                        (last.similarity * last.words + finding.similarity * finding.words) / words,
                        3,
                    ),
                    paragraph=last.paragraph,
                    peer=last.peer,
                    source_start=min(last.source_start, finding.source_start),
                    source_end=max(last.source_end, finding.source_end),
                    detail=last.detail if last.words >= finding.words else finding.detail,
                )
            else:
                merged.append(finding)
        return merged


def check_essay(
    text: str,
    *,
    readings: ReadingCorpus,
    peers: PeerSource | None = None,
    progress: Callable[[int], None] | None = None,
) -> Result:
    """Every classified match of ``text`` against the readings and the peers' essays."""
    return _Checker(text, readings, peers, progress or (lambda percent: None)).run()
