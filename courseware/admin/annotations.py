"""Annotations in the admin: looked up, never changed here (services keep the threads whole)."""

from django.contrib import admin

from courseware.admin.readonly import ReadOnlyAdmin
from courseware.models import Annotation, AnnotationParticipation


@admin.register(Annotation)
class AnnotationAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "assignment",
        "reading",
        "paragraph_number",
        "kind",
        "visibility",
        "author",
        "created_at",
        "deleted_at",
    ]
    list_filter = ["kind", "visibility", "assignment__classroom"]
    list_select_related = ["assignment", "reading", "author"]
    search_fields = ["author__username", "assignment__title", "reading__slug"]
    raw_id_fields = ["assignment", "reading", "author", "parent", "paragraph"]


@admin.register(AnnotationParticipation)
class AnnotationParticipationAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "student", "mark", "set_by", "set_at"]
    list_select_related = ["assignment", "student", "set_by"]
    search_fields = ["student__username", "assignment__title"]
