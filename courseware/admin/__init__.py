"""Django admin for courseware, one module per area."""

from courseware.admin import content, teaching  # noqa: F401 - registers the model admins
