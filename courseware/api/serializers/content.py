"""Serializers for courses, units, readings (sections, paragraphs, footnotes), prompts and
rubrics. Output serializers only read; input serializers are strict and only parse: what the
ids name, and every rule about the content, is the view's and the services' to check."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from courseware.api.common import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
)
from courseware.models import ReadingKind

MAX_ID = 2**63 - 1  # the largest id a row can have; a larger one is a 400, not a crash
MAX_TEXT = 20_000
MAX_WORDS = 100_000


def _id(**kwargs) -> StrictIntegerField:
    return StrictIntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _slug() -> serializers.SlugField:
    return serializers.SlugField(
        max_length=80,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Made from the title if empty; never ``new`` nor one already used. It cannot "
            "change later: an update may repeat it but not change it."
        ),
    )


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "One per line."},
            {"type": "array", "items": {"type": "string"}},
        ]
    }
)
class LinesField(serializers.Field):
    """Text with one item per line, or a list of one-line strings."""

    default_error_messages = {
        "invalid": _("Give text with one per line, or a list of strings."),
        "line": _("Each item is one line of text."),
        "too_long": _("Give at most %(max)s characters."),
    }

    def to_internal_value(self, data):
        if isinstance(data, list) and all(isinstance(line, str) for line in data):
            if any("\n" in line or "\r" in line for line in data):
                self.fail("line")
            text = "\n".join(data)
        elif isinstance(data, str):
            text = data
        else:
            self.fail("invalid")
        if len(text) > MAX_TEXT:
            self.fail("too_long", max=MAX_TEXT)
        # A string's own checks: no NUL, no lone surrogates (the database refuses both).
        serializers.CharField(allow_blank=True, trim_whitespace=False).run_validation(text)
        return data

    def to_representation(self, value):
        return value


class IdsField(serializers.ListField):
    """The ids of a related manager's objects (prefetched by the view's selector)."""

    child = serializers.IntegerField()

    def to_representation(self, data):
        return [obj.pk for obj in data.all()]


class CourseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    overview = serializers.CharField()


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.IntegerField(source="course_id")
    order = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    overview = serializers.CharField()
    learning_intentions = serializers.ListField(
        source="learning_intention_list", child=serializers.CharField()
    )


class CourseDetailSerializer(CourseSerializer):
    units = UnitSerializer(many=True)


class UnitReadingSerializer(serializers.Serializer):
    reading = serializers.IntegerField(source="reading_id")
    reading_title = serializers.CharField(source="reading.title")
    section = serializers.IntegerField(
        source="section_id", allow_null=True, help_text=_("Null when the whole reading is set.")
    )
    section_title = serializers.CharField(source="section.title", allow_null=True, default=None)
    note = serializers.CharField()


class UnitDetailSerializer(UnitSerializer):
    readings = UnitReadingSerializer(source="unit_readings.all", many=True)
    prompts = IdsField()
    quizzes = IdsField()


class ReadingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    author = serializers.CharField()
    kind = serializers.ChoiceField(choices=ReadingKind.choices)
    date_label = serializers.CharField()
    citation = serializers.CharField()
    provenance = serializers.CharField()
    licence_note = serializers.CharField()
    summary = serializers.CharField()
    word_count = serializers.IntegerField()
    reading_minutes = serializers.IntegerField()
    section_count = serializers.IntegerField(required=False)


class MarkerSerializer(serializers.Serializer):
    footnote = serializers.IntegerField(
        source="footnote_order", help_text=_("The footnote's ``order``.")
    )
    start = serializers.IntegerField(help_text=_("Where the marker starts in the text."))
    end = serializers.IntegerField()


class EditorialNoteSerializer(serializers.Serializer):
    original = serializers.CharField(help_text=_("What the source prints."))
    correction = serializers.CharField(help_text=_("What it probably means."))
    note = serializers.CharField()


class EmendationSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text=_("Where the original starts in the text."))
    end = serializers.IntegerField()
    original = serializers.CharField(help_text=_("What the scan reads."))
    correction = serializers.CharField(help_text=_("The recorded correction, shown in its place."))


class ParagraphSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    anchor = serializers.CharField(help_text=_("Stable: essays cite it as reading#p-N."))
    kind = serializers.CharField()
    text = serializers.CharField()
    page = serializers.CharField()
    markers = MarkerSerializer(source="note_markers", many=True)
    editorial_notes = EditorialNoteSerializer(source="notes_here", many=True)
    emendations = EmendationSerializer(
        many=True, help_text=_("Recorded corrections of the scanned text, shown in the text.")
    )


class SectionSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    anchor = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    title_emendations = EmendationSerializer(many=True)
    paragraphs = ParagraphSerializer(many=True)


class FootnoteSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    anchor = serializers.CharField()
    label = serializers.CharField(help_text=_("The marker as printed."))
    text = serializers.CharField()
    page = serializers.CharField()
    markers = MarkerSerializer(
        many=True, help_text=_("Markers inside this note's text, calling other notes.")
    )
    emendations = EmendationSerializer(many=True)


class ReadingDetailSerializer(ReadingSerializer):
    sections = SectionSerializer(many=True)
    footnotes = FootnoteSerializer(many=True)


class ReadingProgressSerializer(serializers.Serializer):
    first_opened_at = serializers.DateTimeField(allow_null=True)
    last_opened_at = serializers.DateTimeField(allow_null=True)
    marked_read_at = serializers.DateTimeField(allow_null=True)
    read = serializers.BooleanField()


class ReadingProgressChangeSerializer(StrictSerializer):
    read = StrictBooleanField(help_text=_("Mark the reading read (true) or not read yet."))


class PromptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.IntegerField(source="course_id")
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    slug = serializers.CharField()
    title = serializers.CharField()
    question = serializers.CharField()
    guidance = serializers.CharField()
    min_words = serializers.IntegerField()
    max_words = serializers.IntegerField()
    rubric = serializers.IntegerField(source="rubric_id")
    readings = IdsField()


class LevelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    title = serializers.CharField()
    descriptor = serializers.CharField()
    marks = serializers.DecimalField(max_digits=6, decimal_places=2)


class CriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    weight = serializers.IntegerField(
        help_text=_("The levels' marks below are already multiplied by it.")
    )
    levels = LevelSerializer(source="levels.all", many=True)


class RubricSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    version = serializers.IntegerField()
    previous = serializers.IntegerField(source="previous_id", allow_null=True)
    latest = serializers.SerializerMethodField(
        help_text=_("Whether this is the latest version (the only one that may be edited).")
    )
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    created_at = serializers.DateTimeField()

    def get_latest(self, rubric) -> bool:
        return not hasattr(rubric, "next_version")


class RubricDetailSerializer(RubricSerializer):
    criteria = CriterionSerializer(source="criteria.all", many=True)


class RubricLevelInputSerializer(StrictSerializer):
    title = StrictCharField(max_length=100)
    descriptor = StrictCharField(max_length=5000)
    marks = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0)


class RubricCriterionInputSerializer(StrictSerializer):
    title = StrictCharField(max_length=200)
    description = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    weight = StrictIntegerField(
        min_value=1,
        max_value=10,
        required=False,
        default=1,
        help_text=_("Each level's marks are multiplied by it when saved."),
    )
    levels = RubricLevelInputSerializer(
        many=True,
        allow_empty=False,
        max_length=12,
        help_text=_("Highest first, each worth fewer marks than the one before."),
    )


class RubricInputSerializer(StrictSerializer):
    title = StrictCharField(max_length=200)
    description = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    total_marks = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Optional: what the weighted criteria must add up to."),
    )
    criteria = RubricCriterionInputSerializer(many=True, allow_empty=False, max_length=30)


class RubricTemplateSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    total_marks = serializers.DecimalField(max_digits=8, decimal_places=2)
    criteria = RubricCriterionInputSerializer(many=True)


# --- Input: units, prompts, readings ------------------------------------------------------


class UnitReadingInputSerializer(StrictSerializer):
    reading = _id(help_text=_("The reading's id."))
    section = _id(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("One section of the reading, by id; null (or absent) sets the whole reading."),
    )
    note = StrictCharField(max_length=300, required=False, allow_blank=True, default="")


class UnitChangeSerializer(StrictSerializer):
    """A unit's text and what it sets; ``readings``, when given, replaces what it sets."""

    title = StrictCharField(max_length=200)
    slug = _slug()
    overview = StrictCharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    learning_intentions = LinesField(required=False, default="")
    readings = UnitReadingInputSerializer(
        many=True,
        required=False,
        max_length=100,
        help_text=_("Whole readings or single sections, in order."),
    )


class UnitCreateSerializer(UnitChangeSerializer):
    course = _id(help_text=_("The course's id."))


class PromptChangeSerializer(StrictSerializer):
    title = StrictCharField(max_length=200)
    slug = _slug()
    unit = _id(required=False, allow_null=True, default=None, help_text=_("A unit of the course."))
    question = StrictCharField(max_length=MAX_TEXT)
    guidance = StrictCharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    min_words = StrictIntegerField(min_value=0, max_value=MAX_WORDS, required=False, default=0)
    max_words = StrictIntegerField(min_value=1, max_value=MAX_WORDS)
    readings = serializers.ListField(
        child=_id(), required=False, default=list, max_length=100, help_text=_("Readings' ids.")
    )
    rubric = _id(help_text=_("The latest version of a rubric (or the one the prompt has)."))


class PromptCreateSerializer(PromptChangeSerializer):
    course = _id(help_text=_("The course's id."))


class ReadingMetadataInputSerializer(StrictSerializer):
    title = StrictCharField(max_length=300)
    slug = _slug()
    author = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=ReadingKind.choices)
    date_label = StrictCharField(max_length=60, required=False, allow_blank=True, default="")
    citation = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    provenance = StrictCharField(max_length=300, required=False, allow_blank=True, default="")
    licence_note = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    summary = StrictCharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class ReadingTextInputSerializer(ReadingMetadataInputSerializer):
    """The details and the text, pasted (``text``); an update may leave the text out."""

    text = StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text=_("UTF-8 plain text, at most 2 MB; the importer finds sections and notes."),
    )


class ReadingFileInputSerializer(ReadingMetadataInputSerializer):
    """The details and the text, uploaded as a plain-text ``file`` or pasted (``text``); an
    update may leave both out."""

    text = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)
    file = serializers.FileField(
        required=False, help_text=_("A UTF-8 plain-text file (.txt), at most 2 MB.")
    )


class ImportReportSerializer(serializers.Serializer):
    sections = serializers.IntegerField()
    paragraphs = serializers.IntegerField()
    footnotes = serializers.IntegerField()
    references_moved = serializers.IntegerField(
        help_text=_("Links that followed their paragraph's text to its new place.")
    )
    references_kept_on_changed_text = serializers.IntegerField(
        help_text=_("Links left on a paragraph whose text changed: check them.")
    )
    references_detached = serializers.IntegerField(
        help_text=_("Links removed with a paragraph that no longer exists.")
    )
    warnings = serializers.ListField(child=serializers.CharField())


class ReadingImportedSerializer(ReadingDetailSerializer):
    import_report = ImportReportSerializer(
        allow_null=True, help_text=_("What the import did; null when the text was kept.")
    )
