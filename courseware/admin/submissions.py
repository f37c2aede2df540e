"""Django admin for essay submissions: a student's draft and the versions they handed in.

Read-only: student work changes only on the site, through ``courseware.services.submissions``,
which keeps drafts' revisions and submitted versions as the rules say. The admin is for staff
looking things up, so it shows students' real names even on anonymously marked assignments.
Handed-in texts are shown as plain text (escaped), never as HTML. A draft is the student's
work in progress and is not shown unless an admin runs the support action "Reveal the draft",
which records the look in the submission's history (Django's admin log).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from courseware.admin.readonly import ReadOnlyAdmin, ReadOnlyInline
from courseware.models import InlineComment, OriginalityReport, Submission, SubmissionVersion

REVEALED_DRAFTS_KEY = "lectern_admin_revealed_drafts"
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
        "draft",
        "created_at",
    ]
    inlines = [SubmissionVersionInline]
    actions = ["reveal_draft"]

    @admin.display(description=_("draft"))
    def draft(self, obj):
        """The draft is the student's work in progress: not shown (see ``get_fields``)."""
        return _(
            "Private to the student. To help them with it, select this submission in the list "
            "and run “Reveal the draft for support”; that is recorded in its history."
        )

    def get_fields(self, request, obj=None):
        """The draft's text only for an admin who revealed it with the support action."""
        fields = list(super().get_fields(request, obj))
        if obj is not None and obj.pk in request.session.get(REVEALED_DRAFTS_KEY, []):
            fields[fields.index("draft")] = "draft_text"
        return fields

    @admin.action(description=_("Reveal the draft for support (recorded)"))
    def reveal_draft(self, request, queryset):
        """Show the selected submissions' drafts to this admin for this session, and record in
        each submission's history who looked and when."""
        revealed = set(request.session.get(REVEALED_DRAFTS_KEY, []))
        for submission in queryset:
            self.log_change(request, submission, "Revealed the draft for support.")
            revealed.add(submission.pk)
        request.session[REVEALED_DRAFTS_KEY] = sorted(revealed)
        self.message_user(
            request,
            _("Drafts revealed to you for this session; each look is recorded in its history."),
        )

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
