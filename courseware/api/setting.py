"""API for setting an essay in one call, and for the class's draft assignments.

- ``POST /classes/<id>/essays/`` — the question (an earlier prompt's id, or written in the
  body with its word limits and readings), the rubric (an id, a template's key, or a whole
  definition), the dates and rules, and ``draft``: set it now (an assignment, the class is
  told) or keep it as a draft assignment no student sees. One transaction: bad input anywhere
  writes nothing.
- ``/classes/<id>/drafts/`` — the class's drafts, for those who set its work (anyone else gets
  a 404, as for a missing one); one is replaced (PUT, the body of ``essays/``), thrown away
  (DELETE) or set (``set/``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config.input_policy import MomentField
from courseware import permissions
from courseware.api.common import (
    HideMissingMixin,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
    errors,
    refusal,
)
from courseware.api.serializers import teaching as teaching_serializers
from courseware.api.serializers.content import RubricInputSerializer
from courseware.models import AssignmentDraft, Classroom, LatePenaltyUnit
from courseware.rubric_templates import rubric_templates
from courseware.selectors import setting as selectors
from courseware.selectors import teaching as teaching_selectors
from courseware.selectors.content import latest_rubrics
from courseware.services import setting as services
from courseware.services.content import CriterionSpec, LevelSpec

# --- Input -------------------------------------------------------------------------------------


class EssayQuestionSerializer(StrictSerializer):
    """A question written now; it becomes an essay prompt of the course when it is set."""

    title = StrictCharField(max_length=200)
    question = StrictCharField(max_length=20_000)
    guidance = StrictCharField(max_length=20_000, required=False, allow_blank=True, default="")
    min_words = StrictIntegerField(min_value=0, max_value=100_000, required=False, default=0)
    max_words = StrictIntegerField(min_value=1, max_value=100_000)
    readings = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        max_length=50,
        help_text=_("Readings of the class's course to use, by id."),
    )

    def validate(self, data):
        if data["min_words"] > data["max_words"]:
            raise serializers.ValidationError(
                {"min_words": [_("The minimum cannot be more than the maximum.")]}
            )
        return data


class EssaySetSerializer(teaching_serializers.AssignmentChangeSerializer):
    """One essay for one class: the question, its rubric, the dates and rules, and whether
    to set it now or keep it as a draft."""

    target = None
    max_attempts = None
    prompt = StrictIntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text=_("An earlier essay prompt of the course, by id (or write ``question``)."),
    )
    question = EssayQuestionSerializer(
        required=False, help_text=_("A question written now (or give ``prompt``).")
    )
    rubric = StrictIntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text=_("For a written question: a rubric (its latest version), by id."),
    )
    rubric_template = serializers.ChoiceField(
        choices=[],
        required=False,
        help_text=_("…or a template's key (``/rubrics/templates/``): a copy is made for you."),
    )
    rubric_definition = RubricInputSerializer(
        required=False, help_text=_("…or a whole new rubric, made with the essay.")
    )
    opens_at = MomentField()
    due_at = MomentField()
    draft = StrictBooleanField(
        required=False,
        default=False,
        help_text=_("True: keep it as a draft assignment that no student sees; false: set it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rubric_template"].choices = list(rubric_templates())

    def validate(self, data):
        if ("prompt" in data) == ("question" in data):
            raise serializers.ValidationError(
                {"prompt": [_("Give an earlier prompt's id or write a question: one of them.")]}
            )
        ways = [name for name in ("rubric", "rubric_template", "rubric_definition") if name in data]
        if "question" in data and len(ways) != 1:
            raise serializers.ValidationError(
                {
                    "rubric": [
                        _(
                            "A written question needs one of rubric, rubric_template or "
                            "rubric_definition."
                        )
                    ]
                }
            )
        if "prompt" in data and ways:
            raise serializers.ValidationError(
                {"rubric": [_("An earlier prompt keeps its own rubric; give none.")]}
            )
        return data


# --- Output ------------------------------------------------------------------------------------


class DraftQuestionSerializer(serializers.Serializer):
    title = serializers.CharField(source="prompt_title")
    question = serializers.CharField()
    guidance = serializers.CharField()
    min_words = serializers.IntegerField()
    max_words = serializers.IntegerField()
    readings = serializers.SerializerMethodField()
    rubric = serializers.IntegerField(source="rubric_id")

    def get_readings(self, draft) -> list[int]:
        return [reading.pk for reading in draft.readings.all()]


class AssignmentDraftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    classroom = serializers.IntegerField(source="classroom_id")
    title = serializers.CharField(source="display_title")
    prompt = serializers.IntegerField(source="prompt_id", allow_null=True)
    question = serializers.SerializerMethodField()
    instructions = serializers.CharField()
    opens_at = MomentField()
    due_at = MomentField()
    cutoff_at = MomentField(allow_null=True)
    late_penalty_percent_per_day = serializers.DecimalField(max_digits=5, decimal_places=2)
    late_penalty_floor_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    late_penalty_unit = serializers.ChoiceField(choices=LatePenaltyUnit.choices)
    late_grace_minutes = serializers.IntegerField()
    allow_resubmission = serializers.BooleanField()
    anonymous_marking = serializers.BooleanField()
    created_at = MomentField()
    updated_at = MomentField()

    @extend_schema_field(DraftQuestionSerializer(allow_null=True))
    def get_question(self, draft) -> dict | None:
        if draft.prompt_id is not None:
            return None
        return DraftQuestionSerializer(draft).data


class EssaySetResultSerializer(serializers.Serializer):
    assignment = teaching_serializers.AssignmentSerializer(
        allow_null=True, help_text=_("The assignment, once set.")
    )
    draft = AssignmentDraftSerializer(allow_null=True, help_text=_("The draft, when kept."))


# --- Views -------------------------------------------------------------------------------------


def _task(classroom: Classroom, data: dict) -> dict:
    """The body as ``essay_task_set``'s keyword arguments, ids looked up within the class's
    course; a ``serializers.ValidationError`` (a 400 on the field) for an id that is not."""
    data = dict(data)
    data.pop("draft", None)
    task: dict = {}
    if "prompt" in data:
        prompt = (
            teaching_selectors.assignable_prompts(course=classroom.course)
            .filter(pk=data.pop("prompt"))
            .first()
        )
        if prompt is None:
            raise serializers.ValidationError(
                {"prompt": [_("No prompt of this course has this id.")]}
            )
        task["prompt"] = prompt
    else:
        question = data.pop("question")
        wanted = set(question["readings"])
        readings = list(
            teaching_selectors.assignable_readings(course=classroom.course).filter(pk__in=wanted)
        )
        if len(readings) != len(wanted):
            raise serializers.ValidationError(
                {"question": {"readings": [_("Choose readings of the class's course.")]}}
            )
        task["new_prompt"] = services.NewPrompt(
            title=question["title"],
            question=question["question"],
            guidance=question["guidance"],
            min_words=question["min_words"],
            max_words=question["max_words"],
            readings=tuple(readings),
        )
        if "rubric" in data:
            rubric = latest_rubrics().filter(pk=data.pop("rubric")).first()
            if rubric is None:
                raise serializers.ValidationError(
                    {"rubric": [_("No rubric (in its latest version) has this id.")]}
                )
            task["rubric"] = rubric
        task["rubric_template"] = data.pop("rubric_template", "")
        definition = data.pop("rubric_definition", None)
        if definition is not None:
            task["new_rubric"] = services.NewRubric(
                title=definition["title"],
                description=definition["description"],
                total_marks=definition["total_marks"],
                criteria=tuple(
                    CriterionSpec(
                        title=criterion["title"],
                        description=criterion["description"],
                        weight=criterion["weight"],
                        levels=tuple(
                            LevelSpec(
                                title=level["title"],
                                descriptor=level["descriptor"],
                                marks=level["marks"],
                            )
                            for level in criterion["levels"]
                        ),
                    )
                    for criterion in definition["criteria"]
                ),
            )
    task["assignment_fields"] = data
    return task


def _rubric_refusal(error: ValidationError, *, inline: bool) -> Response:
    """A refusal, with a built rubric's errors (``criteria.<i>``, ``total_marks``) named under
    ``rubric_definition``."""
    response = refusal(error)
    if inline:
        for key in list(response.data):
            if key.startswith("criteria.") or key == "total_marks":
                response.data[f"rubric_definition.{key}"] = response.data.pop(key)
    return response


def _result(request, task: services.EssayTask) -> dict:
    assignment = None
    if task.assignment is not None:
        assignment = teaching_serializers.AssignmentSerializer(
            teaching_selectors.assignment_get_for(
                user=request.user, pk=task.assignment.pk, now=timezone.now()
            )
        ).data
    draft = None
    if task.draft is not None:
        draft = AssignmentDraftSerializer(
            selectors.drafts_for_classroom(classroom=task.draft.classroom).get(pk=task.draft.pk)
        ).data
    return {"assignment": assignment, "draft": draft}


class ClassEssayViewSet(HideMissingMixin, viewsets.GenericViewSet):
    """Setting an essay for a class in one call, and the class's draft assignments."""

    permission_classes = [IsAuthenticated]
    serializer_class = AssignmentDraftSerializer
    queryset = AssignmentDraft.objects.none()
    lookup_value_converter = "int"

    def _classroom(self, *, drafts: bool) -> Classroom:
        classroom = teaching_selectors.classroom_get_for(
            user=self.request.user, pk=self.kwargs["classroom_pk"]
        )
        if not permissions.can_set_work(self.request.user, classroom):
            if drafts:
                # A draft does not exist for anyone who may not set the class's work.
                raise Http404
            raise PermissionDenied(_("Only the class's teachers set its work."))
        return classroom

    def get_queryset(self):
        return selectors.drafts_for_classroom(classroom=self._classroom(drafts=True))

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def _write(self, request, *, draft: AssignmentDraft | None, keep_draft: bool | None):
        classroom = self._classroom(drafts=draft is not None)
        body = EssaySetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        set_it = not body.validated_data["draft"] if keep_draft is None else not keep_draft
        task = _task(classroom, body.validated_data)
        try:
            result = services.essay_task_set(
                classroom=classroom, by=request.user, set_it=set_it, draft=draft, **task
            )
        except ValidationError as error:
            return _rubric_refusal(error, inline="new_rubric" in task)
        code = status.HTTP_200_OK if draft is not None and not set_it else status.HTTP_201_CREATED
        return Response(_result(request, result), status=code)

    @extend_schema(
        request=EssaySetSerializer,
        responses={201: EssaySetResultSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def essays(self, request, *args, **kwargs):
        """Set an essay for the class in one call (``draft``: false), or keep it as a draft
        assignment (``draft``: true). A written question becomes an essay prompt of the
        course when set; a rubric given as ``rubric_definition`` or ``rubric_template`` is
        made for you. Nothing is written when anything is refused."""
        return self._write(request, draft=None, keep_draft=None)

    @extend_schema(responses={200: AssignmentDraftSerializer(many=True), **errors(401, 404)})
    def list(self, request, *args, **kwargs):
        """The class's draft assignments, last changed first."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AssignmentDraftSerializer(page, many=True).data)

    @extend_schema(responses={200: AssignmentDraftSerializer, **errors(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        """One draft assignment."""
        return Response(AssignmentDraftSerializer(self.get_object()).data)

    @extend_schema(
        request=EssaySetSerializer,
        responses={200: EssaySetResultSerializer, **errors(400, 401, 404, 409)},
    )
    def update(self, request, *args, **kwargs):
        """Replace a draft with the body of ``essays/``; it stays a draft (``draft`` is
        ignored: ``set/`` sets it)."""
        return self._write(request, draft=self.get_object(), keep_draft=True)

    @extend_schema(responses={204: None, **errors(401, 404)})
    def destroy(self, request, *args, **kwargs):
        """Throw a draft away."""
        services.assignment_draft_delete(draft=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=None,
        responses={201: EssaySetResultSerializer, **errors(400, 401, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="set")
    def set_it(self, request, *args, **kwargs):
        """Set a draft as it stands: the class is told now, and the draft is gone."""
        draft = self.get_object()
        try:
            with transaction.atomic():
                result = services.assignment_draft_set(draft=draft, by=request.user)
        except ValidationError as error:
            return refusal(error)
        return Response(_result(request, result), status=status.HTTP_201_CREATED)


urlpatterns = [
    path(
        "classes/<int:classroom_pk>/essays/",
        ClassEssayViewSet.as_view({"post": "essays"}),
        name="api-classroom-essays",
    ),
    path(
        "classes/<int:classroom_pk>/drafts/",
        ClassEssayViewSet.as_view({"get": "list"}),
        name="api-classroom-draft-list",
    ),
    path(
        "classes/<int:classroom_pk>/drafts/<int:pk>/",
        ClassEssayViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"}),
        name="api-classroom-draft-detail",
    ),
    path(
        "classes/<int:classroom_pk>/drafts/<int:pk>/set/",
        ClassEssayViewSet.as_view({"post": "set_it"}),
        name="api-classroom-draft-set",
    ),
]
