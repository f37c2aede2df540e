"""Writes for accounts: the only code that creates or changes a ``User``."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Role, User


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str | None,
    role: str = Role.STUDENT,
    display_name: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a user with a validated role; school admins are staff, so they reach the admin.

    A ``None`` password makes an account that cannot log in until a password is set (for example
    by the password-reset email).
    """
    user = User(
        username=username,
        email=User.objects.normalize_email(email).lower(),
        role=role,
        display_name=display_name,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_update_profile(*, user: User, display_name: str, first_name: str, last_name: str) -> User:
    """Change the names a person is shown by."""
    user.display_name = display_name
    user.first_name = first_name
    user.last_name = last_name
    user.full_clean()
    user.save(update_fields=["display_name", "first_name", "last_name"])
    return user


@transaction.atomic
def user_complete_signup(*, user: User, display_name: str) -> User:
    """Save a self-service sign-up: always a student, whatever the form posted."""
    user.role = Role.STUDENT
    user.is_staff = False
    user.is_superuser = False
    user.display_name = display_name
    user.email = user.email.lower()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_update_details(*, user: User, email: str, first_name: str, last_name: str) -> User:
    """Change a person's address and names, as the school's roster has them."""
    user.email = User.objects.normalize_email(email).lower()
    user.first_name = first_name
    user.last_name = last_name
    user.full_clean(exclude=["password"])
    user.save(update_fields=["email", "first_name", "last_name"])
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool) -> User:
    """Deactivate an account (it can no longer sign in; everything it made is kept) or bring
    it back."""
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    return user
