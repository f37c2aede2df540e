"""Originality reports: each handed-in version checked against the readings and other essays.

A report is one run of the check on one ``SubmissionVersion``. Re-checking appends a new run
(``run`` 2, 3, …) instead of rewriting the old one, so what a teacher saw stays as it was; the
latest run is the version's report. While it runs the worker moves it from queued to running
(with ``progress`` in percent) to done or failed.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courseware.models.content import Paragraph
from courseware.models.submissions import SubmissionVersion

STALLED_AFTER = timedelta(minutes=15)


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MatchKind(models.TextChoices):
    QUOTED_CITED = "quoted_cited", _("Quoted and cited")
    MISQUOTED = "misquoted", _("Misquoted")
    WRONG_PARAGRAPH = "wrong_paragraph", _("Cited paragraph does not contain the quote")
    UNATTRIBUTED = "unattributed", _("Unattributed copying")
    PEER_OVERLAP = "peer_overlap", _("Overlap with another student")


class OriginalityReport(models.Model):
    """One run of the originality check on a handed-in version.

    ``score`` is the percentage of the essay's words in unattributed, peer-overlap or
    misquoted matches (``courseware.originality.check``); it is set when the run is done.
    ``visible_to_student`` lets the student read their own report; a re-check keeps it.
    """

    version = models.ForeignKey(
        SubmissionVersion,
        on_delete=models.PROTECT,
        related_name="originality_reports",
        verbose_name=_("version"),
    )
    run = models.PositiveIntegerField(_("run"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    score = models.DecimalField(
        _("score (% of words)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    total_words = models.PositiveIntegerField(_("words checked"), default=0)
    flagged_words = models.PositiveIntegerField(_("words in flagged matches"), default=0)
    paragraphs_checked = models.PositiveIntegerField(_("reading paragraphs checked"), default=0)
    peers_checked = models.PositiveIntegerField(_("other essays checked"), default=0)
    candidates_aligned = models.PositiveIntegerField(
        _("candidates aligned"),
        default=0,
        help_text=_("Reading paragraphs and other essays compared word by word."),
    )
    visible_to_student = models.BooleanField(_("shown to the student"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("originality report")
        verbose_name_plural = _("originality reports")
        ordering = ["version", "-run"]
        constraints = [
            models.UniqueConstraint(fields=["version", "run"], name="courseware_origreport_run"),
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values),
                name="courseware_origreport_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="courseware_origreport_progress"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="courseware_origreport_score_range",
            ),
            # A finished run has a score; nothing else has one.
            models.CheckConstraint(
                condition=models.Q(status=ReportStatus.DONE, score__isnull=False)
                | (~models.Q(status=ReportStatus.DONE) & models.Q(score__isnull=True)),
                name="courseware_origreport_score_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} originality #{self.run}"

    def get_absolute_url(self) -> str:
        return reverse(
            "courseware:originality-report",
            kwargs={"pk": self.version.submission_id, "number": self.version.number},
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def is_stalled(self) -> bool:
        """Queued or running for longer than any check takes: its worker was killed or the
        broker lost the task. It is shown as failed, and a re-check replaces it."""
        if self.is_finished:
            return False
        since = self.started_at or self.requested_at
        return since is not None and timezone.now() - since > STALLED_AFTER


class OriginalityMatch(models.Model):
    """A classified stretch of the essay: characters ``[start, end)`` of the version's text,
    matched with characters ``[source_start, source_end)`` of a reading paragraph or of another
    student's version. ``source_excerpt`` keeps the matched source words as they were, so the
    report reads the same after a reading is re-imported. ``cited_paragraph`` is the paragraph
    the essay cited, for quotations."""

    report = models.ForeignKey(OriginalityReport, on_delete=models.CASCADE, related_name="matches")
    kind = models.CharField(_("kind"), max_length=20, choices=MatchKind)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    words = models.PositiveIntegerField(_("words"))
    similarity = models.FloatField(_("similarity"))
    paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reading paragraph"),
    )
    peer_version = models.ForeignKey(
        SubmissionVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("other student's version"),
    )
    source_start = models.PositiveIntegerField(_("source start"), default=0)
    source_end = models.PositiveIntegerField(_("source end"), default=0)
    source_excerpt = models.TextField(_("matched source words"), blank=True)
    cited_paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cited paragraph"),
    )
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("originality match")
        verbose_name_plural = _("originality matches")
        ordering = ["report", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=MatchKind.values),
                name="courseware_origmatch_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="courseware_origmatch_span"
            ),
            models.CheckConstraint(
                condition=models.Q(similarity__gte=0, similarity__lte=1),
                name="courseware_origmatch_similarity",
            ),
            models.CheckConstraint(
                condition=models.Q(paragraph__isnull=True) | models.Q(peer_version__isnull=True),
                name="courseware_origmatch_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start}–{self.end}"

    @property
    def is_scored(self) -> bool:
        return self.kind in (MatchKind.UNATTRIBUTED, MatchKind.PEER_OVERLAP, MatchKind.MISQUOTED)


class PeerIndexEntry(models.Model):
    """One LSH band key of a handed-in essay: the peer index a check looks candidates up in.

    Written once when a version is handed in (``services.originality.peer_index_add``): every
    band key of the essay's windows (``courseware.originality.check.stored_keys``) under the
    essay's prompt, the scope a report promises ("other students' essays on this question", in
    any class and year that sets the prompt). Only each submission's latest version is indexed:
    handing in again replaces the rows of the version before. ``student`` is kept on the row so
    that a check leaves out the writer's own essays without a join. Rows hold no text.
    """

    prompt = models.ForeignKey(
        "courseware.EssayPrompt",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the (prompt, key, …) index serves every lookup by prompt
        verbose_name=_("essay prompt"),
    )
    key = models.BigIntegerField(_("band key"))
    version = models.ForeignKey(
        SubmissionVersion,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("version"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("student"),
    )

    class Meta:
        verbose_name = _("peer index entry")
        verbose_name_plural = _("peer index entries")
        indexes = [
            # Covers the lookup (prompt, key → version, student) so it reads only the index.
            models.Index(
                fields=["prompt", "key", "version", "student"], name="courseware_peerindex_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version_id}: {self.key}"
