"""API for essay submissions: draft saves with a revision check, and submitting.

- ``GET|POST /api/v1/assignments/<id>/submission/`` — my submission for an essay assignment
  (POST starts it if I have none: 201, else 200).
- ``GET /api/v1/submissions/<id>/`` — a submission: status, revision, latest version.
- ``GET|PUT /api/v1/submissions/<id>/draft/`` — the draft. PUT ``{"text", "revision"}`` answers
  200 ``{"revision", "saved_at", "word_count"}``, or 409 ``{"detail", "code": "stale",
  "revision", "text", "saved_at", "word_count"}`` carrying the newer text when ``revision`` is
  stale. Only the writer reads or saves a draft.
- ``POST /api/v1/submissions/<id>/submit/`` ``{"revision", "honesty_declared": true}`` — hand in
  the draft at that revision: 201 with the new version, or 200 with the same version when that
  revision was already handed in.
- ``POST /api/v1/submissions/<id>/preview/`` ``{"text"}`` — the text rendered and sanitised.
- ``GET /api/v1/submissions/<id>/versions/`` and ``.../versions/<n>/`` — handed-in versions.
- ``GET /api/v1/submissions/<id>/readings/<slug>/`` — a reading the essay may cite, by paragraph.

Errors are JSON with ``detail`` and a ``code``: 400 for bad input (and word limits, honesty),
401 without credentials, 403 for a submission one may see but not write, 404 for one one may
not see, 409 for a stale revision or an essay that can no longer be changed or handed in, 413
for an essay over the size limit.
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
from courseware.rendering import count_words, render_essay
from courseware.selectors import submissions as selectors
from courseware.selectors.marking import assignment_reveal, names_hidden
from courseware.services import submissions as services
from courseware.services.submissions import StaleRevision

# A refusal's code decides its status: the request was understood, but the essay's state (or
# size) does not allow it.
STATUS_FOR_CODE = {
    "too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "stale": status.HTTP_409_CONFLICT,
    "submitted": status.HTTP_409_CONFLICT,
    "closed": status.HTTP_409_CONFLICT,
    "not_open": status.HTTP_409_CONFLICT,
    "withdrawn": status.HTTP_409_CONFLICT,
    "archived": status.HTTP_409_CONFLICT,
    "not_student": status.HTTP_403_FORBIDDEN,
    "not_writer": status.HTTP_403_FORBIDDEN,
}


def refusal_code(error: ValidationError) -> str:
    """The code of a service's refusal (the first one, for field errors)."""
    if hasattr(error, "error_dict"):
        first = next(iter(error.error_dict.values()))[0]
        return first.code or "invalid"
    return error.error_list[0].code or "invalid"


def _refusal(error: ValidationError) -> Response:
    """A service's refusal as a JSON error with the status its code calls for."""
    code = refusal_code(error)
    body: dict = {"detail": " ".join(error.messages), "code": code}
    if hasattr(error, "error_dict"):
        body.update(error.message_dict)
    if isinstance(error, StaleRevision):
        stored = error.submission
        body.update(
            revision=stored.revision,
            text=stored.draft_text,
            saved_at=serializers.DateTimeField().to_representation(stored.draft_saved_at)
            if stored.draft_saved_at
            else None,
            word_count=stored.word_count,
        )
    return Response(body, status=STATUS_FOR_CODE.get(code, status.HTTP_400_BAD_REQUEST))


class StrictCharField(serializers.CharField):
    """Text that must arrive as a JSON string: numbers and lists are wrong types, not text."""

    default_error_messages = {"invalid": _("Must be a string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A whole number that must arrive as a JSON number (not a string, a float or a boolean)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class WritingEventSerializer(serializers.Serializer):
    """What the editor saw happen since its last save (recorded in the writing history)."""

    kind = serializers.ChoiceField(choices=["type", "delete", "paste"])
    at = StrictIntegerField(
        min_value=0, help_text=_("When, in milliseconds of the editor's clock.")
    )
    chars = StrictIntegerField(min_value=0, max_value=2_000_000)
    text = StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=5000,
        help_text=_("A paste's text (the editor sends its first 2,000 characters)."),
    )
    from_essay = StrictBooleanField(
        required=False, help_text=_("The paste was copied or cut from this essay.")
    )


class DraftSaveSerializer(serializers.Serializer):
    text = StrictCharField(allow_blank=True, trim_whitespace=False)
    revision = StrictIntegerField(min_value=0)
    events = WritingEventSerializer(many=True, required=False, max_length=500)
    sent_at = StrictIntegerField(
        required=False, min_value=0, help_text=_("The editor's clock when it sent the events (ms).")
    )


class SubmitSerializer(serializers.Serializer):
    revision = StrictIntegerField(min_value=0)
    honesty_declared = StrictBooleanField(
        help_text=_("The student confirms that the essay is their own work.")
    )


class PreviewSerializer(serializers.Serializer):
    text = StrictCharField(allow_blank=True, trim_whitespace=False)


class DraftSerializer(serializers.Serializer):
    text = serializers.CharField(source="draft_text")
    revision = serializers.IntegerField()
    saved_at = serializers.DateTimeField(source="draft_saved_at", allow_null=True)
    word_count = serializers.IntegerField()


class DraftSavedSerializer(serializers.Serializer):
    revision = serializers.IntegerField()
    saved_at = serializers.DateTimeField(source="draft_saved_at", allow_null=True)
    word_count = serializers.IntegerField()


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    revision = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    word_count = serializers.IntegerField()
    late_minutes = serializers.IntegerField()
    sha256 = serializers.CharField()


class VersionDetailSerializer(VersionSerializer):
    text = serializers.CharField(help_text=_("The Markdown as handed in."))
    html = serializers.CharField(help_text=_("The text rendered and sanitised."))


class SubmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    student = serializers.SerializerMethodField(
        help_text=_("Null while an anonymously marked assignment's names are hidden.")
    )
    status = serializers.CharField()
    revision = serializers.IntegerField()
    draft_saved_at = serializers.DateTimeField(allow_null=True)
    word_count = serializers.IntegerField()
    current_version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    late_minutes = serializers.IntegerField()
    editable = serializers.BooleanField(source="is_editable")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_student(self, submission) -> int | None:
        return None if self.context.get("names_hidden") else submission.student_id


class PreviewResultSerializer(serializers.Serializer):
    html = serializers.CharField()
    word_count = serializers.IntegerField()
    unresolved = serializers.ListField(child=serializers.CharField())


class CitableParagraphSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    anchor = serializers.CharField()
    kind = serializers.CharField()
    page = serializers.CharField()
    text = serializers.CharField()
    cite = serializers.CharField(help_text=_("What to write in the essay to cite it."))


class CitableReadingSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    author = serializers.CharField()
    citation = serializers.CharField()
    url = serializers.CharField()
    paragraphs = CitableParagraphSerializer(many=True)


def _writer_only(request, submission) -> None:
    if not permissions.can_write_submission(request.user, submission):
        raise PermissionDenied(_("Only the student who writes this essay may do that."))


class MySubmissionView(APIView):
    """My submission for an essay assignment of a class I am a student in."""

    @extend_schema(responses=SubmissionSerializer)
    def get(self, request, pk: int, version=None):
        assignment = selectors.essay_assignment_get_for_student(
            user=request.user, pk=pk, now=timezone.now()
        )
        submission = selectors.submission_of(assignment=assignment, student=request.user)
        if submission is None:
            return Response(
                {"detail": _("You have not started this essay."), "code": "not_started"},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(SubmissionSerializer(submission).data)

    @extend_schema(request=None, responses={200: SubmissionSerializer, 201: SubmissionSerializer})
    def post(self, request, pk: int, version=None):
        now = timezone.now()
        assignment = selectors.essay_assignment_get_for_student(user=request.user, pk=pk, now=now)
        existing = selectors.submission_of(assignment=assignment, student=request.user)
        if existing is not None:
            return Response(SubmissionSerializer(existing).data)
        try:
            submission = services.submission_start(
                assignment=assignment, student=request.user, now=now
            )
        except ValidationError as error:
            return _refusal(error)
        return Response(SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)


class SubmissionDetailView(APIView):
    @extend_schema(responses=SubmissionSerializer)
    def get(self, request, pk: int, version=None):
        submission = selectors.submission_get_for(user=request.user, pk=pk)
        assignment = submission.assignment
        # A marker of anonymously marked work sees it as such until names are revealed.
        hidden = submission.student_id != request.user.pk and names_hidden(
            assignment, assignment_reveal(assignment=assignment)
        )
        return Response(SubmissionSerializer(submission, context={"names_hidden": hidden}).data)


class DraftView(APIView):
    """The draft of an essay: its writer reads it and saves it with the revision it was based
    on."""

    throttle_scope = "autosave"

    @extend_schema(responses=DraftSerializer)
    def get(self, request, pk: int, version=None):
        submission = selectors.submission_get_for(user=request.user, pk=pk)
        if not permissions.can_read_draft(request.user, submission):
            raise PermissionDenied(_("A draft is private to its writer until it is handed in."))
        return Response(DraftSerializer(submission).data)

    @extend_schema(request=DraftSaveSerializer, responses=DraftSavedSerializer)
    def put(self, request, pk: int, version=None):
        submission = selectors.submission_get_for(user=request.user, pk=pk)
        _writer_only(request, submission)
        data = DraftSaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            submission = services.submission_draft_save(
                submission=submission,
                text=data.validated_data["text"],
                revision=data.validated_data["revision"],
                by=request.user,
                now=timezone.now(),
                events=data.validated_data.get("events"),
                sent_at=data.validated_data.get("sent_at"),
            )
        except ValidationError as error:
            return _refusal(error)
        return Response(DraftSavedSerializer(submission).data)


class SubmitView(APIView):
    @extend_schema(
        request=SubmitSerializer, responses={200: VersionSerializer, 201: VersionSerializer}
    )
    def post(self, request, pk: int, version=None):
        submission = selectors.submission_get_for(user=request.user, pk=pk)
        _writer_only(request, submission)
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        versions_before = submission.current_version
        try:
            handed_in = services.submission_submit(
                submission=submission,
                revision=data.validated_data["revision"],
                honesty_declared=data.validated_data["honesty_declared"],
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as error:
            return _refusal(error)
        created = handed_in.number > versions_before
        return Response(
            VersionSerializer(handed_in).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PreviewView(APIView):
    """The essay as it will read: Markdown rendered on the server and sanitised."""

    @extend_schema(request=PreviewSerializer, responses=PreviewResultSerializer)
    def post(self, request, pk: int, version=None):
        submission = selectors.submission_get_for(user=request.user, pk=pk)
        _writer_only(request, submission)
        data = PreviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        text = data.validated_data["text"]
        try:
            services.check_essay_size(text)
        except ValidationError as error:
            return _refusal(error)
        rendered = render_essay(
            text,
            citable=selectors.citable_readings(assignment=submission.assignment),
            id_prefix="preview",
        )
        return Response(
            {
                "html": str(rendered.html),
                "word_count": count_words(text),
                "unresolved": [c.raw for c in rendered.unresolved],
            }
        )


class VersionListView(APIView):
    @extend_schema(responses=VersionSerializer(many=True))
    def get(self, request, pk: int, version=None):
        submission = selectors.submission_get_for(user=request.user, pk=pk)
        versions = selectors.submission_versions(submission=submission)
        return Response(VersionSerializer(versions, many=True).data)


class VersionDetailView(APIView):
    @extend_schema(responses=VersionDetailSerializer)
    def get(self, request, pk: int, number: int, version=None):
        submission = selectors.submission_get_for(user=request.user, pk=pk)
        handed_in = selectors.submission_version_get(submission=submission, number=number)
        rendered = render_essay(
            handed_in.text,
            citable=selectors.citable_readings(assignment=submission.assignment),
            id_prefix=f"v{handed_in.number}",
            number_paragraphs=True,
        )
        body = VersionSerializer(handed_in).data
        body.update(text=handed_in.text, html=str(rendered.html))
        return Response(body)


class CitableReadingView(APIView):
    """A reading the essay may cite, paragraph by paragraph, for the editor's side panel."""

    @extend_schema(responses=CitableReadingSerializer)
    def get(self, request, pk: int, slug: str, version=None):
        submission = selectors.submission_get_for(user=request.user, pk=pk)
        reading, paragraphs = selectors.reading_for_citing(submission=submission, slug=slug)
        return Response(
            {
                "slug": reading.slug,
                "title": reading.title,
                "author": reading.author,
                "citation": reading.citation,
                "url": reading.get_absolute_url(),
                "paragraphs": [
                    {
                        "number": p.number,
                        "anchor": p.anchor,
                        "kind": p.kind,
                        "page": p.page,
                        "text": p.text,
                        "cite": f"[[{reading.slug}#{p.anchor}]]",
                    }
                    for p in paragraphs
                ],
            }
        )


urlpatterns = [
    path(
        "assignments/<int:pk>/submission/",
        MySubmissionView.as_view(),
        name="api-my-submission",
    ),
    path("submissions/<int:pk>/", SubmissionDetailView.as_view(), name="api-submission"),
    path("submissions/<int:pk>/draft/", DraftView.as_view(), name="api-submission-draft"),
    path("submissions/<int:pk>/submit/", SubmitView.as_view(), name="api-submission-submit"),
    path("submissions/<int:pk>/preview/", PreviewView.as_view(), name="api-submission-preview"),
    path(
        "submissions/<int:pk>/versions/",
        VersionListView.as_view(),
        name="api-submission-versions",
    ),
    path(
        "submissions/<int:pk>/versions/<int:number>/",
        VersionDetailView.as_view(),
        name="api-submission-version",
    ),
    path(
        "submissions/<int:pk>/readings/<slug:slug>/",
        CitableReadingView.as_view(),
        name="api-submission-reading",
    ),
]
