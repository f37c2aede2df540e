"""Template context: what the navigation may offer the current user."""

from accounts import permissions


def navigation(request) -> dict:
    """Capabilities the base layout needs, computed once per request from ``permissions``."""
    user = request.user
    return {
        "nav": {
            "can_teach": permissions.can_teach(user),
            "can_study": permissions.can_study(user),
            "is_school_admin": permissions.is_school_admin(user),
        }
    }
