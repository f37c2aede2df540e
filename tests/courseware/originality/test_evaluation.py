"""The checker against the labelled evaluation set (``evaluation/cases.json``), span by span.

The set is built from the demo course's readings by ``evaluation/make_cases.py``; how a
predicted match and a labelled span are compared is in ``evaluation/scoring.py`` (same class,
same source, overlapping by at least half of each). ``bench/originality_accuracy.py`` prints
the full table. The thresholds below are the goals the checker is held to: precision ≥ 0.95 and
recall ≥ 0.9 for verbatim and near-verbatim copying, and the same for the citation classes.
"""

import pytest

from courseware.originality.check import CLASSES, check_essay
from courseware.originality.text import words_of
from tests.courseware.originality.evaluation.scoring import (
    demo_reading_corpus,
    evaluate,
    load_cases,
)


@pytest.fixture(scope="module")
def readings():
    return demo_reading_corpus()


@pytest.fixture(scope="module")
def outcome(readings):
    return evaluate(readings=readings)


def test_the_set_has_every_class_and_enough_cases(outcome):
    for kind in CLASSES:
        assert outcome.labelled[kind] >= 10, kind
    assert outcome.by_variant[("none", "paraphrase")][1] >= 8


@pytest.mark.parametrize("kind", CLASSES)
def test_each_class_meets_its_precision_and_recall_goals(outcome, kind):
    assert outcome.precision(kind) >= 0.95, (kind, outcome.false_matches)
    assert outcome.recall(kind) >= 0.9, (kind, [m[:2] for m in outcome.misses])


@pytest.mark.parametrize("variant", ["verbatim", "light_edit", "cited_unquoted", "punctuation"])
def test_verbatim_and_near_verbatim_copying_is_found(outcome, variant):
    found, total = outcome.by_variant[("unattributed", variant)]
    assert total >= 10
    assert found / total >= 0.9


def test_paraphrases_are_not_reported_as_copying(outcome):
    flagged, total = outcome.by_variant[("none", "paraphrase")]
    assert flagged == 0, total


def _case(case_id):
    return next(case for case in load_cases() if case["id"] == case_id)


@pytest.mark.parametrize(
    ("case_id", "expected"),
    [
        ("seed-002-quote-cited", "quoted_cited"),
        ("seed-002-quote-cited-to-thesis", "wrong_paragraph"),
        ("seed-002-quote-not-cited", "unattributed"),
    ],
)
def test_the_historian_quoted_in_seed_essay_002_is_found_only_in_that_essay(
    readings, case_id, expected
):
    case = _case(case_id)
    result = check_essay(case["text"], readings=readings)
    assert [f.kind for f in result.findings] == [expected]
    (finding,) = result.findings
    # Whatever it cites, the words are the student essay's: no other reading holds them.
    assert finding.paragraph == "student-essay-socialism-debate#3"


def test_seed_essay_002_handed_in_whole_is_unattributed_copying_of_each_paragraph(readings):
    case = _case("seed-002-handed-in-whole")
    result = check_essay(case["text"], readings=readings)
    assert {f.kind for f in result.findings} == {"unattributed"}
    assert {f.paragraph for f in result.findings} == {
        f"student-essay-socialism-debate#{n}" for n in (1, 2, 3)
    }
    assert result.score > 95


@pytest.mark.parametrize(
    ("kind", "variant"),
    [
        ("unattributed", "lsh_missed"),
        ("misquoted", "long_misquote"),
        ("misquoted", "dropped_word"),
        ("quoted_cited", "bracketed"),
    ],
)
def test_the_recall_cases_are_each_classified_right(outcome, kind, variant):
    found, total = outcome.by_variant[(kind, variant)]
    assert total >= 10
    assert found == total, [m[:2] for m in outcome.misses if m[1]["variant"] == variant]


def test_passages_only_exact_ngrams_find_are_missed_by_lsh_and_reach_the_aligner(readings):
    cases = [c for c in load_cases() if c["id"].startswith("recall-lsh-")]
    assert len(cases) >= 10
    for case in cases:
        (span,) = case["spans"]
        key = f"{span['source']['reading']}#{span['source']['number']}"
        words = words_of(case["text"]).words
        assert key not in readings.index.candidates(words), case["id"]
        assert key in readings.candidates(words), case["id"]


def test_a_quotation_with_a_word_dropped_shows_its_source_words_and_the_word_left_out(readings):
    cases = [c for c in load_cases() if c["id"].startswith("recall-dropped-")]
    assert len(cases) >= 10
    for case in cases:
        (span,) = case["spans"]
        result = check_essay(case["text"], readings=readings)
        (finding,) = [f for f in result.findings if f.kind == "misquoted"]
        source = readings.paragraphs[finding.paragraph].text
        shown = " ".join(source[finding.source_start : finding.source_end].split())
        assert shown.strip(",;.") == " ".join(span["source_text"].split()).strip(",;."), case["id"]
        left_out = span["left_out"].strip(",;").casefold().replace("’", "").replace("'", "")
        assert finding.detail == f"“{left_out}” left out", case["id"]
