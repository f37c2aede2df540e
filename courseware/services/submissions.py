"""Writes for essay submissions: the only code that starts, saves, submits or changes the status
of a ``Submission`` and the only code that writes a ``SubmissionVersion``.

Student work is never lost or overwritten silently:

- every draft save names the revision it was based on; a save based on an older revision than
  the stored one is refused with ``StaleRevision``, which carries the newer text so the writer
  can choose. A stale save of exactly the stored text is no conflict and succeeds (a retried
  save whose answer was lost);
- submitting writes an immutable, numbered ``SubmissionVersion`` of the text at the revision the
  student saw. Submitting the same revision again (a double click, a retried request) returns
  that version and changes nothing;
- every refusal raises ``ValidationError`` with a message a student can act on, and changes
  nothing.

Rules: an essay between ``min_words`` and ``max_words`` of its prompt (inclusive, counted by
``count_words``; no margin over the maximum, because the editor shows the same count live)
and at most ``MAX_ESSAY_WORDS`` words and ``MAX_ESSAY_BYTES`` bytes for any draft; an honesty
declaration on every hand-in; nothing handed in before the assignment opens or after the
student's cut-off (``courseware.timing.deadline_for``, extensions included), with minutes late
recorded from it. Drafts may still be saved after the cut-off, so a student typing as it passes
keeps every word; they cannot hand it in without an extension. Once submitted, the draft is
read-only unless the assignment allows resubmission or a teacher asked for one.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from courseware.models import (
    Assignment,
    AssignmentKind,
    Extension,
    Membership,
    MembershipRole,
    NotificationKind,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from courseware.rendering import count_words
from courseware.services.notifications import event_record
from courseware.services.originality import originality_report_request, peer_index_add
from courseware.services.process import writing_history_record_safely
from courseware.timing import DeadlineState, deadline_for

if TYPE_CHECKING:
    from accounts.models import User

MAX_ESSAY_WORDS = 50_000
MAX_ESSAY_BYTES = 1_000_000  # about 150,000 words of English; a cap on pasted non-text too
# A submission's assignment and student never change once it exists, so saves do not re-check
# that they exist (two queries on every autosave). Uniqueness and constraints are the database's.
FIXED = ["assignment", "student"]


class StaleRevision(ValidationError):
    """A save or submit was based on an older revision than the stored draft.

    ``submission`` is the stored state (newer text, revision and time), offered back to the
    writer so they choose what to keep.
    """

    def __init__(self, submission: Submission):
        super().__init__(
            _(
                "This essay was changed somewhere else (another tab or device) since you last "
                "saved. Nothing was overwritten: choose which text to keep."
            ),
            code="stale",
        )
        self.submission = submission


class SubmissionLocked(ValidationError):
    """The essay has been handed in and may not be changed now."""


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _refuse_field(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def check_essay_size(text: str) -> None:
    """Refuse text that cannot be stored as an essay: over the size limits, or not text."""
    if "\x00" in text:
        raise _refuse(_("The essay contains a NUL character, which cannot be saved."), "invalid")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise _refuse(
            _("The essay contains characters that are not valid text and cannot be saved."),
            "invalid",
        ) from None
    if size > MAX_ESSAY_BYTES:
        raise _refuse(
            _("The essay is %(size)s KB; essays are limited to %(limit)s KB.")
            % {"size": f"{size / 1000:,.0f}", "limit": f"{MAX_ESSAY_BYTES // 1000:,}"},
            "too_large",
        )
    words = count_words(text)
    if words > MAX_ESSAY_WORDS:
        raise _refuse(
            _("The essay has %(words)s words; essays are limited to %(limit)s words.")
            % {"words": f"{words:,}", "limit": f"{MAX_ESSAY_WORDS:,}"},
            "too_large",
        )


def _ensure_student_of_class(*, assignment: Assignment, student: User) -> None:
    if not Membership.objects.filter(
        classroom=assignment.classroom_id, user=student, role=MembershipRole.STUDENT
    ).exists():
        raise _refuse(_("Only students of the class write its essays."), "not_student")


def _ensure_available(assignment: Assignment) -> None:
    # A source-analysis task's answers are written, saved and handed in as an essay is.
    if assignment.kind not in (AssignmentKind.ESSAY, AssignmentKind.ANALYSIS):
        raise _refuse(_("This assignment is not an essay."), "not_essay")
    if assignment.withdrawn_at is not None:
        raise _refuse(_("This essay has been withdrawn by your teacher."), "withdrawn")
    if assignment.classroom.is_archived:
        raise _refuse(
            _("%(name)s is archived: nothing in it can be changed.")
            % {"name": assignment.classroom.name},
            "archived",
        )


def _deadline(*, assignment: Assignment, student: User, now: datetime):
    extension = Extension.objects.filter(assignment=assignment, student=student).first()
    return deadline_for(assignment=assignment, extension=extension, now=now)


def _ensure_editable(submission: Submission) -> None:
    if not submission.is_editable:
        raise SubmissionLocked(
            _("This essay has been handed in (version %(number)s) and can no longer be changed.")
            % {"number": submission.current_version},
            code="submitted",
        )


def _locked(submission: Submission) -> Submission:
    """The submission re-read under a row lock: saves and submits of one essay take turns."""
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related(
            "assignment__classroom",
            "assignment__prompt",
            "assignment__analysis_task",
            "student",
        )
        .get(pk=submission.pk)
    )


# --- Starting -----------------------------------------------------------------------------------


@transaction.atomic
def submission_start(*, assignment: Assignment, student: User, now: datetime) -> Submission:
    """The student's submission for an essay assignment, made empty if they have none yet.

    Starting is refused before the essay opens and after the student's cut-off; a submission
    that exists is returned whatever the date.
    """
    existing = Submission.objects.filter(assignment=assignment, student=student).first()
    if existing is not None:
        return existing
    _ensure_available(assignment)
    _ensure_student_of_class(assignment=assignment, student=student)
    deadline = _deadline(assignment=assignment, student=student, now=now)
    if deadline.state == DeadlineState.NOT_OPEN:
        raise _refuse(_("This essay has not opened yet."), "not_open")
    if deadline.state == DeadlineState.CLOSED:
        raise _refuse(
            _("This essay closed at its cut-off; ask your teacher if you need an extension."),
            "closed",
        )
    submission = Submission(assignment=assignment, student=student)
    submission.full_clean(validate_unique=False, validate_constraints=False)
    try:
        # A savepoint, so that losing a race with a second tab leaves the transaction usable.
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        return Submission.objects.get(assignment=assignment, student=student)
    return submission


# --- Drafts -------------------------------------------------------------------------------------


def _write_draft(*, submission: Submission, text: str, revision: int, now: datetime) -> bool:
    """Store ``text`` as the draft if it was based on the stored revision; False if the stored
    text is already exactly this."""
    if text == submission.draft_text:
        return False
    if revision != submission.revision:
        raise StaleRevision(submission)
    _ensure_editable(submission)
    check_essay_size(text)
    submission.draft_text = text
    submission.revision += 1
    submission.draft_saved_at = now
    submission.word_count = count_words(text)
    submission.full_clean(exclude=FIXED, validate_unique=False, validate_constraints=False)
    submission.save(update_fields=["draft_text", "revision", "draft_saved_at", "word_count"])
    return True


@transaction.atomic
def submission_draft_save(
    *,
    submission: Submission,
    text: str,
    revision: int,
    by: User,
    now: datetime,
    events: list[dict] | None = None,
    sent_at: int | None = None,
) -> Submission:
    """Save the draft the writer based on ``revision``; the stored revision goes up by one.

    Refused with ``StaleRevision`` (carrying the newer text) when ``revision`` is not the stored
    one and the text differs from the stored text. Saving the stored text again changes nothing.
    The change (and the editor's ``events`` since its last save, timed by its clock at
    ``sent_at``) is added to the essay's writing history.
    """
    submission = _locked(submission)
    if submission.student_id != by.pk:
        raise _refuse(_("Only the student who writes an essay saves it."), "not_writer")
    _ensure_available(submission.assignment)
    _ensure_student_of_class(assignment=submission.assignment, student=by)
    before = submission.draft_text
    if _write_draft(submission=submission, text=text, revision=revision, now=now) or events:
        writing_history_record_safely(
            submission=submission,
            before=before,
            after=submission.draft_text,
            events=events or [],
            sent_at=sent_at,
            now=now,
        )
    return submission


# --- Submitting ---------------------------------------------------------------------------------


def _check_answers(*, submission: Submission) -> None:
    """A source-analysis task is handed in with every prompt answered."""
    task = submission.assignment.analysis_task
    answers = task.parse(submission.draft_text)
    missing = [field["label"] for field in task.fields if not answers[field["key"]].strip()]
    if missing:
        raise _refuse_field(
            "text",
            _("Answer every prompt before you hand it in; still empty: %(missing)s.")
            % {"missing": ", ".join(missing)},
            "unanswered",
        )


def _check_word_limits(*, submission: Submission, words: int) -> None:
    if submission.assignment.kind == AssignmentKind.ANALYSIS:
        _check_answers(submission=submission)
        return
    prompt = submission.assignment.prompt
    if words == 0:
        raise _refuse_field("text", _("Write your essay before you hand it in."), "too_short")
    if words < prompt.min_words:
        raise _refuse_field(
            "text",
            _("Your essay has %(words)s words; it needs at least %(min)s. Nothing was handed in.")
            % {"words": words, "min": prompt.min_words},
            "too_short",
        )
    if words > prompt.max_words:
        raise _refuse_field(
            "text",
            _(
                "Your essay has %(words)s words; the limit is %(max)s. Cut %(over)s words and "
                "hand it in again. Nothing was handed in."
            )
            % {"words": words, "max": prompt.max_words, "over": words - prompt.max_words},
            "too_long",
        )


@transaction.atomic
def submission_submit(
    *,
    submission: Submission,
    revision: int,
    honesty_declared: bool,
    by: User,
    now: datetime,
    text: str | None = None,
) -> SubmissionVersion:
    """Hand in the essay as the student saw it at ``revision``: a new immutable version.

    With ``text`` (a form that posts the text it shows) the text is saved as the draft first,
    under the same revision check as a draft save. Submitting a revision that was already handed
    in returns that version and changes nothing, so a double click submits once.
    """
    submission = _locked(submission)
    if submission.student_id != by.pk:
        raise _refuse(_("Only the student who writes an essay hands it in."), "not_writer")
    assignment = submission.assignment
    _ensure_available(assignment)
    _ensure_student_of_class(assignment=assignment, student=by)
    if text is not None:
        before = submission.draft_text
        if _write_draft(submission=submission, text=text, revision=revision, now=now):
            writing_history_record_safely(
                submission=submission, before=before, after=text, events=[], sent_at=None, now=now
            )
    elif revision != submission.revision:
        raise StaleRevision(submission)

    latest = submission.versions.order_by("-number").first()
    if latest is not None and latest.revision == submission.revision:
        if submission.status == SubmissionStatus.RESUBMISSION_REQUESTED:
            raise _refuse_field(
                "text",
                _(
                    "Version %(number)s already has this text. Revise your essay before you "
                    "hand it in again."
                )
                % {"number": latest.number},
                "unchanged",
            )
        return latest
    _ensure_editable(submission)
    if not honesty_declared:
        raise _refuse_field(
            "honesty",
            _("Confirm that the essay is your own work before you hand it in."),
            "honesty",
        )
    deadline = _deadline(assignment=assignment, student=by, now=now)
    if deadline.state == DeadlineState.NOT_OPEN:
        raise _refuse(_("This essay has not opened yet; it cannot be handed in."), "not_open")
    if deadline.state == DeadlineState.CLOSED:
        raise _refuse(
            _(
                "The cut-off for this essay has passed, so it can no longer be handed in. "
                "Your draft is kept; ask your teacher if you need an extension."
            ),
            "closed",
        )
    text = submission.draft_text
    words = count_words(text)
    _check_word_limits(submission=submission, words=words)

    version = SubmissionVersion(
        submission=submission,
        number=submission.current_version + 1,
        revision=submission.revision,
        text=text,
        word_count=words,
        submitted_at=now,
        late_minutes=deadline.minutes_late,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    version.full_clean(exclude=["submission"], validate_unique=False, validate_constraints=False)
    version.save()
    submission.status = SubmissionStatus.SUBMITTED
    submission.current_version = version.number
    submission.submitted_at = now
    submission.late_minutes = deadline.minutes_late
    submission.honesty_declared_at = now
    submission.full_clean(exclude=FIXED, validate_unique=False, validate_constraints=False)
    submission.save(
        update_fields=[
            "status",
            "current_version",
            "submitted_at",
            "late_minutes",
            "honesty_declared_at",
        ]
    )
    version.submission = submission
    peer_index_add(version=version)  # in this transaction: the index holds what was handed in
    # Runs once this transaction commits. Queued at the clock's time, not the hand-in's: whether a
    # queued check has stalled is judged by the clock (a hand-in recorded as of an earlier moment,
    # as the demo's are, must not look stalled when its check starts).
    originality_report_request(version=version)
    event_record(
        kind=NotificationKind.HANDED_IN,
        now=now,
        actor=by,
        assignment=assignment,
        submission=submission,
        data={"late": deadline.minutes_late > 0, "version": version.number},
    )
    return version


# --- After submitting (set by marking) ---------------------------------------------------------


@transaction.atomic
def submission_return(*, submission: Submission) -> Submission:
    """Mark a handed-in essay as returned to its student; its draft stays read-only."""
    submission = _locked(submission)
    if not submission.is_submitted:
        raise _refuse(_("Only a handed-in essay can be returned."), "not_submitted")
    submission.status = SubmissionStatus.RETURNED
    submission.full_clean(exclude=FIXED, validate_unique=False, validate_constraints=False)
    submission.save(update_fields=["status"])
    return submission


@transaction.atomic
def submission_request_resubmission(*, submission: Submission) -> Submission:
    """Ask the student to revise a handed-in essay: the draft opens again, and the next hand-in
    makes a new version."""
    submission = _locked(submission)
    if not submission.is_submitted:
        raise _refuse(
            _("Only a handed-in essay can be sent back for resubmission."), "not_submitted"
        )
    submission.status = SubmissionStatus.RESUBMISSION_REQUESTED
    submission.full_clean(exclude=FIXED, validate_unique=False, validate_constraints=False)
    submission.save(update_fields=["status"])
    return submission
