"""The writing history: recorded with each autosave as compact deltas, bounded, and never in the
way of a save; pastes classified by where they came from."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courseware.models import Submission, WritingHistory
from courseware.selectors.process import process_view
from courseware.services import process as services
from courseware.services.process import history_texts
from tests.conftest import module_world
from tests.courseware.process.conftest import COPIED, PEER_TEXT, make_process_world, save

shared_world, world_copy, school, world = module_world(make_process_world)

T0 = timezone.now().replace(microsecond=0)


def _document(submission):
    return WritingHistory.objects.get(submission=submission).load()


def test_each_autosave_is_a_delta_that_replays_to_the_text_saved(world):
    texts = ["Stalin", "Stalin won.", "In the end Stalin won.", "In the end Stalin won the party."]
    for i, text in enumerate(texts):
        save(world.submission, text, now=T0 + timedelta(seconds=10 * i))
    document = _document(world.submission)
    assert document["base"] == ""
    assert len(document["steps"]) == 4
    # A step holds the change, not the text: keep 21, insert " the party", keep the full stop.
    assert document["steps"][-1][2] == "=21\t+ the party\t=1"
    assert [text for _at, text in history_texts(document)][1:] == texts


def test_typing_and_deleting_are_counted_and_make_one_session(world):
    save(world.submission, "One", now=T0, events=[{"kind": "type", "at": 1000, "chars": 3}])
    save(
        world.submission,
        "On",
        now=T0 + timedelta(seconds=30),
        events=[{"kind": "delete", "at": 2000, "chars": 1}],
        sent_at=2000,
    )
    history = WritingHistory.objects.get(submission=world.submission)
    document = history.load()
    assert (document["typed"], document["deleted"]) == (3, 1)
    assert history.session_count == 1
    assert history.active_seconds == 30


def test_a_long_gap_starts_a_new_session_and_idle_time_is_not_on_task(world):
    save(world.submission, "One", now=T0)
    save(world.submission, "One two", now=T0 + timedelta(minutes=20))
    save(world.submission, "One two three", now=T0 + timedelta(hours=3))
    history = WritingHistory.objects.get(submission=world.submission)
    assert history.session_count == 2
    # Twenty minutes away counts as five on task, three hours as a new sitting.
    assert history.active_seconds == services.IDLE_CAP


def _paste(world, before, pasted, *, after=None, from_essay=False):
    save(world.submission, before, now=T0)
    after = after if after is not None else before + pasted
    save(
        world.submission,
        after,
        now=T0 + timedelta(seconds=5),
        events=[
            {
                "kind": "paste",
                "at": 5000,
                "chars": len(pasted),
                "text": pasted,
                "from_essay": from_essay,
            }
        ],
        sent_at=5000,
    )
    return _document(world.submission)["pastes"][-1]


def test_a_paste_from_a_reading_is_matched_to_its_paragraph(world):
    paste = _paste(world, "My view. ", COPIED)
    assert paste["source"] == services.SOURCE_READING
    assert (paste["reading"], paste["number"]) == ("succession-notes", 2)
    view = process_view(submission=Submission.objects.get(pk=world.submission.pk))
    assert view.pastes[-1].flagged
    assert view.pastes[-1].label == ("Pasted from succession-notes ¶2 without quotation/citation.")


def test_a_pasted_reading_quoted_and_cited_is_not_flagged(world):
    quoted = f"My view. \u201c{COPIED}\u201d [[succession-notes#p-2]]"
    _paste(world, "My view. ", COPIED, after=quoted)
    view = process_view(submission=Submission.objects.get(pk=world.submission.pk))
    assert not view.pastes[-1].flagged
    assert "quoted and cited" in view.pastes[-1].label


def test_a_paste_of_the_students_own_earlier_text_is_a_move(world):
    own = "Patient control of appointments decided the contest, not oratory."
    paste = _paste(world, own + "\n\n", own)
    assert paste["source"] == services.SOURCE_OWN
    assert not process_view(submission=world.submission).pastes[-1].flagged


def test_a_paste_from_another_students_essay_is_flagged(world):
    paste = _paste(world, "Intro. ", PEER_TEXT)
    assert paste["source"] == services.SOURCE_PEER
    assert paste["peer"] == world.peer.versions.get().pk
    view = process_view(submission=Submission.objects.get(pk=world.submission.pk))
    assert view.pastes[-1].label == "Pasted from another student's essay."
    assert WritingHistory.objects.get(submission=world.submission).flagged_paste_count == 1


def test_a_paste_from_elsewhere_is_flagged_with_its_size(world):
    outside = "The kulaks were hoarding grain in the winter of 1927, or so the Politburo claimed."
    paste = _paste(world, "Intro. ", outside)
    assert paste["source"] == services.SOURCE_OUTSIDE
    view = process_view(submission=Submission.objects.get(pk=world.submission.pk))
    assert view.pastes[-1].flagged
    assert view.pastes[-1].label == f"Pasted from elsewhere ({len(outside)} characters)."


def test_text_that_appears_without_typing_is_a_burst_unless_accommodated(world, school):
    save(world.submission, "Start.", now=T0, events=[{"kind": "type", "at": 0, "chars": 6}])
    save(world.submission, "Start. " + "dictated words " * 40, now=T0 + timedelta(seconds=9))
    view = process_view(submission=Submission.objects.get(pk=world.submission.pk))
    assert len(view.flagged_bursts) == 1
    services.accommodation_set(
        classroom=school.classroom, student=school.student, on=True, by=school.teacher, now=T0
    )
    view = process_view(submission=Submission.objects.get(pk=world.submission.pk))
    assert view.bursts and not view.flagged_bursts


def test_typed_text_is_not_a_burst(world):
    text = "typed words " * 40
    save(world.submission, text, now=T0, events=[{"kind": "type", "at": 0, "chars": len(text)}])
    assert _document(world.submission)["bursts"] == []


def test_the_history_stays_bounded_and_still_replays_to_the_latest_text(world):
    text = ""
    for i in range(services.MAX_STEPS + 60):
        text += f"Sentence {i}. "
        save(world.submission, text, now=T0 + timedelta(seconds=i))
    history = WritingHistory.objects.get(submission=world.submission)
    document = history.load()
    assert history.step_count <= services.MAX_STEPS
    assert document["coalesced"] > 0
    assert list(history_texts(document))[-1][1] == text


def test_a_failure_to_record_the_history_never_loses_the_save(world, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "writing_history_record", broken)
    saved = save(world.submission, "Every word is kept.")
    assert Submission.objects.get(pk=saved.pk).draft_text == "Every word is kept."
    assert not WritingHistory.objects.filter(submission=world.submission).exists()


def test_the_history_is_deleted_with_the_essay(world):
    save(world.submission, "A draft.")
    Submission.objects.filter(pk=world.submission.pk).delete()
    assert not WritingHistory.objects.filter(submission_id=world.submission.pk).exists()


@pytest.mark.parametrize("text", ["emoji 🙂 then more", "tab\tand\nlines", "100% sure"])
def test_deltas_round_trip_any_text(text):
    assert services.delta_apply("emoji", services.delta_between("emoji", text)) == text
