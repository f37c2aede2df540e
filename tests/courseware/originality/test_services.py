"""Reports are requested on hand-in, run by the task through the services, and re-run."""

from decimal import Decimal

import pytest
from django.utils import timezone

from courseware.models import MatchKind, OriginalityReport, ReportStatus
from courseware.services.originality import (
    originality_report_request,
    originality_report_run,
    originality_report_set_visibility,
)
from tests.courseware.originality.conftest import COPIED
from tests.factories import course_reading, essay_assignment, essay_text, submitted_submission
from tests.factories.originality import checked_submission, run_latest_report

pytestmark = pytest.mark.django_db


def test_handing_in_queues_a_report_that_runs_once_the_hand_in_commits(
    school, django_capture_on_commit_callbacks
):
    assignment = essay_assignment(school.classroom, min_words=10, max_words=300)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        submission = submitted_submission(assignment, school.student)
    # The task ran eagerly (embedded default) once the submit transaction committed; the other
    # callbacks count the essay among the prompt's and deliver the hand-in's notifications.
    assert len(callbacks) == 3
    assert any("peer_index_add" in c.__qualname__ for c in callbacks)
    assert any("originality_report_request" in c.__qualname__ for c in callbacks)
    report = OriginalityReport.objects.get(version__submission=submission)
    assert report.status == ReportStatus.DONE
    assert report.progress == 100
    assert report.run == 1
    assert report.started_at is not None and report.finished_at >= report.started_at


def test_a_report_classifies_copying_and_a_cited_quotation_and_scores_the_copying(essay_world):
    report = essay_world.report
    assert report.status == ReportStatus.DONE
    kinds = {m.kind: m for m in report.matches.all()}
    assert set(kinds) == {MatchKind.UNATTRIBUTED, MatchKind.QUOTED_CITED}
    copied = kinds[MatchKind.UNATTRIBUTED]
    text = essay_world.version.text
    assert text[copied.start : copied.end] == COPIED.rstrip(".")
    assert copied.paragraph.number == 2
    assert copied.source_excerpt == copied.paragraph.text[copied.source_start : copied.source_end]
    quoted = kinds[MatchKind.QUOTED_CITED]
    assert text[quoted.start : quoted.end] == "a gamble on risings in Berlin and London"
    assert quoted.cited_paragraph == quoted.paragraph
    # Only the copied words count towards the score.
    assert report.flagged_words == copied.words
    assert report.score == Decimal(round(100 * copied.words / report.total_words, 1)).quantize(
        Decimal("0.1")
    )


def test_a_recheck_appends_a_run_and_keeps_the_old_one_and_the_students_visibility(
    essay_world, teacher=None
):
    first = essay_world.report
    originality_report_set_visibility(report=first, visible=True)
    second = originality_report_request(version=essay_world.version, now=timezone.now())
    assert second.run == 2 and second.status == ReportStatus.QUEUED
    assert second.visible_to_student is True
    originality_report_run(report_id=second.pk)
    second.refresh_from_db()
    assert second.status == ReportStatus.DONE
    assert second.matches.count() == first.matches.count()
    first.refresh_from_db()
    assert first.status == ReportStatus.DONE and first.matches.exists()


def test_a_second_request_while_one_is_queued_returns_the_queued_run(essay_world):
    queued = originality_report_request(version=essay_world.version)
    again = originality_report_request(version=essay_world.version)
    assert again.pk == queued.pk
    assert OriginalityReport.objects.filter(version=essay_world.version).count() == 2


def test_a_task_delivered_twice_runs_the_report_once(essay_world):
    assert originality_report_run(report_id=essay_world.report.pk) is None
    assert (
        essay_world.report.matches.count()
        == OriginalityReport.objects.get(pk=essay_world.report.pk).matches.count()
    )


def test_a_run_that_fails_is_recorded_as_failed_with_its_error(essay_world, monkeypatch):
    report = originality_report_request(version=essay_world.version)

    def broken(*args, **kwargs):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr("courseware.services.originality.check_essay", broken)
    with pytest.raises(RuntimeError):
        originality_report_run(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "index unavailable" in report.error
    assert report.score is None and not report.matches.exists()


def test_peers_on_the_same_prompt_in_another_class_are_checked_but_not_the_students_own(school):
    reading = course_reading(school.classroom.course)
    assignment = essay_assignment(school.classroom, min_words=10, max_words=400, readings=[reading])
    # The same prompt set for the other class (an earlier class of the course, say).
    other = essay_assignment(school.other_classroom, min_words=10, max_words=400)
    other.prompt = assignment.prompt
    other.save(update_fields=["prompt"])
    shared = (
        "Nobody in the Politburo trusted the commissar of war after the winter of "
        "nineteen twenty three because he wrote open letters that embarrassed them all."
    )
    peer_text = essay_text(40) + "\n\n" + shared
    submitted_submission(other, school.other_student, text=peer_text)
    _submission, report = checked_submission(
        assignment, school.student, text="My own opening line.\n\n" + shared + " The end."
    )
    overlaps = list(report.matches.filter(kind=MatchKind.PEER_OVERLAP))
    assert len(overlaps) == 1
    assert overlaps[0].peer_version.submission.student == school.other_student
    assert report.peers_checked == 1


def test_the_report_of_a_clean_essay_has_no_matches_and_scores_zero(school):
    reading = course_reading(school.classroom.course)
    assignment = essay_assignment(school.classroom, min_words=10, max_words=400, readings=[reading])
    _submission, report = checked_submission(assignment, school.student, text=essay_text(60))
    assert report.status == ReportStatus.DONE
    assert not report.matches.exists()
    assert report.score == Decimal("0.0")
    assert report.paragraphs_checked >= 3


def test_run_latest_report_helper_reruns_nothing_already_done(essay_world):
    # The helper runs the queued report; a done one stays as it is.
    assert run_latest_report(essay_world.submission).pk == essay_world.report.pk


def test_a_check_that_fails_never_turns_a_hand_in_into_an_error(
    school, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("checker broke")

    monkeypatch.setattr("courseware.services.originality.check_essay", broken)
    assignment = essay_assignment(school.classroom, min_words=10, max_words=300)
    with django_capture_on_commit_callbacks(execute=True):
        submission = submitted_submission(assignment, school.student)
    assert submission.current_version == 1
    report = OriginalityReport.objects.get(version__submission=submission)
    assert report.status == ReportStatus.FAILED and "checker broke" in report.error
