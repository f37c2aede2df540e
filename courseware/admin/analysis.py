"""Admin for source-analysis tasks: read-only, as tasks are set through the site's services."""

from django.contrib import admin

from courseware.admin.readonly import ReadOnlyAdmin
from courseware.models import AnalysisTask


@admin.register(AnalysisTask)
class AnalysisTaskAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "scaffold", "paragraph_from", "paragraph_to", "rubric"]
    list_filter = ["scaffold"]
    search_fields = ["assignment__title", "assignment__reading__title"]
    list_select_related = ["assignment", "rubric"]
