"""API for originality reports.

- ``GET /api/v1/submissions/<id>/versions/<n>/originality/`` — the version's latest report:
  status, progress, score and its matches (offsets in the essay, class, source, similarity).
- ``POST /api/v1/submissions/<id>/versions/<n>/originality/check/`` — queue a new run: 202 with
  the report as it stands.

Who sees what is the report page's rule (``selectors.originality.report_access``): the class's
teachers and school admins; the student only once the report is shown to them, and then without
other students' names; anyone else, and a version without a report, gets 404. 401 without
credentials.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from courseware.models import OriginalityMatch, OriginalityReport
from courseware.selectors import originality as selectors
from courseware.services import originality as services


class MatchSerializer(serializers.ModelSerializer):
    reading = serializers.SerializerMethodField()
    paragraph = serializers.SerializerMethodField()
    cited = serializers.SerializerMethodField()
    peer_version = serializers.SerializerMethodField()

    class Meta:
        model = OriginalityMatch
        fields = [
            "kind",
            "start",
            "end",
            "words",
            "similarity",
            "reading",
            "paragraph",
            "cited",
            "peer_version",
            "source_excerpt",
            "detail",
        ]

    def get_reading(self, match) -> str | None:
        return match.paragraph.reading.slug if match.paragraph else None

    def get_paragraph(self, match) -> int | None:
        return match.paragraph.number if match.paragraph else None

    def get_cited(self, match) -> str | None:
        cited = match.cited_paragraph
        return f"{cited.reading.slug}#p-{cited.number}" if cited else None

    def get_peer_version(self, match) -> int | None:
        # Students are not told whose essay theirs overlaps.
        if match.peer_version_id is None or self.context.get("hide_peers"):
            return None
        return match.peer_version_id


class ReportSerializer(serializers.ModelSerializer):
    score = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    matches = serializers.SerializerMethodField()

    class Meta:
        model = OriginalityReport
        fields = [
            "run",
            "status",
            "progress",
            "score",
            "total_words",
            "flagged_words",
            "paragraphs_checked",
            "peers_checked",
            "visible_to_student",
            "requested_at",
            "started_at",
            "finished_at",
            "matches",
        ]

    def get_matches(self, report) -> list[dict]:
        matches = selectors.report_matches(report=report)
        return MatchSerializer(matches, many=True, context=self.context).data


def _context(request, access) -> dict:
    return {"hide_peers": access.submission.student_id == request.user.pk}


class ReportView(APIView):
    @extend_schema(responses=ReportSerializer)
    def get(self, request, pk: int, number: int, version=None):
        access = selectors.report_access(user=request.user, pk=pk, number=number)
        if access.report is None:
            raise Http404
        return Response(ReportSerializer(access.report, context=_context(request, access)).data)


class RecheckView(APIView):
    @extend_schema(request=None, responses={202: ReportSerializer})
    def post(self, request, pk: int, number: int, version=None):
        access = selectors.report_access(user=request.user, pk=pk, number=number)
        if not access.can_run:
            raise Http404
        report = services.originality_report_request(
            version=access.version, by=request.user, now=timezone.now()
        )
        report.refresh_from_db()
        return Response(
            ReportSerializer(report, context=_context(request, access)).data,
            status=status.HTTP_202_ACCEPTED,
        )


urlpatterns = [
    path(
        "submissions/<int:pk>/versions/<int:number>/originality/",
        ReportView.as_view(),
        name="api-originality-report",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>/originality/check/",
        RecheckView.as_view(),
        name="api-originality-check",
    ),
]
