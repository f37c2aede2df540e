"""Writes for notifications: recording events, turning them into notifications, sending e-mail
exactly once, preferences, unsubscribing, calendar feeds and announcements.

Services elsewhere call ``event_record`` inside their own transaction; nothing is sent from a
request. ``event_dispatch`` (run by a Celery task once the event's transaction commits, and again
by the schedule for anything missed) makes each recipient's in-app notification and sends the
e-mails of those who want them straight away. Every e-mail goes through ``_email_once``: its
``Delivery`` row is committed before the message is handed to the mail server, and the row's
unique key means that a retried task, a restarted worker or a second beat process finds it and
sends nothing.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.tokens import invitation_token_generator
from courseware import permissions
from courseware.models import (
    Announcement,
    CalendarFeed,
    Classroom,
    Delivery,
    DeliveryStatus,
    Event,
    Frequency,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from courseware.models.notifications import CHOOSABLE_KINDS
from courseware.selectors import notifications as selectors

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "lectern.notifications.unsubscribe"


# --- Recording ---------------------------------------------------------------------------------


def event_record(
    *,
    kind: str,
    now: datetime,
    deliver_after: datetime | None = None,
    actor: User | None = None,
    subject: User | None = None,
    classroom: Classroom | None = None,
    assignment=None,
    submission=None,
    announcement: Announcement | None = None,
    help_request=None,
    data: dict | None = None,
    key: str | None = None,
) -> Event:
    """Record that something happened, in the caller's transaction, and deliver it once that
    commits (and no earlier than ``deliver_after``)."""
    event = Event.objects.create(
        kind=kind,
        occurred_at=now,
        deliver_after=max(now, deliver_after or now),
        actor=actor,
        subject=subject,
        classroom=classroom or (assignment.classroom if assignment is not None else None),
        assignment=assignment,
        submission=submission,
        announcement=announcement,
        help_request=help_request,
        data=data or {},
        key=key,
    )
    if event.deliver_after <= now:
        transaction.on_commit(lambda: _enqueue(event.pk))
    return event


def _enqueue(event_id: int) -> None:
    """Deliver an event in the background. A broker that cannot be reached loses nothing: the
    scheduled dispatch picks the event up."""
    from courseware.tasks import notifications_dispatch  # tasks import this module

    try:
        notifications_dispatch.delay(event_id)
    except Exception:
        logger.exception("Event %s could not be queued; the schedule will deliver it", event_id)


# --- Messages ----------------------------------------------------------------------------------


def _local(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "l j F Y, g:i A")


def _feedback_first(event: Event) -> bool:
    """Whether the event's assignment shows its mark after the student's response (one query,
    remembered on the event)."""
    if not hasattr(event, "_feedback_first"):
        from courseware.selectors.process import process_settings_for

        event._feedback_first = process_settings_for(assignment=event.assignment).feedback_first
    return event._feedback_first


def _message(event: Event) -> tuple[str, str]:
    """A notification's title and link (a path within the site)."""
    kind = event.kind
    assignment = event.assignment
    if kind == NotificationKind.ANNOUNCEMENT:
        announcement = event.announcement
        return (
            _("Announcement: %(title)s") % {"title": announcement.title},
            reverse("courseware:announcement-detail", kwargs={"pk": announcement.pk}),
        )
    if kind == NotificationKind.INVITATION:
        return _("You are invited to Lectern"), ""
    names = {"title": assignment.title, "class": assignment.classroom.name}
    if kind == NotificationKind.WORK_SET:
        names["due"] = _local(assignment.due_at)
        title = _("New work in %(class)s: %(title)s, due %(due)s") % names
    elif kind == NotificationKind.DUE_SOON:
        names["due"] = _local(datetime.fromisoformat(event.data["due_at"]))
        title = _("Due within a day: %(title)s (%(class)s), due %(due)s") % names
    elif kind == NotificationKind.EXTENSION_GRANTED:
        names["due"] = _local(datetime.fromisoformat(event.data["due_at"]))
        title = _("Extension granted for %(title)s: now due %(due)s") % names
    elif kind == NotificationKind.FEEDBACK_RELEASED:
        if _feedback_first(event):
            # The mark waits for the student's response, so the message does not promise it.
            title = _("Feedback is ready on %(title)s: read it and write your response") % names
        else:
            title = _("Feedback is ready on %(title)s") % names
        return title, reverse("courseware:feedback", kwargs={"pk": event.submission_id})
    elif kind == NotificationKind.RESUBMISSION_REQUESTED:
        title = _("Please revise and hand in %(title)s again") % names
        return title, reverse("courseware:feedback", kwargs={"pk": event.submission_id})
    elif kind == NotificationKind.HANDED_IN:
        if event.data.get("late"):
            title = _("Handed in late: %(title)s (%(class)s)") % names
        else:
            title = _("Handed in: %(title)s (%(class)s)") % names
        if event.submission_id is None:  # a quiz: its results are on the assignment's page
            return title, assignment.get_absolute_url()
        return title, reverse("courseware:marking-queue", kwargs={"pk": assignment.pk})
    elif kind == NotificationKind.ORIGINALITY_FLAGGED:
        # No name: the essay may be marked anonymously; the report says whose it is if allowed.
        names["score"] = event.data.get("score", "")
        title = (
            _("Originality check flagged an essay on %(title)s (%(class)s): %(score)s%%") % names
        )
        return title, reverse(
            "courseware:originality-report",
            kwargs={"pk": event.submission_id, "number": event.data["version"]},
        )
    elif kind == NotificationKind.HELP_REQUESTED:
        names["student"] = event.help_request.student.name
        title = _("%(student)s asks for help with %(title)s (%(class)s)") % names
        return title, event.help_request.get_absolute_url()
    elif kind == NotificationKind.HELP_ANSWERED:
        title = _("Your teacher answered your question on %(title)s") % names
        return title, event.help_request.get_absolute_url()
    else:  # pragma: no cover - every kind is named above
        raise ValueError(kind)
    return title, assignment.get_absolute_url()


def absolute(path: str) -> str:
    return f"{settings.LECTERN_SITE_URL}{path}" if path else ""


# --- Delivering --------------------------------------------------------------------------------


def event_dispatch(*, event_id: int, now: datetime) -> int:
    """Make an event's notifications (once) and send its immediate e-mails (once each).

    Returns how many e-mails this call sent. Safe to run any number of times, at once or after
    a crash: notifications are unique per recipient and event, e-mails per recipient and key.
    """
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "assignment__classroom",
                "announcement",
                "subject",
                "submission",
                "help_request__student",
            )
            .filter(pk=event_id)
            .first()
        )
        if event is None:  # another worker has it now; it will send what is due
            return 0
        if event.dispatched_at is None:
            if event.assignment is not None and event.kind == NotificationKind.WORK_SET:
                # Work whose opening moved later is announced when it opens.
                event.deliver_after = max(event.deliver_after, event.assignment.opens_at)
            if event.deliver_after > now:
                event.save(update_fields=["deliver_after"])
                return 0
            recipients = selectors.event_recipients(event=event, now=now)
            if event.kind != NotificationKind.INVITATION:
                title, url = _message(event)
                Notification.objects.bulk_create(
                    [
                        Notification(
                            recipient=user,
                            event=event,
                            kind=event.kind,
                            title=title[:300],
                            url=url,
                            created_at=now,
                        )
                        for user in recipients
                    ],
                    ignore_conflicts=True,
                )
            event.dispatched_at = now
            event.save(update_fields=["dispatched_at", "deliver_after"])
    if event.kind == NotificationKind.INVITATION:
        return _send_invitation(event=event, now=now)
    return _send_immediate(event=event, now=now)


def _send_immediate(*, event: Event, now: datetime) -> int:
    waiting = list(
        Notification.objects.filter(event=event, emailed_at__isnull=True)
        .select_related("recipient")
        .order_by("pk")
    )
    frequency = selectors.frequencies_of(users=[n.recipient for n in waiting], kind=event.kind)
    sent = 0
    for notification in waiting:
        recipient = notification.recipient
        if frequency[recipient.pk] != Frequency.IMMEDIATELY or not recipient.email:
            continue
        context = {
            "recipient": recipient,
            "event": event,
            "notification": notification,
            "url": absolute(notification.url),
            "body_template": f"courseware/notifications/email/{event.kind}.txt",
            "feedback_first": event.kind == NotificationKind.FEEDBACK_RELEASED
            and _feedback_first(event),
        }
        if _email_once(
            recipient=recipient,
            key=f"event:{event.pk}",
            kind=event.kind,
            subject=notification.title,
            context=context,
            unsubscribe_kinds=[event.kind],
            now=now,
        ):
            sent += 1
        Notification.objects.filter(pk=notification.pk).update(emailed_at=now)
    return sent


def invitation_url(user: User) -> str:
    """allauth's set-a-new-password page with an invitation's token: it expires after
    ``LECTERN_INVITATION_TIMEOUT`` (not the shorter ``PASSWORD_RESET_TIMEOUT`` of a reset link)
    and once the password is set."""
    return absolute(
        reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": invitation_token_generator.make_token(user),
            },
        )
    )


def _send_invitation(*, event: Event, now: datetime) -> int:
    user = event.subject
    if user is None or not user.is_active or not user.email or user.has_usable_password():
        return 0
    context = {
        "recipient": user,
        "event": event,
        "url": invitation_url(user),
        "valid_days": settings.LECTERN_INVITATION_TIMEOUT // (24 * 3600),
        "classroom": event.classroom,
        "body_template": "courseware/notifications/email/invitation.txt",
    }
    return int(
        _email_once(
            recipient=user,
            key=f"invitation:{event.pk}",
            kind=event.kind,
            subject=_("You are invited to Lectern"),
            context=context,
            unsubscribe_kinds=[],
            now=now,
        )
    )


def _claim(*, recipient: User, key: str, kind: str, subject: str, now: datetime) -> Delivery | None:
    """Record the e-mail as being sent, committed before it is: None if it was already sent or
    is being sent. A failed send (the server refused it) may be claimed again."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                recipient=recipient,
                key=key,
                kind=kind,
                subject=subject[:300],
                status=DeliveryStatus.SENDING,
                created_at=now,
            )
    except IntegrityError:
        retried = Delivery.objects.filter(
            recipient=recipient, key=key, status=DeliveryStatus.FAILED
        ).update(status=DeliveryStatus.SENDING, error="")
        return Delivery.objects.get(recipient=recipient, key=key) if retried else None


def _email_once(
    *,
    recipient: User,
    key: str,
    kind: str,
    subject: str,
    context: dict,
    unsubscribe_kinds: list[str],
    now: datetime,
) -> bool:
    """Send one e-mail unless it was sent before under the same key. True if this call sent it."""
    delivery = _claim(recipient=recipient, key=key, kind=kind, subject=subject, now=now)
    if delivery is None:
        return False
    message = build_email(
        recipient=recipient, subject=subject, context=context, unsubscribe_kinds=unsubscribe_kinds
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        # Known not to have gone: a later run may send it.
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, error=str(error)[:1000]
        )
        logger.warning("E-mail %s to user %s failed: %s", key, recipient.pk, error)
        return False
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, sent_at=now)
    return True


def unsubscribe_token(*, user: User, kinds: list[str]) -> str:
    return signing.dumps({"u": user.pk, "k": sorted(kinds)}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, user: User, kinds: list[str]) -> str:
    token = unsubscribe_token(user=user, kinds=kinds)
    return absolute(reverse("courseware:notifications-unsubscribe", kwargs={"token": token}))


def build_email(
    *, recipient: User, subject: str, context: dict, unsubscribe_kinds: list[str]
) -> EmailMultiAlternatives:
    """An e-mail with plain-text and HTML bodies from the templates and, when it is news a
    person may stop, a one-click unsubscribe link and its RFC 8058 headers."""
    context = {
        **context,
        "subject": subject,
        "site_url": settings.LECTERN_SITE_URL,
        "preferences_url": absolute(reverse("courseware:notification-preferences")),
    }
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe_kinds:
        link = unsubscribe_url(user=recipient, kinds=unsubscribe_kinds)
        context["unsubscribe_url"] = link
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    text = render_to_string("courseware/notifications/email/message.txt", context)
    html = render_to_string("courseware/notifications/email/message.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[recipient.email], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


# --- Scheduled work ----------------------------------------------------------------------------


RESUME_AFTER = timedelta(minutes=10)


def events_dispatch_ready(*, now: datetime) -> int:
    """Deliver every event whose time has come, and finish the e-mails of events a failed task
    left half sent (after ten minutes, so as not to race the task itself; claims keep every
    e-mail to once either way)."""
    sent = 0
    for event_id in list(selectors.events_ready(now=now).values_list("pk", flat=True)):
        sent += event_dispatch(event_id=event_id, now=now)
    unfinished = (
        Event.objects.filter(
            dispatched_at__gte=now - timedelta(days=1),
            dispatched_at__lte=now - RESUME_AFTER,
            notifications__emailed_at__isnull=True,
        )
        .exclude(kind=NotificationKind.INVITATION)
        .distinct()
        .order_by("pk")
    )
    for event in unfinished:
        sent += _send_immediate(event=event, now=now)
    return sent


def reminders_record(*, now: datetime) -> int:
    """Record a "due within a day" event for every student whose work falls due in the next 24
    hours and is not done, once per student and due date (a moved due date reminds again).
    Returns how many were recorded by this call."""
    due = selectors.due_within_a_day(now=now)
    events = [
        Event(
            kind=NotificationKind.DUE_SOON,
            occurred_at=now,
            deliver_after=now,
            key=f"due:{item.assignment.pk}:{item.student_id}:{item.due_at.isoformat()}",
            subject_id=item.student_id,
            classroom_id=item.assignment.classroom_id,
            assignment=item.assignment,
            data={"due_at": item.due_at.isoformat()},
        )
        for item in due
    ]
    keys = [e.key for e in events]
    before = set(Event.objects.filter(key__in=keys).values_list("key", flat=True))
    Event.objects.bulk_create(events, ignore_conflicts=True, batch_size=500)
    return len(set(keys) - before)


def reminders_send(*, now: datetime) -> int:
    """Record the reminders now due and deliver them. Returns the e-mails sent."""
    reminders_record(now=now)
    return events_dispatch_ready(now=now)


def digest_send(*, user: User, day: date, now: datetime) -> bool:
    """Send one person's daily digest of the notifications waiting for it; at most one a day."""
    waiting = list(
        selectors.digest_waiting(now=now, user=user)
        .select_related("event__assignment__classroom")
        .order_by("kind", "created_at", "pk")
    )
    if not waiting or not user.email:
        return False
    handed_in = defaultdict(lambda: {"count": 0, "late": 0, "url": ""})
    others = []
    for notification in waiting:
        if notification.kind == NotificationKind.HANDED_IN:
            assignment = notification.event.assignment
            row = handed_in[(assignment.classroom.name, assignment.title)]
            row["count"] += 1
            row["late"] += int(bool(notification.event.data.get("late")))
            row["url"] = absolute(notification.url)
        else:
            others.append((notification, absolute(notification.url)))
    subject = _("Your Lectern digest for %(day)s") % {"day": date_format(day, "l j F")}
    context = {
        "recipient": user,
        "day": day,
        "handed_in": [
            {"classroom": cls, "title": title, **row}
            for (cls, title), row in sorted(handed_in.items())
        ],
        "others": others,
        "body_template": "courseware/notifications/email/digest.txt",
    }
    sent = _email_once(
        recipient=user,
        key=f"digest:{day.isoformat()}",
        kind="digest",
        subject=subject,
        context=context,
        unsubscribe_kinds=sorted({n.kind for n in waiting}),
        now=now,
    )
    # Sent now or before today: either way these are done with.
    Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(emailed_at=now)
    return sent


def digests_send(*, now: datetime) -> int:
    """Send today's digest (in the school's zone) to everyone with news waiting for it."""
    day = timezone.localdate(now)
    return sum(
        digest_send(user=user, day=day, now=now) for user in selectors.digest_recipients(now=now)
    )


# --- Reading and settings ----------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, notification: Notification, now: datetime) -> Notification:
    if notification.read_at is None:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User, now: datetime) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now)


@transaction.atomic
def notification_preferences_set(*, user: User, frequencies: dict[str, str]) -> dict[str, str]:
    """Set how a person hears of each kind by e-mail (in-app notifications are always on)."""
    errors = {}
    for kind, frequency in frequencies.items():
        if kind not in CHOOSABLE_KINDS:
            errors[kind] = _("There is no such kind of notification.")
        elif frequency not in Frequency.values:
            errors[kind] = _("Choose straight away, daily digest or off.")
    if errors:
        raise ValidationError(errors)
    for kind, frequency in frequencies.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"frequency": frequency}
        )
    return selectors.frequencies_for(user=user)


class BadUnsubscribeLink(ValidationError):
    pass


def unsubscribe_token_read(token: str) -> tuple[int, list[str]]:
    """The person and kinds a signed unsubscribe link names; a forged or mangled one is refused."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(value["u"]), [k for k in value["k"] if k in CHOOSABLE_KINDS]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadUnsubscribeLink(_("This unsubscribe link is not valid."), code="invalid") from None


@transaction.atomic
def notifications_unsubscribe(*, token: str) -> tuple[User, list[str]]:
    """Turn off the e-mails a signed unsubscribe link names."""
    from accounts.models import User

    user_id, kinds = unsubscribe_token_read(token)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise BadUnsubscribeLink(_("This unsubscribe link is not valid."), code="invalid")
    notification_preferences_set(user=user, frequencies=dict.fromkeys(kinds, Frequency.OFF))
    return user, kinds


# --- Invitations -------------------------------------------------------------------------------


def invitation_record(*, user: User, by: User | None, classroom: Classroom | None, now: datetime):
    """Invite a new account without a password to set one (sent once its transaction commits)."""
    return event_record(
        kind=NotificationKind.INVITATION, now=now, actor=by, subject=user, classroom=classroom
    )


# --- Calendar feeds ----------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_issue(
    *, user: User, classroom: Classroom | None = None, now: datetime
) -> CalendarFeed:
    """A new private feed URL for the person (or for one of their classes); the old one, if
    any, stops working."""
    if classroom is not None and not permissions.can_view_classroom(user, classroom):
        raise ValidationError({"classroom": _("You are not in that class.")})
    CalendarFeed.objects.filter(user=user, classroom=classroom, revoked_at__isnull=True).update(
        revoked_at=now
    )
    return CalendarFeed.objects.create(
        token=secrets.token_urlsafe(32), user=user, classroom=classroom, created_at=now
    )


@transaction.atomic
def calendar_feed_revoke(*, feed: CalendarFeed, now: datetime) -> None:
    if feed.revoked_at is None:
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at"])


# --- Announcements -----------------------------------------------------------------------------

ANNOUNCEMENT_MAX_CHARS = 5000


@transaction.atomic
def announcement_post(
    *, author: User, classrooms: list[Classroom], title: str, body: str, now: datetime
) -> Announcement:
    """Post a Markdown announcement to one or more of the author's classes and tell their
    members (as each one's preferences say)."""
    errors = {}
    if not classrooms:
        errors["classrooms"] = _("Choose at least one class.")
    elif not all(permissions.can_post_announcement(author, c) for c in classrooms):
        errors["classrooms"] = _("You can only post to classes you teach.")
    elif any(classroom.is_archived for classroom in classrooms):
        errors["classrooms"] = _("An archived class cannot be sent announcements.")
    if not title.strip():
        errors["title"] = _("Give the announcement a title.")
    if not body.strip():
        errors["body"] = _("Write the announcement.")
    elif len(body) > ANNOUNCEMENT_MAX_CHARS:
        errors["body"] = _("Keep an announcement under %(n)s characters.") % {
            "n": ANNOUNCEMENT_MAX_CHARS
        }
    if errors:
        raise ValidationError(errors)
    announcement = Announcement(author=author, title=title.strip(), body=body, created_at=now)
    announcement.full_clean()
    announcement.save()
    announcement.classrooms.set(classrooms)
    event_record(
        kind=NotificationKind.ANNOUNCEMENT, now=now, actor=author, announcement=announcement
    )
    return announcement
