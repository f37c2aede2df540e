"""Help requests: a student asks their teachers for help with a piece of work.

A request belongs to one assignment (a reading, an essay or a quiz) and one student, and may
point at a paragraph of a reading (``[[slug#p-N]]``). The class's teachers reply (each reply is
appended, never edited) and mark it resolved. Only the student and the class's teachers see it.
The text is plain text, escaped wherever it is shown, like a marker's comments.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courseware.models.content import Paragraph
from courseware.models.teaching import Assignment

HELP_TEXT_MAX_CHARS = 2000


class HelpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class HelpRequest(models.Model):
    """A student's question to their teachers about one assignment."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="help_requests",
        verbose_name=_("assignment"),
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="help_requests",
        verbose_name=_("student"),
    )
    text = models.TextField(_("question"), max_length=HELP_TEXT_MAX_CHARS)
    paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paragraph asked about"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=HelpStatus, default=HelpStatus.OPEN
    )
    created_at = models.DateTimeField(_("asked at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["assignment", "status"], name="cw_help_by_assignment"),
            models.Index(fields=["student", "-created_at"], name="cw_help_by_student"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=HelpStatus.values),
                name="courseware_help_status_valid",
            ),
            # Resolved requests say when; open ones do not.
            models.CheckConstraint(
                condition=models.Q(status=HelpStatus.RESOLVED, resolved_at__isnull=False)
                | models.Q(status=HelpStatus.OPEN, resolved_at__isnull=True),
                name="courseware_help_resolved_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.assignment}"

    def get_absolute_url(self) -> str:
        return reverse("courseware:help-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == HelpStatus.OPEN


class HelpReply(models.Model):
    """A teacher's answer to a help request; appended, never edited."""

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="replies", verbose_name=_("request")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("reply"), max_length=HELP_TEXT_MAX_CHARS)
    created_at = models.DateTimeField(_("replied at"))

    class Meta:
        verbose_name = _("help reply")
        verbose_name_plural = _("help replies")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author} → {self.help_request}"
