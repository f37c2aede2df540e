"""API for the writing process.

- ``GET /api/v1/submissions/<id>/history/`` — the essay's writing history, as the replay uses
  it: the starting text, each autosave's time and diff-match-patch delta, the pastes (where
  each came from, and whether it needs a look), bursts, sessions and time on task. Seen by the
  essay's student and the class's teachers (and school admins); anyone else gets 404.
- ``POST /api/v1/submissions/<id>/coach/`` ``{"text"}`` — the citation coach's notes on the text
  (the writer only: 403 for the class's teachers; 409 once the version's checks are used, or
  for an essay handed in for good).
- ``GET|POST /api/v1/submissions/<id>/feedback-response/`` ``{"text"}`` — the student's response
  and action plan to the returned version's feedback (on a "feedback first" assignment, the
  way to their mark). The student writes it once per version (201; 200 with the one kept if it
  is already written; 403 for the class's teachers); the student and the class's teachers read
  it (404 with code ``not_written`` before it is written). Before the grade is released, 404 for
  the student.

The student sees the whole history, judged against their draft. A teacher sees it up to the
latest handed-in version, judged against that version: a draft is private to its writer until
it is handed in.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from courseware import permissions
from courseware.api.submissions import StrictCharField, _refusal, refusal_code
from courseware.selectors import process as selectors
from courseware.selectors.marking import grade_get_for
from courseware.selectors.submissions import submission_get_for
from courseware.services import process as services
from courseware.services.submissions import check_essay_size


class PasteSerializer(serializers.Serializer):
    t = serializers.IntegerField(help_text=_("When (epoch seconds)."))
    chars = serializers.IntegerField()
    source = serializers.ChoiceField(choices=list(selectors.SOURCES))
    text = serializers.CharField(help_text=_("The pasted text (its first 2,000 characters)."))
    label = serializers.CharField()
    flagged = serializers.BooleanField()


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
        },
    }
)
class StepsField(serializers.ListField):
    """Pairs of [epoch seconds, diff-match-patch delta]: a number, then a string."""


class HistorySerializer(serializers.Serializer):
    text = serializers.CharField(
        help_text=_("The text now (the latest handed-in version for a teacher, else the draft).")
    )
    base = serializers.CharField(help_text=_("The text when recording began."))
    base_t = serializers.IntegerField(allow_null=True)
    steps = StepsField(
        help_text=_("[epoch seconds, diff-match-patch delta from the text before], in order."),
    )
    pastes = PasteSerializer(many=True)
    sessions = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text=_("[first second, last second, active seconds] of each sitting."),
    )
    bursts = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text=_("[second, characters] of text that appeared without typing or pasting."),
    )
    active_seconds = serializers.IntegerField()
    coalesced = serializers.IntegerField(help_text=_("Older steps merged to bound the size."))
    accommodation = serializers.BooleanField()


class CoachRequestSerializer(serializers.Serializer):
    text = StrictCharField(allow_blank=True, trim_whitespace=False)


class CoachNoteSerializer(serializers.Serializer):
    kind = serializers.CharField()
    excerpt = serializers.CharField()
    message = serializers.CharField()
    good = serializers.BooleanField()


class CoachResultSerializer(serializers.Serializer):
    notes = CoachNoteSerializer(many=True)
    checks_used = serializers.IntegerField()
    checks_allowed = serializers.IntegerField()


class CoachView(APIView):
    """The citation coach: check the text's quotations and citations against the readings
    (the writer only, a few times per version; the class's teachers see when it ran, never
    what it said)."""

    @extend_schema(request=CoachRequestSerializer, responses=CoachResultSerializer)
    def post(self, request, pk: int, version=None):
        submission = submission_get_for(user=request.user, pk=pk)
        if not permissions.can_write_submission(request.user, submission):
            raise PermissionDenied(_("Only the student who writes this essay may do that."))
        data = CoachRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            check_essay_size(data.validated_data["text"])
            result = services.coach_check_run(
                submission=submission,
                text=data.validated_data["text"],
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            code = refusal_code(error)
            if code in ("coach_limit", "submitted"):
                return Response(
                    {"detail": " ".join(error.messages), "code": code},
                    status=status.HTTP_409_CONFLICT,
                )
            return _refusal(error)
        return Response(
            CoachResultSerializer(
                {
                    "notes": result.notes,
                    "checks_used": result.checks_used,
                    "checks_allowed": result.checks_allowed,
                }
            ).data
        )


class FeedbackResponseInputSerializer(serializers.Serializer):
    text = StrictCharField(
        allow_blank=True,
        help_text=_("What the student takes from the feedback and will do next (20–2,000)."),
    )


class FeedbackResponseSerializer(serializers.Serializer):
    submission = serializers.IntegerField(source="submission_id")
    version = serializers.IntegerField(source="version_number")
    text = serializers.CharField()
    written_at = serializers.DateTimeField()


class FeedbackResponseView(APIView):
    """The student's response to their returned feedback: they write it, the class's teachers
    read it."""

    def _grade(self, request, pk: int):
        return grade_get_for(user=request.user, submission_pk=pk)

    @extend_schema(responses=FeedbackResponseSerializer)
    def get(self, request, pk: int, version=None):
        grade = self._grade(request, pk)
        found = selectors.feedback_response_of(
            submission=grade.submission, version_number=grade.version.number
        )
        if found is None:
            return Response(
                {"detail": _("No response has been written yet."), "code": "not_written"},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(FeedbackResponseSerializer(found).data)

    @extend_schema(
        request=FeedbackResponseInputSerializer,
        responses={200: FeedbackResponseSerializer, 201: FeedbackResponseSerializer},
    )
    def post(self, request, pk: int, version=None):
        grade = self._grade(request, pk)
        submission = grade.submission
        if submission.student_id != request.user.pk:
            raise PermissionDenied(_("Only the student who wrote the essay responds to it."))
        data = FeedbackResponseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        number = grade.version.number
        existed = selectors.feedback_response_of(submission=submission, version_number=number)
        try:
            written = services.feedback_response_write(
                submission=submission,
                version_number=number,
                text=data.validated_data["text"],
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            return _refusal(error)
        return Response(
            FeedbackResponseSerializer(written).data,
            status=status.HTTP_200_OK if existed is not None else status.HTTP_201_CREATED,
        )


class HistoryView(APIView):
    """An essay's writing history (its student and the class's teachers)."""

    @extend_schema(responses=HistorySerializer)
    def get(self, request, pk: int, version=None):
        submission = selectors.history_submission_get(user=request.user, pk=pk)
        view = selectors.process_view_for(user=request.user, submission=submission)
        return Response(selectors.replay_document(view=view))


urlpatterns = [
    path("submissions/<int:pk>/coach/", CoachView.as_view(), name="api-submission-coach"),
    path("submissions/<int:pk>/history/", HistoryView.as_view(), name="api-submission-history"),
    path(
        "submissions/<int:pk>/feedback-response/",
        FeedbackResponseView.as_view(),
        name="api-submission-feedback-response",
    ),
]
