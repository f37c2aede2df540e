"""Django admin for courseware, one module per area."""

from courseware.admin import (  # noqa: F401 - registers the model admins
    analysis,
    content,
    marking,
    originality,
    submissions,
    teaching,
)
