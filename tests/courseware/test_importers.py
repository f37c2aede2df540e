"""The plain-text reading parser, on short excerpts of each seed and on made-up edge cases.

The excerpts in ``importer_samples/`` are copied verbatim from ``shared/seeds``: the thesis
(001) as its preface, the opening of chapter I, and the end of chapter X running into the
bibliography; Tony Cliff's chapter (003) as its opening, a later heading, the paragraphs
carrying the starred notes, and the head of the notes list; the web notes (000) and the
student essay (002) whole.
"""

import re
from pathlib import Path

import pytest

from courseware.importers import (
    MAX_READING_CHARS,
    ParsedReading,
    ReadingParseError,
    parse_reading,
)

SAMPLES = Path(__file__).parent / "importer_samples"
WORD_RE = re.compile(r"[^\W\d_]+|\d+")


def parse_sample(name: str) -> ParsedReading:
    return parse_reading((SAMPLES / name).read_text(encoding="utf-8"))


def all_paragraphs(reading: ParsedReading):
    return [paragraph for section in reading.sections for paragraph in section.paragraphs]


def body_text(reading: ParsedReading) -> str:
    return "\n".join(paragraph.text for paragraph in all_paragraphs(reading))


def paragraph_starting(reading: ParsedReading, start: str):
    matches = [p for p in all_paragraphs(reading) if p.text.startswith(start)]
    assert len(matches) == 1, f"expected one paragraph starting {start!r}"
    return matches[0]


# 1. Reflowing hard-wrapped OCR lines


def test_wrapped_lines_with_blank_lines_between_them_reflow_into_paragraphs():
    reading = parse_sample("thesis_preface.txt")

    first = all_paragraphs(reading)[0]
    assert first.text == (
        "This examination of the conflict between Stalin and fi*otsky from 1926 to 1928 is "
        "written to engender an appreciation of the struggle in its most intensive phase. "
        "While an analysis of the entire scope of the succession contest between the two "
        "revolutionaries would be fascinating, I have decided to concentrate on the last two "
        "years of the struggle. Furthermore, the emphasis has been placed on investigating "
        "specific topics of interest during the period under scrutiny. Farts of this study, of "
        "necessity, will overlap on either side of the two year time duration, but this should "
        "serve to augment clarity and precision."
    )


def test_a_short_line_ending_a_sentence_ends_the_paragraph_but_a_full_one_does_not():
    reading = parse_sample("thesis_preface.txt")
    starts = [paragraph.text[:30] for paragraph in all_paragraphs(reading)]

    # "and precision." is a short last line: a new paragraph follows.
    assert starts[1].startswith("The personality clash")
    # "...long period of civil strife." fills its line, so "Lastly" carries on the paragraph.
    assert "civil strife. Lastly, Stalin's control" in body_text(reading)
    assert len(starts) == 5


# 2. Words broken across lines


def test_a_word_broken_across_lines_is_joined_even_when_the_ocr_lost_its_hyphen():
    text = body_text(parse_sample("thesis_preface.txt"))

    # "revolu" / "tionary": the preface uses "revolutionary" elsewhere.
    assert "a respite from revolutionary militancy" in text
    # "isola" / "tionism": no English word starts with "tion".
    assert "reinforced Stalin's isolationism, and the doctrine" in text
    # "stabili" / "zation" likewise; the fragments are never words of their own.
    assert "during periods of stabilization." in text


def test_a_break_without_a_hyphen_or_evidence_is_left_as_two_words():
    text = (
        "The Opposition met in secret because its leaders wished to remain\n"
        "\n"
        "quite unpre\n"
        "\n"
        "dictable to the General Secretary, whose agents watched them all\n"
        "\n"
        "closely and reported every meeting to the Secretariat in Moscow.\n"
    )

    assert "quite unpre dictable to" in body_text(parse_reading(text))


def test_a_hyphenated_break_is_joined_and_hyphens_within_lines_stay():
    text = (
        "Stalin's control of the Secretariat was well-established in 1926\n"
        "\n"
        "and his isola-\n"
        "\n"
        "tionism appealed to a people exhausted by the civil war, while\n"
        "the Anglo-\n"
        "Russian Committee and the image of a kind of quasi- \n"
        "divine folk hero were the themes of the years from 1921-\n"
        "1929 in the reading that the class was given for the week.\n"
    )

    paragraph = all_paragraphs(parse_reading(text))[0]

    assert "was well-established in 1926 and his isolationism appealed" in paragraph.text
    assert "the Anglo-Russian Committee" in paragraph.text
    assert "quasi-divine folk hero" in paragraph.text
    assert "from 1921-1929 in" in paragraph.text


def test_two_words_split_across_a_line_stay_two_words():
    text = (
        "The Opposition was a\n\npart of the party, and the leaders went\n\n"
        "into exile when the\n\nparty expelled them from Moscow in a\n\npart of the winter.\n"
    )

    assert "was a part of the party" in body_text(parse_reading(text))
    assert "went into exile" in body_text(parse_reading(text))


# 3. Furniture and page numbers


def test_web_furniture_is_dropped_and_listed():
    reading = parse_sample("web_notes.txt")

    assert "top of page" not in body_text(reading)
    assert "bottom of page" not in body_text(reading)
    assert reading.dropped_lines == ("top of page", "bottom of page")


def test_a_bare_page_number_is_dropped_and_pages_the_paragraphs_that_start_after_it():
    reading = parse_sample("thesis_preface.txt")
    paragraphs = all_paragraphs(reading)

    assert "ix" in reading.dropped_lines
    assert not any(re.fullmatch(r"\s*ix\s*", p.text) for p in paragraphs)
    # The number marks the top of page ix: text before it has no known page, and a
    # paragraph running across the page break keeps the page it started on.
    assert [p.page for p in paragraphs] == [None] * 5
    assert "adapting in order to meet the needs" in paragraphs[4].text

    chapter = parse_sample("thesis_chapter_one.txt")
    assert paragraph_starting(chapter, "On the personal plane").page == "3"
    assert "3" in chapter.dropped_lines


def test_a_form_feed_is_a_page_break_and_the_number_after_it_a_page():
    text = (
        "The delegates argued late into the night about the tempo of industry\n"
        "and the price of grain, and neither side would give way on the\n"
        "question of the kulak, which had divided the party since the spring\n"
        "\f2\n\n"
        "and the next morning the vote went through.\n"
        "Nobody in the hall had expected anything else from the congress.\n"
    )

    reading = parse_reading(text)

    first, second = all_paragraphs(reading)
    assert reading.dropped_lines == ("2",)
    assert first.text.endswith("since the spring and the next morning the vote went through.")
    assert (first.page, second.page) == (None, "2")


def test_a_stray_number_out_of_page_sequence_is_dropped_with_a_warning():
    body = "The party line changed once more in the spring of that year and nobody objected.\n\n"
    text = "  PREFACE\n\n" + body * 3 + "\n\n\n12\n\n" + body * 3 + "\n\n\n9\n\n" + body

    reading = parse_reading(text)

    assert reading.dropped_lines == ("12", "9")
    assert any("'9'" in warning for warning in reading.warnings)
    assert all(p.page in (None, "12") for p in all_paragraphs(reading))


def test_last_updated_line_is_dropped_as_furniture():
    reading = parse_sample("cliff_excerpt.txt")

    assert "Last updated on 5 August 2009" in reading.dropped_lines
    assert "Last updated" not in body_text(reading)
    assert not any("Last updated" in note.text for note in reading.footnotes)


# 4. The thesis: footnotes, chapters, quotations, bibliography


def test_thesis_footnotes_are_separated_from_the_body_and_linked_to_their_markers():
    reading = parse_sample("thesis_chapter_one.txt")

    labels = [note.label for note in reading.footnotes]
    assert labels == ["1", "2", "3", "4"]
    assert reading.footnotes[0].text.startswith("Robert V. Daniels, The Conscience")
    assert "Daniels" not in body_text(reading)
    assert "Ibid." not in body_text(reading)

    refs = {
        ref.label: paragraph.text[ref.start : ref.end]
        for paragraph in all_paragraphs(reading)
        for ref in paragraph.note_refs
    }
    assert refs == {"1": "1", "2": "2", "3": "3"}
    recoup = paragraph_starting(reading, "It is impossible to escape")
    (ref,) = recoup.note_refs
    assert recoup.text[ref.start - 7 : ref.end] == "recoup.1"


def test_an_unreadable_footnote_number_is_inferred_from_the_sequence_and_reported():
    reading = parse_sample("thesis_chapter_one.txt")

    carr = reading.footnotes[3]
    assert carr.text.startswith("^Edward H. Carr")  # the OCR's glyph stays in the text
    assert carr.label == "4"
    assert any("inferred" in warning and "^ → 4" in warning for warning in reading.warnings)


def test_thesis_preface_and_chapters_become_sections_with_their_titles():
    assert [(s.kind, s.title) for s in parse_sample("thesis_preface.txt").sections] == [
        ("preface", "PREFACE")
    ]
    assert [(s.kind, s.title) for s in parse_sample("thesis_chapter_one.txt").sections] == [
        ("chapter", "CHAPTER I — INTRODUCTION")
    ]


def test_single_spaced_narrow_runs_are_block_quotations():
    reading = parse_sample("thesis_chapter_one.txt")

    kinds = [(p.kind, p.text[:25]) for p in all_paragraphs(reading)]
    assert kinds[:6] == [
        ("text", "Perhaps the most striking"),
        ("quote", "It is impossible to escap"),
        ("text", "In retrospect, the succes"),
        ("quote", "The truth is that Trotsky"),
        ("text", "More specifically, Trotsk"),
        ("quote", "On the personal plane the"),
    ]
    # "power." finishes the sentence above the quotation, not the quotation.
    assert paragraph_starting(reading, "Perhaps").text.endswith("the struggle for political power.")


def test_numbered_notes_restart_per_chapter_get_chapter_qualified_labels():
    text = (
        "CHAPTER I\n\nBEGINNINGS\n\n"
        "The first chapter makes a claim that needs a source and it says so at\n"
        "\n"
        "the end of this sentence, which closes the paragraph.1\n"
        "\n"
        "1 Robert V. Daniels, The Conscience of the Revolution, p. 207.\n"
        "\n\n\n"
        "CHAPTER II\n\nENDINGS\n\n"
        "The second chapter also makes a claim that needs a source and it says so\n"
        "\n"
        "at the end of this sentence, which closes the paragraph.1\n"
        "\n"
        "1 Isaac Deutscher, The Prophet Unarmed, p. 93.\n"
    )

    reading = parse_reading(text)

    assert [note.label for note in reading.footnotes] == ["I.1", "II.1"]
    assert [ref.label for p in all_paragraphs(reading) for ref in p.note_refs] == ["I.1", "II.1"]


def test_bibliography_without_a_heading_is_recognised_from_its_entries():
    reading = parse_sample("thesis_bibliography.txt")

    assert [(s.kind, s.title) for s in reading.sections] == [
        ("chapter", "CHAPTER X — CONCLUSIONS"),
        ("bibliography", "Bibliography"),
        ("bibliography", "Public Documents"),
    ]
    bibliography = reading.sections[1].paragraphs
    assert bibliography[0].text.startswith("examination of this book enables the reader")
    assert bibliography[1].text == (
        ". Leon Trotsky Sneaks. Edited by Sarah Lovell. New York: Pathfinder Press, Inc., 1972."
    )
    assert any("no heading" in warning for warning in reading.warnings)


def test_cyrillic_ocr_debris_stays_as_source_text():
    reading = parse_sample("thesis_bibliography.txt")

    quote = paragraph_starting(reading, "CoBexcKKe noKywehtbi")
    assert quote.kind == "quote"
    assert "wto Kojuiem ajiBHOCTb bt> Bnae 1 JinpeKTopnn'" in quote.text
    assert "CSoviet documents establish clearly" in quote.text


# 5. Tony Cliff: headings and [n] notes


def test_cliff_headings_become_sections_and_title_lines_front_matter():
    reading = parse_sample("cliff_excerpt.txt")

    assert [(s.kind, s.title) for s in reading.sections] == [
        ("body", ""),
        ("chapter", "4. The Lessons of October"),
        ("section", "Trotsky uses history to castigate Zinoviev and Kamenev"),
        ("section", "An avalanche of abuse falls on Trotsky’s head"),
    ]
    front = reading.sections[0].paragraphs
    assert [(p.kind, p.text) for p in front] == [
        ("heading", "Tony Cliff"),
        ("heading", "Trotsky: Fighting the rising Stalinist bureaucracy"),
    ]


def test_cliff_notes_become_footnotes_linked_to_their_bracketed_markers():
    reading = parse_sample("cliff_excerpt.txt")

    labels = [note.label for note in reading.footnotes]
    assert labels == ["1*", "2*", "3*", "1", "2", "3", "4", "5", "60"]
    assert not any(p.text.startswith(("1. ", "2*. ")) for p in all_paragraphs(reading))
    assert reading.footnotes[4].text == "Trotsky, Challenge (1923-25), p.200."

    linked = {
        ref.label: paragraph.text[ref.start : ref.end]
        for paragraph in all_paragraphs(reading)
        for ref in paragraph.note_refs
    }
    assert linked == {
        "1": "[1]",
        "2": "[2]",
        "3": "[3]",
        "4": "[4]",
        "1*": "[1*]",
        "2*": "[2*]",
        "3*": "[3*]",
    }


def test_a_note_running_to_several_paragraphs_keeps_them_and_its_own_markers():
    reading = parse_sample("cliff_excerpt.txt")

    krupskaya = reading.footnotes[2]
    paragraphs = krupskaya.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Sadly, Krupskaya was inveigled")
    assert paragraphs[2].endswith("The Lessons of October. [60]")
    (ref,) = krupskaya.note_refs
    assert (ref.label, krupskaya.text[ref.start : ref.end]) == ("60", "[60]")


def test_a_numbered_list_ending_a_text_without_markers_stays_in_the_body():
    text = (
        "Tasks for this week\n\n"
        "Read the extract from Deutscher and answer the questions below.\n\n"
        "1. Who controlled the Secretariat?\n\n"
        "2. Why did the Opposition lose?\n\n"
        "3. What did Trotsky mean by permanent revolution?\n"
    )

    reading = parse_reading(text)

    assert reading.footnotes == ()
    items = [(p.kind, p.text) for p in all_paragraphs(reading)][1:]
    assert items == [
        ("list_item", "1. Who controlled the Secretariat?"),
        ("list_item", "2. Why did the Opposition lose?"),
        ("list_item", "3. What did Trotsky mean by permanent revolution?"),
    ]


# 6. The student essay's truncated duplicate


def test_truncated_duplicate_paragraph_is_dropped_and_reported():
    reading = parse_sample("student_essay.txt")

    paragraphs = all_paragraphs(reading)
    assert len(paragraphs) == 3
    assert paragraphs[0].text.endswith("takeover capitalist governments.")
    assert paragraphs[1].text.startswith("He also believed")
    assert reading.dropped_lines[0].endswith("This would have been an unpopular...")
    assert any("cut off" in warning for warning in reading.warnings)


def test_an_ellipsis_paragraph_that_differs_from_what_follows_is_kept():
    text = (
        "Trotsky argued for permanent revolution and then he went quiet...\n"
        "Stalin argued for socialism in one country and won the argument.\n"
    )

    assert len(all_paragraphs(parse_reading(text))) == 2


# 7. The web notes: bullets and headings


def test_bullets_become_list_items_and_headings_become_sections():
    reading = parse_sample("web_notes.txt")

    assert [s.title for s in reading.sections] == [
        "",
        "USSR and the World",
        "Left-Wing Solution",
        "Right-Wing Solution",
        "Impact of Debate",
    ]
    impact = reading.sections[-1].paragraphs
    assert [p.kind for p in impact] == [
        "text",
        "list_item",
        "text",
        "list_item",
        "list_item",
        "text",
    ]
    assert impact[1].text.startswith("Appealed to Russian nationalism")
    assert [p.text for p in reading.sections[0].paragraphs] == [
        "Debate on Foreign Policy",
        "Modern History (Year 12) - Stalin and Trotsky's Struggle",
        "Ben Whitten",
    ]


# 8. Source words are never rewritten


@pytest.mark.parametrize(
    ("sample", "misreading"),
    [
        ("thesis_preface.txt", "fi*otsky"),
        ("thesis_preface.txt", "192li"),
        ("thesis_preface.txt", "Farts of this study"),
        ("thesis_preface.txt", "vtas incapable"),
        ("thesis_chapter_one.txt", "Trotsky1s inadequacies"),
        ("thesis_chapter_one.txt", "arid an able public speaker"),
    ],
)
def test_ocr_misreadings_stay_exactly_as_printed(sample, misreading):
    assert misreading in body_text(parse_sample(sample))


def test_ocr_misreadings_in_footnotes_stay_exactly_as_printed():
    notes = parse_sample("thesis_chapter_one.txt").footnotes

    assert "University Press, 19b0)# p. 207." in notes[0].text
    assert "Oxford University Tress, 1999" in notes[1].text


@pytest.mark.parametrize("sample", sorted(path.name for path in SAMPLES.glob("*.txt")))
def test_every_source_word_reaches_the_output_or_the_dropped_lines(sample):
    source = (SAMPLES / sample).read_text(encoding="utf-8")
    reading = parse_reading(source)
    shown = [s.title for s in reading.sections] + [p.text for p in all_paragraphs(reading)]
    shown += [f"{note.label} {note.text}" for note in reading.footnotes]
    shown += list(reading.dropped_lines)
    output_words = set(WORD_RE.findall("\n".join(shown)))

    # A word broken across lines is found inside the word it was joined into.
    missing = [
        word
        for word in WORD_RE.findall(source)
        if word not in output_words and not any(word in joined for joined in output_words)
    ]

    assert missing == []


# 9. No structure


def test_text_without_structure_is_one_body_section_of_paragraphs():
    reading = parse_reading("Just one sentence.\nAnd another one, on its own line.\n")

    assert [(s.kind, s.title, len(s.paragraphs)) for s in reading.sections] == [("body", "", 2)]
    assert reading.footnotes == ()
    assert reading.dropped_lines == ()


def test_a_single_line_is_a_paragraph_not_a_heading():
    reading = parse_reading("Stalin and Trotsky")

    assert [(s.kind, [p.text for p in s.paragraphs]) for s in reading.sections] == [
        ("body", ["Stalin and Trotsky"])
    ]


# 10. Determinism


@pytest.mark.parametrize("sample", sorted(path.name for path in SAMPLES.glob("*.txt")))
def test_parsing_the_same_text_twice_gives_equal_results(sample):
    text = (SAMPLES / sample).read_text(encoding="utf-8")

    assert parse_reading(text) == parse_reading(text)


def test_windows_line_endings_parse_like_unix_ones():
    text = (SAMPLES / "web_notes.txt").read_text(encoding="utf-8")

    assert parse_reading(text.replace("\n", "\r\n")) == parse_reading(text)


# Refusing what cannot be a reading


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param(" \n\t\n  ", id="whitespace"),
        pytest.param("Some text\x00with a NUL", id="nul"),
        pytest.param("binary \x01\x02\x03\x04\x05 junk" * 3, id="control characters"),
    ],
)
def test_text_that_cannot_be_a_reading_is_refused(text):
    with pytest.raises(ReadingParseError):
        parse_reading(text)


def test_text_over_the_size_limit_is_refused():
    with pytest.raises(ReadingParseError, match="limit"):
        parse_reading("a" * (MAX_READING_CHARS + 1))


def test_a_stray_control_character_in_long_text_is_tolerated():
    text = "A long enough paragraph of perfectly ordinary prose. " * 10 + "\x07"

    assert all_paragraphs(parse_reading(text))
