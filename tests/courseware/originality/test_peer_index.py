"""The peer index in the database: written at hand-in, looked up at check time, fair to the
first submitter, rebuilt by ``manage.py originality_reindex``."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courseware.models import MatchKind, OriginalityReport, PeerIndexEntry, ReportStatus
from courseware.originality.check import stored_keys
from courseware.originality.text import words_of
from courseware.selectors.originality import (
    latest_report,
    peer_candidate_hits,
    peer_count,
    peer_versions,
)
from courseware.services import originality as services
from courseware.services.originality import (
    originality_report_run,
    peer_index_add,
    peer_index_rebuild,
)
from courseware.services.submissions import submission_draft_save, submission_submit
from courseware.services.teaching import assignment_withdraw, classroom_archive
from tests.factories import essay_assignment
from tests.factories.originality import checked_submission, run_latest_report
from tests.factories.people import ClassroomFactory, MembershipFactory, StudentFactory
from tests.factories.submissions import essay_text, submitted_submission

SHARED = (
    "Nobody in the Politburo trusted the commissar of war after the winter of nineteen twenty "
    "three because he wrote open letters that embarrassed them all and then fell ill at the "
    "very moment his allies needed him to speak at the congress."
)


def _rows(version) -> set[int]:
    return set(PeerIndexEntry.objects.filter(version=version).values_list("key", flat=True))


def _version(submission):
    return submission.versions.get(number=submission.current_version)


@pytest.fixture
def prompt_pair(school):
    """The same prompt set in two classes of the course."""
    assignment = essay_assignment(
        school.classroom, min_words=10, max_words=400, allow_resubmission=True
    )
    other = essay_assignment(school.other_classroom, min_words=10, max_words=400)
    other.prompt = assignment.prompt
    other.save(update_fields=["prompt"])
    return assignment, other


def test_handing_in_writes_the_essays_band_keys_and_a_resubmission_replaces_them(
    school, prompt_pair
):
    assignment, _other = prompt_pair
    submission = submitted_submission(assignment, school.student, text=essay_text(80))
    first = _version(submission)
    assert _rows(first) == set(stored_keys(words_of(first.text).words))
    assert PeerIndexEntry.objects.filter(version=first, prompt=assignment.prompt).count() == len(
        _rows(first)
    )

    submission = submission_draft_save(
        submission=submission,
        text=SHARED + "\n\n" + essay_text(40),
        revision=submission.revision,
        by=school.student,
        now=timezone.now(),
    )
    submission_submit(
        submission=submission,
        revision=submission.revision,
        honesty_declared=True,
        by=school.student,
        now=timezone.now(),
    )
    submission.refresh_from_db()
    second = _version(submission)
    assert second.number == 2
    assert not _rows(first)  # only the latest version is anyone's peer
    assert _rows(second) == set(stored_keys(words_of(second.text).words))
    # Writing the same version again is idempotent.
    peer_index_add(version=second)
    assert PeerIndexEntry.objects.filter(version=second).count() == len(_rows(second))


def test_a_hand_in_that_fails_leaves_no_index_rows(school, prompt_pair, monkeypatch):
    assignment, _other = prompt_pair

    def broken(**kwargs):
        raise RuntimeError("queue down")

    monkeypatch.setattr("courseware.services.submissions.originality_report_request", broken)
    with pytest.raises(RuntimeError):
        submitted_submission(assignment, school.student, text=SHARED)
    assert not PeerIndexEntry.objects.exists()


def test_a_copy_from_an_archived_class_of_an_earlier_year_is_found_but_not_a_replaced_version(
    school, prompt_pair
):
    assignment, other = prompt_pair
    peer = submitted_submission(other, school.other_student, text=essay_text(40) + "\n\n" + SHARED)
    classroom_archive(classroom=school.other_classroom, now=timezone.now())
    _submission, report = checked_submission(
        assignment, school.student, text="My own opening line.\n\n" + SHARED + " The end."
    )
    (overlap,) = report.matches.filter(kind=MatchKind.PEER_OVERLAP)
    assert overlap.peer_version == _version(peer)
    assert report.peers_checked == 1


def test_an_essay_of_a_withdrawn_assignment_stays_a_candidate(school, prompt_pair):
    # Withdrawing an assignment hides it from students and keeps their work (restoring it
    # brings everything back): an essay handed in to it is still someone's essay to copy.
    assignment, other = prompt_pair
    peer = submitted_submission(other, school.other_student, text=essay_text(40) + "\n\n" + SHARED)
    assignment_withdraw(assignment=other, now=timezone.now())
    _submission, report = checked_submission(
        assignment, school.student, text="My own opening line.\n\n" + SHARED + " The end."
    )
    (overlap,) = report.matches.filter(kind=MatchKind.PEER_OVERLAP)
    assert overlap.peer_version == _version(peer)


def test_an_indexed_essay_cannot_be_deleted_so_no_candidate_points_at_a_missing_essay(
    school, prompt_pair
):
    # A handed-in version is a record (the receipt's hash names it): the model refuses to
    # delete it and its submission is protected by it. An essay leaves the candidates only
    # when a newer version of the same submission replaces it.
    _assignment, other = prompt_pair
    peer = submitted_submission(other, school.other_student, text=SHARED)
    version = _version(peer)
    with pytest.raises(ValidationError):
        version.delete()
    with pytest.raises(ValidationError):
        peer.versions.all().delete()
    with pytest.raises(ProtectedError):
        peer.delete()
    assert _rows(version) == set(stored_keys(words_of(SHARED).words))


def test_a_candidate_whose_text_is_gone_when_read_is_skipped(school, prompt_pair):
    assignment, other = prompt_pair
    peer = submitted_submission(other, school.other_student, text=SHARED)
    submission = submitted_submission(assignment, school.student, text=SHARED)
    peers = services.StoredPeers(version=_version(submission), prompt_id=assignment.prompt_id)
    (candidate,) = peers.hits(stored_keys(words_of(SHARED).words))
    assert candidate == _version(peer).pk
    missing = candidate + 10_000  # as if its row had gone between the lookup and the read
    assert set(peers.words([candidate, missing])) == {candidate}


def test_the_writers_own_essays_and_other_prompts_are_never_candidates(school, prompt_pair):
    assignment, _other = prompt_pair
    unrelated = essay_assignment(school.other_classroom, min_words=10, max_words=400)
    # The same student's essay in another class on the same prompt, and another student's
    # essay on another prompt: neither is a peer.
    second_class = ClassroomFactory(course=school.classroom.course)
    MembershipFactory(classroom=second_class, user=school.student, role="student")
    own = essay_assignment(second_class, min_words=10, max_words=400)
    own.prompt = assignment.prompt
    own.save(update_fields=["prompt"])
    submitted_submission(own, school.student, text=SHARED)
    submitted_submission(unrelated, school.other_student, text=SHARED)
    _submission, report = checked_submission(assignment, school.student, text=SHARED)
    assert not report.matches.filter(kind=MatchKind.PEER_OVERLAP).exists()


def test_a_candidate_lookup_is_one_query_whatever_the_number_of_essays(school, prompt_pair):
    assignment, other = prompt_pair
    for n in range(12):
        student = StudentFactory()
        MembershipFactory(classroom=school.other_classroom, user=student, role="student")
        submitted_submission(other, student, text=essay_text(30, marker=f"m{n}") + " " + SHARED)
    keys = stored_keys(words_of(SHARED).words)
    with CaptureQueriesContext(connection) as captured:
        hits = peer_candidate_hits(
            prompt_id=assignment.prompt_id, student_id=school.student.pk, keys=keys
        )
    assert len(captured) == 1
    assert len(hits) == 12


def test_the_prompts_essays_are_counted_once_then_each_first_hand_in_adds_one(
    school, prompt_pair, django_capture_on_commit_callbacks
):
    assignment, other = prompt_pair
    submitted_submission(other, school.other_student, text=essay_text(60))
    mine = submitted_submission(assignment, school.student, text=SHARED)
    version = _version(mine)
    assert peer_count(version=version) == 1
    with CaptureQueriesContext(connection) as captured:
        assert peer_count(version=version) == 1
    assert len(captured) == 1  # the writer's own essays; the prompt's count is kept

    for n in range(5):
        student = StudentFactory()
        MembershipFactory(classroom=school.other_classroom, user=student, role="student")
        with django_capture_on_commit_callbacks(execute=True):
            submitted_submission(other, student, text=essay_text(40, marker=f"c{n}"))
    # A second version of an essay is the same essay, not one more.
    mine = submission_draft_save(
        submission=mine,
        text=SHARED + " Revised.",
        revision=mine.revision,
        by=school.student,
        now=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(
            submission=mine,
            revision=mine.revision,
            honesty_declared=True,
            by=school.student,
            now=timezone.now(),
        )
    mine.refresh_from_db()
    version = _version(mine)
    assert version.number == 2 and version.submission.assignment == assignment
    with CaptureQueriesContext(connection) as captured:
        assert peer_count(version=version) == 6
    assert len(captured) == 1
    assert peer_versions(version=version).count() == 6


def test_reindex_rebuilds_the_same_rows_from_scratch_and_can_run_twice(school, prompt_pair):
    assignment, other = prompt_pair
    submitted_submission(assignment, school.student, text=SHARED)
    submitted_submission(other, school.other_student, text=essay_text(60))
    before = set(PeerIndexEntry.objects.values_list("prompt_id", "key", "version_id", "student_id"))
    PeerIndexEntry.objects.all().delete()
    call_command("originality_reindex", verbosity=0)
    after = set(PeerIndexEntry.objects.values_list("prompt_id", "key", "version_id", "student_id"))
    assert after == before and after
    assert peer_index_rebuild() == 2
    assert PeerIndexEntry.objects.count() == len(before)


def test_a_later_copy_rechecks_the_earlier_essay_so_both_reports_and_the_queue_flag_it(
    client, school, prompt_pair, django_capture_on_commit_callbacks
):
    assignment, _other = prompt_pair
    classmate = StudentFactory()
    MembershipFactory(classroom=school.classroom, user=classmate, role="student")
    first, first_report = checked_submission(
        assignment, school.student, text="I begin my way.\n\n" + SHARED + " I end my way."
    )
    assert not first_report.matches.exists()  # nobody to overlap with yet

    later = submitted_submission(
        assignment, classmate, text="Another opening.\n\n" + SHARED + " Another close."
    )
    with django_capture_on_commit_callbacks(execute=True):
        later_report = run_latest_report(later)
    (forward,) = later_report.matches.filter(kind=MatchKind.PEER_OVERLAP)
    assert forward.peer_version == _version(first)

    # The earlier essay was re-checked (a new run; the first stays as it was).
    rechecked = latest_report(version=_version(first))
    assert rechecked.run == 2 and rechecked.status == ReportStatus.DONE
    (back,) = rechecked.matches.filter(kind=MatchKind.PEER_OVERLAP)
    assert back.peer_version == _version(later)
    assert _version(first).text[back.start : back.end] == forward.source_excerpt
    assert back.source_excerpt == _version(later).text[forward.start : forward.end]
    # The later essay is not re-checked in return: its report already shows the overlap.
    assert OriginalityReport.objects.filter(version=_version(later)).count() == 1

    client.force_login(school.teacher)
    page = client.get(reverse("courseware:marking-queue", args=[assignment.pk]))
    assert page.content.decode().count("peer-overlap-badge") == 2


def test_a_failed_check_is_shown_failed_keeps_no_matches_and_a_recheck_runs_again(
    school, prompt_pair, monkeypatch
):
    assignment, _other = prompt_pair
    submission = submitted_submission(assignment, school.student, text=SHARED)
    rows = _rows(_version(submission))

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "originality_report_finish", broken)
    report = latest_report(version=_version(submission))
    with pytest.raises(RuntimeError):
        originality_report_run(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and not report.matches.exists()
    assert _rows(_version(submission)) == rows  # the index is the hand-in's, untouched
    monkeypatch.undo()

    again = services.originality_report_request(version=_version(submission))
    assert again.run == 2
    originality_report_run(report_id=again.pk)
    again.refresh_from_db()
    assert again.status == ReportStatus.DONE


def test_a_check_whose_worker_died_shows_failed_and_a_recheck_replaces_it(
    client, school, prompt_pair
):
    from datetime import timedelta

    assignment, _other = prompt_pair
    submission = submitted_submission(assignment, school.student, text=SHARED)
    version = _version(submission)
    report = latest_report(version=version)
    services.originality_report_start(
        report_id=report.pk, now=timezone.now() - timedelta(hours=1)
    )  # started an hour ago, and its worker was killed
    client.force_login(school.teacher)
    url = reverse("courseware:originality-report", args=[submission.pk, version.number])
    assert "could not be completed" in client.get(url).content.decode()

    again = services.originality_report_request(version=version, by=school.teacher)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and again.run == report.run + 1
    originality_report_run(report_id=again.pk)
    again.refresh_from_db()
    assert again.status == ReportStatus.DONE


def test_the_reading_index_is_loaded_once_per_process_and_rebuilt_after_a_reimport(
    school, monkeypatch
):
    from courseware.services.content import reading_import
    from tests.factories import course_reading

    reading = course_reading(school.classroom.course, slug="index-notes")
    loads = []
    real_get = services.cache.get
    monkeypatch.setattr(services.cache, "get", lambda key: loads.append(key) or real_get(key))
    first = services.reading_corpus_for(reading_ids=[reading.pk])
    assert services.reading_corpus_for(reading_ids=[reading.pk]) is first
    assert len(loads) == 1  # the second check used this process's copy

    reading_import(
        text="A new first paragraph about the Troika and the congress of 1925.\n\n"
        + "\n\n".join(p.text for p in reading.paragraphs.order_by("number")),
        slug=reading.slug,
        title=reading.title,
        author=reading.author,
        kind=reading.kind,
        citation=reading.citation,
    )
    fresh = services.reading_corpus_for(reading_ids=[reading.pk])
    assert fresh is not first
    assert any("congress of 1925" in p.text for p in fresh.paragraphs.values())


def test_the_migration_fills_the_index_for_essays_already_handed_in(school, prompt_pair):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    assignment, other = prompt_pair
    submitted_submission(assignment, school.student, text=SHARED)
    submitted_submission(other, school.other_student, text=essay_text(60))
    before = set(PeerIndexEntry.objects.values_list("prompt_id", "key", "version_id", "student_id"))
    PeerIndexEntry.objects.all().delete()
    migration = importlib.import_module("courseware.migrations.0010_originality_peer_index")
    migration.fill_peer_index(apps, SimpleNamespace(connection=connection))
    after = set(PeerIndexEntry.objects.values_list("prompt_id", "key", "version_id", "student_id"))
    assert after == before and after
