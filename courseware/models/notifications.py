"""Notifications: what happened that someone should hear about, and what each person was told.

A service that changes what someone should hear about records one ``Event`` in its own
transaction. Delivery reads events later, in Celery tasks: each recipient gets a
``Notification`` (the in-app centre, always on) and, as their ``NotificationPreference`` for the
kind says, an e-mail now or in their daily digest. Every e-mail is a ``Delivery`` row written and
committed *before* it is sent, under a unique key, so no retried task, restarted worker or second
beat process can send it twice. All of it lives in PostgreSQL, so any number of web nodes and
workers agree.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courseware.models.help import HelpRequest
from courseware.models.submissions import Submission
from courseware.models.teaching import Assignment, Classroom


class NotificationKind(models.TextChoices):
    WORK_SET = "work_set", _("Work set")
    DUE_SOON = "due_soon", _("Due in 24 hours")
    EXTENSION_GRANTED = "extension_granted", _("Extension granted")
    FEEDBACK_RELEASED = "feedback_released", _("Feedback released")
    RESUBMISSION_REQUESTED = "resubmission_requested", _("Resubmission requested")
    ANNOUNCEMENT = "announcement", _("Class announcement")
    HANDED_IN = "handed_in", _("Work handed in (teachers)")
    ORIGINALITY_FLAGGED = (
        "originality_flagged",
        _("Essay flagged by originality check (teachers)"),
    )
    HELP_REQUESTED = "help_requested", _("A student asks for help (teachers)")
    HELP_ANSWERED = "help_answered", _("A teacher answered my request for help")
    INVITATION = "invitation", _("Invitation to set a password")


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("E-mail me straight away")
    DIGEST = "digest", _("Include in my daily digest")
    OFF = "off", _("No e-mail (in Lectern only)")


# What a person gets for a kind they have not chosen for. Teachers hear of hand-ins in one daily
# digest rather than thirty e-mails an evening.
# An originality flag is advisory evidence for the marking, not news to act on at once.
DEFAULT_FREQUENCY = {
    NotificationKind.HANDED_IN: Frequency.DIGEST,
    NotificationKind.ORIGINALITY_FLAGGED: Frequency.DIGEST,
}
# Kinds a person may choose a frequency for; an invitation is sent once, whatever the settings.
CHOOSABLE_KINDS = [kind for kind in NotificationKind if kind != NotificationKind.INVITATION]
# Who each kind can reach: a class's teachers, or one or all of its students. Announcements (in
# neither set) reach everyone in the class.
TEACHER_KINDS = frozenset(
    {
        NotificationKind.HANDED_IN,
        NotificationKind.ORIGINALITY_FLAGGED,
        NotificationKind.HELP_REQUESTED,
    }
)
STUDENT_KINDS = frozenset(
    {
        NotificationKind.WORK_SET,
        NotificationKind.DUE_SOON,
        NotificationKind.EXTENSION_GRANTED,
        NotificationKind.FEEDBACK_RELEASED,
        NotificationKind.RESUBMISSION_REQUESTED,
        NotificationKind.HELP_ANSWERED,
    }
)


def default_frequency(kind: str) -> str:
    return DEFAULT_FREQUENCY.get(kind, Frequency.IMMEDIATELY)


class Announcement(models.Model):
    """A short Markdown message from a teacher to one or more of their classes."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="announcements",
        verbose_name=_("author"),
    )
    classrooms = models.ManyToManyField(
        Classroom, related_name="announcements", verbose_name=_("classes")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), help_text=_("Markdown."))
    created_at = models.DateTimeField(_("posted at"))

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Event(models.Model):
    """Something happened that people should hear about; recorded by the service that did it.

    ``deliver_after`` holds back news until it is true (work set to open next week is announced
    when it opens). ``key`` makes an event that scheduled work records (a reminder) unique, so
    two runs at once record it once. ``dispatched_at`` is set when its notifications exist.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind)
    occurred_at = models.DateTimeField(_("occurred at"))
    deliver_after = models.DateTimeField(_("deliver after"))
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    key = models.CharField(_("key"), max_length=200, null=True, blank=True, unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Whom it concerns when that is one person (the student of a grade, the new account).
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["occurred_at", "pk"]
        indexes = [
            models.Index(
                fields=["deliver_after"],
                condition=models.Q(dispatched_at__isnull=True),
                name="cw_event_undispatched",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values),
                name="courseware_event_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Notification(models.Model):
    """One person's copy of an event: the in-app notification centre lists these."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set when it has gone out by e-mail, alone or in a digest; a digest takes the rest.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="cw_notification_inbox"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="cw_notification_unread",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event"], name="courseware_notification_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """How one person wants to hear of one kind of news by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind)
    frequency = models.CharField(_("e-mail"), max_length=16, choices=Frequency)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="courseware_preference_unique"),
            models.CheckConstraint(
                condition=models.Q(frequency__in=Frequency.values),
                name="courseware_preference_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.kind}: {self.frequency}"


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One e-mail to one person, recorded before it is sent.

    ``key`` names what it carries (``event:12``, ``digest:2026-03-05``); the unique constraint on
    recipient and key is what makes sending idempotent. A row left ``sending`` by a worker that
    died mid-send is not sent again: better one lost reminder than two.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deliveries"
    )
    key = models.CharField(_("key"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32)
    subject = models.CharField(_("subject"), max_length=300)
    status = models.CharField(_("status"), max_length=16, choices=DeliveryStatus)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="courseware_delivery_once_per_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient}"


class CalendarFeed(models.Model):
    """A private, revocable calendar URL: a person's own deadlines, or one class's."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("owner"),
    )
    classroom = models.ForeignKey(
        Classroom,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("class"),
    )
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True, classroom__isnull=True),
                name="courseware_calendar_one_personal_feed",
            ),
            models.UniqueConstraint(
                fields=["user", "classroom"],
                condition=models.Q(revoked_at__isnull=True, classroom__isnull=False),
                name="courseware_calendar_one_class_feed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.classroom or ''}".strip()
