"""Django admin for essay submissions: a student's draft and the versions they handed in.

Read-only: student work changes only on the site, through ``courseware.services.submissions``,
which keeps drafts' revisions and submitted versions as the rules say. The admin is for staff
looking things up, so it shows students' real names even on anonymously marked assignments.
Drafts and handed-in texts are shown as plain text (escaped), never as HTML.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from courseware.admin.readonly import ReadOnlyAdmin, ReadOnlyInline
from courseware.models import InlineComment, OriginalityReport, Submission, SubmissionVersion

# Who wrote it and for what, searched from a submission.
SUBMISSION_SEARCH = [
    "student__username",
    "student__display_name",
    "assignment__title",
]


class SubmissionVersionInline(ReadOnlyInline):
    """The versions handed in, without their text (each version's own page shows it)."""

    model = SubmissionVersion
    fields = ["number", "revision", "word_count", "submitted_at", "late_minutes", "short_hash"]
    readonly_fields = fields

    @admin.display(description=_("SHA-256"))
    def short_hash(self, obj):
        return obj.short_hash


class InlineCommentInline(ReadOnlyInline):
    """The markers' comments on passages of this version."""

    model = InlineComment
    fields = ["paragraph", "quote", "text", "author", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class OriginalityReportInline(ReadOnlyInline):
    """Each run of the originality check on this version (its own page lists the matches)."""

    model = OriginalityReport
    fields = ["run", "status", "score", "visible_to_student", "requested_at", "finished_at"]
    readonly_fields = fields


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "student_username",
        "classroom",
        "status",
        "current_version",
        "word_count",
        "submitted_at",
        "late_minutes",
    ]
    list_filter = ["status", "assignment__classroom__year", "assignment__classroom"]
    search_fields = SUBMISSION_SEARCH
    list_select_related = ["assignment__classroom", "student"]
    date_hierarchy = "submitted_at"
    fields = [
        "assignment",
        "student",
        "status",
        "current_version",
        "submitted_at",
        "late_minutes",
        "honesty_declared_at",
        "revision",
        "draft_saved_at",
        "word_count",
        "draft_text",
        "created_at",
    ]
    inlines = [SubmissionVersionInline]

    @admin.display(description=_("username"), ordering="student__username")
    def student_username(self, obj):
        return obj.student.username

    @admin.display(description=_("class"), ordering="assignment__classroom__name")
    def classroom(self, obj):
        return obj.assignment.classroom


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "number",
        "word_count",
        "submitted_at",
        "late_minutes",
        "short_hash",
    ]
    list_filter = ["submission__assignment__classroom"]
    search_fields = [f"submission__{field}" for field in SUBMISSION_SEARCH]
    list_select_related = ["submission__assignment", "submission__student"]
    date_hierarchy = "submitted_at"
    fields = [
        "submission",
        "number",
        "revision",
        "submitted_at",
        "late_minutes",
        "word_count",
        "sha256",
        "text",
    ]
    inlines = [OriginalityReportInline, InlineCommentInline]

    @admin.display(description=_("SHA-256"))
    def short_hash(self, obj):
        return obj.short_hash
