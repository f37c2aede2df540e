"""API for source-analysis tasks and their answers.

- ``GET /api/v1/classes/<id>/analysis-tasks/`` — a class's tasks, for its teachers (and school
  admins). ``POST`` sets one: ``{"reading", "scaffold", "prompts"?, "paragraph_from"?,
  "paragraph_to"?, "rubric" | "rubric_template" | "max_mark", "opens_at", "due_at", ...}`` → 201.
- ``GET /api/v1/analysis-tasks/<id>/`` — a task: its source, passage and prompts; for the class's
  teachers, and for its students once it is open.
- ``GET|PUT /api/v1/analysis-tasks/<id>/answers/`` — my answers (students of the class). PUT
  ``{"answers": {key: text}, "revision"}`` starts them if need be and saves them: 200
  ``{"answers", "revision", "saved_at", ...}``, or 409 ``{"detail", "code": "stale", "revision",
  "answers", ...}`` with the newer answers when ``revision`` is stale.
- ``POST /api/v1/analysis-tasks/<id>/answers/submit/`` ``{"revision", "honesty_declared",
  "answers"?}`` — hand them in: 201 with the new version (200 if that revision was handed in).

The answers are an essay submission (``/api/v1/submissions/<id>/`` reads it too); marking and
release are the essay endpoints'. Errors are ``{"detail", "code"}`` or field errors.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from config.input_policy import MomentField
from courseware import permissions
from courseware.api.common import HideMissingMixin, StrictSerializer, errors
from courseware.api.serializers.teaching import AssignmentChangeSerializer
from courseware.api.submissions import (
    STATUS_FOR_CODE,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    VersionSerializer,
    refusal_code,
)
from courseware.models import Assignment, Rubric, Scaffold, Submission
from courseware.models.analysis import MAX_FIELDS
from courseware.selectors import analysis as selectors
from courseware.selectors.content import latest_rubrics
from courseware.selectors.teaching import assignable_readings
from courseware.services import analysis as services
from courseware.services import submissions as submission_services
from courseware.services.submissions import StaleRevision


class TaskFieldSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    help = serializers.CharField(allow_blank=True)


class AnalysisTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    classroom = serializers.IntegerField(source="classroom_id")
    title = serializers.CharField()
    instructions = serializers.CharField(allow_blank=True)
    reading = serializers.CharField(source="reading.slug", help_text=_("The source's slug."))
    reading_title = serializers.CharField(source="reading.title")
    scaffold = serializers.CharField(source="analysis_task.scaffold")
    fields = TaskFieldSerializer(many=True, source="analysis_task.fields")
    paragraph_from = serializers.IntegerField(
        source="analysis_task.paragraph_from", allow_null=True
    )
    paragraph_to = serializers.IntegerField(source="analysis_task.paragraph_to", allow_null=True)
    rubric = serializers.IntegerField(source="analysis_task.rubric_id")
    max_mark = serializers.DecimalField(
        source="analysis_task.max_mark",
        max_digits=6,
        decimal_places=2,
        allow_null=True,
        help_text=_("Set when the task has no rubric: the one overall mark is out of this."),
    )
    opens_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    cutoff_at = serializers.DateTimeField(allow_null=True)
    withdrawn = serializers.BooleanField(source="is_withdrawn")


class AnalysisTaskListItemSerializer(AnalysisTaskSerializer):
    handed_in_count = serializers.IntegerField()


class AnalysisTaskCreateSerializer(AssignmentChangeSerializer):
    reading = StrictIntegerField(min_value=1, help_text=_("The id of the reading to analyse."))
    scaffold = serializers.ChoiceField(choices=Scaffold.choices)
    prompts = serializers.ListField(
        child=StrictCharField(max_length=80),
        required=False,
        max_length=MAX_FIELDS,
        help_text=_("For the custom scaffold: the prompts, in order."),
    )
    paragraph_from = StrictIntegerField(min_value=1, required=False, allow_null=True)
    paragraph_to = StrictIntegerField(min_value=1, required=False, allow_null=True)
    rubric = StrictIntegerField(min_value=1, required=False, allow_null=True)
    rubric_template = StrictCharField(required=False, allow_blank=True)
    max_mark = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(1000),
        required=False,
        allow_null=True,
        help_text=_(
            "Without a rubric (and template): the task is marked with one overall mark out of this."
        ),
    )
    opens_at = MomentField()
    due_at = MomentField()

    def get_fields(self):
        fields = super().get_fields()
        for name in ("target", "max_attempts"):
            fields.pop(name, None)
        return fields


class AnswersSerializer(serializers.Serializer):
    submission = serializers.IntegerField(source="pk")
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True))
    revision = serializers.IntegerField()
    saved_at = serializers.DateTimeField(source="draft_saved_at", allow_null=True)
    status = serializers.CharField()
    current_version = serializers.IntegerField()
    editable = serializers.BooleanField(source="is_editable")


class AnswersSaveSerializer(StrictSerializer):
    answers = serializers.DictField(
        child=StrictCharField(allow_blank=True, trim_whitespace=False),
        help_text=_("Each prompt's key and the answer to it; prompts left out are empty."),
    )
    revision = StrictIntegerField(min_value=0)


class AnswersSubmitSerializer(StrictSerializer):
    revision = StrictIntegerField(min_value=0)
    honesty_declared = StrictBooleanField()
    answers = serializers.DictField(
        child=StrictCharField(allow_blank=True, trim_whitespace=False), required=False
    )


def _answers_body(submission: Submission) -> dict:
    submission.answers = submission.assignment.analysis_task.parse(submission.draft_text)
    return AnswersSerializer(submission).data


def _refusal(error: ValidationError) -> Response:
    code = refusal_code(error)
    body: dict = {"detail": " ".join(error.messages), "code": code}
    if hasattr(error, "error_dict"):
        body.update(error.message_dict)
    if isinstance(error, StaleRevision):
        stored = error.submission
        body.update(
            revision=stored.revision,
            answers=stored.assignment.analysis_task.parse(stored.draft_text),
            saved_at=serializers.DateTimeField().to_representation(stored.draft_saved_at)
            if stored.draft_saved_at
            else None,
        )
    return Response(body, status=STATUS_FOR_CODE.get(code, status.HTTP_400_BAD_REQUEST))


class ClassAnalysisTasksView(HideMissingMixin, APIView):
    """A class's source-analysis tasks: its teachers list and set them."""

    @extend_schema(responses={200: AnalysisTaskListItemSerializer(many=True), **errors(401, 404)})
    def get(self, request, pk: int, version=None):
        classroom = selectors.classroom_get_for_setter(user=request.user, pk=pk)
        tasks = selectors.analysis_tasks_for_classroom(classroom=classroom)
        return Response(AnalysisTaskListItemSerializer(tasks, many=True).data)

    @extend_schema(
        request=AnalysisTaskCreateSerializer,
        responses={201: AnalysisTaskSerializer, **errors(400, 401, 404, 409)},
    )
    def post(self, request, pk: int, version=None):
        classroom = selectors.classroom_get_for_setter(user=request.user, pk=pk)
        body = AnalysisTaskCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        reading = (
            assignable_readings(course=classroom.course).filter(pk=data.pop("reading")).first()
        )
        if reading is None:
            return Response(
                {"reading": [_("Not a reading of this class's course.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        rubric: Rubric | None = None
        rubric_id = data.pop("rubric", None)
        if rubric_id is not None:
            rubric = latest_rubrics().filter(pk=rubric_id).first()
            if rubric is None:
                return Response(
                    {"rubric": [_("No such rubric (or it has a newer version).")]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
        task_args = {
            "reading": reading,
            "scaffold": data.pop("scaffold"),
            "prompts": data.pop("prompts", None),
            "paragraph_from": data.pop("paragraph_from", None),
            "paragraph_to": data.pop("paragraph_to", None),
            "rubric": rubric,
            "rubric_template": data.pop("rubric_template", ""),
            "max_mark": data.pop("max_mark", None),
        }
        try:
            assignment = services.analysis_task_set(
                classroom=classroom, by=request.user, assignment_fields=data, **task_args
            )
        except ValidationError as error:
            return _refusal(error)
        return Response(AnalysisTaskSerializer(assignment).data, status=status.HTTP_201_CREATED)


class AnalysisTaskDetailView(HideMissingMixin, APIView):
    @extend_schema(responses={200: AnalysisTaskSerializer, **errors(401, 404)})
    def get(self, request, pk: int, version=None):
        return Response(
            AnalysisTaskSerializer(
                selectors.analysis_task_get_for(user=request.user, pk=pk, now=timezone.now())
            ).data
        )


def _student_task(request, pk: int) -> Assignment:
    assignment = selectors.analysis_task_get_for(user=request.user, pk=pk, now=timezone.now())
    if not permissions.can_answer_analysis_task(request.user, assignment):
        raise PermissionDenied(_("Only the class's students answer its tasks."))
    return assignment


class AnswersView(HideMissingMixin, APIView):
    """My answers to a task: read, and save with the revision they were based on."""

    throttle_scope = "autosave"

    @extend_schema(responses={200: AnswersSerializer, **errors(401, 403, 404)})
    def get(self, request, pk: int, version=None):
        assignment = _student_task(request, pk)
        submission = selectors.analysis_submission_of(assignment=assignment, student=request.user)
        if submission is None:
            raise NotFound(_("You have not started this task."))
        return Response(_answers_body(submission))

    @extend_schema(
        request=AnswersSaveSerializer,
        responses={200: AnswersSerializer, **errors(400, 401, 403, 404, 409, 413)},
    )
    def put(self, request, pk: int, version=None):
        now = timezone.now()
        assignment = _student_task(request, pk)
        body = AnswersSaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            submission = submission_services.submission_start(
                assignment=assignment, student=request.user, now=now
            )
            submission = services.analysis_answers_save(
                submission=submission,
                answers=body.validated_data["answers"],
                revision=body.validated_data["revision"],
                by=request.user,
                now=now,
            )
        except ValidationError as error:
            return _refusal(error)
        return Response(_answers_body(submission))


class AnswersSubmitView(HideMissingMixin, APIView):
    @extend_schema(
        request=AnswersSubmitSerializer,
        responses={
            200: VersionSerializer,
            201: VersionSerializer,
            **errors(400, 401, 403, 404, 409),
        },
    )
    def post(self, request, pk: int, version=None):
        assignment = _student_task(request, pk)
        submission = selectors.analysis_submission_of(assignment=assignment, student=request.user)
        if submission is None:
            raise NotFound(_("You have not started this task."))
        body = AnswersSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        before = submission.current_version
        try:
            handed_in = services.analysis_answers_submit(
                submission=submission,
                revision=body.validated_data["revision"],
                honesty_declared=body.validated_data["honesty_declared"],
                answers=body.validated_data.get("answers"),
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            return _refusal(error)
        return Response(
            VersionSerializer(handed_in).data,
            status=status.HTTP_201_CREATED if handed_in.number > before else status.HTTP_200_OK,
        )


urlpatterns = [
    path(
        "classes/<int:pk>/analysis-tasks/",
        ClassAnalysisTasksView.as_view(),
        name="api-analysis-task-list",
    ),
    path(
        "analysis-tasks/<int:pk>/",
        AnalysisTaskDetailView.as_view(),
        name="api-analysis-task-detail",
    ),
    path("analysis-tasks/<int:pk>/answers/", AnswersView.as_view(), name="api-analysis-answers"),
    path(
        "analysis-tasks/<int:pk>/answers/submit/",
        AnswersSubmitView.as_view(),
        name="api-analysis-answers-submit",
    ),
]
