"""Quizzes in the API, for the people who write them.

``/api/v1/quizzes/`` lists the latest version of each quiz on the units the user may see;
a quiz's detail is the documented exchange format (docs/QUIZ_FORMAT.md) with its id, unit and
version. Authors create a quiz (the exchange format plus ``unit``), replace it (``PUT``: in
place while nobody has attempted it, 200; otherwise as a new version, 201), duplicate it, move
it up or down its unit, and read its statistics for the classes they teach. Students reach
none of it: a quiz's answers are in it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from courseware.api import permissions as api_permissions
from courseware.api.common import (
    HideMissingMixin,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
    errors,
    refusal,
)
from courseware.models import QuestionKind, Quiz
from courseware.selectors import quizzes as selectors
from courseware.selectors.content import units_for_user
from courseware.services import quizzes as services

# --- Serializers ------------------------------------------------------------------------------


class AuthoredChoiceSerializer(StrictSerializer):
    text = StrictCharField(max_length=500, allow_blank=True)
    correct = StrictBooleanField(default=False)


class AuthoredQuestionSerializer(StrictSerializer):
    type = serializers.ChoiceField(choices=QuestionKind.choices)
    text = StrictCharField(max_length=5000, allow_blank=True)
    points = StrictIntegerField(min_value=1, max_value=100, default=1)
    feedback = StrictCharField(max_length=5000, allow_blank=True, default="")
    evidence = StrictCharField(
        max_length=120,
        allow_blank=True,
        default="",
        help_text="The paragraph the question tests, as [[reading-slug#p-12]].",
    )
    choices = AuthoredChoiceSerializer(
        many=True, required=False, max_length=12, help_text="Single and multiple choice."
    )
    answer = StrictBooleanField(
        required=False, help_text="True/false: whether the statement is true."
    )
    accepted = serializers.ListField(
        child=StrictCharField(max_length=500, allow_blank=True),
        required=False,
        max_length=20,
        help_text="Short answer: the answers accepted, compared ignoring case and spacing.",
    )


class QuizBodySerializer(StrictSerializer):
    title = StrictCharField(max_length=200, allow_blank=True)
    instructions = StrictCharField(max_length=5000, allow_blank=True, default="")
    shuffle = StrictBooleanField(default=False)
    max_attempts = StrictIntegerField(min_value=1, max_value=20, default=1)
    time_limit_minutes = StrictIntegerField(
        min_value=1, max_value=600, required=False, allow_null=True, default=None
    )
    questions = AuthoredQuestionSerializer(many=True, max_length=services.MAX_QUESTIONS)


class QuizCreateSerializer(QuizBodySerializer):
    unit = StrictIntegerField(min_value=1, max_value=2**63 - 1, help_text="The unit's id.")


class QuizSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.IntegerField(source="unit_id")
    slug = serializers.CharField()
    title = serializers.CharField()
    version = serializers.IntegerField()
    previous = serializers.IntegerField(source="previous_id", allow_null=True)
    order = serializers.IntegerField()
    question_count = serializers.IntegerField()
    total_points = serializers.IntegerField(source="points_total")


class QuizDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.IntegerField()
    slug = serializers.CharField()
    version = serializers.IntegerField()
    previous = serializers.IntegerField(allow_null=True)
    latest = serializers.BooleanField()
    format = serializers.CharField()
    format_version = serializers.IntegerField()
    title = serializers.CharField()
    instructions = serializers.CharField()
    shuffle = serializers.BooleanField()
    max_attempts = serializers.IntegerField()
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    questions = AuthoredQuestionSerializer(many=True)


class MoveSerializer(StrictSerializer):
    to = serializers.ChoiceField(choices=[("up", "up"), ("down", "down")])


class QuestionStatisticsSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    text = serializers.CharField()
    answered = serializers.IntegerField()
    facility = serializers.FloatField(allow_null=True, help_text="Share answered right, 0–1.")
    most_chosen_wrong = serializers.CharField(allow_null=True)
    most_chosen_wrong_count = serializers.IntegerField()


class QuizStatisticsSerializer(serializers.Serializer):
    attempts = serializers.IntegerField()
    mean_percent = serializers.FloatField(allow_null=True)
    distribution = serializers.DictField(child=serializers.IntegerField())
    questions = QuestionStatisticsSerializer(many=True)


# --- Views ------------------------------------------------------------------------------------


def _detail(quiz: Quiz) -> dict:
    data = services.quiz_to_json(quiz=quiz)
    return {
        **data,
        "id": quiz.pk,
        "unit": quiz.unit_id,
        "slug": quiz.slug,
        "version": quiz.version,
        "previous": quiz.previous_id,
        "latest": not Quiz.objects.filter(previous=quiz).exists(),
    }


def _spec(validated: dict) -> services.QuizSpec:
    body = {key: value for key, value in validated.items() if key != "unit"}
    body["questions"] = [
        {key: value for key, value in question.items()} for question in validated["questions"]
    ]
    return services.quiz_spec_from_json(body)


class QuizViewSet(HideMissingMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Quiz.objects.none()
    serializer_class = QuizSerializer
    lookup_value_converter = "int"
    permission_classes = [IsAuthenticated, api_permissions.CanAuthorContent]

    def get_queryset(self):
        return (
            Quiz.objects.current()
            .filter(unit__in=units_for_user(user=self.request.user))
            .annotate(question_count=Count("questions"), points_total=Sum("questions__points"))
            .order_by("unit__course", "unit__order", "order", "title", "pk")
        )

    def get_object(self):
        return selectors.quiz_get_for_author(user=self.request.user, pk=self.kwargs["pk"])

    def _body(self, serializer_class) -> dict:
        parsed = serializer_class(data=self.request.data)
        parsed.is_valid(raise_exception=True)
        return dict(parsed.validated_data)

    @extend_schema(responses={200: QuizSerializer(many=True), **errors(401, 403)})
    def list(self, request, *args, **kwargs):
        """The latest version of each quiz on the units you may see."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: QuizDetailSerializer, **errors(401, 403, 404)})
    def retrieve(self, request, *args, **kwargs):
        """A quiz in the exchange format, with its questions, answers and feedback."""
        return Response(_detail(self.get_object()))

    @extend_schema(
        request=QuizCreateSerializer,
        responses={201: QuizDetailSerializer, **errors(400, 401, 403)},
    )
    def create(self, request, *args, **kwargs):
        """Write a quiz on a unit. Every question is checked; nothing is written unless all
        are right (errors are keyed ``questions.<index>.<field>``)."""
        body = self._body(QuizCreateSerializer)
        unit = (
            units_for_user(user=request.user).filter(pk=body["unit"]).first()
            if isinstance(body.get("unit"), int)
            else None
        )
        if unit is None:
            return Response({"unit": ["No unit has this id."]}, status=400)
        try:
            quiz = services.quiz_author(unit=unit, spec=_spec(body), by=request.user)
        except ValidationError as error:
            return refusal(error)
        return Response(_detail(quiz), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=QuizBodySerializer,
        responses={
            200: QuizDetailSerializer,
            201: QuizDetailSerializer,
            **errors(400, 401, 403, 404),
        },
    )
    def update(self, request, *args, **kwargs):
        """Replace the latest version of a quiz. Nobody has attempted it: changed in place
        (200). Attempted: the edit is its next version (201), recorded attempts keep theirs."""
        quiz = self.get_object()
        body = self._body(QuizBodySerializer)
        try:
            saved = services.quiz_update(quiz=quiz, spec=_spec(body), by=request.user)
        except ValidationError as error:
            return refusal(error)
        code = status.HTTP_201_CREATED if saved.pk != quiz.pk else status.HTTP_200_OK
        return Response(_detail(saved), status=code)

    @extend_schema(request=None, responses={201: QuizDetailSerializer, **errors(401, 403, 404)})
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None, **kwargs):
        """Copy a quiz (none of its attempts) as a new quiz on the same unit."""
        copy = services.quiz_duplicate(quiz=self.get_object(), by=request.user)
        return Response(_detail(copy), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MoveSerializer,
        responses={200: QuizSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None, **kwargs):
        """Move a quiz one place up or down its unit; answers the unit's quizzes in order."""
        quiz = self.get_object()
        body = self._body(MoveSerializer)
        moved = services.quiz_move(quiz=selectors.quiz_latest(quiz=quiz), up=body["to"] == "up")
        quizzes = self.get_queryset().filter(unit=moved.unit_id)
        return Response(QuizSerializer(quizzes, many=True).data)

    @extend_schema(responses={200: QuizStatisticsSerializer, **errors(401, 403, 404)})
    @action(detail=True, methods=["get"])
    def statistics(self, request, pk=None, **kwargs):
        """How this version went in the classes you teach: score distribution (tenths of the
        full score), each question's facility and most chosen wrong answer."""
        stats = selectors.quiz_statistics(user=request.user, quiz=self.get_object())
        return Response(
            {
                "attempts": stats.attempts,
                "mean_percent": stats.mean_percent,
                "distribution": dict(stats.bands),
                "questions": [
                    {
                        "order": row.question.order,
                        "text": row.question.text,
                        "answered": row.answered,
                        "facility": row.facility,
                        "most_chosen_wrong": (row.most_chosen_wrong or (None, 0))[0],
                        "most_chosen_wrong_count": (row.most_chosen_wrong or (None, 0))[1],
                    }
                    for row in stats.questions
                ],
            }
        )


__all__ = ["QuizViewSet"]
