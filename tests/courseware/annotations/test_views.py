"""The annotation pages: annotating without JavaScript, thread actions, the teacher's view, the
CSV export and the essay editor's list of the student's own annotations."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import Annotation
from courseware.services import annotations as services
from courseware.services.content import reading_import
from tests.courseware.annotations.conftest import annotate
from tests.factories import reading_text, submission_for

pytestmark = pytest.mark.django_db


def _url(world, assignment=None):
    return reverse(
        "courseware:annotation-reading",
        kwargs={"pk": (assignment or world.reading).pk, "slug": world.text.slug},
    )


def test_each_paragraph_has_a_plain_annotate_link_that_opens_a_form_under_it(client, school, world):
    client.force_login(school.student)
    page = client.get(_url(world)).content.decode()
    assert page.count('class="ap-annotate"') == 6
    assert 'id="annotate-3"' not in page
    page = client.get(_url(world) + "?annotate=3").content.decode()
    assert 'id="annotate-3"' in page
    assert 'name="paragraph" value="3"' in page


def test_the_plain_form_saves_a_span_note_and_shows_it_highlighted(client, school, world):
    client.force_login(school.student)
    response = client.post(
        _url(world),
        {
            "paragraph": 2,
            "exact": "Troika met in Moscow",
            "kind": "question",
            "text": "Which *Troika*?",
            "visibility": "class",
        },
    )
    note = Annotation.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#annotation-{note.pk}")
    assert (note.kind, note.exact, note.paragraph_number) == ("question", "Troika met in Moscow", 2)
    client.force_login(world.peer)
    page = client.get(_url(world)).content.decode()
    assert '<mark class="annotation-mark">Troika met in Moscow</mark>' in page
    assert "Which <em>Troika</em>?" in page


def test_bad_input_shows_the_errors_on_the_form_and_saves_nothing(client, school, world):
    client.force_login(school.student)
    response = client.post(
        _url(world),
        {"paragraph": 2, "exact": "not there", "kind": "note", "text": "x", "visibility": "class"},
    )
    assert response.status_code == 400
    assert "These words are not in the paragraph." in response.content.decode()
    assert 'id="annotate-2"' in response.content.decode()
    response = client.post(_url(world), {"paragraph": "x", "kind": "shout", "visibility": "all"})
    assert response.status_code == 400
    assert not Annotation.objects.exists()


def test_script_in_a_note_is_never_run(client, school, world):
    annotate(
        world,
        school.student,
        text="<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>",
    )
    client.force_login(world.peer)
    page = client.get(_url(world)).content.decode()
    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page
    assert "<img" not in page


def test_a_student_replies_and_a_teacher_endorses_and_hides(client, school, world):
    note = annotate(world, school.student, kind="question", text="Why 1924?")
    client.force_login(world.peer)
    response = client.post(
        reverse("courseware:annotation-reply", args=[note.pk]), {"text": "Lenin died"}
    )
    assert response.status_code == 302
    assert note.replies.get().text == "Lenin died"
    # A student may not endorse or hide.
    assert (
        client.post(
            reverse("courseware:annotation-endorse", args=[note.pk]), {"value": "on"}
        ).status_code
        == 403
    )
    client.force_login(school.teacher)
    client.post(reverse("courseware:annotation-endorse", args=[note.pk]), {"value": "on"})
    note.refresh_from_db()
    assert note.endorsed_by == school.teacher
    client.post(reverse("courseware:annotation-hide", args=[note.pk]), {"value": "on"})
    note.refresh_from_db()
    assert note.is_hidden
    client.force_login(world.peer)
    assert "Why 1924?" not in client.get(_url(world)).content.decode()


def test_only_the_writer_or_a_teacher_deletes_and_replies_stay(client, school, world):
    note = annotate(world, school.student, text="Delete me")
    services.annotation_reply(parent=note, author=world.peer, text="Still here", now=timezone.now())
    client.force_login(world.peer)
    assert client.post(reverse("courseware:annotation-delete", args=[note.pk])).status_code == 403
    client.force_login(school.student)
    assert client.post(reverse("courseware:annotation-delete", args=[note.pk])).status_code == 302
    page = client.get(_url(world)).content.decode()
    assert "Delete me" not in page
    assert "Deleted annotation" in page and "Still here" in page


def test_the_teacher_sees_the_heat_map_questions_and_sets_a_mark(client, school, world):
    annotate(world, school.student, number=4, kind="question", text="Unanswered one")
    client.force_login(school.teacher)
    url = reverse("courseware:annotation-overview", args=[world.reading.pk, world.text.slug])
    page = client.get(url).content.decode()
    assert "Unanswered one" in page
    assert "<meter" in page
    mark_url = reverse("courseware:annotation-mark", args=[world.reading.pk, school.student.pk])
    response = client.post(
        mark_url, {"mark": "70", "comment": "Asks well", "reading": world.text.slug}
    )
    assert response["Location"] == url
    assert 'value="70.00"' in client.get(url).content.decode()
    assert client.post(mark_url, {"mark": "700"}).status_code == 302
    assert school.student.annotation_marks.get().mark == 70
    other = reverse("courseware:annotation-mark", args=[world.reading.pk, school.other_student.pk])
    assert client.post(other, {"mark": "50"}).status_code == 404


def test_post_before_seeing_is_set_on_the_teachers_page(client, school, world):
    client.force_login(school.teacher)
    url = reverse("courseware:annotation-settings", args=[world.reading.pk])
    client.post(url, {"value": "on", "reading": world.text.slug})
    annotate(world, world.peer, text="Peer's note")
    client.force_login(school.student)
    page = client.get(_url(world)).content.decode()
    assert "post a note of your own" in page and "Peer&#x27;s note" not in page


def test_the_csv_export_holds_shared_annotations_and_replies_not_private_notes(
    client, school, world
):
    note = annotate(world, school.student, text="=HYPERLINK(evil)", exact="Troika met in Moscow")
    annotate(world, school.student, visibility="private", text="Private thought")
    services.annotation_reply(parent=note, author=world.peer, text="A reply", now=timezone.now())
    client.force_login(school.teacher)
    response = client.get(reverse("courseware:annotation-export", args=[world.reading.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert rows[1][4] == "Troika met in Moscow" and rows[1][7] == "'=HYPERLINK(evil)"
    assert rows[2][1] == str(note.pk) and rows[2][7] == "A reply"
    assert "Private thought" not in response.content.decode()


def test_the_essay_editor_lists_the_students_own_annotations_to_use_as_evidence(
    client, school, world
):
    annotate(world, school.student, number=2, exact="Troika met in Moscow", text="Key")
    annotate(world, school.student, number=5, text="Whole paragraph")
    annotate(world, world.peer, number=3, exact="Troika met in Moscow", text="Not mine")
    submission_for(world.essay, school.student)
    client.force_login(school.student)
    page = client.get(reverse("courseware:essay-write", args=[world.essay.pk])).content.decode()
    slug = world.text.slug
    assert (
        '<button type="button" class="secondary outline" data-use-evidence '
        f'data-quote="Troika met in Moscow" data-cite="[[{slug}#p-2]]">Use as evidence</button>'
    ) in page
    assert f'data-cite="[[{slug}#p-5]]"' in page
    assert f'data-cite="[[{slug}#p-3]]"' not in page


def test_a_note_whose_words_left_the_reading_is_shown_as_orphaned_not_lost(client, school, world):
    annotate(world, school.student, number=4, exact="on the question numbered 4", text="Kept")
    paragraphs = reading_text(6).split("\n\n")
    paragraphs[3] = "Paragraph 4 was rewritten completely."
    reading_import(
        text="\n\n".join(paragraphs),
        slug=world.text.slug,
        title=world.text.title,
        author=world.text.author,
        kind=world.text.kind,
        citation=world.text.citation,
    )
    client.force_login(school.student)
    page = client.get(_url(world)).content.decode()
    orphans = page[page.index('id="orphans-heading"') :]
    assert "Kept" in orphans and "on the question numbered 4" in orphans
    assert "Written on paragraph 4" in orphans


def test_a_gated_student_sees_replies_to_their_own_notes_but_not_hidden_ones(client, school, world):
    services.annotation_settings_set(
        assignment=world.reading, post_before_seeing=True, now=timezone.now()
    )
    annotate(world, world.peer, text="Classmate note")
    mine = annotate(world, school.student, text="Own note")
    services.annotation_reply(
        parent=mine, author=school.teacher, text="Teacher reply", now=timezone.now()
    )
    hidden = services.annotation_reply(
        parent=mine, author=world.peer, text="Hidden reply", now=timezone.now()
    )
    services.annotation_hide(annotation=hidden, by=school.teacher, hidden=True, now=timezone.now())
    # Deleting their only note puts the student back behind the gate.
    services.annotation_delete(annotation=mine, by=school.student, now=timezone.now())
    client.force_login(school.student)
    page = client.get(_url(world)).content.decode()
    assert "post a note of your own" in page
    assert "Teacher reply" in page
    assert "Hidden reply" not in page and "Classmate note" not in page
