"""Django admin for content models.

Readings are imported, not typed: their text, sections, paragraphs and notes come from
``import_reading`` or the site's reading form, so the admin shows them read-only and edits only a
reading's details. A rubric that has been used is versioned by the site's rubric editor, so the
admin does not change it in place.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from courseware.admin.readonly import ReadOnlyInline
from courseware.models import (
    Choice,
    Criterion,
    EditorialNote,
    EssayPrompt,
    Footnote,
    Level,
    Paragraph,
    Person,
    Question,
    Quiz,
    Reading,
    Rubric,
    Section,
    Term,
    TimelineEvent,
    Unit,
    UnitReading,
)
from courseware.selectors.content import rubric_is_used


class UnitReadingInline(admin.TabularInline):
    model = UnitReading
    extra = 0
    autocomplete_fields = ["reading"]
    raw_id_fields = ["section"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "order", "slug"]
    list_filter = ["course"]
    search_fields = ["title", "slug", "overview"]
    ordering = ["course", "order"]
    inlines = [UnitReadingInline]


class SectionInline(ReadOnlyInline):
    model = Section
    fields = ["order", "title", "kind"]
    readonly_fields = fields


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "kind", "word_count", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["title", "author", "slug", "citation"]
    readonly_fields = [
        "slug",
        "source_sha256",
        "word_count",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fields = [
        "slug",
        "title",
        "author",
        "kind",
        "date_label",
        "citation",
        "provenance",
        "licence_note",
        "summary",
        "source_sha256",
        "word_count",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [SectionInline]

    def has_add_permission(self, request):
        return False  # readings are imported: manage.py import_reading or the site's form


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "page", "excerpt"]
    list_filter = ["kind", "reading"]
    search_fields = ["text", "reading__slug"]
    list_select_related = ["reading"]
    fields = ["reading", "section", "number", "kind", "page", "text"]
    readonly_fields = fields

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return obj.text[:90]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a reading's text changes by import only


@admin.register(Footnote)
class FootnoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "order", "page"]
    list_filter = ["reading"]
    search_fields = ["text", "label"]
    list_select_related = ["reading"]
    fields = ["reading", "order", "label", "page", "text"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a reading's text changes by import only


@admin.register(EditorialNote)
class EditorialNoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "reading", "paragraph", "section", "footnote", "in_text"]
    list_filter = ["reading", "in_text"]
    search_fields = ["original", "correction", "note"]
    autocomplete_fields = ["reading", "paragraph"]
    raw_id_fields = ["section", "footnote"]


class EvidenceAdmin(admin.ModelAdmin):
    autocomplete_fields = ["evidence"]
    list_filter = ["course"]

    @admin.display(description=_("evidence"))
    def evidence_count(self, obj):
        return obj.evidence.count()


@admin.register(Term)
class TermAdmin(EvidenceAdmin):
    list_display = ["term", "course", "evidence_count"]
    search_fields = ["term", "definition"]


@admin.register(Person)
class PersonAdmin(EvidenceAdmin):
    list_display = ["name", "life_dates", "course", "evidence_count"]
    search_fields = ["name", "summary"]


@admin.register(TimelineEvent)
class TimelineEventAdmin(EvidenceAdmin):
    list_display = ["date", "precision", "title", "course", "evidence_count"]
    list_filter = ["course", "precision"]
    search_fields = ["title", "description"]
    date_hierarchy = "date"


class RubricUseMixin:
    """A used rubric (and its criteria and levels) is read-only here: edits make versions."""

    def _rubric(self, obj):
        return obj

    def has_change_permission(self, request, obj=None):
        if obj is not None and rubric_is_used(rubric=self._rubric(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and rubric_is_used(rubric=self._rubric(obj)):
            return False
        return super().has_delete_permission(request, obj)


class CriterionInline(admin.StackedInline):
    model = Criterion
    extra = 0
    show_change_link = True


@admin.register(Rubric)
class RubricAdmin(RubricUseMixin, admin.ModelAdmin):
    list_display = ["title", "version", "previous", "owner", "created_at"]
    search_fields = ["title", "description"]
    readonly_fields = ["version", "previous", "created_at"]
    inlines = [CriterionInline]


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(RubricUseMixin, admin.ModelAdmin):
    list_display = ["title", "rubric", "order"]
    list_filter = ["rubric"]
    search_fields = ["title"]
    inlines = [LevelInline]

    def _rubric(self, obj):
        return obj.rubric


@admin.register(EssayPrompt)
class EssayPromptAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "unit", "min_words", "max_words", "rubric"]
    list_filter = ["course", "unit"]
    search_fields = ["title", "question", "slug"]
    filter_horizontal = ["readings"]
    list_select_related = ["course", "unit", "rubric"]


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    show_change_link = True
    raw_id_fields = ["evidence"]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "unit"]
    list_filter = ["unit__course"]
    search_fields = ["title", "slug"]
    inlines = [QuestionInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "quiz", "order", "evidence"]
    list_filter = ["quiz"]
    search_fields = ["text", "explanation"]
    raw_id_fields = ["evidence"]
    inlines = [ChoiceInline]
