"""Reads for LTI 1.3: the LMS course of a launch, classes a teacher may link, a class's LMS
links, and where grades stand on their way to the LMS."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from lti_tool.models import LtiContext

from courseware import permissions
from courseware.models import (
    Assignment,
    AssignmentKind,
    Classroom,
    LtiClassLink,
    LtiScorePost,
    Membership,
    MembershipRole,
    QuizAttempt,
    ScorePostStatus,
)

if TYPE_CHECKING:
    from accounts.models import User


def context_for_launch(*, pk: int, user: User) -> LtiContext | None:
    """The LMS course of the person's latest launch (kept in their session), if they came from
    that platform."""
    return (
        LtiContext.objects.filter(pk=pk, deployment__registration__users__auth_user=user)
        .select_related("deployment__registration")
        .distinct()
        .first()
    )


def linkable_classrooms(*, user: User) -> list[Classroom]:
    """The unarchived classes the person teaches, to link an LMS course to."""
    return list(
        Classroom.objects.filter(
            archived_at__isnull=True,
            pk__in=Membership.objects.filter(user=user, role=MembershipRole.TEACHER).values(
                "classroom_id"
            ),
        )
        .select_related("course")
        .order_by("name", "pk")
    )


def linked_classroom(*, context: LtiContext) -> Classroom | None:
    link = LtiClassLink.objects.filter(context=context).select_related("classroom").first()
    return None if link is None else link.classroom


def linkable_assignments(*, classroom: Classroom) -> list[Assignment]:
    """The class's current work, newest due first."""
    return list(
        Assignment.objects.filter(classroom=classroom, withdrawn_at__isnull=True).order_by(
            "-due_at", "-pk"
        )
    )


def class_links(*, classroom: Classroom) -> list[LtiClassLink]:
    return list(
        LtiClassLink.objects.filter(classroom=classroom)
        .select_related("context__deployment__registration", "linked_by")
        .order_by("linked_at", "pk")
    )


def assignment_for_passback(*, user: User, pk: int) -> Assignment:
    """An assignment whose grade passback the person may see; 404 otherwise."""
    assignment = get_object_or_404(Assignment.objects.select_related("classroom"), pk=pk)
    if not permissions.can_view_grade_passback(user, assignment.classroom):
        raise Http404
    return assignment


def score_posts(*, assignment: Assignment) -> QuerySet[LtiScorePost]:
    """The assignment's scores on their way to the LMS, by student; for a quiz each row also has
    ``quiz_attempts``, how many attempts its best score was picked from."""
    posts = (
        LtiScorePost.objects.filter(link__assignment=assignment)
        .select_related("student", "link__resource_link__context")
        .order_by("student__username", "pk")
    )
    if assignment.kind == AssignmentKind.QUIZ:
        handed_in = (
            QuizAttempt.objects.filter(
                assignment=assignment, student=OuterRef("student_id"), submitted_at__isnull=False
            )
            .order_by()
            .values("student")
            .annotate(n=Count("pk"))
            .values("n")
        )
        posts = posts.annotate(
            quiz_attempts=Coalesce(Subquery(handed_in, output_field=IntegerField()), Value(0))
        )
    return posts


def passback_counts(*, assignment: Assignment) -> dict[str, int]:
    """How many of the assignment's grades are in each passback state (one query)."""
    rows = (
        LtiScorePost.objects.filter(link__assignment=assignment)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(ScorePostStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
