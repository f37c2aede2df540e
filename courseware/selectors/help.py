"""Reads for help requests: one request as its viewer may see it, a class's requests for its
teachers, a student's own, and what the API lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from courseware import permissions
from courseware.models import HelpReply, HelpRequest, HelpStatus, Membership, MembershipRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from courseware.models import Assignment, Classroom

_JOINS = ("student", "assignment__classroom", "paragraph__reading", "resolved_by")


def _with_replies(queryset: QuerySet[HelpRequest]) -> QuerySet[HelpRequest]:
    return queryset.select_related(*_JOINS).prefetch_related(
        Prefetch("replies", queryset=HelpReply.objects.select_related("author"))
    )


def help_request_get_for(*, user: User | AnonymousUser, pk: int) -> HelpRequest:
    """A help request with its replies, if the user is its student or teaches its class; 404
    for missing and forbidden alike."""
    help_request = _with_replies(HelpRequest.objects.filter(pk=pk)).first()
    if help_request is None or not permissions.can_view_help_request(user, help_request):
        raise Http404
    return help_request


def help_requests_for_classroom(
    *, classroom: Classroom, show: str = "open", assignment: Assignment | None = None
) -> QuerySet:
    """A class's help requests for its teachers (about one of its assignments, if given), oldest
    open first (they have waited longest), with how many replies each has; a fixed number of
    queries whatever their number."""
    requests = (
        HelpRequest.objects.filter(assignment__classroom=classroom)
        .select_related("student", "assignment", "paragraph__reading")
        .annotate(reply_count=Count("replies"))
    )
    if assignment is not None:
        requests = requests.filter(assignment=assignment)
    if show == "resolved":
        return requests.filter(status=HelpStatus.RESOLVED).order_by("-resolved_at", "-pk")
    if show == "all":
        return requests.order_by("-created_at", "-pk")
    return requests.filter(status=HelpStatus.OPEN).order_by("created_at", "pk")


def open_help_count(*, assignment: Assignment) -> int:
    """How many help requests about an assignment wait for an answer."""
    return HelpRequest.objects.filter(assignment=assignment, status=HelpStatus.OPEN).count()


def help_requests_of_student(*, student: User, assignment: Assignment) -> QuerySet[HelpRequest]:
    """A student's own requests about one assignment, newest first, with their replies."""
    return _with_replies(HelpRequest.objects.filter(student=student, assignment=assignment))


def help_requests_visible_to(*, user: User) -> QuerySet[HelpRequest]:
    """Every request the user may read: their own, and those of the classes they teach."""
    taught = Membership.objects.filter(user=user, role=MembershipRole.TEACHER).values("classroom")
    return _with_replies(
        HelpRequest.objects.filter(Q(student=user) | Q(assignment__classroom__in=taught))
    ).order_by("-created_at", "-pk")
