"""The demo thesis reads cleanly: no note text in its paragraphs, anchors where they were."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from courseware.importers import ParsedParagraph, ParsedReading, ParsedSection, parse_reading
from courseware.importers.corrections import (
    Correction,
    corrections_missing,
    corrections_read,
    target_texts,
)
from courseware.importers.fidelity import note_text_in_body

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "demo_course"
ANCHORS = Path(__file__).resolve().parent / "data" / "reading_anchors.json"


def _readings() -> list[dict]:
    return json.loads((FIXTURES / "readings.json").read_text("utf-8"))


def _parsed(slug: str) -> ParsedReading:
    (entry,) = [entry for entry in _readings() if entry["slug"] == slug]
    return parse_reading((FIXTURES / entry["file"]).read_text("utf-8"))


def _anchors(parsed: ParsedReading) -> list[list]:
    anchors, number = [], 0
    for order, section in enumerate(parsed.sections, start=1):
        for paragraph in section.paragraphs:
            number += 1
            anchors.append([f"p-{number}", order, paragraph.kind])
    return anchors


@pytest.mark.parametrize("slug", [entry["slug"] for entry in _readings()])
def test_every_anchor_and_the_paragraph_count_stay_as_recorded(slug):
    # The recorded anchors were computed before footnotes were taken out of paragraphs:
    # essays cite p-N, so moving note text must not renumber or regroup a single paragraph.
    recorded = json.loads(ANCHORS.read_text("utf-8"))[slug]
    parsed = _parsed(slug)
    assert len(parsed.sections) == recorded["sections"]
    assert sum(len(section.paragraphs) for section in parsed.sections) == recorded["paragraphs"]
    assert _anchors(parsed) == recorded["anchors"]


@pytest.mark.parametrize("slug", [entry["slug"] for entry in _readings()])
def test_no_body_paragraph_contains_note_text(slug):
    assert note_text_in_body(_parsed(slug)) == []


def test_a_note_with_an_unreadable_label_is_taken_out_of_the_sentence_it_interrupts():
    parsed = _parsed("stalin-trotsky-thesis")
    paragraphs = [p.text for section in parsed.sections for p in section.paragraphs]
    p128 = paragraphs[127]
    assert "Cardinal" not in p128
    assert "core of Stalinist ideology concerning the future direction" in p128
    (note,) = [note for note in parsed.footnotes if "Cardinal" in note.text]
    assert note.text == (
        "®Joseph Stalin, Selected Works (Davis, Calif.: Cardinal Publishers, 1971)» p. 220."
    )
    (lessons,) = [note for note in parsed.footnotes if "Lesgpns" in note.text]
    assert lessons.label == "IV.19"  # its number, on a line of its own above it, is its label
    assert "his orientation o toward the European" in paragraphs[48]
    assert any(note.text.startswith("O victor E. -Wolfenstein") for note in parsed.footnotes)


def test_note_text_in_a_paragraph_is_reported():
    parsed = ParsedReading(
        sections=(
            ParsedSection(
                title="CHAPTER I",
                kind="chapter",
                paragraphs=(
                    ParsedParagraph(text="A clean paragraph."),
                    ParsedParagraph(
                        text="his orientation victor E. Wolfenstein, The Revolutionary "
                        "Personality (Princeton: Princeton University Press, 1967), p. 206. "
                        "toward the European intelligentsia."
                    ),
                ),
            ),
            ParsedSection(
                title="Bibliography",
                kind="bibliography",
                paragraphs=(ParsedParagraph(text="Carr, E. H. (London: Macmillan, 1950)."),),
            ),
        ),
        footnotes=(),
        warnings=(),
        dropped_lines=(),
    )
    assert [found.number for found in note_text_in_body(parsed)] == [2]


def test_every_recorded_correction_finds_its_original_in_the_parsed_text():
    for entry in _readings():
        if not entry.get("corrections"):
            continue
        data = json.loads((FIXTURES / entry["corrections"]).read_text("utf-8"))
        corrections = corrections_read(data, slug=entry["slug"])
        assert corrections
        assert corrections_missing(target_texts(_parsed(entry["slug"])), corrections) == []


def test_a_correction_whose_original_is_gone_is_reported():
    parsed = _parsed("student-essay-socialism-debate")
    missing = corrections_missing(
        target_texts(parsed),
        [
            Correction(paragraph=1, original="fi*otsky", correction="Trotsky"),
            Correction(paragraph=999, original="a", correction="b"),
        ],
    )
    assert missing == ["paragraph 1 does not read “fi*otsky”", "paragraph 999 does not exist"]
