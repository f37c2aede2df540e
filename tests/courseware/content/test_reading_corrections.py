"""Recorded corrections: shown in the text as reversible emendations, never written into it."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from courseware.demo_content import readings_import
from courseware.importers.corrections import Correction, CorrectionsError, corrections_read
from courseware.models import EditorialNote, Reading
from courseware.selectors.content import reading_page
from courseware.services.content import editorial_note_add, reading_corrections_load
from courseware.views.reading_text import cache_key
from tests.courseware.content.test_reading_page import _set_for
from tests.factories import ReadingFactory

pytestmark = pytest.mark.django_db

READINGS = Path(__file__).resolve().parents[3] / "fixtures" / "demo_course" / "readings.json"
THESIS_CORRECTIONS = READINGS.parent / "readings" / "stalin-trotsky-thesis.corrections.json"
OCR_TEXT = """A Scanned Source

CHAPTER H I

The conflict between Stalin and fi*otsky grew. Farts of it were old.
"""


@pytest.fixture
def scanned(school):
    return _set_for(school, ReadingFactory(slug="scanned", text=OCR_TEXT))


def _load(reading, *entries):
    return reading_corrections_load(
        reading=reading,
        corrections=corrections_read(
            {"reading": reading.slug, "corrections": list(entries)}, slug=reading.slug
        ),
    )


def _get(client, reading, **params):
    return client.get(reverse("courseware:reading-detail", args=[reading.slug]), params)


def test_every_recorded_correction_of_the_demo_thesis_applies():
    readings_import(path=READINGS)
    thesis = Reading.objects.get(slug="stalin-trotsky-thesis")
    recorded = json.loads(THESIS_CORRECTIONS.read_text("utf-8"))["corrections"]
    assert len(recorded) >= 50
    assert EditorialNote.objects.filter(reading=thesis, in_text=True).count() == len(recorded)
    page = reading_page(reading=thesis)
    assert page.correction_count == len(recorded)
    assert page.emendation_count >= len(recorded)  # each applies at least once
    (chapter,) = [view for view in page.sections if view.section.title.startswith("CHAPTER H I")]
    assert [(e.original, e.correction) for e in chapter.emendations] == [
        ("CHAPTER H I", "CHAPTER VII")
    ]
    # The text is the scan's: corrections are beside it, not in it.
    assert thesis.paragraphs.get(number=1).text.count("fi*otsky") == 1
    assert reading_page(reading=thesis, scanned=True).emendation_count == 0


def test_a_correction_is_shown_in_brackets_with_the_scanned_original_on_focus(
    client, school, scanned
):
    _load(scanned, {"paragraph": 2, "original": "fi*otsky", "correction": "Trotsky"})
    client.force_login(school.student)
    html = _get(client, scanned).content.decode()
    assert (
        'Stalin and <span class="emend"><ins tabindex="0" aria-describedby="em-p2-1">[Trotsky]'
        '</ins><span class="emend-source" id="em-p2-1" role="tooltip">As scanned: '
        "<del>fi*otsky</del></span></span> grew." in html
    )
    assert "Stalin and fi*otsky" not in html
    assert 'href="?text=scanned"' in html


def test_the_as_scanned_view_shows_every_word_as_scanned(client, school, scanned):
    _load(
        scanned,
        {"paragraph": 2, "original": "fi*otsky", "correction": "Trotsky"},
        {"section": 2, "original": "CHAPTER H I", "correction": "CHAPTER VII"},
    )
    client.force_login(school.student)
    html = _get(client, scanned, text="scanned").content.decode()
    assert "Stalin and fi*otsky grew. Farts of it were old." in html
    assert ">CHAPTER H I</h2>" in html
    assert "[Trotsky]" not in html and "emend-source" not in html
    assert "Show the 2 recorded corrections" in html
    # Both views are cached, each under its own key, and neither is served for the other.
    assert "[Trotsky]" in _get(client, scanned).content.decode()
    assert "[Trotsky]" not in _get(client, scanned, text="scanned").content.decode()
    assert cache_key(scanned) != cache_key(scanned, scanned=True)


def test_a_corrected_title_shows_in_the_heading_and_plainly_in_the_contents(
    client, school, scanned
):
    _load(scanned, {"section": 2, "original": "CHAPTER H I", "correction": "CHAPTER VII"})
    client.force_login(school.student)
    html = _get(client, scanned).content.decode()
    assert '<ins tabindex="0" aria-describedby="em-s2-1">[CHAPTER VII]</ins>' in html
    # Inside a contents link the correction is not a second focus stop.
    assert '<a href="#s-2"><ins class="emend">[CHAPTER VII]</ins></a>' in html


def test_a_new_correction_shows_at_once_in_the_cached_page(client, school, scanned):
    client.force_login(school.student)
    assert "[Parts]" not in _get(client, scanned).content.decode()
    _load(scanned, {"paragraph": 2, "original": "Farts", "correction": "Parts"})
    assert "[Parts]" in _get(client, scanned).content.decode()


def test_an_unknown_view_of_the_text_is_refused(client, school, scanned):
    client.force_login(school.student)
    assert _get(client, scanned, text="tidy").status_code == 400


def test_a_correction_that_misses_stops_the_load_and_writes_nothing(scanned):
    with pytest.raises(ValidationError) as error:
        _load(
            scanned,
            {"paragraph": 2, "original": "fi*otsky", "correction": "Trotsky"},
            {"paragraph": 2, "original": "Stalinn", "correction": "Stalin"},
            {"paragraph": 9, "original": "x", "correction": "y"},
        )
    assert "paragraph 2 does not read “Stalinn”" in str(error.value)
    assert "paragraph 9 does not exist" in str(error.value)
    assert not EditorialNote.objects.exists()


def test_a_correction_applies_to_whole_words_only(scanned):
    with pytest.raises(ValidationError):
        _load(scanned, {"paragraph": 2, "original": "talin", "correction": "Stalin"})


def test_loading_again_changes_nothing_and_a_dropped_correction_goes(scanned):
    editorial_note_add(
        reading=scanned, paragraph=scanned.paragraphs.get(number=2), note="Faint copy."
    )
    entries = (
        {"paragraph": 2, "original": "fi*otsky", "correction": "Trotsky"},
        {"paragraph": 2, "original": "Farts", "correction": "Parts"},
    )
    first = _load(scanned, *entries)
    assert first.created == 2
    again = _load(scanned, *entries)
    assert (again.created, again.updated, again.removed, again.unchanged) == (0, 0, 0, 2)
    dropped = _load(scanned, entries[0])
    assert dropped.removed == 1
    assert list(
        EditorialNote.objects.filter(reading=scanned).values_list("original", "in_text")
    ) == [("", False), ("fi*otsky", True)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reading": "other", "corrections": []}, "not “scanned”"),
        ({"reading": "scanned"}, "list of corrections"),
        (
            {"reading": "scanned", "corrections": [{"original": "a", "correction": "b"}]},
            "exactly one of",
        ),
        (
            {
                "reading": "scanned",
                "corrections": [{"paragraph": 2, "original": "a", "correction": "a"}],
            },
            "must differ",
        ),
        (
            {
                "reading": "scanned",
                "corrections": [{"paragraph": "1", "original": "a", "correction": "b"}],
            },
            "is no paragraph",
        ),
    ],
)
def test_a_malformed_corrections_file_is_refused_saying_why(data, message):
    with pytest.raises(CorrectionsError, match=message):
        corrections_read(data, slug="scanned")


def test_an_emendation_needs_its_target_original_and_correction(scanned):
    with pytest.raises(ValidationError):
        editorial_note_add(reading=scanned, note="Odd.", original="Farts", in_text=True)
    assert Correction(original="a", correction="b", footnote="IV.3").target == "note IV.3"


def test_the_api_gives_the_scanned_text_and_its_emendations_beside_it(school, scanned):
    _load(
        scanned,
        {"paragraph": 2, "original": "fi*otsky", "correction": "Trotsky"},
        {"section": 2, "original": "CHAPTER H I", "correction": "CHAPTER VII"},
    )
    client = APIClient()
    client.force_authenticate(school.student)
    body = client.get(f"/api/v1/readings/{scanned.pk}/").json()
    chapter = body["sections"][1]
    assert chapter["title"] == "CHAPTER H I"
    assert chapter["title_emendations"] == [
        {"start": 0, "end": 11, "original": "CHAPTER H I", "correction": "CHAPTER VII"}
    ]
    (paragraph,) = chapter["paragraphs"]
    assert "Stalin and fi*otsky grew." in paragraph["text"]
    assert paragraph["emendations"] == [
        {"start": 32, "end": 40, "original": "fi*otsky", "correction": "Trotsky"}
    ]
    assert paragraph["editorial_notes"] == []


def test_import_reading_loads_a_corrections_file_or_changes_nothing(tmp_path):
    source = tmp_path / "source.txt"
    source.write_text(OCR_TEXT, encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps(
            {
                "reading": "cmd",
                "corrections": [{"paragraph": 2, "original": "Farts", "correction": "Parts"}],
            }
        ),
        encoding="utf-8",
    )
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "reading": "cmd",
                "corrections": [{"paragraph": 2, "original": "Fart", "correction": "Part"}],
            }
        ),
        encoding="utf-8",
    )
    args = [str(source), "--slug", "cmd", "--title", "Scan", "--kind", "secondary"]
    with pytest.raises(CommandError, match="paragraph 2 does not read “Fart”"):
        call_command("import_reading", *args, "--corrections", str(bad), stdout=StringIO())
    assert not Reading.objects.filter(slug="cmd").exists()  # the text is not imported either
    out = StringIO()
    call_command("import_reading", *args, "--corrections", str(good), stdout=out)
    assert "Corrections shown in the text: 1 added" in out.getvalue()
    assert EditorialNote.objects.get(reading__slug="cmd").correction == "Parts"
