"""Who may do what in courseware: one function per capability.

HTML views, API views and templates ask these; none of them inspects roles or memberships itself.
A class a user may not see is a 404 (``courseware.selectors.classroom_get_for``), never a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.permissions import is_school_admin
from courseware.models import MembershipRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from courseware.models import Classroom


def _role_in(user: User | AnonymousUser, classroom: Classroom) -> str | None:
    if not (user.is_authenticated and user.is_active):
        return None
    membership = classroom.memberships.filter(user=user).only("role").first()
    return membership.role if membership else None


# --- Teaching: classes, enrolment, assignments ------------------------------------------------


def can_view_classroom(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """Members of a class see it; school admins see every class."""
    return is_school_admin(user) or _role_in(user, classroom) is not None


def can_manage_classroom(user: User | AnonymousUser, classroom: Classroom) -> bool:
    """A class's teachers run it (roster, join code, assignments); school admins may too."""
    return is_school_admin(user) or _role_in(user, classroom) == MembershipRole.TEACHER


def can_create_classroom(user: User | AnonymousUser) -> bool:
    """Classes are created by school admins."""
    return is_school_admin(user)


# --- Content: courses, units, readings, prompts, rubrics -----------------------------------------
