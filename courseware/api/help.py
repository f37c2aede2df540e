"""Help requests API: a student asks about an assignment; the class's teachers list, answer and
resolve. Private to the student and the class's teachers (404 for anyone else)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from courseware import permissions
from courseware.api.common import HideMissingMixin, StrictSerializer, errors, refusal
from courseware.models import HELP_TEXT_MAX_CHARS, HelpReply, HelpRequest, HelpStatus
from courseware.selectors import help as selectors
from courseware.selectors.teaching import assignment_get_for
from courseware.services import help as services


class HelpReplySerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.name", default=None, read_only=True)

    class Meta:
        model = HelpReply
        fields = ["id", "author", "text", "created_at"]


class HelpRequestSerializer(serializers.ModelSerializer):
    student = serializers.CharField(source="student.name", read_only=True)
    classroom = serializers.IntegerField(source="assignment.classroom_id", read_only=True)
    reference = serializers.SerializerMethodField()
    replies = HelpReplySerializer(many=True, read_only=True)

    class Meta:
        model = HelpRequest
        fields = [
            "id",
            "assignment",
            "classroom",
            "student",
            "text",
            "reference",
            "status",
            "created_at",
            "resolved_at",
            "replies",
        ]

    def get_reference(self, obj) -> str | None:
        """The paragraph asked about, as ``slug#p-N``."""
        paragraph = obj.paragraph
        return f"{paragraph.reading.slug}#p-{paragraph.number}" if paragraph else None


class HelpAskSerializer(StrictSerializer):
    assignment = serializers.IntegerField()
    text = serializers.CharField(max_length=HELP_TEXT_MAX_CHARS)
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True)


class HelpReplyCreateSerializer(StrictSerializer):
    text = serializers.CharField(max_length=HELP_TEXT_MAX_CHARS)
    resolve = serializers.BooleanField(required=False, default=False)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("classroom", OpenApiTypes.INT, description="One class's requests."),
            OpenApiParameter("status", OpenApiTypes.STR, enum=HelpStatus.values),
        ]
    ),
    retrieve=extend_schema(responses={200: HelpRequestSerializer, **errors(401, 404)}),
)
class HelpRequestViewSet(
    HideMissingMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Help requests the signed-in person may read: their own, and those of the classes they
    teach; newest first."""

    serializer_class = HelpRequestSerializer
    permission_classes = [IsAuthenticated]
    lookup_value_converter = "int"
    queryset = HelpRequest.objects.none()  # the schema's model; requests use the selector

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        queryset = selectors.help_requests_visible_to(user=self.request.user)
        classroom = self.request.query_params.get("classroom", "")
        if classroom.isdigit() and len(classroom) < 10:
            queryset = queryset.filter(assignment__classroom=int(classroom))
        if self.request.query_params.get("status") in HelpStatus.values:
            queryset = queryset.filter(status=self.request.query_params["status"])
        return queryset

    def get_object(self):
        return selectors.help_request_get_for(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(
        request=HelpAskSerializer,
        responses={201: HelpRequestSerializer, **errors(400, 401, 403, 404)},
    )
    def create(self, request, **kwargs):
        """A student asks the class's teachers for help with an assignment."""
        data = HelpAskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = assignment_get_for(
            user=request.user, pk=data.validated_data["assignment"], now=timezone.now()
        )
        if not permissions.can_ask_for_help(request.user, assignment):
            return Response(
                {"detail": "Only students of the class ask for help."},
                status=status.HTTP_403_FORBIDDEN,
            )
        try:
            help_request = services.help_request_ask(
                assignment=assignment,
                student=request.user,
                text=data.validated_data["text"],
                reference=data.validated_data.get("reference", ""),
                now=timezone.now(),
            )
        except ValidationError as error:
            return refusal(error)
        help_request = selectors.help_request_get_for(user=request.user, pk=help_request.pk)
        return Response(HelpRequestSerializer(help_request).data, status=status.HTTP_201_CREATED)

    def _answerable(self, request, pk):
        help_request = selectors.help_request_get_for(user=request.user, pk=pk)
        if not permissions.can_answer_help_requests(
            request.user, help_request.assignment.classroom
        ):
            return help_request, Response(
                {"detail": "Only the class's teachers answer help requests."},
                status=status.HTTP_403_FORBIDDEN,
            )
        return help_request, None

    @extend_schema(
        request=HelpReplyCreateSerializer,
        responses={201: HelpRequestSerializer, **errors(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def replies(self, request, pk=None, **kwargs):
        """A teacher replies (and, with ``resolve``, marks the request resolved)."""
        help_request, refused = self._answerable(request, pk)
        if refused:
            return refused
        data = HelpReplyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        now = timezone.now()
        try:
            services.help_request_reply(
                help_request=help_request,
                by=request.user,
                text=data.validated_data["text"],
                now=now,
            )
        except ValidationError as error:
            return refusal(error)
        if data.validated_data["resolve"]:
            services.help_request_resolve(help_request=help_request, by=request.user, now=now)
        help_request = selectors.help_request_get_for(user=request.user, pk=help_request.pk)
        return Response(HelpRequestSerializer(help_request).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: HelpRequestSerializer, **errors(401, 403, 404)})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None, **kwargs):
        """A teacher marks the request resolved."""
        help_request, refused = self._answerable(request, pk)
        if refused:
            return refused
        now = timezone.now()
        services.help_request_resolve(help_request=help_request, by=request.user, now=now)
        help_request = selectors.help_request_get_for(user=request.user, pk=help_request.pk)
        return Response(HelpRequestSerializer(help_request).data)
