"""Reads for courseware: what a user may see, with the joins each page needs decided here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.permissions import is_school_admin
from courseware.models import Classroom, Membership, MembershipRole

if TYPE_CHECKING:
    from accounts.models import User


def classrooms_for_user(*, user: User) -> QuerySet[Classroom]:
    """Active classes the user belongs to (every active class for a school admin).

    Each class carries ``student_count`` and ``my_role`` (None for an admin who is not a member).
    """
    classrooms = Classroom.objects.active().select_related("course")
    if not is_school_admin(user):
        # A subquery, not a join: a join on memberships would also narrow the student count.
        classrooms = classrooms.filter(
            pk__in=Membership.objects.filter(user=user).values("classroom_id")
        )
    return classrooms.annotate(
        student_count=Count(
            "memberships", filter=Q(memberships__role=MembershipRole.STUDENT), distinct=True
        ),
    ).order_by("-year", "name")


def classroom_get_for(*, user: User, pk: int) -> Classroom:
    """The class with this id if the user may see it; 404 when missing or not theirs alike."""
    return get_object_or_404(classrooms_for_user(user=user), pk=pk)


def classroom_roles_for(*, user: User, classrooms: list[Classroom]) -> dict[int, str]:
    """The user's role in each of the given classes, in one query."""
    return dict(
        Membership.objects.filter(user=user, classroom__in=classrooms).values_list(
            "classroom_id", "role"
        )
    )
