"""The reading page keeps a reading's rendered text in the cache and never serves an old one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courseware.models import EditorialNote, ReadingKind
from courseware.services.content import editorial_note_add, reading_import, unit_reading_add
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

TEXT = """A Source

The first section

Stalin spoke first, and at length.

Trotsky did not answer.
"""


@pytest.fixture
def reading(school):
    reading = reading_import(
        text=TEXT,
        slug="source",
        title="A source",
        author="",
        kind=ReadingKind.PRIMARY,
        citation="",
    )
    unit_reading_add(unit=UnitFactory(course=school.classroom.course), reading=reading)
    return reading


def _page(client, reading) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("courseware:reading-detail", args=[reading.slug]))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_text_is_rendered_once_and_then_served_from_the_cache(client, school, reading):
    client.force_login(school.student)
    first, first_queries = _page(client, reading)
    second, second_queries = _page(client, reading)
    assert "Stalin spoke first, and at length." in second
    # The selector's queries for sections, paragraphs, notes, markers and editorial notes are
    # not run again; the progress row is only updated (not created) on the second visit.
    assert second_queries <= first_queries - 5
    # The same text either way.
    body = first[first.index('<div class="prose reading-body">') : first.index("reading-end")]
    assert body in second


def test_an_editorial_note_shows_at_once(client, school, reading):
    client.force_login(school.student)
    _page(client, reading)
    editorial_note_add(
        reading=reading,
        paragraph=reading.paragraphs.get(text__startswith="Trotsky"),
        original="Trotsky",
        correction="Trotsky himself",
    )
    html, _ = _page(client, reading)
    assert "“Trotsky” probably reads “Trotsky himself”." in html


def test_a_deleted_editorial_note_goes_at_once(client, school, reading):
    client.force_login(school.student)
    editorial_note_add(reading=reading, note="Transcribed from a photocopy.")
    note = editorial_note_add(
        reading=reading,
        paragraph=reading.paragraphs.get(text__startswith="Stalin"),
        note="Check this date.",
    )
    assert "Check this date." in _page(client, reading)[0]
    EditorialNote.objects.get(pk=note.pk).delete()
    assert "Check this date." not in _page(client, reading)[0]


def test_a_reimport_with_new_text_shows_the_new_text(client, school, reading):
    client.force_login(school.student)
    _page(client, reading)
    reading_import(
        text=TEXT.replace("did not answer", "answered at once"),
        slug="source",
        title="A source",
        author="",
        kind=ReadingKind.PRIMARY,
        citation="",
    )
    html, _ = _page(client, reading)
    assert "Trotsky answered at once." in html
    assert "did not answer" not in html


def test_the_admin_cannot_delete_a_readings_paragraphs_or_notes(admin_client, reading):
    paragraph = reading.paragraphs.first()
    response = admin_client.post(
        reverse("admin:courseware_paragraph_delete", args=[paragraph.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert reading.paragraphs.filter(pk=paragraph.pk).exists()
