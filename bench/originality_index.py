"""Build a peer index of many synthetic essays in memory and time lookups against it.

This times the checker's parts against an index already built in memory; it is not what a
hand-in waits for. ``bench/originality_scale.py`` times the real path (the peer index in the
database, the check task end to end) and is the one to quote.

    .venv/bin/python bench/originality_index.py [--essays 100000] [--queries 200]

Essays are generated deterministically (a fixed seed) from the seed readings: about 500 words
each, of sentences drawn from the readings' vocabulary by word frequency, with one or two
passages of 30–60 words taken from a reading paragraph, as students quote and copy. The script
builds the peer index in memory with the band keys the database holds (``PeerCorpus``,
``PEER_SETTINGS``: windows of word 3-grams, MinHash, LSH band keys) and prints build time, keys
indexed and the process's memory growth. It then checks ``--queries`` new essays, each carrying
a 60-word stretch copied from a random indexed essay (a third of them lightly edited), the way a
report does: LSH candidates, then alignment with each candidate. It prints lookup time per essay
(median, 95th percentile, maximum; the goal is under 0.5 s) and how often the copied-from essay
was reported.

It also times the reading index of the demo course: building it against loading it from a
pickle, which is what the cache holds.
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from courseware.importers import parse_reading  # noqa: E402
from courseware.originality.check import (  # noqa: E402
    PEER_OVERLAP,
    PeerCorpus,
    PeerEssay,
    ReadingCorpus,
    SourceParagraph,
    check_essay,
    query_keys,
)
from courseware.originality.index import PEER_SETTINGS  # noqa: E402

SEED = 1924


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed_paragraphs() -> list[tuple[str, int, str]]:
    meta = json.loads((ROOT / "fixtures/demo_course/readings.json").read_text(encoding="utf-8"))
    found = []
    for item in meta:
        parsed = parse_reading((ROOT / "fixtures/demo_course" / item["file"]).read_text("utf-8"))
        paragraphs = [p.text for s in parsed.sections for p in s.paragraphs]
        found += [(item["slug"], n, text) for n, text in enumerate(paragraphs, start=1)]
    return found


class EssayMaker:
    """Deterministic synthetic essays from the seeds' vocabulary and paragraphs."""

    def __init__(self, paragraphs: list[tuple[str, int, str]], seed: int):
        self.rng = np.random.default_rng(seed)
        counts = Counter(w for _s, _n, text in paragraphs for w in text.split())
        self.vocabulary = np.array(list(counts))
        weights = np.array(list(counts.values()), dtype=float)
        self.weights = weights / weights.sum()
        self.passages = [text.split() for _s, _n, text in paragraphs if len(text.split()) >= 60]

    def words(self, count: int) -> list[str]:
        return list(self.rng.choice(self.vocabulary, size=count, p=self.weights))

    def essay(self, words: int = 500) -> str:
        body = self.words(words)
        for _ in range(int(self.rng.integers(1, 3))):
            passage = self.passages[int(self.rng.integers(len(self.passages)))]
            length = int(self.rng.integers(30, 61))
            start = int(self.rng.integers(0, len(passage) - length + 1))
            at = int(self.rng.integers(0, len(body)))
            body[at:at] = passage[start : start + length]
        sentences = [" ".join(body[i : i + 18]) + "." for i in range(0, len(body), 18)]
        return "\n\n".join(" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6))

    def edit(self, words: list[str]) -> list[str]:
        words = list(words)
        for i in sorted(self.rng.choice(len(words), size=len(words) // 8, replace=False))[::-1]:
            words[i] = str(self.rng.choice(self.vocabulary))
        return words


def reading_index_timing(paragraphs) -> None:
    sources = [SourceParagraph(k, s, n, t) for k, (s, n, t) in enumerate(paragraphs)]
    started = time.perf_counter()
    corpus = ReadingCorpus(sources)
    built = time.perf_counter() - started
    blob = pickle.dumps(corpus, protocol=pickle.HIGHEST_PROTOCOL)
    started = time.perf_counter()
    pickle.loads(blob)  # noqa: S301 - our own object, as the cache holds it
    loaded = time.perf_counter() - started
    print(
        f"reading index (demo course, {len(sources)} paragraphs, {corpus.index.windows} windows): "
        f"built in {built:.3f} s; pickled {len(blob) / 1e6:.1f} MB, loaded in {loaded:.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--essays", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    paragraphs = seed_paragraphs()
    reading_index_timing(paragraphs)
    maker = EssayMaker(paragraphs, SEED)

    started = time.perf_counter()
    texts = [maker.essay() for _ in range(args.essays)]
    generated = time.perf_counter() - started
    words = sum(len(t.split()) for t in texts)
    print(
        f"generated {args.essays:,} essays ({words / args.essays:.0f} words each) "
        f"in {generated:.1f} s"
    )

    before = rss_mb()
    started = time.perf_counter()
    peers = PeerCorpus((PeerEssay(key=i, text=t) for i, t in enumerate(texts)), PEER_SETTINGS)
    built = time.perf_counter() - started
    print(
        f"peer index: {len(peers.essays):,} essays, {sum(map(len, peers.table.values())):,} "
        f"band keys ({PEER_SETTINGS.window}-word windows, {PEER_SETTINGS.bands} bands of "
        f"{PEER_SETTINGS.rows}), built in {built:.1f} s "
        f"({1e6 * built / args.essays:.0f} µs per essay)"
    )
    print(
        f"memory: peak {rss_mb():,.0f} MB, {rss_mb() - before:,.0f} MB more than before the "
        "index (index and the essays' word lists)"
    )

    readings = ReadingCorpus(SourceParagraph(k, s, n, t) for k, (s, n, t) in enumerate(paragraphs))
    timings, candidates = [], []
    found = {"verbatim": [0, 0], "lightly edited": [0, 0]}
    rng = np.random.default_rng(SEED + 1)
    for q in range(args.queries):
        source = int(rng.integers(args.essays))
        source_words = texts[source].split()
        start = int(rng.integers(0, len(source_words) - 60))
        copied = source_words[start : start + 60]
        variant = "lightly edited" if q % 3 == 2 else "verbatim"
        if variant == "lightly edited":
            copied = maker.edit(copied)
        query = maker.essay(440).split("\n\n")
        query.insert(len(query) // 2, " ".join(copied))
        text = "\n\n".join(query)
        started = time.perf_counter()
        candidates.append(len(peers.hits(query_keys(peers_words(text)))))
        result = check_essay(text, readings=readings, peers=peers)
        timings.append(time.perf_counter() - started)
        found[variant][0] += any(
            f.kind == PEER_OVERLAP and f.peer == source for f in result.findings
        )
        found[variant][1] += 1
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"lookup per essay over {args.queries} queries (readings and peers, candidates and "
        f"alignment): median {statistics.median(timings) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms (goal < 500 ms)"
    )
    print(f"LSH candidates for a whole essay: median {statistics.median(candidates):.0f}")
    for variant, (hit, total) in found.items():
        print(
            f"copied-from essay reported ({variant} 60-word copies): {hit} of {total} "
            f"({100 * hit / total:.1f}%)"
        )


def peers_words(text: str) -> list[str]:
    from courseware.originality.text import words_of

    return words_of(text).words


if __name__ == "__main__":
    main()
