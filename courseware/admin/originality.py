"""Django admin for originality reports: each run of the check on a handed-in version, with the
passages it matched.

Read-only: reports are written by the check (``courseware.services.originality``) and a re-check
appends a new run, so what a teacher saw stays as it was. The admin is for staff looking things
up, so it shows students' real names even on anonymously marked assignments. Matched passages
are shown as plain text (escaped).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from courseware.admin.readonly import ReadOnlyAdmin, ReadOnlyInline, work_columns
from courseware.models import OriginalityMatch, OriginalityReport


class OriginalityMatchInline(ReadOnlyInline):
    model = OriginalityMatch
    fields = [
        "kind",
        "start",
        "end",
        "words",
        "similarity",
        "paragraph",
        "cited_paragraph",
        "peer_version",
        "source_excerpt",
        "detail",
    ]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "paragraph__reading",
                "cited_paragraph__reading",
                "peer_version__submission__assignment",
                "peer_version__submission__student",
            )
        )


@admin.register(OriginalityReport)
class OriginalityReportAdmin(ReadOnlyAdmin):
    list_display = [
        "student",
        "assignment",
        "version_number",
        "run",
        "status",
        "score",
        "flagged_words",
        "total_words",
        "visible_to_student",
        "requested_at",
        "finished_at",
    ]
    list_filter = [
        "status",
        "visible_to_student",
        "version__submission__assignment__classroom__year",
        "version__submission__assignment__classroom",
    ]
    search_fields = [
        "version__submission__student__username",
        "version__submission__student__display_name",
        "version__submission__assignment__title",
    ]
    list_select_related = [
        "version__submission__assignment",
        "version__submission__student",
    ]
    date_hierarchy = "requested_at"
    fields = [
        "version",
        "run",
        "status",
        "progress",
        "score",
        "total_words",
        "flagged_words",
        "paragraphs_checked",
        "peers_checked",
        "visible_to_student",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "error",
    ]
    inlines = [OriginalityMatchInline]

    student, assignment = work_columns("version__submission")

    @admin.display(description=_("version"), ordering="version__number")
    def version_number(self, obj):
        return obj.version.number
