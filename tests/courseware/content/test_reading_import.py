"""The reading import service: structure, idempotence, references that survive a re-import."""

from datetime import date

import pytest

from courseware.importers import ReadingParseError
from courseware.models import (
    EditorialNote,
    Footnote,
    FootnoteMarker,
    Paragraph,
    Question,
    Reading,
    ReadingKind,
    Section,
    Term,
)
from courseware.services.content import (
    ChoiceSpec,
    editorial_note_add,
    quiz_create,
    quiz_question_add,
    reading_import,
    reading_text_decode,
    term_create,
    timeline_event_create,
    unit_reading_add,
)
from tests.factories import CourseFactory, UnitFactory, reading_text

pytestmark = pytest.mark.django_db

CHAPTER = """Tony Cliff

The Lessons of October

Trotsky uses history

Trotsky could not reopen the controversy without incurring the charge of violating party \
discipline. [1]

But the harassment of Trotsky did not cease, and he fell back on history to vindicate \
himself. [2] He prefaced his writings of 1917 with a long essay. [1]

Socialism in one country

Stalin announced the new doctrine at the end of 1924, and Bukharin developed it. [3]

1. Protokoll des Fünften Kongresses, Vol.2, pp.583, 619.

2. Trotsky, Challenge (1923-25), p.200.

3. Stalin, Works, Vol.6, p.110.
"""


def _import(text: str, **overrides) -> Reading:
    fields = {
        "text": text,
        "slug": "cliff-lessons",
        "title": "The Lessons of October",
        "author": "Tony Cliff",
        "kind": ReadingKind.SECONDARY,
        "citation": "Tony Cliff, Trotsky, ch. 4.",
    }
    return reading_import(**{**fields, **overrides})


def _numbers_and_texts(reading: Reading) -> list[tuple[int, str]]:
    return list(reading.paragraphs.order_by("number").values_list("number", "text"))


def test_import_makes_sections_numbered_paragraphs_and_linked_footnotes():
    reading = _import(CHAPTER)

    sections = list(reading.sections.order_by("order").values_list("title", "kind"))
    assert ("Trotsky uses history", "section") in sections
    assert ("Socialism in one country", "section") in sections
    numbers = [number for number, _ in _numbers_and_texts(reading)]
    assert numbers == list(range(1, len(numbers) + 1))
    assert list(reading.footnotes.values_list("order", "label")) == [(1, "1"), (2, "2"), (3, "3")]

    markers = FootnoteMarker.objects.filter(paragraph__reading=reading).select_related(
        "paragraph", "footnote"
    )
    assert sorted((m.paragraph.text[m.start : m.end], m.footnote.label) for m in markers) == [
        ("[1]", "1"),
        ("[1]", "1"),
        ("[2]", "2"),
        ("[3]", "3"),
    ]
    harassment = reading.paragraphs.get(text__startswith="But the harassment")
    assert [m.footnote.label for m in harassment.markers.order_by("start")] == ["2", "1"]


def test_import_stores_word_count_and_derives_reading_time():
    reading = _import(reading_text(paragraphs=40))
    words = sum(len(text.split()) for _, text in _numbers_and_texts(reading))
    assert reading.word_count == words > 0
    assert reading.reading_minutes == -(-words // 200)


def test_reimporting_the_same_text_and_metadata_changes_nothing():
    first = _import(CHAPTER)
    before = _snapshot(first)

    again = _import(CHAPTER)

    assert again.pk == first.pk
    assert again.import_report.changed is False
    assert _snapshot(again) == before


def test_reimporting_with_new_metadata_changes_only_the_reading_row():
    first = _import(CHAPTER)
    structure = _snapshot(first)
    del structure["reading"]

    again = _import(CHAPTER, title="Lessons of October", citation="Cliff, Trotsky vol. 3")

    again.refresh_from_db()
    assert (again.title, again.citation) == ("Lessons of October", "Cliff, Trotsky vol. 3")
    assert again.updated_at > first.updated_at
    after = _snapshot(again)
    del after["reading"]
    assert after == structure


def test_same_text_gives_the_same_anchors_in_another_reading():
    one = _import(CHAPTER)
    two = _import(CHAPTER, slug="cliff-copy")
    assert _numbers_and_texts(one) == _numbers_and_texts(two)


def test_a_text_without_structure_imports_as_one_section():
    reading = _import("Just one line of text about Trotsky and Stalin in 1924.")
    assert list(reading.sections.values_list("order", "title", "kind")) == [(1, "", "body")]
    assert _numbers_and_texts(reading) == [
        (1, "Just one line of text about Trotsky and Stalin in 1924.")
    ]


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n  ", "PK\x03\x04\x00\x00binary" * 10, "x" * 2_000_001],
    ids=["empty", "blank", "binary", "enormous"],
)
def test_unreadable_text_is_refused_and_nothing_is_saved(text):
    with pytest.raises(ReadingParseError):
        _import(text)
    assert not Reading.objects.exists()
    assert not Paragraph.objects.exists()


def test_refused_text_leaves_an_existing_reading_as_it_was():
    reading = _import(CHAPTER)
    before = _snapshot(reading)
    with pytest.raises(ReadingParseError):
        _import("")
    assert _snapshot(reading) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00T\x00r\x00o", "not UTF-8"),
        (b"Trotsky " * 300_000, "limit is 2 MB"),
    ],
    ids=["empty", "undecodable", "over-2-MB"],
)
def test_uploaded_bytes_are_checked_before_parsing(data, message):
    with pytest.raises(ReadingParseError, match=message):
        reading_text_decode(data)


def test_uploaded_utf8_with_a_byte_order_mark_is_read():
    assert reading_text_decode("\ufeffTrotsky’s reply".encode()) == "Trotsky’s reply"


# --- References across a re-import -----------------------------------------------------------


def _text(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs) + "\n"


A = "Alpha: the Troika formed against Trotsky in 1923, as the letters of that winter show."
B = "Beta: Zinoviev and Kamenev joined Trotsky in the United Opposition during 1926."
C = "Gamma: the Fifteenth Congress expelled the Opposition in December 1927, in Moscow."
C2 = "Gamma: the Fifteenth Party Congress expelled the Opposition in December 1927."
NEW = "Prologue: Lenin died in January 1924, and the succession was open from that day."


def _references_on(reading: Reading, number: int) -> dict:
    paragraph = reading.paragraphs.get(number=number)
    return {
        "terms": sorted(paragraph.terms.values_list("slug", flat=True)),
        "questions": sorted(paragraph.questions.values_list("text", flat=True)),
        "notes": sorted(paragraph.editorial_notes.values_list("note", flat=True)),
    }


def _point_at(reading: Reading, number: int, tag: str) -> None:
    paragraph = reading.paragraphs.get(number=number)
    course = CourseFactory()
    term_create(course=course, slug=tag, term=tag, definition="d", evidence=[paragraph])
    quiz = quiz_create(unit=UnitFactory(course=course), slug=f"quiz-{tag}", title=tag)
    quiz_question_add(
        quiz=quiz,
        text=tag,
        evidence=paragraph,
        choices=[ChoiceSpec("yes", correct=True), ChoiceSpec("no")],
    )
    editorial_note_add(reading=reading, paragraph=paragraph, note=tag)


def test_references_stay_on_unchanged_paragraphs_and_follow_text_that_moved():
    reading = _import(_text(A, B, C))
    for number, tag in ((1, "on-a"), (2, "on-b"), (3, "on-c")):
        _point_at(reading, number, tag)
    ids_before = dict(reading.paragraphs.values_list("number", "pk"))

    # A new first paragraph: every old text moves down one number.
    reading = _import(_text(NEW, A, B, C))

    assert _numbers_and_texts(reading) == [(1, NEW), (2, A), (3, B), (4, C)]
    assert _references_on(reading, 1) == {"terms": [], "questions": [], "notes": []}
    for number, tag in ((2, "on-a"), (3, "on-b"), (4, "on-c")):
        assert _references_on(reading, number) == {
            "terms": [tag],
            "questions": [tag],
            "notes": [tag],
        }
    assert reading.import_report.references_moved == 9
    # Rows are kept by number, so paragraph 1..3 are the same rows with new text.
    assert {n: pk for n, pk in reading.paragraphs.values_list("number", "pk") if n <= 3} == (
        ids_before
    )


def test_references_on_reworded_text_stay_on_the_same_number_and_are_reported():
    reading = _import(_text(A, B, C))
    _point_at(reading, 3, "on-c")

    reading = _import(_text(A, B, C2))

    assert _references_on(reading, 3) == {
        "terms": ["on-c"],
        "questions": ["on-c"],
        "notes": ["on-c"],
    }
    assert reading.import_report.references_kept_on_changed_text == 3
    assert reading.import_report.references_moved == 0


def test_references_to_a_paragraph_that_no_longer_exists_are_detached():
    reading = _import(_text(A, B, C))
    _point_at(reading, 3, "on-c")
    question = Question.objects.get(text="on-c")

    reading = _import(_text(A, B))

    assert reading.paragraphs.count() == 2
    question.refresh_from_db()
    assert question.evidence is None
    assert not Term.objects.get(slug="on-c").evidence.exists()
    assert not EditorialNote.objects.filter(note="on-c").exists()
    assert reading.import_report.references_detached == 3


def test_a_moved_link_that_would_duplicate_an_existing_one_is_merged():
    reading = _import(_text(A, B, C))
    course = CourseFactory()
    first, second = reading.paragraphs.get(number=1), reading.paragraphs.get(number=2)
    term = term_create(course=course, slug="t", term="t", definition="d", evidence=[first, second])

    # A and B swap places: the term's two links swap too and stay two.
    reading = _import(_text(B, A, C))

    assert sorted(term.evidence.values_list("number", flat=True)) == [1, 2]


def test_unit_sections_follow_their_title_when_sections_move():
    text = "\n\n".join(
        [
            "Tony Cliff",
            "Chapter",
            "First heading",
            A,
            "Second heading",
            B,
        ]
    )
    reading = _import(text)
    second = reading.sections.get(title="Second heading")
    unit = UnitFactory()
    row = unit_reading_add(unit=unit, reading=reading, section=second)

    reading = _import(
        text.replace("First heading", "Opening heading\n\nExtra words here.\n\nAnother heading")
    )

    row.refresh_from_db()
    assert row.section.title == "Second heading"
    assert row.section.reading_id == reading.pk


def test_footnotes_are_rebuilt_when_they_change():
    reading = _import(CHAPTER)
    reading = _import(CHAPTER.replace("Stalin, Works, Vol.6, p.110.", "Stalin, Works, Vol.7."))
    assert reading.footnotes.get(label="3").text == "Stalin, Works, Vol.7."
    assert FootnoteMarker.objects.filter(paragraph__reading=reading).count() == 4


def test_timeline_dates_are_stored_as_the_first_day_of_their_period():
    course = CourseFactory()
    month = timeline_event_create(
        course=course, date=date(1927, 11, 7), precision="month", title="Demonstrations"
    )
    year = timeline_event_create(
        course=course, date=date(1926, 7, 14), precision="year", title="Opposition"
    )
    assert (month.date, year.date) == (date(1927, 11, 1), date(1926, 1, 1))


def _snapshot(reading: Reading) -> dict:
    """Every row of a reading, with every column."""
    return {
        "reading": Reading.objects.filter(pk=reading.pk).values().get(),
        "sections": list(Section.objects.filter(reading=reading).order_by("pk").values()),
        "paragraphs": list(Paragraph.objects.filter(reading=reading).order_by("pk").values()),
        "footnotes": list(Footnote.objects.filter(reading=reading).order_by("pk").values()),
        "markers": list(
            FootnoteMarker.objects.filter(paragraph__reading=reading).order_by("pk").values()
        ),
    }
