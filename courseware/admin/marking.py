"""Django admin for marking: grades with their criteria and history, inline comments, the
comment bank and the record of who revealed an anonymously marked assignment's names.

Read-only: grades change only on the site, through ``courseware.services.marking``, which
checks marks against the rubric and appends every change to the grade's history. The admin is
for staff looking things up, so it shows students' real names even on anonymously marked
assignments. Comments are shown as plain text (escaped).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from courseware.admin.readonly import ReadOnlyAdmin, ReadOnlyInline, work_columns
from courseware.models import (
    CommentBankEntry,
    CriterionGrade,
    Grade,
    GradeChange,
    InlineComment,
    MarkingReveal,
)

# Whose work and for what, searched from a row that points at a submission.
STUDENT_SEARCH = ["student__username", "student__display_name", "assignment__title"]


def _via(path: str) -> list[str]:
    return [f"{path}__{field}" for field in STUDENT_SEARCH]


class ReleasedFilter(admin.SimpleListFilter):
    title = _("released")
    parameter_name = "released"

    def lookups(self, request, model_admin):
        return [("yes", _("Released")), ("no", _("Not released"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(released_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(released_at__isnull=True)
        return queryset


# --- Grades ---------------------------------------------------------------------------------------


class CriterionGradeInline(ReadOnlyInline):
    model = CriterionGrade
    fields = ["criterion", "level", "marks", "comment"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion", "level")


class GradeChangeInline(ReadOnlyInline):
    """The grade's history, oldest first, with the state before and after each change."""

    model = GradeChange
    fields = ["changed_at", "kind", "changed_by", "before", "after"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


@admin.register(Grade)
class GradeAdmin(ReadOnlyAdmin):
    list_display = [
        "student",
        "assignment",
        "classroom",
        "status",
        "mark",
        "late_penalty_percent",
        "marker",
        "released_at",
        "updated_at",
    ]
    list_filter = [
        "status",
        ReleasedFilter,
        "submission__assignment__classroom__year",
        "submission__assignment__classroom",
    ]
    search_fields = _via("submission")
    list_select_related = ["submission__assignment__classroom", "submission__student", "marker"]
    date_hierarchy = "updated_at"
    fields = [
        "submission",
        "version",
        "rubric",
        "status",
        "raw_mark",
        "max_mark",
        "late_minutes",
        "late_penalty_percent",
        "final_mark",
        "overall_comment",
        "marker",
        "revision",
        "released_at",
        "resubmission_requested_at",
        "created_at",
        "updated_at",
    ]
    inlines = [CriterionGradeInline, GradeChangeInline]

    student, assignment = work_columns("submission")

    @admin.display(description=_("class"), ordering="submission__assignment__classroom__name")
    def classroom(self, obj):
        return obj.submission.assignment.classroom

    @admin.display(description=_("final mark"), ordering="final_mark")
    def mark(self, obj):
        return f"{obj.final_mark}/{obj.max_mark}"


@admin.register(GradeChange)
class GradeChangeAdmin(ReadOnlyAdmin):
    """Every change of every grade, for finding who changed a mark and when."""

    list_display = ["changed_at", "kind", "student", "assignment", "changed_by"]
    list_filter = ["kind", "grade__submission__assignment__classroom"]
    search_fields = [*_via("grade__submission"), "changed_by__username"]
    list_select_related = [
        "grade__submission__assignment",
        "grade__submission__student",
        "changed_by",
    ]
    date_hierarchy = "changed_at"
    fields = ["grade", "kind", "changed_by", "changed_at", "before", "after"]

    student, assignment = work_columns("grade__submission")


# --- Comments -------------------------------------------------------------------------------------


@admin.register(InlineComment)
class InlineCommentAdmin(ReadOnlyAdmin):
    list_display = [
        "student",
        "assignment",
        "version_number",
        "paragraph",
        "quote_excerpt",
        "author",
        "created_at",
    ]
    list_filter = ["version__submission__assignment__classroom"]
    search_fields = [*_via("version__submission"), "text", "quote"]
    list_select_related = [
        "version__submission__assignment",
        "version__submission__student",
        "author",
    ]
    date_hierarchy = "created_at"
    fields = ["version", "paragraph", "start", "end", "quote", "text", "author", "created_at"]

    student, assignment = work_columns("version__submission")

    @admin.display(description=_("version"), ordering="version__number")
    def version_number(self, obj):
        return obj.version.number

    @admin.display(description=_("quoted passage"))
    def quote_excerpt(self, obj):
        return obj.quote[:60]


@admin.register(CommentBankEntry)
class CommentBankEntryAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "criterion_tag", "owner", "created_at"]
    search_fields = ["text", "criterion_tag", "owner__username", "owner__display_name"]
    list_select_related = ["owner"]
    date_hierarchy = "created_at"
    fields = ["owner", "criterion_tag", "text", "created_at"]


# --- Anonymous marking ----------------------------------------------------------------------------


@admin.register(MarkingReveal)
class MarkingRevealAdmin(ReadOnlyAdmin):
    """Who revealed the names of an anonymously marked assignment, and when."""

    list_display = ["assignment", "classroom", "revealed_by", "revealed_at"]
    list_filter = ["assignment__classroom"]
    search_fields = ["assignment__title", "revealed_by__username", "revealed_by__display_name"]
    list_select_related = ["assignment__classroom", "revealed_by"]
    date_hierarchy = "revealed_at"
    fields = ["assignment", "revealed_by", "revealed_at"]

    @admin.display(description=_("class"), ordering="assignment__classroom__name")
    def classroom(self, obj):
        return obj.assignment.classroom
