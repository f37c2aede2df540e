"""Serializers for courses, units, readings (sections, paragraphs, footnotes), prompts and
rubrics. Output serializers only read; input serializers are strict and only parse."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from courseware.api.common import StrictBooleanField, StrictCharField, StrictSerializer
from courseware.models import ReadingKind


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


class ParagraphSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    anchor = serializers.CharField(help_text=_("Stable: essays cite it as reading#p-N."))
    kind = serializers.CharField()
    text = serializers.CharField()
    page = serializers.CharField()
    markers = MarkerSerializer(source="note_markers", many=True)
    editorial_notes = EditorialNoteSerializer(source="notes_here", many=True)


class SectionSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    anchor = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
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
    levels = RubricLevelInputSerializer(many=True, allow_empty=False, max_length=12)


class RubricInputSerializer(StrictSerializer):
    title = StrictCharField(max_length=200)
    description = StrictCharField(max_length=5000, required=False, allow_blank=True, default="")
    criteria = RubricCriterionInputSerializer(many=True, allow_empty=False, max_length=30)
