"""Finding candidate sources without comparing an essay with everything.

A source (a reading paragraph, or another student's essay) is cut into windows of
``window`` words, every ``step`` words. Each window becomes a set of word ``n``-grams
("shingles", hashed to 32 bits), summarised by a MinHash and put in a MinHash LSH index
(datasketch) under the source's key. An essay is cut into windows the same way; each window
asks the index for sources with a window whose shingles overlap it by about the index's
threshold (Jaccard similarity), and the sources hit most often are the candidates that the
aligner then compares word by word.

Windows, not whole texts, are indexed because copying is usually of a passage: a paragraph
lifted into a 600-word essay makes the two texts' shingle sets only slightly similar, while a
window of the essay and a window of the source are nearly the same set.

A quotation can be shorter than a window, so the readings also keep an exact table of their
shingles (``ShingleTable``): where a few quoted words come from is looked up there.

Other students' essays may be a hundred thousand, so they are not held in a datasketch index:
each window's LSH bands become integer keys (``window_band_keys``), stored in the database's
peer index when an essay is handed in and looked up with one indexed query per check. Two
windows share a key exactly when an LSH index would make them candidates.

MinHashes of all of a text's windows are computed at once with numpy, with the same hash
mixing and permutations as ``datasketch.MinHash`` (a test holds them equal), because computing
them one window at a time dominates building an index of many essays.
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from datasketch.minhash import _fmix

SCHEME = "affine32"
SEED = 1


def shingles(words: list[str], n: int) -> np.ndarray:
    """32-bit hashes of the word ``n``-grams of ``words`` (one for a text shorter than ``n``)."""
    if not words:
        return np.zeros(0, dtype=np.uint32)
    if len(words) < n:
        grams = [" ".join(words)]
    else:
        grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    return np.fromiter(
        (zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint32, count=len(grams)
    )


@dataclass(frozen=True)
class IndexSettings:
    """How texts are windowed and hashed, and how similar a window must be to be a candidate.

    ``bands`` × ``rows`` is the number of permutations; a window pair with Jaccard similarity
    J collides in at least one band with probability 1 - (1 - J**rows)**bands.
    """

    n: int = 3
    window: int = 20
    step: int = 10
    query_step: int = 4
    bands: int = 24
    rows: int = 3

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    def collision_probability(self, jaccard: float) -> float:
        return 1 - (1 - jaccard**self.rows) ** self.bands


# Readings are few (a course's worth of paragraphs): short overlapping windows and many bands,
# so a lightly edited sentence (window similarity about 0.4) is still found. Peers may be a
# hundred thousand essays: windows side by side and eight bands keep the index to about 21
# entries per 500-word essay, and the query's windows every 4 words meet a copied window within
# 2 words of its start (similarity 0.83 or more when verbatim, found with probability 0.999),
# so a copied stretch of about 50 words or more is found.
READING_SETTINGS = IndexSettings()
PEER_SETTINGS = IndexSettings(window=24, step=24, query_step=4, bands=8, rows=3)


class _Permutations:
    """datasketch's affine32 permutations for a number of permutations, built once."""

    _cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    @classmethod
    def get(cls, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
        if num_perm not in cls._cache:
            a, b = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations
            cls._cache[num_perm] = (a.astype(np.uint32), b.astype(np.uint32))
        return cls._cache[num_perm]


def window_starts(length: int, window: int, step: int) -> list[int]:
    """Start positions of windows over ``length`` items: every ``step``, and one ending at the
    end, so no item is left out; a text shorter than a window is one window."""
    if length <= window:
        return [0]
    starts = list(range(0, length - window + 1, step))
    if starts[-1] != length - window:
        starts.append(length - window)
    return starts


def window_minhashes(
    words: list[str], settings: IndexSettings, *, step: int
) -> list[tuple[int, LeanMinHash]]:
    """(first word, MinHash) of each window of ``words``; none for a text without words."""
    hashes = shingles(words, settings.n)
    if hashes.size == 0:
        return []
    a, b = _Permutations.get(settings.num_perm)
    with np.errstate(over="ignore"):
        permuted = _fmix(hashes, 32)[:, None] * a + b
    # Windows of words become windows of shingles: a window of w words holds w - n + 1 of them.
    span = max(1, settings.window - settings.n + 1)
    result = []
    for start in window_starts(len(hashes), span, step):
        values = permuted[start : start + span].min(axis=0)
        result.append((start, LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)))
    return result


class PassageIndex:
    """A MinHash LSH index of the windows of many texts, queried with the windows of one."""

    def __init__(self, settings: IndexSettings):
        self.settings = settings
        # Band keys are hashed to 32-bit ints: a bytes key per band per window would take
        # several times the memory, a rare collision only adds a candidate the aligner drops,
        # and unlike hash() the value is the same in every process, so a pickled index works
        # in the worker that loads it.
        self.lsh = MinHashLSH(
            num_perm=settings.num_perm,
            params=(settings.bands, settings.rows),
            hashfunc=_band_key,
        )
        self.sources = 0
        self.windows = 0

    def add(self, key: Hashable, words: list[str]) -> None:
        """Index every window of a source text under ``key``."""
        minhashes = window_minhashes(words, self.settings, step=self.settings.step)
        # One key for all of a source's windows: a query answers with sources, not windows.
        for _start, minhash in minhashes:
            self.lsh.insert(key, minhash, check_duplication=False)
        self.sources += 1
        self.windows += len(minhashes)

    def hits(self, words: list[str]) -> Counter:
        """How many windows of ``words`` hit each source."""
        hits: Counter = Counter()
        for _start, minhash in window_minhashes(
            words, self.settings, step=self.settings.query_step
        ):
            hits.update(self.lsh.query(minhash))
        return hits

    def candidates(self, words: list[str], *, limit: int = 40) -> list[Hashable]:
        """Sources sharing a similar window with ``words``, those hit by most windows first."""
        return [key for key, _count in self.hits(words).most_common(limit)]


def _band_key(band: bytes) -> int:
    return zlib.crc32(band)


BAND_SHIFT = 32


def window_band_keys(words: list[str], settings: IndexSettings, *, step: int) -> list[int]:
    """The distinct band keys of all the windows of ``words``, sorted."""
    keys: set[int] = set()
    for window in window_band_key_sets(words, settings, step=step):
        keys |= window
    return sorted(keys)


def window_band_key_sets(
    words: list[str], settings: IndexSettings, *, step: int
) -> list[frozenset[int]]:
    """The LSH band keys of each window of ``words``: one integer per band of each window,
    ``band << 32 | crc32(the band's MinHash values)``.

    Two windows share a key exactly when they agree on all ``rows`` values of one band, which is
    when an LSH index makes them candidates. One integer holds both the band's number and its
    hash, so a database index on (scope, key) finds the sources of a key with one lookup; keys
    fit a signed 64-bit column.
    """
    hashes = shingles(words, settings.n)
    if hashes.size == 0:
        return []
    a, b = _Permutations.get(settings.num_perm)
    with np.errstate(over="ignore"):
        permuted = _fmix(hashes, 32)[:, None] * a + b
    span = max(1, settings.window - settings.n + 1)
    rows = settings.rows
    result = []
    for start in window_starts(len(hashes), span, step):
        window = np.ascontiguousarray(permuted[start : start + span].min(axis=0).astype("<u4"))
        result.append(
            frozenset(
                (band << BAND_SHIFT) | zlib.crc32(window[band * rows : (band + 1) * rows].tobytes())
                for band in range(settings.bands)
            )
        )
    return result


class ShingleTable:
    """Exactly which sources hold each shingle: where a short quotation comes from."""

    def __init__(self, n: int = 3):
        self.n = n
        self.table: dict[int, set[Hashable]] = defaultdict(set)

    def add(self, key: Hashable, words: list[str]) -> None:
        for value in shingles(words, self.n).tolist():
            self.table[value].add(key)

    def candidates(self, words: list[str], *, share: float = 0.5, limit: int = 10) -> list:
        """Sources holding at least ``share`` of the shingles of ``words``, most first."""
        values = set(shingles(words, self.n).tolist())
        if not values:
            return []
        hits: Counter = Counter()
        for value in values:
            hits.update(self.table.get(value, ()))
        needed = max(1, int(share * len(values)))
        return [key for key, count in hits.most_common(limit) if count >= needed]

    def sharing(self, words: list[str], *, at_least: int, limit: int) -> list:
        """Sources holding at least ``at_least`` of the distinct shingles of ``words``, those
        holding most first."""
        hits: Counter = Counter()
        for value in set(shingles(words, self.n).tolist()):
            hits.update(self.table.get(value, ()))
        return [key for key, count in hits.most_common(limit) if count >= at_least]
