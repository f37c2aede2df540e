"""API for the writing process.

- ``GET /api/v1/submissions/<id>/history/`` — the essay's writing history, as the replay uses
  it: the starting text, each autosave's time and diff-match-patch delta, the pastes (where
  each came from, and whether it needs a look), bursts, sessions and time on task. Seen by the
  essay's student and the class's teachers (and school admins); anyone else gets 404.

The student sees the whole history, judged against their draft. A teacher sees it up to the
latest handed-in version, judged against that version: a draft is private to its writer until
it is handed in.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from courseware.selectors import process as selectors


class PasteSerializer(serializers.Serializer):
    t = serializers.IntegerField(help_text=_("When (epoch seconds)."))
    chars = serializers.IntegerField()
    source = serializers.ChoiceField(choices=list(selectors.SOURCES))
    text = serializers.CharField(help_text=_("The pasted text (its first 2,000 characters)."))
    label = serializers.CharField()
    flagged = serializers.BooleanField()


class HistorySerializer(serializers.Serializer):
    base = serializers.CharField(help_text=_("The text when recording began."))
    base_t = serializers.IntegerField(allow_null=True)
    steps = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
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


class HistoryView(APIView):
    """An essay's writing history (its student and the class's teachers)."""

    @extend_schema(responses=HistorySerializer)
    def get(self, request, pk: int, version=None):
        submission = selectors.history_submission_get(user=request.user, pk=pk)
        view = selectors.process_view_for(user=request.user, submission=submission)
        return Response(selectors.replay_document(view=view))


urlpatterns = [
    path("submissions/<int:pk>/history/", HistoryView.as_view(), name="api-submission-history"),
]
