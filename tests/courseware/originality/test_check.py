"""The checker's parts: normalisation with offsets, quotations and their citations, the
MinHash windows, alignment and the classification of single cases."""

import numpy as np
from datasketch import MinHash

from courseware.originality.align import aligned_spans, locate
from courseware.originality.check import (
    MISQUOTED,
    QUOTED_CITED,
    UNATTRIBUTED,
    WRONG_PARAGRAPH,
    ReadingCorpus,
    SourceParagraph,
    check_essay,
)
from courseware.originality.index import READING_SETTINGS, shingles, window_minhashes
from courseware.originality.text import quotations_in, words_of

PARAGRAPHS = [
    SourceParagraph(1, "notes", 1, "Trotsky argued for worldwide, permanent revolution."),
    SourceParagraph(
        2,
        "notes",
        2,
        "Stalin, on the other hand, became synonymous with the policy of socialism in one "
        "country towards the end of 1924, and the party rallied to him.",
    ),
    SourceParagraph(3, "notes", 3, "The Troika met in Moscow to plan the next congress."),
]


def test_words_are_compared_without_case_quotes_dashes_or_punctuation_and_keep_offsets():
    text = "“Lenin’s WILL” — was it read?  [[notes#p-1]] Yes—it was."
    words = words_of(text)
    assert words.words == ["lenins", "will", "was", "it", "read", "yes", "it", "was"]
    assert text[words.starts[0] : words.ends[0]] == "Lenin’s"
    assert words_of("Lenin's will").words == words.words[:2]


def test_an_apostrophe_does_not_close_a_single_quotation():
    text = "Layer notes that ‘Trotsky’s vision could appear defeatist.’ [[notes#p-1]] Then more."
    (quote,) = quotations_in(text)
    assert text[quote.start : quote.end] == "Trotsky’s vision could appear defeatist."
    assert [c.anchor for c in quote.citations] == [("notes", 1)]


def test_a_citation_before_a_quotation_in_the_same_sentence_attributes_it():
    text = "As the notes say [[notes#p-3]], “the Troika met in Moscow” and so on."
    (quote,) = quotations_in(text)
    assert [c.anchor for c in quote.citations] == [("notes", 3)]
    text = "The notes say this [[notes#p-3]]. Later, “the Troika met in Moscow” and so on."
    assert quotations_in(text)[0].citations == ()


def test_a_quotation_with_an_ellipsis_is_checked_in_parts():
    text = "“Stalin, on the other hand … the policy of socialism in one country” [[notes#p-2]]"
    (quote,) = quotations_in(text)
    assert len(quote.parts) == 2
    result = check_essay(text, readings=ReadingCorpus(PARAGRAPHS))
    assert [f.kind for f in result.findings] == [QUOTED_CITED]


def test_window_minhashes_equal_datasketch_minhashes_of_the_same_shingles():
    words = [f"w{n % 37}" for n in range(90)]
    hashes = shingles(words, READING_SETTINGS.n)
    span = READING_SETTINGS.window - READING_SETTINGS.n + 1
    for start, minhash in window_minhashes(words, READING_SETTINGS, step=7):
        reference = MinHash(
            num_perm=READING_SETTINGS.num_perm, seed=1, hashfunc=lambda x: x, scheme="affine32"
        )
        reference.update_batch(hashes[start : start + span].tolist())
        assert np.array_equal(reference.hashvalues, minhash.hashvalues)


def test_alignment_joins_a_passage_with_a_few_words_changed_into_one_span():
    source = words_of(PARAGRAPHS[1].text).words
    essay = words_of(
        "I think that Stalin on the other hand became famous for the policy of socialism "
        "in one nation towards the end of 1924 and the party rallied to him. Then other words."
    ).words
    (span,) = aligned_spans(essay, source, min_matched=8)
    assert essay[span.a_start] == "stalin" and essay[span.a_end - 1] == "him"
    assert 0.8 < span.similarity < 1


def test_locate_names_the_words_a_misquotation_changes():
    source = words_of(PARAGRAPHS[1].text).words
    located = locate([words_of("became famous with the policy of socialism").words], source)
    assert not located.exact
    assert [(d.quoted, d.source) for d in located.differences] == [(("famous",), ("synonymous",))]


def test_a_misquotation_says_which_words_differ():
    text = "They said Stalin “became famous with the policy of socialism” [[notes#p-2]]."
    (finding,) = check_essay(text, readings=ReadingCorpus(PARAGRAPHS)).findings
    assert finding.kind == MISQUOTED
    assert finding.detail == "“famous” for “synonymous”"


def test_a_quotation_citing_the_wrong_paragraph_names_where_the_words_are():
    text = "They said Stalin “became synonymous with the policy of socialism” [[notes#p-3]]."
    (finding,) = check_essay(text, readings=ReadingCorpus(PARAGRAPHS)).findings
    assert finding.kind == WRONG_PARAGRAPH
    assert (finding.paragraph, finding.cited) == (2, 3)


def test_a_short_uncited_slogan_in_inverted_commas_is_not_reported():
    text = "Everyone repeated ‘socialism in one country’ at the time, I think."
    assert check_essay(text, readings=ReadingCorpus(PARAGRAPHS)).findings == []


def test_copying_with_a_citation_but_no_quotation_marks_is_unattributed():
    text = (
        "Stalin, on the other hand, became synonymous with the policy of socialism in one "
        "country towards the end of 1924 [[notes#p-2]]."
    )
    result = check_essay(text, readings=ReadingCorpus(PARAGRAPHS))
    (finding,) = result.findings
    assert finding.kind == UNATTRIBUTED
    assert finding.detail == "Cited, but copied without quotation marks."
    assert result.score == 100.0


ODD_ESSAYS = [
    "",
    "[[notes#p-1]]",
    "> [[notes#p-2]]\n\n>",
    "“unclosed quotation of the notes and more words that go on and on",
    "‘’ “” \"\" '' … [...] [[]] [[ notes#p-0 ]]",
    "> Stalin, on the other hand, became synonymous with the policy\n> [[notes#p-2]]",
    "Ω" * 500,
    "word " * 3000,
    "<script>alert(1)</script> “<img src=x onerror=alert(1)>” [[notes#p-9999999]]",
]


def test_odd_essays_are_checked_without_error():
    readings = ReadingCorpus(PARAGRAPHS)
    for text in ODD_ESSAYS:
        result = check_essay(text, readings=readings)
        assert 0 <= result.score <= 100
        for finding in result.findings:
            assert 0 <= finding.start < finding.end <= len(text)


def test_a_cited_block_quotation_is_checked_against_its_citation():
    text = ODD_ESSAYS[5]
    (finding,) = check_essay(text, readings=ReadingCorpus(PARAGRAPHS)).findings
    assert finding.kind == QUOTED_CITED
