"""What "Use as evidence" inserts is an ordinary quotation with its citation: the originality
checker finds it quoted and cited, and flags none of it."""

import pytest

from courseware.models import Paragraph
from courseware.originality.check import QUOTED_CITED, ReadingCorpus, SourceParagraph, check_essay
from courseware.selectors import annotations as selectors
from tests.courseware.annotations.conftest import annotate

pytestmark = pytest.mark.django_db


def test_evidence_from_annotations_is_quoted_and_cited_for_the_checker(school, world):
    annotate(world, school.student, number=2, exact="the Troika met in Moscow and that Trotsky")
    annotate(world, school.student, number=4, text="The whole paragraph matters.")
    evidence = selectors.evidence_for_essay(student=school.student, assignment=world.essay)
    assert [e.cite for e in evidence] == [
        f"[[{world.text.slug}#p-2]]",
        f"[[{world.text.slug}#p-4]]",
    ]
    corpus = ReadingCorpus(
        [
            SourceParagraph(p.pk, world.text.slug, p.number, p.text)
            for p in Paragraph.objects.filter(reading=world.text)
        ]
    )
    # As the editor inserts it: the quotation in quotation marks, then its citation.
    essay = "My argument rests on two passages. " + " ".join(
        f"As the source puts it, “{e.quote}” {e.cite}." for e in evidence
    )
    result = check_essay(essay, readings=corpus)
    assert result.findings and {f.kind for f in result.findings} == {QUOTED_CITED}
    assert result.score == 0
