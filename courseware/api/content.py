"""API for course content: courses, units, readings, essay prompts and rubrics.

- ``/courses/`` and ``/courses/<id>/`` (with its units in order).
- ``/units/`` (``?course``) and ``/units/<id>/`` (the readings it sets, its prompts and quizzes).
- ``/readings/`` (``?kind``, ``unit``, ``course``) and ``/readings/<id>/``: the whole text as
  sections of numbered paragraphs (each with its note markers and editorial notes) and the
  footnotes. ``/readings/<id>/progress/`` — a student's progress; PUT ``{"read": true}`` marks
  it read (``false`` takes that back).
- ``/prompts/`` (``?course``, ``unit``) and ``/prompts/<id>/``.
- ``/rubrics/`` and ``/rubrics/<id>/`` with criteria and levels; teachers create them (POST) and
  edit the latest version (PUT): a rubric already used for an essay keeps its version and the
  edit becomes a new one (201 with the new rubric; 200 when changed in place).

Teachers and school admins see all content; a student sees their courses' content (the
selectors in ``courseware.selectors.content``): anything else is a 404, the same as a missing
object. Writes are for those who may author content (``courseware.permissions``), else 403.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from courseware.api import filters
from courseware.api import permissions as api_permissions
from courseware.api.common import HideMissingMixin, errors, refusal
from courseware.api.serializers import content as s
from courseware.models import (
    Course,
    EssayPrompt,
    Quiz,
    Reading,
    Rubric,
    Unit,
    UnitReading,
)
from courseware.selectors import content as selectors
from courseware.services import content as services
from courseware.services.content import CriterionSpec, LevelSpec


class ContentViewSet(HideMissingMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Reads for everyone signed in (within what the selectors show them); writes for authors."""

    lookup_value_converter = "int"
    permission_classes = [IsAuthenticated, api_permissions.ReadOrAuthorContent]


@extend_schema_view(
    list=extend_schema(responses={200: s.CourseSerializer}),
    retrieve=extend_schema(responses={200: s.CourseDetailSerializer, **errors(401, 404)}),
)
class CourseViewSet(mixins.RetrieveModelMixin, ContentViewSet):
    queryset = Course.objects.none()
    serializer_class = s.CourseSerializer

    def get_queryset(self):
        courses = selectors.courses_for_user(user=self.request.user).order_by("title")
        if self.action == "retrieve":
            courses = courses.prefetch_related(
                Prefetch("units", queryset=Unit.objects.order_by("order"))
            )
        return courses

    def get_serializer_class(self):
        return s.CourseDetailSerializer if self.action == "retrieve" else s.CourseSerializer


@extend_schema_view(
    list=extend_schema(responses={200: s.UnitSerializer}),
    retrieve=extend_schema(responses={200: s.UnitDetailSerializer, **errors(401, 404)}),
)
class UnitViewSet(mixins.RetrieveModelMixin, ContentViewSet):
    queryset = Unit.objects.none()
    serializer_class = s.UnitSerializer
    filterset_class = filters.UnitFilter

    def get_queryset(self):
        units = selectors.units_for_user(user=self.request.user).order_by("course", "order")
        if self.action == "retrieve":
            units = units.prefetch_related(
                Prefetch(
                    "unit_readings",
                    queryset=UnitReading.objects.select_related("reading", "section").order_by(
                        "order"
                    ),
                ),
                Prefetch("prompts", queryset=EssayPrompt.objects.only("pk", "unit_id")),
                Prefetch("quizzes", queryset=Quiz.objects.only("pk", "unit_id")),
            )
        return units

    def get_serializer_class(self):
        return s.UnitDetailSerializer if self.action == "retrieve" else s.UnitSerializer


@extend_schema_view(list=extend_schema(responses={200: s.ReadingSerializer}))
class ReadingViewSet(ContentViewSet):
    queryset = Reading.objects.none()
    serializer_class = s.ReadingSerializer
    filterset_class = filters.ReadingFilter

    def get_queryset(self):
        return selectors.reading_list_for(user=self.request.user)

    @extend_schema(responses={200: s.ReadingDetailSerializer, **errors(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        """A reading's whole text: sections of numbered paragraphs, and its footnotes."""
        reading = self.get_object()
        page = selectors.reading_page(reading=reading)
        body = s.ReadingSerializer(reading).data
        body["sections"] = [
            s.SectionSerializer(
                {
                    "order": view.section.order,
                    "anchor": view.section.anchor,
                    "title": view.section.title,
                    "kind": view.section.kind,
                    "paragraphs": [p for block in view.blocks for p in block.paragraphs],
                }
            ).data
            for view in page.sections
        ]
        body["footnotes"] = [
            s.FootnoteSerializer(
                {
                    "order": note.footnote.order,
                    "anchor": note.footnote.anchor,
                    "label": note.footnote.label,
                    "text": note.footnote.text,
                    "page": note.footnote.page,
                    "markers": note.markers,
                }
            ).data
            for note in page.notes
        ]
        return Response(body)

    @extend_schema(
        methods=["get"],
        request=None,
        responses={200: s.ReadingProgressSerializer, **errors(401, 403, 404)},
    )
    @extend_schema(
        methods=["put"],
        request=s.ReadingProgressChangeSerializer,
        responses={200: s.ReadingProgressSerializer, **errors(400, 401, 403, 404)},
    )
    @action(
        detail=True,
        methods=["get", "put"],
        permission_classes=[IsAuthenticated, api_permissions.CanTrackReading],
    )
    def progress(self, request, *args, **kwargs):
        """A student's progress with a reading; PUT marks it read or not read yet."""
        reading = self.get_object()
        if request.method == "PUT":
            data = s.ReadingProgressChangeSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            if data.validated_data["read"]:
                services.reading_mark_read(student=request.user, reading=reading)
            else:
                services.reading_unmark_read(student=request.user, reading=reading)
        progress = selectors.reading_progress_for(user=request.user, reading=reading)
        return Response(
            s.ReadingProgressSerializer(
                {
                    "first_opened_at": getattr(progress, "first_opened_at", None),
                    "last_opened_at": getattr(progress, "last_opened_at", None),
                    "marked_read_at": getattr(progress, "marked_read_at", None),
                    "read": getattr(progress, "marked_read_at", None) is not None,
                }
            ).data
        )


@extend_schema_view(
    list=extend_schema(responses={200: s.PromptSerializer}),
    retrieve=extend_schema(responses={200: s.PromptSerializer, **errors(401, 404)}),
)
class PromptViewSet(mixins.RetrieveModelMixin, ContentViewSet):
    queryset = EssayPrompt.objects.none()
    serializer_class = s.PromptSerializer
    filterset_class = filters.PromptFilter

    def get_queryset(self):
        return (
            selectors.prompts_for_user(user=self.request.user)
            .prefetch_related(Prefetch("readings", queryset=Reading.objects.only("pk")))
            .order_by("course", "title")
        )


def _criteria(data: dict) -> list[CriterionSpec]:
    return [
        CriterionSpec(
            title=criterion["title"],
            description=criterion["description"],
            levels=tuple(
                LevelSpec(
                    title=level["title"], descriptor=level["descriptor"], marks=level["marks"]
                )
                for level in criterion["levels"]
            ),
        )
        for criterion in data["criteria"]
    ]


@extend_schema_view(list=extend_schema(responses={200: s.RubricSerializer}))
class RubricViewSet(ContentViewSet):
    queryset = Rubric.objects.none()
    serializer_class = s.RubricSerializer

    def get_queryset(self):
        return selectors.rubric_list_for(user=self.request.user)

    def get_object(self):
        return selectors.rubric_get_for(user=self.request.user, pk=self.kwargs["pk"])

    def _detail(self, rubric: Rubric, *, code=status.HTTP_200_OK) -> Response:
        rubric = selectors.rubric_get_for(user=self.request.user, pk=rubric.pk)
        return Response(s.RubricDetailSerializer(rubric).data, status=code)

    @extend_schema(responses={200: s.RubricDetailSerializer, **errors(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        """A rubric with its criteria and their levels, in order."""
        return Response(s.RubricDetailSerializer(self.get_object()).data)

    @extend_schema(
        request=s.RubricInputSerializer,
        responses={201: s.RubricDetailSerializer, **errors(400, 401, 403)},
    )
    def create(self, request, *args, **kwargs):
        """A teacher writes a rubric: criteria in order, each with its levels."""
        data = s.RubricInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            rubric = services.rubric_create(
                title=data.validated_data["title"],
                description=data.validated_data["description"],
                criteria=_criteria(data.validated_data),
                owner=request.user,
            )
        except ValidationError as error:
            return refusal(error)
        return self._detail(rubric, code=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.RubricInputSerializer,
        responses={
            200: s.RubricDetailSerializer,
            201: s.RubricDetailSerializer,
            **errors(400, 401, 403, 404),
        },
    )
    def update(self, request, *args, **kwargs):
        """Edit the latest version of a rubric. One already used for an essay is kept as it
        is and the edit becomes its next version (201, the new rubric); an unused one changes
        in place (200). An older version cannot be edited (400)."""
        rubric = self.get_object()
        data = s.RubricInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            saved = services.rubric_update(
                rubric=rubric,
                title=data.validated_data["title"],
                description=data.validated_data["description"],
                criteria=_criteria(data.validated_data),
                by=request.user,
            )
        except ValidationError as error:
            return refusal(error)
        return self._detail(
            saved, code=status.HTTP_201_CREATED if saved.pk != rubric.pk else status.HTTP_200_OK
        )
