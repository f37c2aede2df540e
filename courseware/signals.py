"""Keep a reading's ``updated_at`` moving with everything its page draws.

The reading page keeps each reading's rendered text in the cache under the reading's
``updated_at`` (``courseware.views.reading_text``). An import saves the reading itself; an
editorial note, added or changed through its service or the admin, touches the reading here.
Sections, paragraphs and notes change only by import (the admin shows them read-only).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from courseware.models import EditorialNote, Reading


@receiver(post_save, sender=EditorialNote, dispatch_uid="editorial-note-saved")
@receiver(post_delete, sender=EditorialNote, dispatch_uid="editorial-note-deleted")
def _editorial_note_changed(sender, instance: EditorialNote, raw: bool = False, **kwargs) -> None:
    if raw:  # loading fixtures: the reading's own row comes with its own date
        return
    Reading.objects.filter(pk=instance.reading_id).update(updated_at=timezone.now())


# --- LTI grade passback ---------------------------------------------------------------------------
# A grade released (the feedback-released event) or changed after release, and a quiz attempt
# handed in (its result is the student's at once), are queued for the LMS in the same
# transaction, so a crash between the two cannot lose them.


def _lti_passback_on_release(sender, instance, created: bool = False, raw: bool = False, **kwargs):
    from courseware.models import NotificationKind
    from courseware.services.integrations import lti_score_post_queue

    if raw or not created or instance.kind != NotificationKind.FEEDBACK_RELEASED:
        return
    if instance.submission_id is not None:
        lti_score_post_queue(submission=instance.submission, now=instance.occurred_at)


def _lti_passback_on_change(sender, instance, created: bool = False, raw: bool = False, **kwargs):
    from courseware.models import GradeChangeKind
    from courseware.services.integrations import lti_score_post_queue

    if raw or not created or instance.kind != GradeChangeKind.UPDATED:
        return
    grade = instance.grade
    if grade.released_at is not None:
        lti_score_post_queue(submission=grade.submission, now=instance.changed_at)


def _lti_passback_on_quiz(sender, instance, created: bool = False, raw: bool = False, **kwargs):
    from courseware.models import AssignmentKind, NotificationKind
    from courseware.services.integrations import lti_quiz_score_post_queue

    if raw or not created or instance.kind != NotificationKind.HANDED_IN:
        return
    # An essay's hand-in has a submission and waits for its grade's release.
    if instance.submission_id is not None or instance.assignment_id is None:
        return
    if instance.assignment.kind == AssignmentKind.QUIZ and instance.subject_id is not None:
        lti_quiz_score_post_queue(
            assignment=instance.assignment, student=instance.subject, now=instance.occurred_at
        )


post_save.connect(
    _lti_passback_on_release, sender="courseware.Event", dispatch_uid="lti-passback-release"
)
post_save.connect(
    _lti_passback_on_change, sender="courseware.GradeChange", dispatch_uid="lti-passback-change"
)
post_save.connect(
    _lti_passback_on_quiz, sender="courseware.Event", dispatch_uid="lti-passback-quiz"
)
