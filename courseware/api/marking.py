"""API for grades, inline comments, the comment bank and the gradebook.

- ``GET|PUT /api/v1/submissions/<id>/grade/`` — a submission's grade. Teachers of the class (and
  school admins) read it at any stage and save it with PUT ``{"criteria": [{"criterion",
  "level", "marks", "comment"}], "overall_comment", "ready", "revision"}`` (the whole marking:
  criteria left out have no level or comment; ``marks`` may be left out for the level's own;
  ``revision`` is the one the marker's copy was based on, 0 before the grade exists, and a stale
  one is a 409). The student reads it once it is released; before that it does not exist (404).
- ``POST /api/v1/submissions/<id>/grade/release/`` ``{"resubmission", "resubmit_by"}`` — release
  a finished grade and return the essay (with a request to resubmit, if asked).
- ``GET /api/v1/assignments/<id>/grades/`` — an assignment's grades (students by pseudonym while
  an anonymously marked assignment's names are hidden); ``POST .../grades/release/`` releases
  every finished one.
- ``GET|POST /api/v1/submissions/<id>/inline-comments/`` and ``DELETE
  /api/v1/inline-comments/<id>/`` — comments on a passage of the latest version.
- ``GET|POST /api/v1/comment-bank/`` (``?q=`` searches, ``?criterion=`` puts that criterion's
  first) and ``DELETE /api/v1/comment-bank/<id>/`` — the teacher's own saved comments.
- ``GET /api/v1/me/grades/`` — the signed-in student's released grades, paginated.
- ``GET /api/v1/classes/<id>/gradebook/`` and ``.../gradebook/export.csv|xlsx`` — the gradebook.

Errors are JSON with ``detail`` and a ``code``: 400 for bad input (a level of another rubric,
marks out of the level's band, an unfinished grade marked ready), 401 without credentials, 403
for what one may see but not do, 404 for what one may not see, 409 for a stale revision or a
grade whose state does not allow it (not finished, superseded, archived class).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import path, re_path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from config.input_policy import MomentField
from courseware import exports, permissions
from courseware.api.submissions import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    refusal_code,
)
from courseware.models import Grade
from courseware.selectors import marking as selectors
from courseware.selectors.process import (
    feedback_response_of,
    mark_withheld,
    withheld_submission_ids,
)
from courseware.services import marking as services
from courseware.services.marking import CriterionMark, StaleGrade

STATUS_FOR_CODE = {
    "stale": status.HTTP_409_CONFLICT,
    "not_ready": status.HTTP_409_CONFLICT,
    "outdated": status.HTTP_409_CONFLICT,
    "archived": status.HTTP_409_CONFLICT,
    "released": status.HTTP_409_CONFLICT,
    "not_submitted": status.HTTP_409_CONFLICT,
    "not_marker": status.HTTP_403_FORBIDDEN,
    "not_owner": status.HTTP_403_FORBIDDEN,
    "not_teacher": status.HTTP_403_FORBIDDEN,
}


def _refusal(error: ValidationError) -> Response:
    code = refusal_code(error)
    body: dict = {"detail": " ".join(error.messages), "code": code}
    if hasattr(error, "error_dict"):
        body.update(error.message_dict)
    if isinstance(error, StaleGrade):
        body["revision"] = error.grade.revision
    return Response(body, status=STATUS_FOR_CODE.get(code, status.HTTP_400_BAD_REQUEST))


@extend_schema_field(
    {"oneOf": [{"type": "number"}, {"type": "string", "example": "4.5"}], "nullable": True}
)
class MarksField(serializers.Field):
    """Marks as a JSON number or a decimal string (``"4.5"``); never a boolean."""

    default_error_messages = {"invalid": _("Marks must be a number.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        try:
            value = Decimal(str(data).strip())
        except InvalidOperation:
            self.fail("invalid")
        if not value.is_finite():
            self.fail("invalid")
        return value

    def to_representation(self, value):
        return None if value is None else str(value)


class CriterionInputSerializer(serializers.Serializer):
    criterion = StrictIntegerField(min_value=1)
    level = StrictIntegerField(min_value=1, required=False, allow_null=True, default=None)
    marks = MarksField(required=False, allow_null=True, default=None)
    comment = StrictCharField(
        required=False, allow_blank=True, default="", max_length=services.MAX_CRITERION_COMMENT
    )


class GradeInputSerializer(serializers.Serializer):
    criteria = CriterionInputSerializer(many=True)
    # A source-analysis task set without a rubric: its one mark (null for not yet).
    overall_mark = MarksField(required=False, allow_null=True, default=None)
    overall_comment = StrictCharField(
        required=False, allow_blank=True, default="", max_length=services.MAX_OVERALL_COMMENT
    )
    ready = StrictBooleanField(required=False, allow_null=True, default=None)
    revision = StrictIntegerField(min_value=0, required=False, allow_null=True, default=None)


class ReleaseInputSerializer(serializers.Serializer):
    resubmission = StrictBooleanField(required=False, default=False)
    resubmit_by = MomentField(required=False, allow_null=True, default=None)


class InlineCommentInputSerializer(serializers.Serializer):
    paragraph = StrictIntegerField(min_value=1)
    start = StrictIntegerField(min_value=0)
    end = StrictIntegerField(min_value=1)
    quote = StrictCharField(trim_whitespace=False, max_length=services.MAX_QUOTE)
    text = StrictCharField(max_length=services.MAX_INLINE_COMMENT)


class CommentBankInputSerializer(serializers.Serializer):
    text = StrictCharField(max_length=services.MAX_BANK_COMMENT)
    criterion_tag = StrictCharField(
        required=False, allow_blank=True, default="", max_length=services.MAX_BANK_TAG
    )


class CriterionGradeSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id")
    level = serializers.IntegerField(source="level_id", allow_null=True)
    level_title = serializers.CharField(source="level.title", allow_null=True, default=None)
    marks = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    comment = serializers.CharField()


class InlineCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    paragraph = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    quote = serializers.CharField()
    text = serializers.CharField()
    created_at = MomentField()


_WITHHELD_HELP = _("Null while the mark is withheld (see mark_withheld).")


class GradeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    submission = serializers.IntegerField(source="submission_id")
    version = serializers.IntegerField(source="version.number")
    status = serializers.CharField()
    revision = serializers.IntegerField()
    raw_mark = serializers.DecimalField(
        max_digits=7, decimal_places=2, allow_null=True, help_text=_WITHHELD_HELP
    )
    max_mark = serializers.DecimalField(max_digits=7, decimal_places=2)
    late_minutes = serializers.IntegerField()
    late_penalty_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, help_text=_WITHHELD_HELP
    )
    final_mark = serializers.DecimalField(
        max_digits=7, decimal_places=2, allow_null=True, help_text=_WITHHELD_HELP
    )
    overall_comment = serializers.CharField()
    released_at = MomentField(allow_null=True)
    resubmission_requested_at = MomentField(allow_null=True)
    updated_at = MomentField()
    criteria = CriterionGradeSerializer(many=True, source="criterion_grades.all")
    mark_withheld = serializers.SerializerMethodField(
        help_text=_(
            'True while a "feedback first" assignment\'s student has not yet written their '
            "response: the marks (and the criteria's levels) are null until they have."
        )
    )

    def get_mark_withheld(self, grade) -> bool:
        return grade.submission_id in self.context.get("withheld", ())

    def to_representation(self, grade):
        body = super().to_representation(grade)
        if body["mark_withheld"]:
            for key in ("raw_mark", "late_penalty_percent", "final_mark"):
                body[key] = None
            for row in body["criteria"]:
                row.update(level=None, level_title=None, marks=None)
        return body


class GradeDetailSerializer(GradeSerializer):
    inline_comments = InlineCommentSerializer(many=True)


class AssignmentGradeSerializer(GradeSerializer):
    student = serializers.SerializerMethodField(
        help_text=_("The student's id, or null while names are hidden.")
    )
    student_label = serializers.SerializerMethodField(
        help_text=_("The student's name, or pseudonym while names are hidden.")
    )

    def get_student(self, grade) -> int | None:
        return None if self.context["hidden"] else grade.submission.student_id

    def get_student_label(self, grade) -> str:
        return self.context["labels"].get(grade.submission.student_id, "")


class MyGradeSerializer(GradeSerializer):
    assignment = serializers.IntegerField(source="submission.assignment_id")
    assignment_title = serializers.CharField(source="submission.assignment.title")
    classroom = serializers.CharField(source="submission.assignment.classroom.name")


class CommentBankEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    criterion_tag = serializers.CharField()
    created_at = MomentField()


def _grade_detail(grade: Grade, *, withheld: bool = False) -> dict:
    grade = selectors.grades_for_submission(submission_id=grade.submission_id)
    context = {"withheld": {grade.submission_id} if withheld else set()}
    body = GradeSerializer(grade, context=context).data
    body["inline_comments"] = InlineCommentSerializer(
        selectors.inline_comments_of(version_id=grade.version_id), many=True
    ).data
    return body


def _submission_for_marking(request, pk: int):
    """The submission, for those who mark it: 403 for its student, 404 for everyone else."""
    try:
        return selectors.submission_get_for_marker(user=request.user, pk=pk)
    except Http404:
        grade = Grade.objects.select_related("submission__assignment__classroom").filter(
            submission__pk=pk  # an id too large for the column is no match, not a crash
        )
        found = grade.first()
        if found is not None and permissions.can_view_grade(request.user, found):
            raise PermissionDenied(_("Only the class's teachers change a grade.")) from None
        raise


class GradeView(APIView):
    """A submission's grade: its markers read and save it; its student reads it once
    released."""

    @extend_schema(responses=GradeDetailSerializer)
    def get(self, request, pk: int, version=None):
        grade = selectors.grade_get_for(user=request.user, submission_pk=pk)
        # "Feedback first": the student sees the comments, and the mark once they respond.
        withheld = mark_withheld(
            grade=grade,
            user=request.user,
            response=feedback_response_of(
                submission=grade.submission, version_number=grade.version.number
            ),
        )
        return Response(_grade_detail(grade, withheld=withheld))

    @extend_schema(request=GradeInputSerializer, responses=GradeDetailSerializer)
    def put(self, request, pk: int, version=None):
        submission = _submission_for_marking(request, pk)
        data = GradeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            grade = services.grade_save(
                submission=submission,
                by=request.user,
                criteria=[
                    CriterionMark(
                        criterion_id=c["criterion"],
                        level_id=c["level"],
                        marks=c["marks"],
                        comment=c["comment"].replace("\r\n", "\n"),
                    )
                    for c in values["criteria"]
                ],
                overall_comment=values["overall_comment"].replace("\r\n", "\n"),
                ready=values["ready"],
                revision=values["revision"],
                now=timezone.now(),
                overall_mark=values["overall_mark"],
            )
        except ValidationError as error:
            return _refusal(error)
        return Response(_grade_detail(grade))


class GradeReleaseView(APIView):
    @extend_schema(request=ReleaseInputSerializer, responses=GradeDetailSerializer)
    def post(self, request, pk: int, version=None):
        submission = _submission_for_marking(request, pk)
        if not permissions.can_release(request.user, submission.assignment.classroom):
            raise PermissionDenied
        data = ReleaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            grade = services.grade_release(
                submission=submission,
                by=request.user,
                now=timezone.now(),
                resubmission=data.validated_data["resubmission"],
                resubmit_by=data.validated_data["resubmit_by"],
            )
        except ValidationError as error:
            return _refusal(error)
        return Response(_grade_detail(grade))


class AssignmentGradesView(APIView):
    @extend_schema(responses=AssignmentGradeSerializer(many=True))
    def get(self, request, pk: int, version=None):
        assignment = selectors.essay_assignment_get_for_marker(user=request.user, pk=pk)
        grades = list(selectors.grades_for_assignment(assignment=assignment))
        reveal = selectors.assignment_reveal(assignment=assignment)
        hidden = selectors.names_hidden(assignment, reveal)
        labels = selectors.student_labels(
            assignment=assignment,
            hidden=hidden,
            students=[grade.submission.student for grade in grades],
        )
        return Response(
            AssignmentGradeSerializer(
                grades, many=True, context={"hidden": hidden, "labels": labels}
            ).data
        )


class AssignmentReleaseView(APIView):
    @extend_schema(request=None, responses={200: dict})
    def post(self, request, pk: int, version=None):
        assignment = selectors.essay_assignment_get_for_marker(user=request.user, pk=pk)
        try:
            released = services.grades_release_all(
                assignment=assignment, by=request.user, now=timezone.now()
            )
        except ValidationError as error:
            return _refusal(error)
        return Response({"released": released})


class InlineCommentsView(APIView):
    @extend_schema(responses=InlineCommentSerializer(many=True))
    def get(self, request, pk: int, version=None):
        submission = _submission_for_marking(request, pk)
        return Response(
            InlineCommentSerializer(
                selectors.inline_comments_of_latest(submission=submission), many=True
            ).data
        )

    @extend_schema(request=InlineCommentInputSerializer, responses={201: InlineCommentSerializer})
    def post(self, request, pk: int, version=None):
        submission = _submission_for_marking(request, pk)
        data = InlineCommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            comment = services.inline_comment_add(
                submission=submission, by=request.user, now=timezone.now(), **data.validated_data
            )
        except ValidationError as error:
            return _refusal(error)
        return Response(InlineCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class InlineCommentView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int, version=None):
        comment = selectors.inline_comment_get_for_marker(user=request.user, pk=pk)
        try:
            services.inline_comment_delete(comment=comment, by=request.user, now=timezone.now())
        except ValidationError as error:
            return _refusal(error)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _bank_owner(request):
    if not permissions.can_keep_comment_bank(request.user):
        raise PermissionDenied(_("Only teachers keep a comment bank."))
    return request.user


class CommentBankView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Words the comment or its criterion holds"),
            OpenApiParameter("criterion", str, description="A criterion whose comments go first"),
        ],
        responses=CommentBankEntrySerializer(many=True),
    )
    def get(self, request, version=None):
        owner = _bank_owner(request)
        entries = selectors.comment_bank_for(
            owner=owner,
            query=request.query_params.get("q", "")[:200],
            criterion_tag=request.query_params.get("criterion", "")[:200],
        )
        return Response(CommentBankEntrySerializer(entries, many=True).data)

    @extend_schema(request=CommentBankInputSerializer, responses={201: CommentBankEntrySerializer})
    def post(self, request, version=None):
        owner = _bank_owner(request)
        data = CommentBankInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            entry = services.comment_bank_add(
                owner=owner, now=timezone.now(), **data.validated_data
            )
        except ValidationError as error:
            return _refusal(error)
        return Response(CommentBankEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CommentBankEntryView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int, version=None):
        entry = selectors.comment_bank_entry_get_for(user=request.user, pk=pk)
        try:
            services.comment_bank_delete(entry=entry, by=request.user)
        except ValidationError as error:
            return _refusal(error)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyGradesView(ListAPIView):
    """The signed-in student's released grades, newest first, a page at a time like every list."""

    queryset = Grade.objects.none()
    serializer_class = MyGradeSerializer
    filter_backends = []  # nothing to filter by

    def get_queryset(self):
        return selectors.released_grades_for(student=self.request.user, with_criteria=True)

    def get_serializer(self, *args, **kwargs):
        # "Feedback first": the page's grades whose mark waits for the student's response.
        if args and kwargs.get("many"):
            grades = list(args[0])
            kwargs["context"] = {
                **self.get_serializer_context(),
                "withheld": withheld_submission_ids(student=self.request.user, grades=grades),
            }
            return self.get_serializer_class()(grades, *args[1:], **kwargs)
        return super().get_serializer(*args, **kwargs)


class GradebookView(APIView):
    """The class's students × its essays and quizzes, with totals."""

    @extend_schema(responses={200: dict})
    def get(self, request, pk: int, version=None):
        classroom = selectors.classroom_get_for_marker(user=request.user, pk=pk)
        book = selectors.gradebook(classroom=classroom)
        return Response(
            {
                "classroom": classroom.pk,
                "assignments": [
                    {
                        "id": column.assignment.pk,
                        "title": column.assignment.title,
                        "kind": column.assignment.kind,
                        "out_of": str(column.out_of),
                        "names_hidden": column.hidden,
                        "average": str(column.average) if column.average is not None else None,
                    }
                    for column in book.columns
                ],
                "students": [
                    {
                        "id": row.student.pk,
                        "name": row.student.name,
                        "username": row.student.username,
                        "total": str(row.total),
                        "out_of": str(row.out_of),
                        "percent": str(row.percent) if row.percent is not None else None,
                        "cells": [
                            {
                                "assignment": column.assignment.pk,
                                "state": cell.state.value,
                                "mark": str(cell.mark) if cell.counted else None,
                                "out_of": str(cell.out_of) if cell.counted else None,
                            }
                            for column, cell in zip(book.columns, row.cells, strict=True)
                        ],
                    }
                    for row in book.rows
                ],
            }
        )


class GradebookExportView(APIView):
    @extend_schema(responses={(200, "text/csv"): bytes})
    def get(self, request, pk: int, fmt: str, version=None):
        classroom = selectors.classroom_get_for_marker(user=request.user, pk=pk)
        table = exports.gradebook_table(selectors.gradebook(classroom=classroom))
        if fmt == "csv":
            response = HttpResponse(exports.to_csv(table), content_type=exports.CSV_TYPE)
        else:
            response = HttpResponse(exports.to_xlsx(table), content_type=exports.XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="gradebook-{classroom.pk}.{fmt}"'
        return response


urlpatterns = [
    path("submissions/<int:pk>/grade/", GradeView.as_view(), name="api-grade"),
    path(
        "submissions/<int:pk>/grade/release/",
        GradeReleaseView.as_view(),
        name="api-grade-release",
    ),
    path(
        "submissions/<int:pk>/inline-comments/",
        InlineCommentsView.as_view(),
        name="api-inline-comments",
    ),
    path("inline-comments/<int:pk>/", InlineCommentView.as_view(), name="api-inline-comment"),
    path(
        "assignments/<int:pk>/grades/", AssignmentGradesView.as_view(), name="api-assignment-grades"
    ),
    path(
        "assignments/<int:pk>/grades/release/",
        AssignmentReleaseView.as_view(),
        name="api-assignment-release",
    ),
    path("comment-bank/", CommentBankView.as_view(), name="api-comment-bank"),
    path("comment-bank/<int:pk>/", CommentBankEntryView.as_view(), name="api-comment-bank-entry"),
    path("me/grades/", MyGradesView.as_view(), name="api-my-grades"),
    path("classes/<int:pk>/gradebook/", GradebookView.as_view(), name="api-gradebook"),
    re_path(
        r"^classes/(?P<pk>[0-9]+)/gradebook/export\.(?P<fmt>csv|xlsx)$",
        GradebookExportView.as_view(),
        name="api-gradebook-export",
    ),
]
