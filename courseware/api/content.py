"""API for course content: courses, units, readings, essay prompts and rubrics.

- ``/courses/`` and ``/courses/<id>/`` (with its units in order).
- ``/units/`` (``?course``) and ``/units/<id>/`` (the readings it sets, its prompts and quizzes).
  Authors add a unit (POST: ``course``, ``title``, optional ``slug``, ``overview``,
  ``learning_intentions`` as text with one per line or a list of strings, ``readings`` as
  ``[{"reading": id, "section": id | null, "note": ""}]``) and change it (PUT replaces, PATCH
  changes the fields given).
- ``/readings/`` (``?kind``, ``unit``, ``course``) and ``/readings/<id>/``: the whole text as
  sections of numbered paragraphs (each with its note markers and editorial notes) and the
  footnotes. ``/readings/<id>/progress/`` — a student's progress; PUT ``{"read": true}`` marks
  it read (``false`` takes that back). Authors add a reading from plain text as the import page
  does (POST: JSON with ``text``, or multipart with the file as ``file``; UTF-8, at most 2 MB, a
  larger one is a 413) and change its details or replace its text in place (PUT); both answer
  with the reading and an ``import_report``.
- ``/prompts/`` (``?course``, ``unit``) and ``/prompts/<id>/``; authors write them (POST) and
  change them (PUT, PATCH): the fields of the prompt form, ids for ``course``, ``unit``,
  ``readings`` and ``rubric`` (a latest version).
- ``/rubrics/`` and ``/rubrics/<id>/`` with criteria and levels; teachers create them (POST) and
  edit the latest version (PUT): a rubric already used for an essay keeps its version and the
  edit becomes a new one (201 with the new rubric; 200 when changed in place).

Teachers and school admins see all content; a student sees their courses' content (the
selectors in ``courseware.selectors.content``): anything else is a 404, the same as a missing
object. Writes are for those who may author content (``courseware.permissions``), else 403.
Every write is a service's (``courseware.services.content``), as for the site's pages, so the
same rules hold: a new slug is made from the title when empty, is never ``new`` and is not
already used (a 400 on ``slug``), and never changes afterwards. An id that names nothing is a
400 on its field.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config.input_policy import PolicyJSONParser
from courseware.api import filters
from courseware.api import permissions as api_permissions
from courseware.api.common import HideMissingMixin, errors, refusal
from courseware.api.serializers import content as s
from courseware.importers import ReadingParseError
from courseware.models import (
    Course,
    EssayPrompt,
    Quiz,
    Reading,
    Rubric,
    Section,
    Unit,
    UnitReading,
)
from courseware.rubric_templates import rubric_templates
from courseware.selectors import content as selectors
from courseware.services import content as services
from courseware.services.content import (
    CriterionSpec,
    LevelSpec,
    ReadingTooLarge,
    UnitReadingSpec,
)


class ContentViewSet(HideMissingMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Reads for everyone signed in (within what the selectors show them); writes for authors."""

    lookup_value_converter = "int"
    permission_classes = [IsAuthenticated, api_permissions.ReadOrAuthorContent]

    def _input(self, serializer_class, current: dict | None = None) -> dict:
        """The request's body parsed by a strict input serializer (a 400 if it does not fit).

        For a PATCH, ``current`` holds the object's values in the input's own form: what the
        body leaves out keeps them, and the whole is checked as a PUT would be.
        """
        data = self.request.data
        if current is not None and isinstance(data, Mapping):
            data = {**current, **data}
        parsed = serializer_class(data=data, context={"request": self.request})
        parsed.is_valid(raise_exception=True)
        return dict(parsed.validated_data)


def _no_such(noun: str) -> list[str]:
    return [_("No %(noun)s has this id.") % {"noun": noun}]


def _bad_input(errors_by_field: dict) -> Response:
    return Response(errors_by_field, status=status.HTTP_400_BAD_REQUEST)


def _slug_kept(data: dict, current: str, noun: str) -> dict | None:
    """An update may repeat the slug but not change it: links and citations use it."""
    slug = data.pop("slug", "")
    if slug and slug != current:
        return {
            "slug": [
                _("A %(noun)s's slug cannot change; it stays “%(slug)s”.")
                % {"noun": noun, "slug": current}
            ]
        }
    return None


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


def _unit_reading_specs(user, items: list[dict]) -> tuple[list[UnitReadingSpec], dict | None]:
    """The readings (or sections) a unit's input sets, or a 400 body naming each bad id."""
    readings = selectors.readings_for_user(user=user).in_bulk({item["reading"] for item in items})
    sections = Section.objects.in_bulk({item["section"] for item in items if item["section"]})
    specs, problems = [], {}
    for index, item in enumerate(items):
        problem = {}
        reading = readings.get(item["reading"])
        section = sections.get(item["section"]) if item["section"] is not None else None
        if reading is None:
            problem["reading"] = _no_such(_("reading"))
        if item["section"] is not None and section is None:
            problem["section"] = _no_such(_("section"))
        if problem:
            problems[str(index)] = problem  # by position, as DRF names a nested item's errors
        else:
            specs.append(UnitReadingSpec(reading=reading, section=section, note=item["note"]))
    if problems:
        return [], {"readings": problems}
    return specs, None


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
        if self.action != "list":
            units = units.prefetch_related(
                Prefetch(
                    "unit_readings",
                    queryset=UnitReading.objects.select_related("reading", "section").order_by(
                        "order"
                    ),
                ),
                Prefetch("prompts", queryset=EssayPrompt.objects.only("pk", "unit_id")),
                Prefetch("quizzes", queryset=Quiz.objects.current().only("pk", "unit_id")),
            )
        return units

    def get_serializer_class(self):
        return s.UnitSerializer if self.action == "list" else s.UnitDetailSerializer

    def _detail(self, unit: Unit, *, code=status.HTTP_200_OK) -> Response:
        unit = self.get_queryset().get(pk=unit.pk)
        return Response(s.UnitDetailSerializer(unit).data, status=code)

    @extend_schema(
        request=s.UnitCreateSerializer,
        responses={201: s.UnitDetailSerializer, **errors(400, 401, 403)},
    )
    def create(self, request, *args, **kwargs):
        """An author adds a unit to a course, last in its order, with the readings (or single
        sections of them) it sets."""
        data = self._input(s.UnitCreateSerializer)
        course = selectors.courses_for_user(user=request.user).filter(pk=data["course"]).first()
        if course is None:
            return _bad_input({"course": _no_such(_("course"))})
        readings, problem = _unit_reading_specs(request.user, data.get("readings", []))
        if problem:
            return _bad_input(problem)
        try:
            unit = services.unit_create(
                course=course,
                slug=data["slug"],
                title=data["title"],
                overview=data["overview"],
                learning_intentions=data["learning_intentions"],
                readings=readings,
            )
        except ValidationError as error:
            return refusal(error)
        return self._detail(unit, code=status.HTTP_201_CREATED)

    def _change(self, *, partial: bool) -> Response:
        unit = self.get_object()
        current = None
        if partial:
            current = {
                "title": unit.title,
                "overview": unit.overview,
                "learning_intentions": unit.learning_intentions,
            }
        data = self._input(s.UnitChangeSerializer, current)
        problem = _slug_kept(data, unit.slug, _("unit"))
        if problem:
            return _bad_input(problem)
        readings = None  # a PATCH without readings keeps them
        if "readings" in data or not partial:
            readings, problem = _unit_reading_specs(self.request.user, data.get("readings", []))
            if problem:
                return _bad_input(problem)
        try:
            services.unit_update(
                unit=unit,
                title=data["title"],
                overview=data["overview"],
                learning_intentions=data["learning_intentions"],
                readings=readings,
            )
        except ValidationError as error:
            return refusal(error)
        return self._detail(unit)

    @extend_schema(
        request=s.UnitChangeSerializer,
        responses={200: s.UnitDetailSerializer, **errors(400, 401, 403, 404)},
    )
    def update(self, request, *args, **kwargs):
        """Replace a unit's text and the readings it sets; what the body leaves out takes its
        default (no readings). The slug stays."""
        return self._change(partial=False)

    @extend_schema(
        request=s.UnitChangeSerializer,
        responses={200: s.UnitDetailSerializer, **errors(400, 401, 403, 404)},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change only the fields given; ``readings``, when given, replaces what is set."""
        return self._change(partial=True)


def _reading_text(data: dict) -> str | None:
    """The text sent, pasted (``text``) or uploaded (``file``), checked by the service's
    ``reading_text_decode``; None when neither was sent. Raises ``ReadingParseError``."""
    upload, pasted = data.get("file"), data.get("text", "")
    if upload is not None:
        services.reading_size_check(upload.size)  # before reading it into memory
        return services.reading_text_decode(upload.read())
    if pasted.strip():
        return services.reading_text_decode(pasted.encode("utf-8"))
    return None


def _unreadable(error: ReadingParseError, data: dict) -> Response:
    """Text the importer refuses: a 413 when it is too large, else a 400 on its field."""
    field = "file" if data.get("file") is not None else "text"
    if isinstance(error, ReadingTooLarge):
        return Response(
            {"detail": str(error), "code": "too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    return _bad_input({"detail": str(error), "code": "unreadable", field: [str(error)]})


def _import_report(reading: Reading) -> dict | None:
    report = getattr(reading, "import_report", None)
    if report is None:
        return None
    return s.ImportReportSerializer(report).data


# Adding or replacing a reading's text takes JSON (``text``) or a multipart upload (``file``).
READING_INPUT = {
    "application/json": s.ReadingTextInputSerializer,
    "multipart/form-data": s.ReadingFileInputSerializer,
}


@extend_schema_view(list=extend_schema(responses={200: s.ReadingSerializer}))
class ReadingViewSet(ContentViewSet):
    queryset = Reading.objects.none()
    serializer_class = s.ReadingSerializer
    filterset_class = filters.ReadingFilter
    parser_classes = [PolicyJSONParser, MultiPartParser]

    def get_queryset(self):
        return selectors.reading_list_for(user=self.request.user)

    def _body(self, reading: Reading) -> dict:
        page = selectors.reading_page(reading=reading)
        body = s.ReadingSerializer(reading).data
        body["sections"] = [
            s.SectionSerializer(
                {
                    "order": view.section.order,
                    "anchor": view.section.anchor,
                    "title": view.section.title,
                    "kind": view.section.kind,
                    "title_emendations": view.emendations,
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
                    "emendations": note.emendations,
                }
            ).data
            for note in page.notes
        ]
        return body

    @extend_schema(responses={200: s.ReadingDetailSerializer, **errors(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        """A reading's whole text: sections of numbered paragraphs, and its footnotes."""
        return Response(self._body(self.get_object()))

    def _imported(self, reading: Reading, *, code=status.HTTP_200_OK) -> Response:
        report = _import_report(reading)
        body = self._body(self.get_queryset().get(pk=reading.pk))
        body["import_report"] = report
        return Response(body, status=code)

    def _input_for(self, serializers_by_type: dict) -> dict:
        multipart = self.request.content_type.startswith("multipart/")
        return self._input(
            serializers_by_type["multipart/form-data" if multipart else "application/json"]
        )

    @extend_schema(
        request=READING_INPUT,
        responses={201: s.ReadingImportedSerializer, **errors(400, 401, 403, 413)},
    )
    def create(self, request, *args, **kwargs):
        """An author adds a reading from plain text, as the site's import page does: JSON with
        the text in ``text``, or a multipart form uploading it as ``file`` (UTF-8 plain text,
        at most 2 MB; a larger one is a 413), with the reading's details. The importer finds
        its sections, numbered paragraphs and notes; text it cannot read is a 400 saying why.
        """
        data = self._input_for(READING_INPUT)
        if data.get("file") is not None and data.get("text", "").strip():
            return _bad_input({"detail": _("Send the text or a file, not both.")})
        metadata = {name: data[name] for name in services.READING_METADATA}
        try:
            text = _reading_text(data)
            if text is None:
                return _bad_input({"text": [_("Send the text, or upload it as a file.")]})
            reading = services.reading_create(
                text=text, slug=data["slug"], by=request.user, **metadata
            )
        except ReadingParseError as error:
            return _unreadable(error, data)
        except ValidationError as error:
            return refusal(error)
        return self._imported(reading, code=status.HTTP_201_CREATED)

    @extend_schema(
        request=READING_INPUT,
        responses={200: s.ReadingImportedSerializer, **errors(400, 401, 403, 404, 413)},
    )
    def update(self, request, *args, **kwargs):
        """Change a reading's details and, when ``text`` or ``file`` is sent, replace its text:
        paragraphs keep their numbers where the text is unchanged, and links follow text that
        moved (``import_report`` counts them). Without a text, the text stays as it is."""
        reading = self.get_object()
        data = self._input_for(READING_INPUT)
        problem = _slug_kept(data, reading.slug, _("reading"))
        if problem:
            return _bad_input(problem)
        if data.get("file") is not None and data.get("text", "").strip():
            return _bad_input({"detail": _("Send the text or a file, not both.")})
        metadata = {name: data[name] for name in services.READING_METADATA}
        try:
            text = _reading_text(data)
            if text is None:
                reading = services.reading_update(reading=reading, **metadata)
            else:
                reading = services.reading_import(text=text, slug=reading.slug, **metadata)
        except ReadingParseError as error:
            return _unreadable(error, data)
        except ValidationError as error:
            return refusal(error)
        return self._imported(reading)

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
        parser_classes=[PolicyJSONParser],
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

    def _detail(self, prompt: EssayPrompt, *, code=status.HTTP_200_OK) -> Response:
        prompt = self.get_queryset().get(pk=prompt.pk)
        return Response(s.PromptSerializer(prompt).data, status=code)

    def _fields(self, data: dict) -> tuple[dict, dict | None]:
        """The service's arguments for a prompt's input, or a 400 body naming each bad id."""
        user = self.request.user
        problems = {}
        unit = None
        if data["unit"] is not None:
            unit = selectors.units_for_user(user=user).filter(pk=data["unit"]).first()
            if unit is None:
                problems["unit"] = _no_such(_("unit"))
        rubric = selectors.rubrics_for_user(user=user).filter(pk=data["rubric"]).first()
        if rubric is None:
            problems["rubric"] = _no_such(_("rubric"))
        wanted = data["readings"]
        readings = selectors.readings_for_user(user=user).in_bulk(wanted)
        missing = [pk for pk in wanted if pk not in readings]
        if missing:
            problems["readings"] = [
                _("No reading has the id %(id)s.") % {"id": pk} for pk in dict.fromkeys(missing)
            ]
        fields = {
            "title": data["title"],
            "unit": unit,
            "question": data["question"],
            "guidance": data["guidance"],
            "min_words": data["min_words"],
            "max_words": data["max_words"],
            "readings": [readings[pk] for pk in dict.fromkeys(wanted) if pk in readings],
            "rubric": rubric,
        }
        return fields, problems or None

    @extend_schema(
        request=s.PromptCreateSerializer,
        responses={201: s.PromptSerializer, **errors(400, 401, 403)},
    )
    def create(self, request, *args, **kwargs):
        """An author writes an essay prompt for a course: the question, guidance, word limits,
        the readings it draws on and the rubric (a latest version) it is marked with."""
        data = self._input(s.PromptCreateSerializer)
        course = selectors.courses_for_user(user=request.user).filter(pk=data["course"]).first()
        fields, problems = self._fields(data)
        if course is None:
            problems = {"course": _no_such(_("course")), **(problems or {})}
        if problems:
            return _bad_input(problems)
        try:
            prompt = services.essay_prompt_create(
                course=course, slug=data["slug"], by=request.user, **fields
            )
        except ValidationError as error:
            return refusal(error)
        return self._detail(prompt, code=status.HTTP_201_CREATED)

    def _change(self, *, partial: bool) -> Response:
        prompt = self.get_object()
        current = None
        if partial:
            current = {
                "title": prompt.title,
                "unit": prompt.unit_id,
                "question": prompt.question,
                "guidance": prompt.guidance,
                "min_words": prompt.min_words,
                "max_words": prompt.max_words,
                "readings": [reading.pk for reading in prompt.readings.all()],
                "rubric": prompt.rubric_id,
            }
        data = self._input(s.PromptChangeSerializer, current)
        problem = _slug_kept(data, prompt.slug, _("prompt"))
        if problem:
            return _bad_input(problem)
        fields, problems = self._fields(data)
        if problems:
            return _bad_input(problems)
        try:
            services.essay_prompt_update(prompt=prompt, **fields)
        except ValidationError as error:
            return refusal(error)
        return self._detail(prompt)

    @extend_schema(
        request=s.PromptChangeSerializer,
        responses={200: s.PromptSerializer, **errors(400, 401, 403, 404)},
    )
    def update(self, request, *args, **kwargs):
        """Replace an essay prompt; what the body leaves out takes its default (no unit, no
        guidance, no readings, a minimum of 0 words). The slug stays; the prompt may keep its
        rubric version even when a newer one exists."""
        return self._change(partial=False)

    @extend_schema(
        request=s.PromptChangeSerializer,
        responses={200: s.PromptSerializer, **errors(400, 401, 403, 404)},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change only the fields given."""
        return self._change(partial=True)


def _criteria(data: dict) -> list[CriterionSpec]:
    return [
        CriterionSpec(
            title=criterion["title"],
            description=criterion["description"],
            weight=criterion.get("weight", 1),
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
                total_marks=data.validated_data.get("total_marks"),
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
                total_marks=data.validated_data.get("total_marks"),
            )
        except ValidationError as error:
            return refusal(error)
        return self._detail(
            saved, code=status.HTTP_201_CREATED if saved.pk != rubric.pk else status.HTTP_200_OK
        )

    @extend_schema(request=None, responses={201: s.RubricDetailSerializer, **errors(401, 403, 404)})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated, api_permissions.CanAuthorContent],
    )
    def duplicate(self, request, *args, **kwargs):
        """Copy a rubric as a new one of yours (version 1, "(copy)" added to its title)."""
        copy = services.rubric_duplicate(rubric=self.get_object(), by=request.user)
        return self._detail(copy, code=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.RubricTemplateSerializer(many=True), **errors(401)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def templates(self, request, *args, **kwargs):
        """Ready-made rubrics to start from (HSC-style bands, AP History DBQ, IB-style OPCVL),
        in the input shape: post one back, edited or not, to create a rubric."""
        templates = [
            {
                "key": template.key,
                "title": template.title,
                "description": template.description,
                "total_marks": template.total,
                "criteria": [
                    {
                        "title": c.title,
                        "description": c.description,
                        "weight": c.weight,
                        "levels": [
                            {"title": lv.title, "descriptor": lv.descriptor, "marks": lv.marks}
                            for lv in c.levels
                        ],
                    }
                    for c in template.criteria
                ],
            }
            for template in rubric_templates().values()
        ]
        # Through the serializer, so that marks are written as the schema says (decimal strings).
        return Response(s.RubricTemplateSerializer(templates, many=True).data)
