"""Template context: what the navigation may offer the current user."""

from django.contrib.auth.models import AnonymousUser

from accounts import permissions


def navigation(request) -> dict:
    """Capabilities the base layout needs, computed once per request from ``permissions``."""
    # An error page for a request refused before sign-in ran (a foreign Host) has no user.
    user = getattr(request, "user", None) or AnonymousUser()
    return {
        "nav": {
            "can_teach": permissions.can_teach(user),
            "can_study": permissions.can_study(user),
            "is_school_admin": permissions.is_school_admin(user),
        }
    }
