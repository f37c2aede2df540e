"""Word-by-word alignment: which stretches of an essay are the same words as a source.

``aligned_spans`` takes the longest common subsequence of the two word lists (rapidfuzz's
Indel alignment on word sequences) and joins its matching blocks into spans wherever the gaps
between them are small in both texts, so a passage with a few words changed, added or left out
is one span. A span counts when it holds at least ``min_matched`` matched words, contains a run
of ``seed`` identical words and is mostly matches (``min_density``): common words that happen
to line up across unrelated sentences do not make a span. The alignment is repeated on what is
left, so two passages taken from one source in a different order are both found.

``locate`` finds where a quotation's words are in a source and how they differ.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

MAX_GAP = 4  # words changed, added or left out between two matching runs of one passage
SEED = 4  # a span contains at least this many identical words in a row
MIN_DENSITY = 0.6  # matched words over the longer side of the span
PASSES = 3
REGION_MARGIN = 24  # words either side of a shared run aligned with it


@dataclass(frozen=True)
class Span:
    """Words ``[a_start, a_end)`` of the essay match words ``[b_start, b_end)`` of a source."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    matched: int

    @property
    def similarity(self) -> float:
        """Share of the span's words that match, counting both sides (1.0 when verbatim)."""
        return 2 * self.matched / ((self.a_end - self.a_start) + (self.b_end - self.b_start))


def _blocks(a: list, b: list) -> list[tuple[int, int, int]]:
    return [
        (block.a, block.b, block.size)
        for block in Indel.opcodes(a, b).as_matching_blocks()
        if block.size
    ]


def _chain(blocks: list[tuple[int, int, int]]) -> list[list[tuple[int, int, int]]]:
    chains: list[list[tuple[int, int, int]]] = []
    for block in blocks:
        if chains:
            a, b, size = chains[-1][-1]
            gap_a, gap_b = block[0] - (a + size), block[1] - (b + size)
            if 0 <= gap_a <= MAX_GAP and 0 <= gap_b <= MAX_GAP:
                chains[-1].append(block)
                continue
        chains.append([block])
    return chains


def _trim(chain: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Drop single matched words at a chain's ends: a span starts and ends on a real run."""
    while len(chain) > 1 and chain[0][2] < 2:
        chain = chain[1:]
    while len(chain) > 1 and chain[-1][2] < 2:
        chain = chain[:-1]
    return chain


def _spans_once(a: list, b: list, *, min_matched: int) -> list[Span]:
    spans = []
    for chain in _chain(_blocks(a, b)):
        chain = _trim(chain)
        if max(size for _a, _b, size in chain) < SEED:
            continue
        matched = sum(size for _a, _b, size in chain)
        a_start, b_start = chain[0][0], chain[0][1]
        a_end, b_end = chain[-1][0] + chain[-1][2], chain[-1][1] + chain[-1][2]
        # The alignment may have paired a word at a span's edge with the same word elsewhere
        # (both give the same subsequence length): take back identical neighbours.
        while a_start and b_start and a[a_start - 1] == b[b_start - 1]:
            a_start, b_start, matched = a_start - 1, b_start - 1, matched + 1
        while a_end < len(a) and b_end < len(b) and a[a_end] == b[b_end]:
            a_end, b_end, matched = a_end + 1, b_end + 1, matched + 1
        span = Span(a_start=a_start, a_end=a_end, b_start=b_start, b_end=b_end, matched=matched)
        longer = max(span.a_end - span.a_start, span.b_end - span.b_start)
        if matched >= min_matched and matched / longer >= MIN_DENSITY:
            spans.append(span)
    return spans


def _seed_regions(a: list, b: list) -> list[tuple[int, int]]:
    """Stretches of ``a`` round its runs of ``SEED`` words that ``b`` also has, joined where
    they come within ``REGION_MARGIN`` words of each other: only there can a span be."""
    grams = {tuple(b[j : j + SEED]) for j in range(len(b) - SEED + 1)}
    regions: list[list[int]] = []
    for i in range(len(a) - SEED + 1):
        if tuple(a[i : i + SEED]) not in grams:
            continue
        first, last = max(0, i - REGION_MARGIN), min(len(a), i + SEED + REGION_MARGIN)
        if regions and first <= regions[-1][1]:
            regions[-1][1] = last
        else:
            regions.append([first, last])
    return [(first, last) for first, last in regions]


def _aligned_in(a: list, b: list, *, min_matched: int) -> list[Span]:
    found: list[Span] = []
    for round_number in range(PASSES):
        spans = _spans_once(a, b, min_matched=min_matched)
        if not spans:
            break
        found.extend(spans)
        # Words already matched cannot match again: each side gets its own placeholder.
        for span in spans:
            for i in range(span.a_start, span.a_end):
                a[i] = (0, round_number, i)
            for j in range(span.b_start, span.b_end):
                b[j] = (1, round_number, j)
    return found


def aligned_spans(a: list[str], b: list[str], *, min_matched: int) -> list[Span]:
    """Stretches of ``a`` that are (nearly) the same words as stretches of ``b``.

    Each stretch of ``a`` round a shared run of ``SEED`` words is aligned on its own: aligned
    whole, a long essay's many common words ("the", "of") would pair with a long paragraph's
    all over it, and the longest common subsequence could then scatter a copied passage's
    words among them instead of keeping the passage together."""
    found: list[Span] = []
    for first, last in _seed_regions(a, b):
        for span in _aligned_in(list(a[first:last]), list(b), min_matched=min_matched):
            found.append(
                Span(
                    a_start=span.a_start + first,
                    a_end=span.a_end + first,
                    b_start=span.b_start,
                    b_end=span.b_end,
                    matched=span.matched,
                )
            )
    return sorted(found, key=lambda s: s.a_start)


@dataclass(frozen=True)
class Difference:
    """One place where a quotation's words differ from the source's."""

    quoted: tuple[str, ...]
    source: tuple[str, ...]


@dataclass(frozen=True)
class Located:
    """Where a quotation is in a source: words ``[b_start, b_end)``; ``similarity`` 1.0 and no
    ``differences`` when it is word for word."""

    b_start: int
    b_end: int
    similarity: float
    differences: tuple[Difference, ...]

    @property
    def exact(self) -> bool:
        return not self.differences


def _locate_part(part: list[str], source: list[str], *, from_word: int) -> Located | None:
    if not part or not source:
        return None
    text = " ".join(source)
    # Character offset of each word in the joined source, to map the alignment back to words.
    offsets, cursor = [], 0
    for word in source:
        offsets.append(cursor)
        cursor += len(word) + 1
    found = fuzz.partial_ratio_alignment(" ".join(part), text)
    if found is None:
        return None
    first = max(0, _word_at(offsets, found.dest_start))
    last = _word_at(offsets, max(found.dest_start, found.dest_end - 1)) + 1
    # partial_ratio aligns characters over a stretch as long as the quotation, which is too
    # short when the quotation left words out (and shifted when it added some): widen it by
    # the quotation's own length and let the word alignment find where the words are.
    margin = max(3, len(part))
    first, last = max(0, first - margin), min(len(source), last + margin)
    window = source[first:last]
    blocks = _blocks(part, window)
    if not blocks:
        return None
    # The widened stretch may line up a stray common word far from the quotation: keep the run
    # of blocks (gaps of at most MAX_GAP words) holding most of the quoted words.
    chain = max(_chain(blocks), key=lambda c: sum(size for _a, _b, size in c))
    # Align again on that run and only as many words either side as the quotation has left
    # over: of two equally long alignments, the first might pair a last word with the same
    # word further on.
    a_first, b_first = chain[0][0], chain[0][1]
    a_last, b_last = chain[-1][0] + chain[-1][2], chain[-1][1] + chain[-1][2]
    low = max(0, b_first - a_first - 1)
    high = min(len(window), b_last + (len(part) - a_last) + 1)
    first, window = first + low, window[low:high]
    blocks = _close_edges(_blocks(part, window), part, window)
    b_first = blocks[0][1]
    b_last = blocks[-1][1] + blocks[-1][2]
    window = window[b_first:b_last]
    differences = []
    for tag, i1, i2, j1, j2 in Indel.opcodes(part, window).as_list():
        if tag != "equal":
            differences.append(Difference(quoted=tuple(part[i1:i2]), source=tuple(window[j1:j2])))
    similarity = Indel.normalized_similarity(part, window)
    if first + b_first < from_word:
        similarity *= 0.5  # parts of one quotation must come in the source's order
    return Located(
        b_start=first + b_first,
        b_end=first + b_last,
        similarity=similarity,
        differences=tuple(_merge(differences)),
    )


def _close_edges(blocks: list[tuple[int, int, int]], part: list, window: list) -> list:
    """Move a quotation's first (and last) matched words as close to the rest as the source
    has them: "of was put" quoted from "of the conquest of power was put" may match its "of"
    with the first one, an alignment as long as with the second but the wrong place."""
    if len(blocks) < 2:
        return blocks
    (a, b, size), (_na, nb, _nsize) = blocks[0], blocks[1]
    words = part[a : a + size]
    for at in range(nb - size, b, -1):
        if window[at : at + size] == words:
            blocks = [(a, at, size), *blocks[1:]]
            break
    (_pa, pb, psize), (la, lb, lsize) = blocks[-2], blocks[-1]
    words = part[la : la + lsize]
    for at in range(pb + psize, lb):
        if window[at : at + lsize] == words:
            blocks = [*blocks[:-1], (la, at, lsize)]
            break
    return blocks


def _merge(differences: list[Difference]) -> list[Difference]:
    """A replacement shows as a deletion next to an insertion: join them into one change."""
    merged: list[Difference] = []
    for difference in differences:
        if merged and (not merged[-1].source or not merged[-1].quoted):
            last = merged[-1]
            if (not last.source and not difference.quoted) or (
                not last.quoted and not difference.source
            ):
                merged[-1] = Difference(
                    quoted=last.quoted + difference.quoted, source=last.source + difference.source
                )
                continue
        merged.append(difference)
    return merged


def _word_at(offsets: list[int], char: int) -> int:
    lo, hi = 0, len(offsets)
    while lo < hi:
        mid = (lo + hi) // 2
        if offsets[mid] <= char:
            lo = mid + 1
        else:
            hi = mid
    return max(0, lo - 1)


def locate(parts: list[list[str]], source: list[str]) -> Located | None:
    """Where the parts of a quotation (split at its ellipses) are in ``source``, in order, and
    how their words differ from it; None when nothing of it is there."""
    located: list[Located] = []
    from_word = 0
    for part in parts:
        found = _locate_part(part, source, from_word=from_word)
        if found is None:
            return None
        located.append(found)
        from_word = found.b_end
    total = sum(len(part) for part in parts)
    similarity = sum(f.similarity * len(part) for f, part in zip(located, parts, strict=True))
    return Located(
        b_start=min(f.b_start for f in located),
        b_end=max(f.b_end for f in located),
        similarity=similarity / total,
        differences=tuple(d for f in located for d in f.differences),
    )
