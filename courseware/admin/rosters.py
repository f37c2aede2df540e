"""Admin for rosters: what OneRoster imports brought in, read-only; imports run on their page."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from courseware.admin.readonly import ReadOnlyAdmin
from courseware.models import RosterClass, RosterEnrolment, RosterImport, RosterUser


@admin.register(RosterImport)
class RosterImportAdmin(ReadOnlyAdmin):
    """Uploads and what each import did. "Add" opens the import page (upload, preview, confirm)."""

    list_display = ["file_name", "uploaded_at", "uploaded_by", "applied_at", "preview"]
    list_select_related = ["uploaded_by"]
    exclude = ["archive"]

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("courseware.add_rosterimport")

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("courseware:roster-import")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("archive")

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("courseware:roster-import-preview", args=[obj.pk]),
            _("open"),
        )


@admin.register(RosterUser)
class RosterUserAdmin(ReadOnlyAdmin):
    list_display = ["sourced_id", "user", "deactivated_by_roster", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["sourced_id", "user__username", "user__email"]


@admin.register(RosterClass)
class RosterClassAdmin(ReadOnlyAdmin):
    list_display = ["sourced_id", "classroom", "archived_by_roster", "updated_at"]
    list_select_related = ["classroom"]
    search_fields = ["sourced_id", "classroom__name"]


@admin.register(RosterEnrolment)
class RosterEnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["sourced_id", "user", "classroom", "role", "ended_at"]
    list_select_related = ["user", "classroom"]
    list_filter = ["role"]
    search_fields = ["sourced_id", "user__username", "classroom__name"]
