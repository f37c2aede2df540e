"""Annotating: anchors in the W3C shape, re-attachment after a re-import, threads and
tombstones, and who sees what."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from courseware.models import Annotation, Paragraph
from courseware.selectors import annotations as selectors
from courseware.services import annotations as services
from courseware.services.content import reading_import
from tests.courseware.annotations.conftest import annotate
from tests.factories import reading_text

pytestmark = pytest.mark.django_db


def _page(world, user, assignment=None):
    return selectors.annotated_reading(
        user=user, assignment=assignment or world.reading, reading=world.text, now=timezone.now()
    )


def _threads(page):
    return [t for item in page.paragraphs for t in item.threads] + page.orphans


def test_a_quoted_span_keeps_its_quote_context_and_position(school, world):
    paragraph = Paragraph.objects.get(reading=world.text, number=2)
    a = annotate(world, school.student, exact="Troika met in Moscow")
    at = paragraph.text.index("Troika met in Moscow")
    assert (a.start, a.end) == (at, at + len("Troika met in Moscow"))
    assert a.prefix == paragraph.text[:at][-32:]
    assert a.suffix == paragraph.text[a.end :][:32]
    assert a.paragraph_number == 2


def test_words_not_in_the_paragraph_are_refused_and_nothing_is_saved(school, world):
    with pytest.raises(ValidationError) as error:
        annotate(world, school.student, exact="Lenin's testament")
    assert "exact" in error.value.message_dict
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("kind", "text", "tag", "field"),
    [("note", "  ", "", "text"), ("question", "", "", "text"), ("tag", "", "", "tag")],
)
def test_a_note_or_question_needs_text_and_a_tag_needs_its_tag(
    school, world, kind, text, tag, field
):
    with pytest.raises(ValidationError) as error:
        annotate(world, school.student, kind=kind, text=text, tag=tag)
    assert field in error.value.message_dict


def test_a_missing_paragraph_is_refused(school, world):
    with pytest.raises(ValidationError) as error:
        annotate(world, school.student, number=99)
    assert "paragraph" in error.value.message_dict


def test_another_students_private_note_is_not_seen_and_is_a_404(school, world):
    private = annotate(world, school.student, visibility="private", text="Mine only")
    shared = annotate(world, school.student, text="For all")
    seen = {t.root.pk for t in _threads(_page(world, world.peer))}
    assert seen == {shared.pk}
    with pytest.raises(Http404):
        selectors.annotation_get_for(user=world.peer, pk=private.pk, now=timezone.now())
    # Not even the teacher reads a private note.
    with pytest.raises(Http404):
        selectors.annotation_get_for(user=school.teacher, pk=private.pk, now=timezone.now())
    assert private.pk in {t.root.pk for t in _threads(_page(world, school.student))}


def test_another_class_never_sees_the_notes_on_the_same_text(school, world):
    note = annotate(world, school.student)
    page = _page(world, school.other_student, assignment=world.other_reading)
    assert _threads(page) == []
    with pytest.raises(Http404):
        selectors.annotation_get_for(user=school.other_student, pk=note.pk, now=timezone.now())
    with pytest.raises(Http404):
        selectors.annotation_get_for(user=school.other_teacher, pk=note.pk, now=timezone.now())


def test_a_hidden_annotation_is_gone_for_the_class_but_not_for_its_writer_or_teacher(school, world):
    note = annotate(world, school.student)
    reply = services.annotation_reply(
        parent=note, author=school.teacher, text="Agreed", now=timezone.now()
    )
    services.annotation_hide(annotation=note, by=school.teacher, hidden=True, now=timezone.now())
    assert _threads(_page(world, world.peer)) == []
    with pytest.raises(Http404):
        selectors.annotation_get_for(user=world.peer, pk=reply.pk, now=timezone.now())
    assert [t.root.pk for t in _threads(_page(world, school.student))] == [note.pk]
    assert [t.root.pk for t in _threads(_page(world, school.teacher))] == [note.pk]


def test_deleting_an_annotation_with_replies_keeps_the_replies(school, world):
    note = annotate(world, school.student, text="Secret plan")
    services.annotation_reply(parent=note, author=world.peer, text="A reply", now=timezone.now())
    services.annotation_delete(annotation=note, by=school.student, now=timezone.now())
    (thread,) = _threads(_page(world, world.peer))
    assert thread.root.is_deleted and thread.root.text == ""
    assert [r.text for r in thread.replies] == ["A reply"]


def test_a_deleted_annotation_without_replies_disappears(school, world):
    note = annotate(world, school.student)
    services.annotation_delete(annotation=note, by=school.student, now=timezone.now())
    assert _threads(_page(world, school.student)) == []
    assert Annotation.objects.filter(pk=note.pk).exists()  # a tombstone, not a hole


def test_a_reply_to_a_reply_joins_the_first_annotations_thread(school, world):
    note = annotate(world, school.student)
    first = services.annotation_reply(parent=note, author=world.peer, text="1", now=timezone.now())
    second = services.annotation_reply(
        parent=first, author=school.teacher, text="2", now=timezone.now()
    )
    assert second.parent_id == note.pk


def test_post_before_seeing_hides_the_class_notes_until_the_student_posts(school, world):
    services.annotation_settings_set(
        assignment=world.reading, post_before_seeing=True, now=timezone.now()
    )
    peer_note = annotate(world, world.peer, text="Peer's")
    page = _page(world, school.student)
    assert page.access.gated and _threads(page) == []
    own = annotate(world, school.student, text="Mine")
    seen = {t.root.pk for t in _threads(_page(world, school.student))}
    assert seen == {own.pk, peer_note.pk}
    # Teachers are never held back.
    assert not _page(world, school.teacher).access.gated


def test_spans_survive_a_reimport_by_their_quoted_text_and_the_lost_one_is_orphaned(school, world):
    kept = annotate(world, school.student, number=2, exact="Troika met in Moscow")
    reworded = annotate(world, school.student, number=3, exact="answered them in writing")
    lost = annotate(world, school.student, number=4, exact="on the question numbered 4")
    paragraph_note = annotate(world, school.student, number=5, text="Whole paragraph")
    old = reading_text(6).split("\n\n")
    new = list(old)
    new.insert(0, "A new opening paragraph pushes every number along by one.")
    new[3] = new[3].replace("Paragraph 3 says", "Paragraph 3 now claims")
    new[4] = "Paragraph 4 was rewritten completely."
    reading_import(
        text="\n\n".join(new),
        slug=world.text.slug,
        title=world.text.title,
        author=world.text.author,
        kind=world.text.kind,
        citation=world.text.citation,
    )
    threads = {t.root.pk: t for t in _threads(_page(world, school.student))}
    kept_anchor = threads[kept.pk].anchor
    assert kept_anchor.paragraph.number == 3
    assert kept_anchor.paragraph.text[kept_anchor.start : kept_anchor.end] == kept.exact
    moved = threads[reworded.pk].anchor
    assert not moved.orphaned
    assert moved.paragraph.text[moved.start : moved.end] == "answered them in writing"
    assert threads[lost.pk].anchor.orphaned
    assert threads[paragraph_note.pk].anchor.paragraph.text.startswith("Paragraph 5")


def test_the_quote_is_found_again_where_its_context_agrees():
    text = "to be or not to be, that is the question; to be sure."
    second = text.index("to be", 3)
    assert selectors._find_quote(text, "to be", "or not ", ", that", None) == second
    assert selectors._find_quote(text, "to be", "", "", 40) == text.rindex("to be")
    assert selectors._find_quote(text, "absent", "", "", None) is None


def test_participation_counts_each_students_part(school, world):
    note = annotate(world, school.student)
    annotate(world, school.student, kind="question", text="Why?")
    annotate(world, school.student, visibility="private")
    services.annotation_reply(parent=note, author=world.peer, text="Yes", now=timezone.now())
    services.annotation_endorse(
        annotation=note, by=school.teacher, endorsed=True, now=timezone.now()
    )
    rows = {r.student.pk: r for r in selectors.participation(assignment=world.reading)}
    mine = rows[school.student.pk]
    assert (mine.notes, mine.questions, mine.replies, mine.endorsed, mine.private) == (
        1,
        1,
        0,
        1,
        1,
    )
    assert rows[world.peer.pk].replies == 1


def test_a_participation_mark_is_the_teachers_and_refuses_bad_marks(school, world):
    row = services.annotation_mark_set(
        assignment=world.reading,
        student=school.student,
        mark="85.5",
        comment="Good questions",
        by=school.teacher,
        now=timezone.now(),
    )
    assert str(row.mark) == "85.50"
    for bad in ("101", "-1", "lots", "NaN"):
        with pytest.raises(ValidationError):
            services.annotation_mark_set(
                assignment=world.reading,
                student=school.student,
                mark=bad,
                comment="",
                by=school.teacher,
                now=timezone.now(),
            )
    with pytest.raises(ValidationError):
        services.annotation_mark_set(
            assignment=world.reading,
            student=school.other_student,
            mark="50",
            comment="",
            by=school.teacher,
            now=timezone.now(),
        )


def test_the_heat_map_counts_questions_and_puts_unanswered_ones_first(school, world):
    asked = annotate(world, school.student, number=3, kind="question", text="Who?")
    answered = annotate(world, world.peer, number=3, kind="question", text="When?")
    annotate(world, world.peer, number=1)
    services.annotation_reply(
        parent=answered, author=school.teacher, text="1924", now=timezone.now()
    )
    overview = selectors.class_overview(
        user=school.teacher, assignment=world.reading, reading=world.text, now=timezone.now()
    )
    by_number = {row.paragraph.number: row for row in overview.heat}
    assert (by_number[3].questions, by_number[3].unanswered, by_number[1].notes) == (2, 1, 1)
    assert [t.root.pk for t in overview.unanswered] == [asked.pk]
    assert [t.root.pk for t in overview.answered_questions] == [answered.pk]
