"""Query-string filters of the API's lists (django-filter).

Filters only narrow what a selector already decided the user may see; none of them widens it.
Filters through many-to-many relations use subqueries, so they neither repeat rows nor
inflate a list's counts.
"""

from __future__ import annotations

from datetime import UTC

import django_filters as filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from courseware.models import (
    Assignment,
    AssignmentKind,
    EssayPrompt,
    QuizAttempt,
    Reading,
    ReadingKind,
    Submission,
    SubmissionStatus,
    Unit,
    UnitReading,
)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """An object's id: a whole number in the database's range (a float or a number too large
    for a database integer is a 400, not a failed query)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class UTCDateTimeField(filters.fields.IsoDateTimeField):
    """An ISO 8601 moment, in UTC: PostgreSQL refuses offsets beyond ±16 hours, which ISO
    allows, and a moment beyond year 1 or 9999 in UTC is out of range, not a failed query."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None or moment.tzinfo is None:
            return moment
        try:
            return moment.astimezone(UTC)
        except OverflowError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class MomentFilter(filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class UnitFilter(filters.FilterSet):
    course = IdFilter(field_name="course_id", help_text="A course's id.")

    class Meta:
        model = Unit
        fields: list = []


class ReadingFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ReadingKind.choices)
    unit = IdFilter(method="in_unit", help_text="Readings set for this unit.")
    course = IdFilter(method="in_course", help_text="Readings set for a unit of this course.")

    class Meta:
        model = Reading
        fields: list = []

    def in_unit(self, queryset, name, value):
        return queryset.filter(
            pk__in=UnitReading.objects.filter(unit_id=value).values("reading_id")
        )

    def in_course(self, queryset, name, value):
        return queryset.filter(
            pk__in=UnitReading.objects.filter(unit__course_id=value).values("reading_id")
        )


class PromptFilter(filters.FilterSet):
    course = IdFilter(field_name="course_id", help_text="A course's id.")
    unit = IdFilter(field_name="unit_id", help_text="A unit's id.")

    class Meta:
        model = EssayPrompt
        fields: list = []


class AssignmentFilter(filters.FilterSet):
    classroom = IdFilter(field_name="classroom_id", help_text="A class's id.")
    kind = filters.ChoiceFilter(choices=AssignmentKind.choices)
    due_after = MomentFilter(
        field_name="due_at", lookup_expr="gte", help_text="Due at or after this moment."
    )
    due_before = MomentFilter(
        field_name="due_at", lookup_expr="lte", help_text="Due at or before this moment."
    )
    withdrawn = filters.BooleanFilter(
        field_name="withdrawn_at",
        lookup_expr="isnull",
        exclude=True,
        help_text="Withdrawn ones only (true) or live ones only (false).",
    )

    class Meta:
        model = Assignment
        fields: list = []


class SubmissionFilter(filters.FilterSet):
    assignment = IdFilter(field_name="assignment_id", help_text="An assignment's id.")
    classroom = IdFilter(field_name="assignment__classroom_id", help_text="A class's id.")
    status = filters.ChoiceFilter(choices=SubmissionStatus.choices)

    class Meta:
        model = Submission
        fields: list = []


class QuizAttemptFilter(filters.FilterSet):
    assignment = IdFilter(field_name="assignment_id", help_text="An assignment's id.")
    submitted = filters.BooleanFilter(
        field_name="submitted_at",
        lookup_expr="isnull",
        exclude=True,
        help_text="Handed-in attempts only (true) or those in progress only (false).",
    )

    class Meta:
        model = QuizAttempt
        fields: list = []
