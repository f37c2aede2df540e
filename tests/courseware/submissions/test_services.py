"""Submission services: drafts with a revision check, handing in, versions, deadlines and
resubmission."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from courseware.models import Submission, SubmissionStatus, SubmissionVersion
from courseware.services.submissions import (
    MAX_ESSAY_BYTES,
    MAX_ESSAY_WORDS,
    StaleRevision,
    SubmissionLocked,
    submission_draft_save,
    submission_request_resubmission,
    submission_return,
    submission_start,
    submission_submit,
)
from courseware.services.teaching import assignment_update
from tests.factories import (
    EssayPromptFactory,
    ExtensionFactory,
    MembershipFactory,
    StudentFactory,
    essay_assignment,
    essay_text,
    submission_for,
    submitted_submission,
)

pytestmark = pytest.mark.django_db

DUE = timezone.now().replace(microsecond=0) + timedelta(days=2)


def _code(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return next(iter(error.error_dict.values()))[0].code
    return error.error_list[0].code


def _save(submission, text, revision=None, *, by=None, now=None):
    return submission_draft_save(
        submission=submission,
        text=text,
        revision=submission.revision if revision is None else revision,
        by=by or submission.student,
        now=now or timezone.now(),
    )


def _submit(submission, *, revision=None, honesty=True, now=None, text=None, by=None):
    return submission_submit(
        submission=submission,
        revision=submission.revision if revision is None else revision,
        honesty_declared=honesty,
        by=by or submission.student,
        now=now or timezone.now(),
        text=text,
    )


@pytest.fixture
def essay(school):
    return essay_assignment(
        school.classroom,
        min_words=10,
        max_words=20,
        opens_at=DUE - timedelta(days=7),
        due_at=DUE,
        cutoff_at=DUE + timedelta(days=1),
    )


@pytest.fixture
def submission(essay, school):
    return submission_for(essay, school.student)


# --- Starting -----------------------------------------------------------------------------------


def test_starting_twice_gives_the_same_empty_draft(essay, school):
    first = submission_start(assignment=essay, student=school.student, now=timezone.now())
    second = submission_start(assignment=essay, student=school.student, now=timezone.now())
    assert first.pk == second.pk
    assert (first.status, first.revision, first.draft_text) == (SubmissionStatus.DRAFT, 0, "")
    assert Submission.objects.count() == 1


@pytest.mark.parametrize("who", ["teacher", "other_student"])
def test_only_students_of_the_class_start_an_essay(essay, school, who):
    with pytest.raises(ValidationError) as error:
        submission_start(assignment=essay, student=getattr(school, who), now=timezone.now())
    assert _code(error.value) == "not_student"
    assert not Submission.objects.exists()


def test_an_essay_cannot_be_started_before_it_opens_or_after_the_cut_off(essay, school):
    for when, code in [
        (essay.opens_at - timedelta(seconds=1), "not_open"),
        (essay.cutoff_at + timedelta(seconds=1), "closed"),
    ]:
        with pytest.raises(ValidationError) as error:
            submission_start(assignment=essay, student=school.student, now=when)
        assert _code(error.value) == code
    assert not Submission.objects.exists()


def test_a_started_essay_is_still_returned_after_the_cut_off(submission, essay, school):
    again = submission_start(
        assignment=essay, student=school.student, now=essay.cutoff_at + timedelta(days=3)
    )
    assert again.pk == submission.pk


# --- Drafts -------------------------------------------------------------------------------------


def test_a_save_based_on_the_stored_revision_is_kept_and_counts_one_more_revision(submission):
    saved = _save(submission, "The Troika outmanoeuvred Trotsky. [[cliff#p-3]]", revision=0)
    stored = Submission.objects.get(pk=submission.pk)
    assert (saved.revision, stored.revision) == (1, 1)
    assert stored.draft_text == "The Troika outmanoeuvred Trotsky. [[cliff#p-3]]"
    assert stored.word_count == 4  # the citation is not a word
    assert stored.draft_saved_at is not None


def test_stale_autosave_is_rejected_and_keeps_newer_text(submission):
    _save(submission, "Written in the first tab.", revision=0)
    _save(submission, "Written in the first tab, and more.", revision=1)
    with pytest.raises(StaleRevision) as error:
        _save(submission, "Written in the second tab.", revision=1)
    assert error.value.submission.draft_text == "Written in the first tab, and more."
    assert error.value.submission.revision == 2
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.draft_text, stored.revision) == ("Written in the first tab, and more.", 2)


def test_saving_over_newer_text_works_once_based_on_its_revision(submission):
    _save(submission, "First tab.", revision=0)
    with pytest.raises(StaleRevision):
        _save(submission, "Second tab.", revision=0)
    kept = _save(submission, "Second tab.", revision=1)
    assert (kept.draft_text, kept.revision) == ("Second tab.", 2)


def test_a_stale_save_of_exactly_the_stored_text_is_no_conflict_and_changes_nothing(submission):
    saved = _save(submission, "Same words.", revision=0)
    again = _save(submission, "Same words.", revision=0)  # a retry whose answer was lost
    assert again.revision == saved.revision == 1
    assert again.draft_saved_at == saved.draft_saved_at


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("word " * (MAX_ESSAY_WORDS + 1), "too_large"),
        ("x" * (MAX_ESSAY_BYTES + 1), "too_large"),
        ("Troika\x00", "invalid"),
        ("Troika \ud800", "invalid"),
    ],
    ids=["over-50000-words", "over-the-byte-cap", "nul-character", "lone-surrogate"],
)
def test_a_draft_that_cannot_be_an_essay_is_refused_and_changes_nothing(submission, text, code):
    _save(submission, "Kept.", revision=0)
    with pytest.raises(ValidationError) as error:
        _save(submission, text, revision=1)
    assert _code(error.value) == code
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.draft_text, stored.revision) == ("Kept.", 1)


def test_an_essay_of_exactly_50000_words_is_accepted(submission):
    saved = _save(submission, "word " * MAX_ESSAY_WORDS, revision=0)
    assert saved.word_count == MAX_ESSAY_WORDS


def test_only_the_writer_saves_their_draft(submission, school):
    with pytest.raises(ValidationError) as error:
        _save(submission, "Not mine.", by=school.other_student)
    assert _code(error.value) == "not_writer"
    assert Submission.objects.get(pk=submission.pk).revision == 0


def test_drafts_may_still_be_saved_after_the_cut_off(submission, essay):
    saved = _save(submission, "Typed as the cut-off passed.", now=essay.cutoff_at + timedelta(1))
    assert saved.revision == 1


# --- Handing in ---------------------------------------------------------------------------------


def test_submitting_writes_an_immutable_version_with_hash_words_and_time(submission):
    text = essay_text(12)
    submission = _save(submission, text)
    when = DUE - timedelta(hours=1)
    version = _submit(submission, now=when)
    assert (version.number, version.revision, version.text) == (1, 1, text)
    assert version.word_count == 12
    assert version.submitted_at == when
    assert version.late_minutes == 0
    assert len(version.sha256) == 64
    assert version.sha256 == hashlib.sha256(text.encode()).hexdigest()
    stored = Submission.objects.get(pk=submission.pk)
    assert stored.status == SubmissionStatus.SUBMITTED
    assert (stored.current_version, stored.submitted_at, stored.honesty_declared_at) == (
        1,
        when,
        when,
    )


def test_a_double_click_submits_once(submission):
    submission = _save(submission, essay_text(12))
    first = _submit(submission)
    second = _submit(submission)
    assert second.pk == first.pk
    assert SubmissionVersion.objects.count() == 1


def test_a_form_posting_the_same_text_twice_submits_once(submission):
    text = essay_text(15)
    first = _submit(submission, revision=0, text=text)  # saves revision 1, then hands it in
    second = _submit(submission, revision=0, text=text)  # the second click still says revision 0
    assert second.pk == first.pk
    assert (first.revision, first.text) == (1, text)
    assert SubmissionVersion.objects.count() == 1


def test_submitting_a_stale_revision_is_refused_and_offers_the_newer_text(submission):
    submission = _save(submission, essay_text(12))
    _save(submission, essay_text(13), revision=1)
    with pytest.raises(StaleRevision) as error:
        _submit(submission, revision=1)
    assert error.value.submission.draft_text == essay_text(13)
    assert not SubmissionVersion.objects.exists()


def test_a_form_posting_other_text_on_a_stale_revision_is_refused(submission):
    _save(submission, essay_text(12))
    with pytest.raises(StaleRevision):
        _submit(submission, revision=0, text=essay_text(14))
    assert not SubmissionVersion.objects.exists()
    assert Submission.objects.get(pk=submission.pk).draft_text == essay_text(12)


def test_the_honesty_declaration_is_required(submission):
    submission = _save(submission, essay_text(12))
    with pytest.raises(ValidationError) as error:
        _submit(submission, honesty=False)
    assert _code(error.value) == "honesty"
    assert "own work" in " ".join(error.value.messages)
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.DRAFT


@pytest.mark.parametrize(
    ("words", "accepted", "code"),
    [
        (0, False, "too_short"),
        (9, False, "too_short"),
        (10, True, None),
        (20, True, None),
        (21, False, "too_long"),
    ],
)
def test_word_limits_are_the_prompts_inclusive_with_no_margin(submission, words, accepted, code):
    if words:
        submission = _save(submission, essay_text(words))
    if accepted:
        assert _submit(submission).word_count == words
        return
    with pytest.raises(ValidationError) as error:
        _submit(submission)
    assert _code(error.value) == code
    if words:
        assert f"has {words} words" in " ".join(error.value.messages)
    assert not SubmissionVersion.objects.exists()


def test_an_empty_essay_is_refused_even_without_a_minimum(school):
    essay = essay_assignment(school.classroom, min_words=0, max_words=100)
    submission = submission_for(essay, school.student, text="# ** - >")
    with pytest.raises(ValidationError) as error:
        _submit(submission)
    assert _code(error.value) == "too_short"


# --- Deadlines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after_due", "late_minutes"),
    [
        (timedelta(0), 0),
        (timedelta(seconds=1), 1),
        (timedelta(seconds=60), 1),
        (timedelta(seconds=61), 2),
        (timedelta(days=1), 24 * 60),  # exactly at the cut-off: still accepted, late
    ],
    ids=["at-due", "one-second-late", "one-minute-late", "61-seconds-late", "at-cut-off"],
)
def test_late_minutes_are_counted_from_the_due_time(submission, after_due, late_minutes):
    submission = _save(submission, essay_text(12))
    version = _submit(submission, now=DUE + after_due)
    assert version.late_minutes == late_minutes
    assert Submission.objects.get(pk=submission.pk).late_minutes == late_minutes


def test_after_the_cut_off_nothing_is_handed_in_and_the_draft_is_kept(submission, essay):
    submission = _save(submission, essay_text(12))
    with pytest.raises(ValidationError) as error:
        _submit(submission, now=essay.cutoff_at + timedelta(seconds=1))
    assert _code(error.value) == "closed"
    assert "cut-off" in " ".join(error.value.messages)
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.status, stored.draft_text) == (SubmissionStatus.DRAFT, essay_text(12))
    assert not SubmissionVersion.objects.exists()


def test_an_extension_moves_the_due_time_and_the_cut_off(submission, essay, school):
    ExtensionFactory(
        assignment=essay,
        student=school.student,
        due_at=DUE + timedelta(days=3),
        cutoff_at=DUE + timedelta(days=4),
    )
    submission = _save(submission, essay_text(12))
    version = _submit(submission, now=DUE + timedelta(days=3, seconds=30))
    assert version.late_minutes == 1


def test_an_extension_lets_a_student_hand_in_after_the_class_cut_off(submission, essay, school):
    ExtensionFactory(assignment=essay, student=school.student, due_at=DUE + timedelta(days=5))
    submission = _save(submission, essay_text(12))
    version = _submit(submission, now=essay.cutoff_at + timedelta(hours=1))
    assert version.late_minutes == 0


def test_another_students_extension_does_not_apply(submission, essay, school):
    other = StudentFactory()
    MembershipFactory(classroom=essay.classroom, user=other)
    ExtensionFactory(assignment=essay, student=other, due_at=DUE + timedelta(days=5))
    submission = _save(submission, essay_text(12))
    with pytest.raises(ValidationError):
        _submit(submission, now=essay.cutoff_at + timedelta(hours=1))


# --- After handing in ---------------------------------------------------------------------------


def test_once_handed_in_the_draft_is_read_only_without_resubmission(essay, school):
    submission = submitted_submission(essay, school.student)
    with pytest.raises(SubmissionLocked):
        _save(submission, essay_text(15))
    with pytest.raises(SubmissionLocked):
        _submit(submission, text=essay_text(15))
    assert SubmissionVersion.objects.count() == 1


def test_when_resubmission_is_allowed_a_new_hand_in_makes_version_two(school):
    essay = essay_assignment(school.classroom, allow_resubmission=True)
    submission = submitted_submission(essay, school.student)
    submission = _save(submission, essay_text(15))
    version = _submit(submission)
    assert version.number == 2
    assert [v.number for v in SubmissionVersion.objects.order_by("number")] == [1, 2]
    assert SubmissionVersion.objects.get(number=1).word_count == 10
    assert Submission.objects.get(pk=submission.pk).current_version == 2


def test_a_teachers_request_opens_the_draft_for_a_new_version(essay, school):
    submission = submitted_submission(essay, school.student)
    submission = submission_request_resubmission(submission=submission)
    assert submission.status == SubmissionStatus.RESUBMISSION_REQUESTED
    with pytest.raises(ValidationError) as error:
        _submit(submission)  # nothing changed since version 1
    assert _code(error.value) == "unchanged"
    submission = _save(submission, essay_text(16))
    assert _submit(submission).number == 2
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SUBMITTED


def test_a_returned_essay_stays_read_only(essay, school):
    submission = submission_return(submission=submitted_submission(essay, school.student))
    with pytest.raises(SubmissionLocked):
        _save(submission, essay_text(15))


def test_a_draft_cannot_be_returned_or_sent_back(submission):
    for service in (submission_return, submission_request_resubmission):
        with pytest.raises(ValidationError):
            service(submission=submission)


# --- Versions are immutable ---------------------------------------------------------------------


@pytest.fixture
def version(essay, school):
    return submitted_submission(essay, school.student).versions.get()


def test_a_version_cannot_be_saved_again(version):
    version.text = "Rewritten after the fact."
    with pytest.raises(ValidationError):
        version.save()
    assert SubmissionVersion.objects.get(pk=version.pk).text != "Rewritten after the fact."


def test_a_version_cannot_be_deleted_one_by_one_or_in_bulk(version):
    with pytest.raises(ValidationError):
        version.delete()
    with pytest.raises(ValidationError):
        SubmissionVersion.objects.all().delete()
    with pytest.raises(ValidationError):
        SubmissionVersion.objects.filter(pk=version.pk).update(text="Rewritten.")
    assert SubmissionVersion.objects.filter(pk=version.pk, text=version.text).exists()


def test_the_database_refuses_to_update_a_version(version):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE courseware_submissionversion SET text = %s WHERE id = %s",
            ["Rewritten in SQL.", version.pk],
        )
    assert SubmissionVersion.objects.get(pk=version.pk).text == version.text


def test_a_submission_with_versions_cannot_be_deleted(version):
    with pytest.raises(ProtectedError):
        version.submission.delete()


# --- Teaching rules that count essays -----------------------------------------------------------


def test_an_essay_with_a_started_draft_cannot_change_its_prompt(submission, essay):
    with pytest.raises(ValidationError) as error:
        assignment_update(
            assignment=essay, target=EssayPromptFactory(course=essay.classroom.course)
        )
    assert "already started" in " ".join(error.value.messages)
