"""Writes for annotations: annotate a passage, reply, endorse, hide, delete, the assignment's
annotation settings and a student's participation mark.

Callers check the capability (``courseware.permissions``) and that the user may see what they
act on (``courseware.selectors.annotations``); these check the input and the rules of the thread.
Each runs in one transaction. Text is stored as written and sanitised when it is shown.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from courseware.models import (
    Annotation,
    AnnotationKind,
    AnnotationParticipation,
    AnnotationSettings,
    AnnotationVisibility,
    Assignment,
    Membership,
    MembershipRole,
    Paragraph,
    Reading,
)
from courseware.models.annotations import (
    CONTEXT_CHARS,
    MAX_ANNOTATION_CHARS,
    MAX_QUOTE_CHARS,
)

if TYPE_CHECKING:
    from accounts.models import User


def _no_nul(**fields: str) -> None:
    bad = {
        name: _("Remove the null characters.") for name, value in fields.items() if "\x00" in value
    }
    if bad:
        raise ValidationError(bad)


def _check_text(text: str, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise ValidationError({"text": _("Write something.")})
    if len(text) > MAX_ANNOTATION_CHARS:
        raise ValidationError(
            {"text": _("Keep it under %(limit)s characters.") % {"limit": MAX_ANNOTATION_CHARS}}
        )
    return text


def _locate(text: str, exact: str, start: int | None) -> int:
    """Where the quoted words are in the paragraph: at ``start`` if they are there, else their
    first occurrence."""
    if start is not None and start >= 0 and text[start : start + len(exact)] == exact:
        return start
    found = text.find(exact)
    if found < 0:
        raise ValidationError({"exact": _("These words are not in the paragraph.")})
    return found


@transaction.atomic
def annotation_create(
    *,
    assignment: Assignment,
    reading: Reading,
    author: User,
    paragraph_number: int,
    kind: str,
    text: str,
    visibility: str,
    now: datetime,
    tag: str = "",
    exact: str = "",
    start: int | None = None,
) -> Annotation:
    """Annotate a paragraph of a reading within an assignment: the whole paragraph, or the words
    ``exact`` in it (at ``start`` if they are there). A note and a question need text; a tag
    needs its tag."""
    _no_nul(text=text, tag=tag, exact=exact)
    if kind not in AnnotationKind.values:
        raise ValidationError({"kind": _("Choose a note, a question or a tag.")})
    if visibility not in AnnotationVisibility.values:
        raise ValidationError({"visibility": _("Choose who may see it.")})
    tag = tag.strip().lstrip("#").strip()
    if len(tag) > 40:
        raise ValidationError({"tag": _("Keep a tag under 40 characters.")})
    if kind == AnnotationKind.TAG and not tag:
        raise ValidationError({"tag": _("Give the tag.")})
    text = _check_text(text, required=kind != AnnotationKind.TAG)
    paragraph = Paragraph.objects.filter(reading=reading, number=paragraph_number).first()
    if paragraph is None:
        raise ValidationError({"paragraph": _("There is no such paragraph in this reading.")})
    exact = exact.strip()
    if len(exact) > MAX_QUOTE_CHARS:
        raise ValidationError({"exact": _("Quote a shorter passage.")})
    annotation = Annotation(
        assignment=assignment,
        reading=reading,
        author=author,
        paragraph=paragraph,
        paragraph_number=paragraph.number,
        kind=kind,
        tag=tag,
        text=text,
        visibility=visibility,
        created_at=now,
        updated_at=now,
    )
    if exact:
        at = _locate(paragraph.text, exact, start)
        annotation.exact = exact
        annotation.start, annotation.end = at, at + len(exact)
        annotation.prefix = paragraph.text[max(0, at - CONTEXT_CHARS) : at]
        annotation.suffix = paragraph.text[at + len(exact) : at + len(exact) + CONTEXT_CHARS]
    annotation.full_clean()
    annotation.save()
    return annotation


@transaction.atomic
def annotation_reply(*, parent: Annotation, author: User, text: str, now: datetime) -> Annotation:
    """Reply in a thread. A reply to a reply joins the thread of its first annotation, and is
    seen by whoever sees that first annotation."""
    _no_nul(text=text)
    root = parent if parent.parent_id is None else parent.parent
    if root.is_deleted and not root.replies.filter(deleted_at__isnull=True).exists():
        raise ValidationError(_("This annotation has been deleted."), code="deleted")
    text = _check_text(text, required=True)
    reply = Annotation(
        assignment_id=root.assignment_id,
        reading_id=root.reading_id,
        author=author,
        parent=root,
        kind=AnnotationKind.NOTE,
        text=text,
        visibility=root.visibility,
        created_at=now,
        updated_at=now,
    )
    reply.full_clean(exclude=["assignment", "reading"])
    reply.save()
    return reply


@transaction.atomic
def annotation_endorse(
    *, annotation: Annotation, by: User, endorsed: bool, now: datetime
) -> Annotation:
    """A teacher endorses an annotation (or takes the endorsement back)."""
    if annotation.is_deleted:
        raise ValidationError(_("A deleted annotation cannot be endorsed."), code="deleted")
    annotation.endorsed_at = now if endorsed else None
    annotation.endorsed_by = by if endorsed else None
    annotation.updated_at = now
    annotation.save(update_fields=["endorsed_at", "endorsed_by", "updated_at"])
    return annotation


@transaction.atomic
def annotation_hide(*, annotation: Annotation, by: User, hidden: bool, now: datetime) -> Annotation:
    """A teacher hides an annotation (and so its thread) from the class, or shows it again. Its
    writer still sees it, marked as hidden."""
    annotation.hidden_at = now if hidden else None
    annotation.hidden_by = by if hidden else None
    annotation.updated_at = now
    annotation.save(update_fields=["hidden_at", "hidden_by", "updated_at"])
    return annotation


@transaction.atomic
def annotation_delete(*, annotation: Annotation, by: User, now: datetime) -> Annotation:
    """Delete an annotation, leaving a tombstone: its text goes, its replies stay in the thread."""
    if annotation.is_deleted:
        return annotation
    annotation.deleted_at = now
    annotation.text = ""
    annotation.tag = ""
    annotation.endorsed_at = None
    annotation.endorsed_by = None
    annotation.updated_at = now
    annotation.save(
        update_fields=["deleted_at", "text", "tag", "endorsed_at", "endorsed_by", "updated_at"]
    )
    return annotation


@transaction.atomic
def annotation_settings_set(
    *, assignment: Assignment, post_before_seeing: bool, now: datetime
) -> AnnotationSettings:
    """Set whether students post a note before they see the class's notes."""
    settings, _created = AnnotationSettings.objects.update_or_create(
        assignment=assignment,
        defaults={"post_before_seeing": post_before_seeing, "updated_at": now},
    )
    return settings


def _mark(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        mark = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"mark": _("Give the mark as a number from 0 to 100.")}) from None
    if not mark.is_finite() or mark < 0 or mark > 100:
        raise ValidationError({"mark": _("Give the mark as a number from 0 to 100.")})
    return mark.quantize(Decimal("0.01"))


@transaction.atomic
def annotation_mark_set(
    *,
    assignment: Assignment,
    student: User,
    mark,
    comment: str,
    by: User,
    now: datetime,
) -> AnnotationParticipation:
    """The teacher's participation mark (0–100, or none) for a student of the class."""
    _no_nul(comment=comment)
    if not Membership.objects.filter(
        classroom=assignment.classroom_id, user=student, role=MembershipRole.STUDENT
    ).exists():
        raise ValidationError({"student": _("This student is not in the class.")})
    comment = comment.strip()
    if len(comment) > 300:
        raise ValidationError({"comment": _("Keep the comment under 300 characters.")})
    row, _created = AnnotationParticipation.objects.update_or_create(
        assignment=assignment,
        student=student,
        defaults={"mark": _mark(mark), "comment": comment, "set_by": by, "set_at": now},
    )
    return row
