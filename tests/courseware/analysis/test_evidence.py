"""What a source-analysis answer offers as evidence, and how the originality checker reads the
essay text "Use as evidence" inserts (static/js/use_evidence.js: "<quote>" [[slug#p-N]])."""

import pytest

from courseware.originality.check import (
    MISQUOTED,
    QUOTED_CITED,
    UNATTRIBUTED,
    ReadingCorpus,
    SourceParagraph,
    check_essay,
)
from courseware.selectors.analysis import Evidence, evidence_in, excerpt

PARAGRAPH_2 = (
    "Stalin, on the other hand, became synonymous with the policy of socialism in one country "
    "towards the end of 1924, and the party rallied to him. His opponents, divided among "
    'themselves, called it "a national narrowness" and lost the argument in the committees, '
    "the press and the provincial organisations, one after another, over the following three "
    "years of quarrels."
)
PARAGRAPH_3 = "The Troika met in Moscow to plan the next congress."
PARAGRAPHS = {("notes", 2): PARAGRAPH_2, ("notes", 3): PARAGRAPH_3}
CORPUS = ReadingCorpus(
    [
        SourceParagraph(1, "notes", 1, "Trotsky argued for worldwide, permanent revolution."),
        SourceParagraph(2, "notes", 2, PARAGRAPH_2),
        SourceParagraph(3, "notes", 3, PARAGRAPH_3),
    ]
)


def inserted(evidence: Evidence) -> str:
    """The text use_evidence.js puts in the essay for a button."""
    return f'"{evidence.quote}" {evidence.cite}'


def test_a_quotation_the_student_made_is_offered_with_its_citation():
    answer = 'Carr stresses that "the Troika met in Moscow" [[notes#p-3]] early.'
    assert evidence_in(answer, PARAGRAPHS) == [
        Evidence("the Troika met in Moscow", "[[notes#p-3]]", 3, True)
    ]


def test_a_quotation_not_in_the_cited_paragraph_is_not_offered_as_the_sources_words():
    answer = 'He says "the Troika dined in Paris" [[notes#p-3]].'
    [offered] = evidence_in(answer, PARAGRAPHS)
    assert not offered.chosen
    assert offered.quote == PARAGRAPH_3  # the paragraph's own words instead


def test_a_bare_citation_offers_the_paragraphs_opening_words_and_other_readings_nothing():
    answer = "Value: party records [[notes#p-2]], and see [[elsewhere#p-4]]."
    [offered] = evidence_in(answer, PARAGRAPHS)
    assert offered.cite == "[[notes#p-2]]"
    assert offered.quote.startswith("Stalin, on the other hand")
    assert len(offered.quote.split()) <= 41


def test_a_long_paragraph_is_cut_at_a_sentence_end_and_inner_quotes_become_single():
    cut = excerpt(PARAGRAPH_2, max_words=40)
    assert cut.endswith("rallied to him.")
    whole = excerpt(PARAGRAPH_2, max_words=200)
    assert "'a national narrowness'" in whole
    assert '"' not in whole


@pytest.mark.parametrize(
    "answer",
    [
        'Carr stresses that "the Troika met in Moscow" [[notes#p-3]] early.',
        "Value: party records [[notes#p-2]].",
    ],
)
def test_inserted_evidence_is_quoted_and_cited_for_the_originality_checker(answer):
    [offered] = evidence_in(answer, PARAGRAPHS)
    essay = (
        "Stalin's rise owed much to the party machine. "
        + inserted(offered)
        + " That is why his rivals lost."
    )
    result = check_essay(essay, readings=CORPUS)
    kinds = [finding.kind for finding in result.findings]
    assert kinds == [QUOTED_CITED]
    assert UNATTRIBUTED not in kinds and MISQUOTED not in kinds
    assert result.score == 0.0


def test_evidence_cut_with_an_ellipsis_is_still_quoted_and_cited():
    offered = Evidence(
        excerpt(PARAGRAPH_2 + " " + PARAGRAPH_2, max_words=12), "[[notes#p-2]]", 2, False
    )
    assert offered.quote.endswith("…")
    result = check_essay("He was central. " + inserted(offered), readings=CORPUS)
    assert [finding.kind for finding in result.findings] == [QUOTED_CITED]
