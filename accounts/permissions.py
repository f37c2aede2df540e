"""Who may do what with accounts: one function per capability.

Views, templates (through ``accounts.context_processors``) and API permission classes call these;
nothing else looks at ``User.role``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def is_school_admin(user: User | AnonymousUser) -> bool:
    """A school admin manages users, classes and enrolment across the school."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMIN)


def can_teach(user: User | AnonymousUser) -> bool:
    """Teachers (and school admins) may author content and run classes."""
    return bool(
        user.is_authenticated and user.is_active and user.role in {Role.TEACHER, Role.ADMIN}
    )


def can_study(user: User | AnonymousUser) -> bool:
    """Students take classes: they read, write and submit."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.STUDENT)


def can_create_teacher_accounts(user: User | AnonymousUser) -> bool:
    """Teacher accounts are made by school admins only; sign-up makes students."""
    return is_school_admin(user)
