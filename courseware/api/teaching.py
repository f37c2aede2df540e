"""API for teaching: classes and their rosters, assignments and extensions, quiz attempts, and
the list of essay submissions.

- ``/classes/`` — the classes the user belongs to (every class for a school admin);
  ``?archived=true`` for archived ones. School admins create classes. Actions on one class:
  ``roster/``, ``enrol/`` (CSV), ``archive/``, ``restore/``, ``join-code/`` (on or off),
  ``join-code/regenerate/``, ``teachers/`` (add) and ``teachers/<user id>/`` (remove).
  ``/classes/join/`` — a student joins with a code.
- ``/assignments/`` — what the user may see (``?classroom``, ``kind``, ``due_after``,
  ``due_before``, ``withdrawn``); a class's teachers create, change (PATCH), ``withdraw/`` and
  ``restore/`` them and grant ``extensions/``; a student's copy carries ``my_work``.
  ``quiz-attempts/`` starts (or resumes) the student's attempt at a quiz.
- ``/quiz-attempts/`` — the student's own attempts, every attempt in a class one teaches;
  ``submit/`` hands one in with an answer per question.
- ``/submissions/`` — essay submissions: a student's own, every one in a class one teaches
  (``?assignment``, ``classroom``, ``status``). Drafts and versions are under
  ``/submissions/<id>/`` (``courseware.api.submissions``).

Who may see an object is the selectors' (``courseware.selectors``) — a 404 otherwise, the same
as a missing one; who may change it is ``courseware.permissions`` — a 403 for a member of the
class who may not; every change is a service's (``courseware.services.teaching``).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.models import User
from courseware import permissions
from courseware.api import filters
from courseware.api import permissions as api_permissions
from courseware.api.common import (
    HideMissingMixin,
    StrictIntegerField,
    StrictSerializer,
    errors,
    refusal,
)
from courseware.api.serializers import teaching as s
from courseware.enrolment import RowStatus, plan_enrolment
from courseware.models import (
    Assignment,
    AssignmentKind,
    Classroom,
    Course,
    EssayPrompt,
    Membership,
    MembershipRole,
    QuizAttempt,
    Reading,
    Submission,
)
from courseware.models import Quiz as QuizModel
from courseware.selectors import submissions as submission_selectors
from courseware.selectors import teaching as selectors
from courseware.selectors.marking import names_hidden
from courseware.services import setting as setting_services
from courseware.services import teaching as services

TARGET_MODELS = {
    AssignmentKind.READING: (Reading, _("reading")),
    AssignmentKind.ESSAY: (EssayPrompt, _("essay prompt")),
    AssignmentKind.QUIZ: (QuizModel, _("quiz")),
    AssignmentKind.ANALYSIS: (Reading, _("reading")),
}


class TeachingViewSet(HideMissingMixin, viewsets.GenericViewSet):
    """A resource whose objects come from a selector and whose actions each name a capability."""

    lookup_value_converter = "int"
    # Each action's extra permission classes, after IsAuthenticated.
    capabilities: dict[str, list] = {}

    def get_permissions(self):
        extra = self.capabilities.get(self.action, [])
        return [IsAuthenticated(), *(permission() for permission in extra)]


def _people(users) -> list[dict]:
    return [{"id": u.pk, "username": u.username, "name": u.name} for u in users]


def _body(serializer_class, request, **context):
    """The request's body parsed by a strict input serializer; a 400 if it does not fit."""
    data = serializer_class(data=request.data, context={"request": request, **context})
    data.is_valid(raise_exception=True)
    return data.validated_data


# --- Classes -------------------------------------------------------------------------------------


class AttemptGrantSerializer(StrictSerializer):
    student = StrictIntegerField(
        min_value=1, max_value=2**63 - 1, help_text=_("A student of the class, by id.")
    )


class AttemptGrantResultSerializer(serializers.Serializer):
    student = serializers.IntegerField()
    extra_attempts = serializers.IntegerField(help_text=_("Granted beyond the class's, in all."))
    attempts_allowed = serializers.IntegerField(help_text=_("What the student may now make."))


class WorkCopySerializer(StrictSerializer):
    target = StrictIntegerField(min_value=1, max_value=2**63 - 1, help_text="The class's id.")
    offset_days = StrictIntegerField(min_value=-3650, max_value=3650)


ARCHIVED = OpenApiParameter(
    "archived", OpenApiTypes.BOOL, description="Archived classes instead of active ones."
)


@extend_schema_view(
    list=extend_schema(parameters=[ARCHIVED], responses={200: s.ClassroomSerializer}),
    retrieve=extend_schema(responses={200: s.ClassroomDetailSerializer, **errors(404)}),
)
class ClassroomViewSet(mixins.ListModelMixin, TeachingViewSet):
    queryset = Classroom.objects.none()
    serializer_class = s.ClassroomSerializer
    capabilities = {
        "create": [api_permissions.CanCreateClassroom],
        "join": [api_permissions.CanJoinClassroom],
        "roster": [api_permissions.CanViewRoster],
        "enrol": [api_permissions.CanEnrolStudents],
        "archive": [api_permissions.CanArchiveClassroom],
        "restore": [api_permissions.CanArchiveClassroom],
        "join_code": [api_permissions.CanManageClassroom],
        "join_code_regenerate": [api_permissions.CanManageClassroom],
        "teachers": [api_permissions.CanAssignTeachers],
        "teacher_remove": [api_permissions.CanAssignTeachers],
        "copy_work": [api_permissions.CanSetWork],
    }

    def get_queryset(self):
        archived = serializers.BooleanField(required=False, default=False).run_validation(
            self.request.query_params.get("archived", False)
        )
        return selectors.classrooms_for_user(user=self.request.user, archived=archived)

    def get_object(self):
        classroom = selectors.classroom_get_for(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, classroom)
        return classroom

    def get_serializer_context(self):
        context = super().get_serializer_context()
        page = getattr(self, "_page", None)
        if page is not None:
            context["roles"] = selectors.classroom_roles_for(
                user=self.request.user, classrooms=page
            )
        return context

    def paginate_queryset(self, queryset):
        self._page = super().paginate_queryset(queryset)
        return self._page

    def _detail(self, classroom: Classroom, *, code=status.HTTP_200_OK) -> Response:
        user = self.request.user
        teachers, _students = selectors.classroom_members(classroom=classroom)
        manages = permissions.can_manage_classroom(user, classroom)
        roles = selectors.classroom_roles_for(user=user, classrooms=[classroom])
        body = s.ClassroomSerializer(classroom, context={"roles": roles}).data
        body.update(
            teachers=_people(teachers),
            join_code=classroom.join_code if manages else None,
            join_code_enabled=classroom.join_code_enabled if manages else None,
        )
        return Response(body, status=code)

    def retrieve(self, request, *args, **kwargs):
        """A class: its teachers, and for those who run it, its join code."""
        return self._detail(self.get_object())

    @extend_schema(
        request=s.ClassroomCreateSerializer,
        responses={201: s.ClassroomDetailSerializer, **errors(400, 401, 403)},
    )
    def create(self, request, *args, **kwargs):
        """A school admin creates a class of a course, with its teachers."""
        data = _body(s.ClassroomCreateSerializer, request)
        course = Course.objects.filter(pk=data["course"]).first()
        if course is None:
            return Response(
                {"course": [_("No course has this id.")]}, status=status.HTTP_400_BAD_REQUEST
            )
        teachers = list(User.objects.filter(pk__in=data["teachers"]))
        missing = set(data["teachers"]) - {teacher.pk for teacher in teachers}
        if missing:
            return Response(
                {"teachers": [_("No account has the id %(id)s.") % {"id": min(missing)}]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            classroom = services.classroom_create(
                name=data["name"],
                course=course,
                year=data["year"],
                term=data["term"],
                teachers=teachers,
            )
        except ValidationError as error:
            return refusal(error)
        return self._detail(
            selectors.classroom_get_for(user=request.user, pk=classroom.pk),
            code=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=s.JoinSerializer,
        responses={
            200: s.JoinedSerializer,
            201: s.JoinedSerializer,
            **errors(400, 401, 403, 429),
        },
    )
    @action(detail=False, methods=["post"])
    def join(self, request, *args, **kwargs):
        """A student joins a class with its join code (201; 200 when already in it). After ten
        codes that match no class, every code is refused for a quarter of an hour (429)."""
        data = _body(s.JoinSerializer, request)
        try:
            membership, joined = services.classroom_join(user=request.user, code=data["code"])
        except ValidationError as error:
            return refusal(error)
        classroom = selectors.classroom_get_for(user=request.user, pk=membership.classroom_id)
        roles = {classroom.pk: membership.role}
        return Response(
            {
                "classroom": s.ClassroomSerializer(classroom, context={"roles": roles}).data,
                "joined": joined,
            },
            status=status.HTTP_201_CREATED if joined else status.HTTP_200_OK,
        )

    @extend_schema(responses={200: s.RosterSerializer, **errors(401, 403, 404)})
    @action(detail=True, methods=["get"])
    def roster(self, request, *args, **kwargs):
        """The class's students with what each has done of its live work."""
        roster = selectors.classroom_roster(classroom=self.get_object())
        rows = [
            {
                "student": _people([row.student])[0],
                "joined_at": row.joined_at,
                "readings_read": row.readings_read,
                "quizzes_done": row.quizzes_done,
                "essays_handed_in": row.essays_handed_in,
                "extensions": row.extensions,
            }
            for row in roster.rows
        ]
        return Response(
            s.RosterSerializer(
                {
                    "reading_count": roster.reading_count,
                    "quiz_count": roster.quiz_count,
                    "essay_count": roster.essay_count,
                    "rows": rows,
                }
            ).data
        )

    @extend_schema(
        request=s.EnrolSerializer,
        responses={
            200: s.EnrolmentSerializer,
            201: s.EnrolmentSerializer,
            **errors(400, 401, 403, 404, 409, 413),
        },
    )
    @action(detail=True, methods=["post"])
    def enrol(self, request, *args, **kwargs):
        """A school admin enrols students from CSV text: every row is checked and the file is
        imported whole or not at all (400 with the rows' errors). ``dry_run`` only says what
        importing would do."""
        classroom = self.get_object()
        data = _body(s.EnrolSerializer, request)
        plan = plan_enrolment(classroom=classroom, text=data["csv"])
        imported = False
        if plan.is_valid and not data["dry_run"]:
            try:
                services.classroom_enrol_csv(classroom=classroom, text=data["csv"], by=request.user)
            except services.EnrolmentRejected as rejected:
                plan = rejected.plan
            except ValidationError as error:
                return refusal(error)
            else:
                imported = True
        body = s.EnrolmentSerializer(
            {
                "imported": imported,
                "new": plan.new_count,
                "existing": plan.existing_count,
                "already_enrolled": plan.already_enrolled_count,
                "rows": [
                    {
                        "line": row.line,
                        "username": row.username,
                        "email": row.email,
                        "status": row.status,
                        "errors": row.errors,
                    }
                    for row in plan.rows
                ],
            }
        ).data
        if any(row.status == RowStatus.ERROR for row in plan.rows) or not plan.is_valid:
            body["detail"] = _("The file has errors; nothing was imported.")
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(body, status=status.HTTP_201_CREATED if imported else status.HTTP_200_OK)

    def _run(self, action_on_classroom) -> Response:
        classroom = self.get_object()
        try:
            action_on_classroom(classroom)
        except ValidationError as error:
            return refusal(error)
        return self._detail(selectors.classroom_get_for(user=self.request.user, pk=classroom.pk))

    @extend_schema(
        request=WorkCopySerializer,
        responses={201: s.AssignmentSerializer(many=True), **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="copy-work")
    def copy_work(self, request, *args, **kwargs):
        """Set another class of the same course (one you teach) this class's live work, every
        date moved by ``offset_days``; no student work is copied. Answers the new assignments."""
        classroom = self.get_object()
        body = WorkCopySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        target = (
            selectors.classrooms_for_user(user=request.user)
            .filter(pk=body.validated_data["target"])
            .first()
        )
        if target is None or not permissions.can_set_work(request.user, target):
            return Response({"target": [_("No class you teach has this id.")]}, status=400)
        try:
            copies = setting_services.classroom_work_copy(
                source=classroom,
                target=target,
                offset=timedelta(days=body.validated_data["offset_days"]),
                by=request.user,
            )
        except ValidationError as error:
            return refusal(error)
        rows = selectors.assignments_for_user(user=request.user, now=timezone.now()).filter(
            pk__in=[copy.pk for copy in copies]
        )
        return Response(
            s.AssignmentSerializer(rows, many=True, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=None, responses={200: s.ClassroomDetailSerializer, **errors(401, 403, 404)}
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, *args, **kwargs):
        """A school admin archives a class; all its work is kept."""
        return self._run(
            lambda classroom: services.classroom_archive(classroom=classroom, now=timezone.now())
        )

    @extend_schema(
        request=None, responses={200: s.ClassroomDetailSerializer, **errors(401, 403, 404)}
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, *args, **kwargs):
        """A school admin brings an archived class back."""
        return self._run(lambda classroom: services.classroom_restore(classroom=classroom))

    @extend_schema(
        request=s.JoinCodeSerializer,
        responses={200: s.JoinCodeStateSerializer, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["put"], url_path="join-code")
    def join_code(self, request, *args, **kwargs):
        """Switch joining by code on or off; the code itself is kept."""
        classroom = self.get_object()
        data = _body(s.JoinCodeSerializer, request)
        try:
            services.classroom_join_code_set_enabled(classroom=classroom, enabled=data["enabled"])
        except ValidationError as error:
            return refusal(error)
        return Response(s.JoinCodeStateSerializer(classroom).data)

    @extend_schema(
        request=None, responses={200: s.JoinCodeStateSerializer, **errors(401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"], url_path="join-code/regenerate")
    def join_code_regenerate(self, request, *args, **kwargs):
        """Give the class a new join code; the old one stops working."""
        classroom = self.get_object()
        try:
            services.classroom_join_code_regenerate(classroom=classroom, now=timezone.now())
        except ValidationError as error:
            return refusal(error)
        return Response(s.JoinCodeStateSerializer(classroom).data)

    @extend_schema(
        request=s.TeacherAddSerializer,
        responses={200: s.ClassroomDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def teachers(self, request, *args, **kwargs):
        """A school admin makes a teacher account a teacher of the class."""
        self.get_object()  # 404 or 403 before the body is looked at
        data = _body(s.TeacherAddSerializer, request)
        teacher = User.objects.filter(pk=data["teacher"], is_active=True).first()
        if teacher is None:
            return Response(
                {"teacher": [_("No account has this id.")]}, status=status.HTTP_400_BAD_REQUEST
            )
        return self._run(
            lambda classroom: services.classroom_teacher_add(classroom=classroom, teacher=teacher)
        )

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("user_pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: s.ClassroomDetailSerializer, **errors(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["delete"], url_path="teachers/<int:user_pk>")
    def teacher_remove(self, request, *args, user_pk: int, **kwargs):
        """A school admin takes a teacher off the class; the work they set stays."""
        classroom = self.get_object()
        membership = get_object_or_404(
            Membership.objects.select_related("user"),
            classroom=classroom,
            user__pk=user_pk,  # not user_id: too large an id is no match, not a crash
            role=MembershipRole.TEACHER,
        )
        return self._run(
            lambda classroom: services.classroom_teacher_remove(
                classroom=classroom, teacher=membership.user
            )
        )


# --- Assignments ---------------------------------------------------------------------------------


def _target(kind: str, pk: int):
    """The reading, prompt or quiz an id names for an assignment of this kind, or a 400 body."""
    model, noun = TARGET_MODELS[kind]
    target = model.objects.filter(pk=pk).first()
    if target is None:
        return None, {"target": [_("No %(noun)s has this id.") % {"noun": noun}]}
    return target, None


@extend_schema_view(
    list=extend_schema(responses={200: s.AssignmentSerializer}),
)
class AssignmentViewSet(mixins.ListModelMixin, TeachingViewSet):
    queryset = Assignment.objects.none()
    serializer_class = s.AssignmentSerializer
    filterset_class = filters.AssignmentFilter
    capabilities = {
        "partial_update": [api_permissions.CanSetWork],
        "withdraw": [api_permissions.CanSetWork],
        "restore": [api_permissions.CanSetWork],
        "extensions": [api_permissions.CanSetWork],
        "extension_revoke": [api_permissions.CanSetWork],
        "quiz_attempts": [api_permissions.CanTakeQuiz],
        "attempt_grants": [api_permissions.CanSetWork],
    }

    def get_queryset(self):
        return selectors.assignments_for_user(user=self.request.user, now=timezone.now())

    def get_object(self):
        assignment = selectors.assignment_get_for(
            user=self.request.user, pk=self.kwargs["pk"], now=timezone.now()
        )
        self.check_object_permissions(self.request, assignment)
        return assignment

    def _detail(self, assignment: Assignment, *, code=status.HTTP_200_OK) -> Response:
        user = self.request.user
        body = s.AssignmentSerializer(assignment).data
        body["my_work"] = None
        body["has_student_work"] = None
        if permissions.can_set_work(user, assignment.classroom):
            body["has_student_work"] = selectors.assignment_has_student_work(assignment=assignment)
        else:
            work = selectors.student_work_on(
                student=user, assignment=assignment, now=timezone.now()
            )
            body["my_work"] = s.MyWorkSerializer(work).data
        return Response(body, status=code)

    @extend_schema(responses={200: s.AssignmentDetailSerializer, **errors(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        """An assignment; a student's copy carries their dates (extension included) and
        progress."""
        return self._detail(self.get_object())

    @extend_schema(
        request=s.AssignmentCreateSerializer,
        responses={201: s.AssignmentDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def create(self, request, *args, **kwargs):
        """A class's teacher sets a reading, an essay prompt or a quiz of the class's course."""
        data = dict(_body(s.AssignmentCreateSerializer, request))
        classroom = selectors.classroom_get_for(user=request.user, pk=data.pop("classroom"))
        if not permissions.can_set_work(request.user, classroom):
            raise PermissionDenied(_("Only the class's teachers set its work."))
        if data["kind"] == AssignmentKind.ANALYSIS:
            # A task needs its scaffold and rubric, which this endpoint does not take.
            return Response(
                {"kind": [_("Set a source-analysis task with /api/v1/analysis-tasks/.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        target, problem = _target(data["kind"], data.pop("target"))
        if problem:
            return Response(problem, status=status.HTTP_400_BAD_REQUEST)
        try:
            assignment = services.assignment_create(
                classroom=classroom, target=target, by=request.user, **data
            )
        except ValidationError as error:
            return refusal(error)
        return self._detail(
            selectors.assignment_get_for(user=request.user, pk=assignment.pk, now=timezone.now()),
            code=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=s.AssignmentChangeSerializer,
        responses={200: s.AssignmentDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def partial_update(self, request, *args, **kwargs):
        """Change an assignment; once students have work on it, what is set stays (409)."""
        assignment = self.get_object()
        changes = dict(_body(s.AssignmentChangeSerializer, request))
        target = None
        if "target" in changes:
            target, problem = _target(assignment.kind, changes.pop("target"))
            if problem:
                return Response(problem, status=status.HTTP_400_BAD_REQUEST)
        try:
            services.assignment_update(assignment=assignment, target=target, **changes)
        except ValidationError as error:
            return refusal(error)
        return self._detail(
            selectors.assignment_get_for(user=request.user, pk=assignment.pk, now=timezone.now())
        )

    def _run(self, change) -> Response:
        assignment = self.get_object()
        try:
            change(assignment)
        except ValidationError as error:
            return refusal(error)
        return self._detail(
            selectors.assignment_get_for(
                user=self.request.user, pk=assignment.pk, now=timezone.now()
            )
        )

    @extend_schema(
        request=None, responses={200: s.AssignmentDetailSerializer, **errors(401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        """Hide an assignment from students, keeping their work."""
        return self._run(
            lambda assignment: services.assignment_withdraw(
                assignment=assignment, now=timezone.now()
            )
        )

    @extend_schema(
        request=None, responses={200: s.AssignmentDetailSerializer, **errors(401, 403, 404, 409)}
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, *args, **kwargs):
        """Give students back a withdrawn assignment, with their work on it."""
        return self._run(lambda assignment: services.assignment_restore(assignment=assignment))

    @extend_schema(
        methods=["get"],
        request=None,
        responses={200: s.ExtensionSerializer(many=True), **errors(401, 403, 404)},
    )
    @extend_schema(
        methods=["post"],
        request=s.ExtensionGrantSerializer,
        responses={201: s.ExtensionSerializer, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def extensions(self, request, *args, **kwargs):
        """The assignment's extensions; POST grants one student later dates (a second grant
        replaces the first)."""
        assignment = self.get_object()
        if request.method == "GET":
            extensions = assignment.extensions.select_related("student").order_by(
                "student__username"
            )
            return Response(s.ExtensionSerializer(extensions, many=True).data)
        data = dict(_body(s.ExtensionGrantSerializer, request))
        student = User.objects.filter(
            pk=data.pop("student"),
            memberships__classroom=assignment.classroom_id,
            memberships__role=MembershipRole.STUDENT,
        ).first()
        if student is None:
            return Response(
                {"student": [_("No student of this class has this id.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            extension = services.extension_grant(
                assignment=assignment, student=student, by=request.user, **data
            )
        except ValidationError as error:
            return refusal(error)
        return Response(
            s.ExtensionSerializer(extension).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("extension_pk", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={204: None, **errors(401, 403, 404)},
    )
    @action(detail=True, methods=["delete"], url_path="extensions/<int:extension_pk>")
    def extension_revoke(self, request, *args, extension_pk: int, **kwargs):
        """Take an extension back: the class's dates apply to the student again."""
        assignment = self.get_object()
        extension = get_object_or_404(assignment.extensions, pk=extension_pk)
        services.extension_revoke(extension=extension)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=AttemptGrantSerializer,
        responses={201: AttemptGrantResultSerializer, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="attempt-grants")
    def attempt_grants(self, request, *args, **kwargs):
        """Let one student of the class make one more attempt at this quiz than it allows;
        answers how many extra attempts they now have in all."""
        assignment = self.get_object()
        data = _body(AttemptGrantSerializer, request)
        student = User.objects.filter(
            pk=data["student"],
            memberships__classroom=assignment.classroom_id,
            memberships__role=MembershipRole.STUDENT,
        ).first()
        if student is None:
            return Response(
                {"student": [_("No student of this class has this id.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            extra = services.quiz_attempt_grant(
                assignment=assignment, student=student, by=request.user
            )
        except ValidationError as error:
            return _quiz_refusal(error)
        return Response(
            {
                "student": student.pk,
                "extra_attempts": extra,
                "attempts_allowed": assignment.max_attempts + extra,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=None,
        responses={
            200: s.QuizAttemptDetailSerializer,
            201: s.QuizAttemptDetailSerializer,
            **errors(401, 403, 404, 409),
        },
    )
    @action(detail=True, methods=["post"], url_path="quiz-attempts")
    def quiz_attempts(self, request, *args, **kwargs):
        """A student starts an attempt at a quiz (201), or resumes the one in progress (200)."""
        assignment = self.get_object()
        in_progress = QuizAttempt.objects.filter(
            assignment=assignment, student=request.user, submitted_at__isnull=True
        ).exists()
        try:
            attempt = services.quiz_attempt_start(
                assignment=assignment, student=request.user, now=timezone.now()
            )
        except ValidationError as error:
            return _quiz_refusal(error)
        attempt = selectors.quiz_attempt_get_for(user=request.user, pk=attempt.pk)
        return Response(
            _attempt_detail(attempt, user=request.user),
            status=status.HTTP_200_OK if in_progress else status.HTTP_201_CREATED,
        )


def _quiz_refusal(error: ValidationError) -> Response:
    """A quiz's refusals are about its state (closed, no attempts left): 409, unless input."""
    response = refusal(error)
    if response.data["code"] in {"no_attempts_left", "not_quiz", "not_student"}:
        response.status_code = status.HTTP_409_CONFLICT
    return response


# --- Quiz attempts -------------------------------------------------------------------------------


def _attempt_detail(attempt: QuizAttempt, *, user) -> dict:
    """An attempt with its questions; choices' correctness and explanations only once the rule
    (``quiz_attempt_reveals_answers``) allows."""
    reveal = selectors.quiz_attempt_reveals_answers(attempt=attempt, user=user, now=timezone.now())
    answers = selectors.quiz_attempt_answers(attempt=attempt) if attempt.submitted_at else {}
    questions = []
    for question in selectors.quiz_questions(quiz=attempt.assignment.quiz):
        answer = answers.get(question.pk)
        evidence = question.evidence
        questions.append(
            {
                "id": question.pk,
                "order": question.order,
                "text": question.text,
                "choices": [
                    {
                        "id": choice.pk,
                        "order": choice.order,
                        "text": choice.text,
                        "is_correct": choice.is_correct if reveal else None,
                    }
                    for choice in question.choices.all()
                ],
                "answer": answer.choice_id if answer else None,
                "correct": answer.is_correct if answer else None,
                "explanation": question.explanation if reveal else None,
                "evidence": f"{evidence.reading.slug}#{evidence.anchor}"
                if reveal and evidence is not None
                else None,
            }
        )
    body = s.QuizAttemptSerializer(attempt).data
    body.update(reveal=reveal, questions=questions)
    return body


@extend_schema_view(list=extend_schema(responses={200: s.QuizAttemptSerializer}))
class QuizAttemptViewSet(mixins.ListModelMixin, TeachingViewSet):
    queryset = QuizAttempt.objects.none()
    serializer_class = s.QuizAttemptSerializer
    filterset_class = filters.QuizAttemptFilter

    def get_queryset(self):
        return selectors.quiz_attempts_for_user(user=self.request.user)

    def get_object(self):
        return selectors.quiz_attempt_get_for(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(responses={200: s.QuizAttemptDetailSerializer, **errors(401, 404)})
    def retrieve(self, request, *args, **kwargs):
        """An attempt with its questions, and once handed in, its answers and result."""
        return Response(_attempt_detail(self.get_object(), user=request.user))

    @extend_schema(
        request=s.QuizSubmitSerializer,
        responses={200: s.QuizAttemptDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        """The student hands in their attempt with one choice per question; it is marked at
        once. An attempt is handed in once (409 after)."""
        attempt = self.get_object()
        if attempt.student_id != request.user.pk:
            raise PermissionDenied(_("Only the student taking this attempt hands it in."))
        data = _body(s.QuizSubmitSerializer, request)
        questions = {q.pk for q in selectors.quiz_questions(quiz=attempt.assignment.quiz)}
        answers = {row["question"]: row["choice"] for row in data["answers"]}
        strangers = sorted(set(answers) - questions)
        if strangers:
            return Response(
                {
                    "answers": [
                        _("Question %(id)s is not a question of this quiz.") % {"id": strangers[0]}
                    ]
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            services.quiz_attempt_submit(attempt=attempt, answers=answers, now=timezone.now())
        except ValidationError as error:
            return _quiz_refusal(error)
        attempt = selectors.quiz_attempt_get_for(user=request.user, pk=attempt.pk)
        return Response(_attempt_detail(attempt, user=request.user))


# --- Submissions (the list) ----------------------------------------------------------------------


class SubmissionViewSet(mixins.ListModelMixin, TeachingViewSet):
    """Essay submissions the user may see: their own, or every one in a class they teach."""

    queryset = Submission.objects.none()
    serializer_class = s.SubmissionListSerializer
    filterset_class = filters.SubmissionFilter

    def get_queryset(self):
        return submission_selectors.submissions_for_user(user=self.request.user).select_related(
            "assignment__marking_reveal"
        )

    def get_serializer_context(self):
        user = self.request.user

        def hidden(submission) -> bool:
            # Students always see their own name; markers see pseudonymous work as such.
            assignment = submission.assignment
            reveal = getattr(assignment, "marking_reveal", None)
            return submission.student_id != user.pk and names_hidden(assignment, reveal)

        return {**super().get_serializer_context(), "hidden": hidden}
