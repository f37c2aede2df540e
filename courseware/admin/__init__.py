"""Django admin for courseware, one module per area."""

from courseware.admin import (  # noqa: F401 - registers the model admins
    analysis,
    annotations,
    content,
    integrations,
    marking,
    notifications,
    originality,
    rosters,
    submissions,
    teaching,
)
