"""Read-only building blocks for the admin: lists and pages that look things up, never write.

Records that change only through the site's services (student work, grades, their histories)
are shown here with these, so the admin cannot bypass the rules those services enforce.
"""

from operator import attrgetter

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listed and searchable; changed only through actions that call services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on their parent's page, linked to their own page; never added or changed."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def work_columns(submission: str):
    """The "student" and "assignment" columns of a list whose rows reach a submission through
    ``submission`` (a ``__`` path such as ``version__submission``), sortable by each."""
    follow = attrgetter(submission.replace("__", "."))

    @admin.display(description=_("student"), ordering=f"{submission}__student__username")
    def student(self, obj):
        return follow(obj).student

    @admin.display(description=_("assignment"), ordering=f"{submission}__assignment__title")
    def assignment(self, obj):
        return follow(obj).assignment

    return student, assignment
