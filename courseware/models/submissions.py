"""Essay submissions: a student's draft of an essay assignment and the versions they hand in.

A ``Submission`` is the one piece of work a student has on an essay assignment: the draft they
are writing (saved with an increasing ``revision``, so a save from a stale tab is refused rather
than overwriting newer text) and where it stands: draft, submitted, returned, or returned with a
request to resubmit. Each hand-in appends a ``SubmissionVersion``, an immutable snapshot of the
text as it was submitted; versions are never updated or deleted.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courseware.models.teaching import Assignment


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    RESUBMISSION_REQUESTED = "resubmission_requested", _("Resubmission requested")


class Submission(models.Model):
    """A student's essay for one assignment: the draft being written and its hand-in status.

    ``revision`` counts the saves of ``draft_text``; a save names the revision it was based on
    and is refused when that is no longer the latest (optimistic concurrency). ``word_count`` is
    the draft's. ``submitted_at``, ``late_minutes`` and ``current_version`` describe the latest
    version handed in.
    """

    assignment = models.ForeignKey(
        Assignment,
        # Student work outlives nothing by accident: an assignment with work is withdrawn, not
        # deleted.
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("assignment"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("student"),
    )
    status = models.CharField(
        _("status"), max_length=24, choices=SubmissionStatus, default=SubmissionStatus.DRAFT
    )
    draft_text = models.TextField(_("draft"), blank=True)
    revision = models.PositiveIntegerField(
        _("revision"), default=0, help_text=_("How many times the draft has been saved.")
    )
    draft_saved_at = models.DateTimeField(_("draft saved at"), null=True, blank=True)
    word_count = models.PositiveIntegerField(_("words in the draft"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    late_minutes = models.PositiveIntegerField(_("minutes late"), default=0)
    honesty_declared_at = models.DateTimeField(_("honesty declared at"), null=True, blank=True)
    current_version = models.PositiveIntegerField(
        _("current version"), default=0, help_text=_("0 until it is first submitted.")
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["assignment", "student"]
        indexes = [
            # Counts the essays handed in on a prompt (an originality report's "other essays
            # checked") from the index alone, without reading the drafts' rows.
            models.Index(
                fields=["assignment", "current_version", "student"],
                name="courseware_submission_handed",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="courseware_submission_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SubmissionStatus.values),
                name="courseware_submission_status_valid",
            ),
            # A draft has never been handed in; anything else has a version, a time and a
            # declaration.
            models.CheckConstraint(
                condition=models.Q(
                    status=SubmissionStatus.DRAFT,
                    current_version=0,
                    submitted_at__isnull=True,
                )
                | (
                    ~models.Q(status=SubmissionStatus.DRAFT)
                    & models.Q(
                        current_version__gte=1,
                        submitted_at__isnull=False,
                        honesty_declared_at__isnull=False,
                    )
                ),
                name="courseware_submission_submitted_has_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} — {self.student}"

    def get_absolute_url(self) -> str:
        return reverse("courseware:submission-detail", kwargs={"pk": self.pk})

    @property
    def is_submitted(self) -> bool:
        return self.current_version > 0

    @property
    def is_editable(self) -> bool:
        """The draft may change before it is handed in, after a teacher asks for a
        resubmission, and while submitted on an assignment that allows resubmission."""
        if self.status in (SubmissionStatus.DRAFT, SubmissionStatus.RESUBMISSION_REQUESTED):
            return True
        return self.status == SubmissionStatus.SUBMITTED and self.assignment.allow_resubmission


class SubmissionVersionQuerySet(models.QuerySet):
    """Versions are appended, never changed: bulk updates and deletes are refused."""

    def update(self, **kwargs):
        raise ValidationError(_("Submitted versions cannot be changed."), code="immutable")

    def delete(self):
        raise ValidationError(_("Submitted versions cannot be deleted."), code="immutable")


class SubmissionVersion(models.Model):
    """The text of a submission exactly as it was handed in, numbered from 1.

    Immutable: written once by ``submission_submit`` and never updated or deleted (the model
    refuses, and the database refuses updates too). ``revision`` is the draft revision it was
    made from, so submitting the same revision twice (a double click) finds this version again
    instead of making another. ``sha256`` is the hash of the UTF-8 text, for the receipt.
    """

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="versions", verbose_name=_("submission")
    )
    number = models.PositiveIntegerField(_("version"))
    revision = models.PositiveIntegerField(_("draft revision"))
    text = models.TextField(_("text"))
    word_count = models.PositiveIntegerField(_("word count"))
    submitted_at = models.DateTimeField(_("submitted at"))
    late_minutes = models.PositiveIntegerField(_("minutes late"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    objects = SubmissionVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission version")
        verbose_name_plural = _("submission versions")
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "number"], name="courseware_submissionversion_number"
            ),
            models.UniqueConstraint(
                fields=["submission", "revision"], name="courseware_submissionversion_revision"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="courseware_submissionversion_number_gte_1"
            ),
            models.CheckConstraint(
                condition=Exact(Length("sha256"), 64), name="courseware_submissionversion_sha256"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Submitted versions cannot be changed."), code="immutable")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "courseware:submission-version",
            kwargs={"pk": self.submission_id, "number": self.number},
        )

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Submitted versions cannot be deleted."), code="immutable")

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]
