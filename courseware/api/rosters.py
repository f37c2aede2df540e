"""Rosters API: a school admin imports a OneRoster 1.1 CSV export (zip), as on the import page.

``POST /api/v1/rosters/import/`` (multipart: ``file``, ``course``, optional ``dry_run``) checks
every row and imports the export whole or not at all: 201 with what was done, 200 with what would
be done for a dry run, 400 with every row's problem (file, line, field) and nothing imported.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from courseware import permissions
from courseware.api.common import StrictSerializer, errors, refusal
from courseware.api.permissions import UserCapability
from courseware.models import Course
from courseware.oneroster import MAX_UPLOAD_BYTES, RosterFileError, read_archive
from courseware.selectors.rosters import KINDS, roster_plan
from courseware.services import rosters as services


class CanImportRosters(UserCapability):
    capability = staticmethod(permissions.can_import_rosters)


class RosterImportInputSerializer(StrictSerializer):
    file = serializers.FileField(help_text=_lazy("The OneRoster 1.1 CSV export, a .zip."))
    course = serializers.PrimaryKeyRelatedField(
        queryset=Course.objects.all(), help_text=_lazy("The course new classes belong to.")
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text=_lazy("Only say what importing would do.")
    )

    def validate_file(self, upload):
        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(
                _("The file is larger than %(limit)s MB.")
                % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class VerbCountsSerializer(serializers.Serializer):
    create = serializers.IntegerField()
    update = serializers.IntegerField()
    archive = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    skip = serializers.IntegerField()


class RosterCountsSerializer(serializers.Serializer):
    users = VerbCountsSerializer()
    classes = VerbCountsSerializer()
    enrollments = VerbCountsSerializer()


class RosterRowErrorSerializer(serializers.Serializer):
    file = serializers.CharField()
    line = serializers.IntegerField()
    field = serializers.CharField()
    message = serializers.CharField()


class RosterImportResultSerializer(serializers.Serializer):
    imported = serializers.BooleanField()
    counts = RosterCountsSerializer()
    errors = RosterRowErrorSerializer(many=True)


class RosterImportView(APIView):
    permission_classes = [IsAuthenticated, CanImportRosters]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": RosterImportInputSerializer},
        responses={
            200: RosterImportResultSerializer,
            201: RosterImportResultSerializer,
            **errors(400, 401, 403, 413),
        },
    )
    def post(self, request, *args, **kwargs):
        """Import a OneRoster export whole, or nothing (400 with every row's problem)."""
        data = RosterImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        archive = data.validated_data["file"].read()
        course = data.validated_data["course"]
        try:
            parsed = read_archive(archive)
        except RosterFileError as error:
            return Response(
                {"detail": " ".join(error.messages), "file": error.messages},
                status=status.HTTP_400_BAD_REQUEST,
            )
        imported = False
        if data.validated_data["dry_run"]:
            plan = roster_plan(parsed=parsed, course=course)
        else:
            upload = services.roster_import_record(
                archive=archive,
                file_name=data.validated_data["file"].name or "export.zip",
                course=course,
                by=request.user,
                now=timezone.now(),
            )
            try:
                plan = services.roster_import_apply(upload=upload, now=timezone.now())
            except services.RosterRejected as rejected:
                plan = rejected.plan
            except ValidationError as error:
                return refusal(error)
            else:
                imported = True
        counts = plan.counts()
        body = RosterImportResultSerializer(
            {
                "imported": imported,
                "counts": {kind: counts[kind] for kind in KINDS},
                "errors": [vars(error) for error in plan.errors],
            }
        ).data
        if plan.errors:
            body["detail"] = _("The export has errors; nothing was imported.")
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(body, status=status.HTTP_201_CREATED if imported else status.HTTP_200_OK)


urlpatterns = [
    path("rosters/import/", RosterImportView.as_view(), name="api-roster-import"),
]
