"""The writing process: how an essay grew, as evidence a teacher may look at and the student sees.

``WritingHistory`` is one essay's record: the text when recording began and, for each autosave
after it, a compact delta to the next text (diff-match-patch's delta format, see
``courseware.services.process``), with the writer's typing, deletion and paste events, the
sessions they wrote in and where each paste came from. It is stored as one zlib-compressed
JSON document with a bounded number of steps (older steps are coalesced), so an essay of
50,000 words written over weeks still loads at once. It belongs to the essay: deleting the
submission deletes it, and nothing in it leaves Lectern.

Evidence is advisory: nothing here changes a mark, and the student can see what the teacher
sees. A teacher can record that a student writes with an accommodation (dictation or other
assistive software), so text that appears in bursts is not flagged (``WritingAccommodation``).

``ProcessSettings`` holds an assignment's choices for the process features: how many citation
coach checks a student may run per version, and whether feedback is read (and answered) before
the mark is shown. ``CoachCheck`` records that the coach ran (when, how many notes), not what it
said.
"""

from __future__ import annotations

import json
import zlib

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from courseware.models.submissions import Submission
from courseware.models.teaching import Assignment, Classroom

HISTORY_FORMAT = 1


def empty_history(*, base: str, at: int) -> dict:
    """A history that begins with ``base`` at epoch second ``at``."""
    return {
        "v": HISTORY_FORMAT,
        "base": base,
        "base_t": at,
        # [epoch second, draft revision after the step, delta from the text before]
        "steps": [],
        # {"t", "chars", "text", "source", ...}: see services.process.classify_paste
        "pastes": [],
        # [epoch second, characters that appeared without typing or pasting]
        "bursts": [],
        # [first second, last second, active seconds]
        "sessions": [],
        "typed": 0,
        "deleted": 0,
        "coalesced": 0,
    }


class WritingHistory(models.Model):
    """How one essay grew: see the module's docstring; the document's shape is
    ``empty_history``. The counts beside the document are what lists show without opening it.
    """

    submission = models.OneToOneField(
        Submission,
        # The history is part of the essay: it goes when the essay goes.
        on_delete=models.CASCADE,
        related_name="writing_history",
        verbose_name=_("submission"),
    )
    data = models.BinaryField(_("history (compressed)"))
    size = models.PositiveIntegerField(_("stored bytes"), default=0)
    step_count = models.PositiveIntegerField(_("steps"), default=0)
    paste_count = models.PositiveIntegerField(_("pastes"), default=0)
    flagged_paste_count = models.PositiveIntegerField(
        _("pastes to look at"),
        default=0,
        help_text=_("Pastes from another student's essay or from outside the course."),
    )
    burst_count = models.PositiveIntegerField(_("bursts"), default=0)
    session_count = models.PositiveIntegerField(_("sessions"), default=0)
    active_seconds = models.PositiveIntegerField(_("time on task (s)"), default=0)
    started_at = models.DateTimeField(_("recording began"))
    updated_at = models.DateTimeField(_("last recorded"))

    class Meta:
        verbose_name = _("writing history")
        verbose_name_plural = _("writing histories")

    def __str__(self) -> str:
        return f"{self.submission} — history"

    def load(self) -> dict:
        """The history document."""
        return json.loads(zlib.decompress(bytes(self.data)))

    def store(self, document: dict) -> None:
        """Compress ``document`` into ``data`` (the caller saves)."""
        self.data = zlib.compress(
            json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6
        )
        self.size = len(self.data)


class WritingAccommodation(models.Model):
    """A student of a class writes with dictation or other assistive software: text that
    appears in bursts is expected, and not flagged."""

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="+", verbose_name=_("class")
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("student"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("writing accommodation")
        verbose_name_plural = _("writing accommodations")
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "student"], name="courseware_accommodation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.classroom}"


class ProcessSettings(models.Model):
    """An assignment's choices for the writing-process features (defaults when absent)."""

    DEFAULT_COACH_CHECKS = 3

    assignment = models.OneToOneField(
        Assignment,
        on_delete=models.CASCADE,
        related_name="process_settings",
        verbose_name=_("assignment"),
    )
    coach_checks = models.PositiveSmallIntegerField(
        _("citation coach checks per version"),
        default=DEFAULT_COACH_CHECKS,
        validators=[MaxValueValidator(10)],
        help_text=_("How many times a student may check their citations before each hand-in."),
    )
    feedback_first = models.BooleanField(
        _("feedback first"),
        default=False,
        help_text=_(
            "Students read the comments and write a short response before they see the mark."
        ),
    )

    class Meta:
        verbose_name = _("writing process settings")
        verbose_name_plural = _("writing process settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(coach_checks__lte=10), name="courseware_process_coach_lte_10"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment} — process"


class CoachCheck(models.Model):
    """The citation coach ran on a draft: when, for which version to come, how many notes it
    gave. What it said is the student's alone."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="coach_checks",
        verbose_name=_("submission"),
    )
    version_number = models.PositiveIntegerField(_("for version"))
    revision = models.PositiveIntegerField(_("draft revision"))
    notes = models.PositiveIntegerField(_("notes given"), default=0)
    ran_at = models.DateTimeField(_("ran at"))

    class Meta:
        verbose_name = _("citation coach check")
        verbose_name_plural = _("citation coach checks")
        ordering = ["submission", "ran_at"]
        indexes = [
            models.Index(fields=["submission", "version_number"], name="courseware_coach_version")
        ]

    def __str__(self) -> str:
        return f"{self.submission} — coach for v{self.version_number}"


class FeedbackResponse(models.Model):
    """A student's response to a returned version's feedback: what they will do next. On an
    assignment with "feedback first" it is written before the mark is shown."""

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="feedback_responses",
        verbose_name=_("submission"),
    )
    version_number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("response"), max_length=4000)
    written_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("feedback response")
        verbose_name_plural = _("feedback responses")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "version_number"], name="courseware_feedbackresponse_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission} — response to v{self.version_number}"
