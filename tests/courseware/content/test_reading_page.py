"""The reading page: what it draws, what a student's visit records, and its query count."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courseware.models import ReadingKind, ReadingProgress
from courseware.services.content import editorial_note_add, reading_import, unit_reading_add
from tests.factories import ReadingFactory, UnitFactory

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]
READINGS = REPO / "fixtures" / "demo_course" / "readings"

CHAPTER = """Tony Cliff

The Lessons of October

Trotsky uses history

Trotsky could not reopen the controversy <without> incurring the charge of violating party \
discipline & order. [1]

He fell back on history to vindicate himself. [2] He prefaced it with an essay. [1]

‘We always staked our play upon an international revolution’, Lenin had said.

Points of the debate

  • Appealed to Russian nationalism as it stressed Russia’s importance in the world

  • It was seen as more dangerous as many believed it would lead to war

1. Protokoll des Fünften Kongresses, Vol.2, pp.583, 619.

2. Trotsky, Challenge (1923-25), p.200.

3. Stalin, Works, Vol.6, p.110. [1]
"""


def _set_for(school, reading):
    """Set the reading for a unit of the school's course, so its students may open it."""
    unit_reading_add(unit=UnitFactory(course=school.classroom.course), reading=reading)
    return reading


def _page(client, reading) -> str:
    response = client.get(reverse("courseware:reading-detail", args=[reading.slug]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def chapter(school):
    return _set_for(school, ReadingFactory(slug="cliff", title="Lessons", text=CHAPTER))


def test_paragraphs_have_anchors_citations_and_escaped_text(client, school, chapter):
    client.force_login(school.student)
    html = _page(client, chapter)
    first = chapter.paragraphs.get(text__startswith="Trotsky could not")
    assert f'id="p-{first.number}"' in html
    assert f'href="#p-{first.number}"' in html
    assert f'data-cite="[[cliff#p-{first.number}]]"' in html
    assert f"<code>[[cliff#p-{first.number}]]</code>" in html
    assert "controversy &lt;without&gt; incurring" in html
    assert "discipline &amp; order" in html
    assert "<without>" not in html


def test_note_markers_link_to_notes_and_notes_link_back(client, school, chapter):
    client.force_login(school.student)
    html = _page(client, chapter)
    # Note 1 is cited twice in the text and once from note 3.
    assert html.count('href="#fn-1"') == 3
    assert 'id="fnref-1"' in html and 'id="fnref-1-2"' in html and 'id="fnref-1-3"' in html
    assert 'id="fn-1"' in html and 'href="#fnref-1-2"' in html
    assert 'id="fn-2"' in html and 'href="#fnref-2"' in html
    # The marker text is replaced by the link; the bracketed number is not printed twice.
    assert "discipline &amp; order. [1]" not in html


def test_quotations_and_list_items_are_drawn_as_such(client, school, chapter):
    client.force_login(school.student)
    html = _page(client, chapter)
    kinds = set(chapter.paragraphs.values_list("kind", flat=True))
    if "quote" in kinds:
        assert "<blockquote>" in html
    assert "list_item" in kinds
    assert '<ul class="para-list">' in html
    assert html.count('<li class="para para-list-item"') == 2


def test_page_references_are_shown_where_the_page_changes(client, school):
    text = (READINGS / "stalin-trotsky-thesis.txt").read_text(encoding="utf-8")[:12_000]
    reading = _set_for(
        school,
        reading_import(
            text=text,
            slug="thesis",
            title="Thesis",
            author="",
            kind=ReadingKind.SECONDARY,
            citation="",
        ),
    )
    client.force_login(school.student)
    html = _page(client, reading)
    pages = list(dict.fromkeys(reading.paragraphs.exclude(page="").values_list("page", flat=True)))
    assert pages
    for page in pages:
        assert f"p.&nbsp;{page}</span>" in html


def test_editorial_notes_are_shown_beside_the_text_they_correct(client, school):
    reading = _set_for(
        school, ReadingFactory(slug="ocr", text="The conflict between Stalin and fi*otsky.\n")
    )
    editorial_note_add(
        reading=reading,
        paragraph=reading.paragraphs.get(),
        original="fi*otsky",
        correction="Trotsky",
    )
    client.force_login(school.student)
    html = _page(client, reading)
    assert "Stalin and fi*otsky." in html
    assert "“fi*otsky” probably reads “Trotsky”." in html


def test_a_students_visit_is_recorded_and_a_teachers_is_not(client, school, chapter):
    client.force_login(school.teacher)
    _page(client, chapter)
    assert not ReadingProgress.objects.exists()

    client.force_login(school.student)
    _page(client, chapter)
    first = ReadingProgress.objects.get(student=school.student, reading=chapter)
    assert first.first_opened_at == first.last_opened_at
    assert first.marked_read_at is None
    _page(client, chapter)
    again = ReadingProgress.objects.get(pk=first.pk)
    assert again.first_opened_at == first.first_opened_at
    assert again.last_opened_at > first.last_opened_at


def test_marking_read_and_taking_it_back(client, school, chapter):
    client.force_login(school.student)
    url = reverse("courseware:reading-progress", args=[chapter.slug])

    response = client.post(url, {"action": "read"})
    assert response.status_code == 302
    assert response["Location"] == f"{chapter.get_absolute_url()}#progress"
    marked = ReadingProgress.objects.get(student=school.student, reading=chapter).marked_read_at
    assert marked is not None
    assert "You marked this read" in _page(client, chapter)

    client.post(url, {"action": "read"})
    progress = ReadingProgress.objects.get(student=school.student, reading=chapter)
    assert progress.marked_read_at == marked  # marking again keeps the first time

    client.post(url, {"action": "unread"})
    progress.refresh_from_db()
    assert progress.marked_read_at is None
    assert progress.first_opened_at is not None


def test_an_unknown_progress_action_is_a_400_and_changes_nothing(client, school, chapter):
    client.force_login(school.student)
    response = client.post(
        reverse("courseware:reading-progress", args=[chapter.slug]), {"action": "delete"}
    )
    assert response.status_code == 400
    assert not ReadingProgress.objects.exists()


def test_teachers_see_no_read_controls(client, school, chapter):
    client.force_login(school.teacher)
    html = _page(client, chapter)
    assert "Mark as read" not in html
    assert reverse("courseware:reading-edit", args=[chapter.slug]) in html


# --- Query counts ---------------------------------------------------------------------------

# Session, user, the reading (its visibility checked in the same query), the student's progress
# (read, then its timestamp written, inside a savepoint pair), sections, paragraphs, footnotes,
# markers and editorial notes: a fixed number whatever the length of the reading.
READING_PAGE_QUERIES = 12


def _thesis(school):
    text = (READINGS / "stalin-trotsky-thesis.txt").read_text(encoding="utf-8")
    return _set_for(
        school,
        reading_import(
            text=text,
            slug="stalin-trotsky-thesis",
            title="Thesis",
            author="",
            kind=ReadingKind.SECONDARY,
            citation="",
        ),
    )


def test_the_whole_thesis_renders_in_a_small_fixed_number_of_queries(
    client, school, django_assert_max_num_queries
):
    thesis = _thesis(school)
    assert thesis.paragraphs.count() > 400
    assert thesis.footnotes.count() > 100
    client.force_login(school.student)
    _page(client, thesis)  # the first visit creates the progress row
    with django_assert_max_num_queries(READING_PAGE_QUERIES):
        html = _page(client, thesis)
    assert html.count('class="para ') + html.count('class="para para') >= 400


def test_the_reading_page_costs_the_same_for_a_short_and_a_long_reading(client, school):
    short = _set_for(school, ReadingFactory(slug="short"))
    thesis = _thesis(school)
    client.force_login(school.student)
    counts = []
    for reading in (short, thesis):
        _page(client, reading)
        with CaptureQueriesContext(connection) as queries:
            _page(client, reading)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_import_provenance_is_for_teachers_not_students(client, school):
    reading = _set_for(
        school,
        ReadingFactory(
            slug="notes",
            text=CHAPTER,
            provenance="Seed document 000_fbe8f050d7762f83.txt: a school notes web page.",
        ),
    )
    client.force_login(school.student)
    assert "000_fbe8f050d7762f83.txt" not in _page(client, reading)
    client.force_login(school.teacher)
    assert "000_fbe8f050d7762f83.txt" in _page(client, reading)
