"""Presentation helpers for marking pages: lateness and marks as a teacher reads them."""

from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from courseware.timing import format_moment

register = template.Library()


@register.filter
def lateness(minutes: int) -> str:
    """Minutes late as days, hours and minutes: "2 d 3 h", "45 min", "1 d"."""
    if not minutes:
        return ""
    days, rest = divmod(int(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)s d") % {"n": days})
    if hours:
        parts.append(_("%(n)s h") % {"n": hours})
    if mins and not days:
        parts.append(_("%(n)s min") % {"n": mins})
    return " ".join(parts)


@register.filter
def days_late(minutes: int) -> int:
    """Started days late, as the late penalty counts them."""
    return -(-int(minutes or 0) // (24 * 60))


@register.filter
def marks(value) -> str:
    """A mark without needless decimals: 7, 6.5, 6.12."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.inclusion_tag("courseware/marking/_submission_feedback.html", takes_context=True)
def submission_feedback(context, submission):
    """On a submission's page: its student's released mark with a link to the feedback; for
    those who mark it, a link to the marking page."""
    from courseware import permissions
    from courseware.selectors.marking import released_grade_for_student

    user = context["request"].user
    if submission.student_id == user.pk:
        from courseware.selectors.process import feedback_response_of, mark_withheld

        grade = released_grade_for_student(submission=submission)
        withheld = False
        if grade is not None:
            grade.submission = submission
            withheld = mark_withheld(
                grade=grade,
                user=user,
                response=feedback_response_of(
                    submission=submission, version_number=grade.version.number
                ),
            )
        return {"released_grade": grade, "withhold_mark": withheld}
    if submission.is_submitted and permissions.can_mark(user, submission.assignment.classroom):
        return {"mark_submission": submission}
    return {}


@register.filter
def local_when(value) -> str:
    """A moment in the site's one date-time format (``courseware.timing.format_moment``)."""
    return format_moment(value) if value else ""


@register.filter
def local_iso(value) -> str:
    """A moment as ISO 8601 in the school's time zone, for ``<time datetime>``."""
    return timezone.localtime(value).isoformat() if value else ""
