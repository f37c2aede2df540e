"""Writes for help requests: a student asks, a teacher replies and resolves. Each records the
event that tells the other side (the teachers of a new request, the student of a reply) in its
own transaction; nothing is sent from the request."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from courseware import permissions
from courseware.models import (
    HELP_TEXT_MAX_CHARS,
    Assignment,
    HelpReply,
    HelpRequest,
    HelpStatus,
    NotificationKind,
    Paragraph,
)
from courseware.rendering import parse_citation
from courseware.selectors.submissions import citable_readings
from courseware.services.notifications import event_record

if TYPE_CHECKING:
    from accounts.models import User


def _clean_text(text: str, *, field: str, empty: str) -> str:
    """Plain text, shown escaped: only its length and emptiness are checked here."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: empty})
    if len(text) > HELP_TEXT_MAX_CHARS:
        raise ValidationError(
            {field: _("Keep it under %(n)s characters.") % {"n": f"{HELP_TEXT_MAX_CHARS:,}"}}
        )
    if "\x00" in text:
        raise ValidationError({field: _("The text holds a character that cannot be stored.")})
    return text


def paragraph_for_reference(*, assignment: Assignment, reference: str) -> Paragraph | None:
    """The paragraph a reference such as ``[[slug#p-12]]`` names, among the readings of the
    assignment's course (and its own reading); None for no reference. An unknown one is refused."""
    raw = (reference or "").strip()
    if not raw:
        return None
    if raw.startswith("[[") and raw.endswith("]]"):
        raw = raw[2:-2].strip()
    slug, number = parse_citation(raw)
    if slug is None:
        raise ValidationError(
            {"reference": _("Write a paragraph reference as [[reading-slug#p-12]].")}
        )
    readable = Q(reading__in=citable_readings(assignment=assignment).values("pk"))
    if assignment.reading_id is not None:
        readable |= Q(reading=assignment.reading_id)
    paragraph = (
        Paragraph.objects.filter(readable, reading__slug=slug, number=number)
        .select_related("reading")
        .first()
    )
    if paragraph is None:
        message = _("There is no paragraph %(ref)s in this work's readings.") % {"ref": raw}
        raise ValidationError({"reference": message})
    return paragraph


@transaction.atomic
def help_request_ask(
    *, assignment: Assignment, student: User, text: str, reference: str = "", now: datetime
) -> HelpRequest:
    """A student asks the class's teachers for help with an assignment they can see."""
    if not permissions.can_ask_for_help(student, assignment):
        raise ValidationError(_("Only students of the class ask its teachers for help."))
    if assignment.withdrawn_at is not None or assignment.opens_at > now:
        raise ValidationError(_("This work is not open."))
    if assignment.classroom.archived_at is not None:
        raise ValidationError(_("This class is archived."))
    text = _clean_text(text, field="text", empty=_("Write what you would like help with."))
    paragraph = paragraph_for_reference(assignment=assignment, reference=reference)
    help_request = HelpRequest(
        assignment=assignment, student=student, text=text, paragraph=paragraph, created_at=now
    )
    help_request.full_clean()
    help_request.save()
    event_record(
        kind=NotificationKind.HELP_REQUESTED,
        now=now,
        actor=student,
        subject=student,
        assignment=assignment,
        help_request=help_request,
    )
    return help_request


def _ensure_teacher(help_request: HelpRequest, by: User) -> None:
    if not permissions.can_answer_help_requests(by, help_request.assignment.classroom):
        raise ValidationError(_("Only the class's teachers answer its help requests."))


@transaction.atomic
def help_request_reply(
    *, help_request: HelpRequest, by: User, text: str, now: datetime
) -> HelpReply:
    """A teacher answers; the student is told (as their preferences say)."""
    _ensure_teacher(help_request, by)
    text = _clean_text(text, field="text", empty=_("Write your reply."))
    reply = HelpReply(help_request=help_request, author=by, text=text, created_at=now)
    reply.full_clean()
    reply.save()
    event_record(
        kind=NotificationKind.HELP_ANSWERED,
        now=now,
        actor=by,
        subject=help_request.student,
        assignment=help_request.assignment,
        help_request=help_request,
    )
    return reply


@transaction.atomic
def help_request_resolve(*, help_request: HelpRequest, by: User, now: datetime) -> HelpRequest:
    """A teacher marks a request dealt with; it leaves the class's open list."""
    _ensure_teacher(help_request, by)
    locked = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
    if locked.status != HelpStatus.RESOLVED:
        locked.status = HelpStatus.RESOLVED
        locked.resolved_at = now
        locked.resolved_by = by
        locked.save(update_fields=["status", "resolved_at", "resolved_by"])
    help_request.status = locked.status
    help_request.resolved_at = locked.resolved_at
    help_request.resolved_by = locked.resolved_by
    return help_request


@transaction.atomic
def help_request_reopen(*, help_request: HelpRequest, by: User) -> HelpRequest:
    """A teacher puts a resolved request back on the open list."""
    _ensure_teacher(help_request, by)
    HelpRequest.objects.filter(pk=help_request.pk).update(
        status=HelpStatus.OPEN, resolved_at=None, resolved_by=None
    )
    help_request.status = HelpStatus.OPEN
    help_request.resolved_at = None
    help_request.resolved_by = None
    return help_request
