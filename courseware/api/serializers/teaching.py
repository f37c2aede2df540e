"""Serializers for classes, rosters, assignments, extensions, quiz attempts and the submissions
list. Output serializers only read; input serializers are strict (unknown fields are a 400) and
only parse: every rule is the services'."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.input_policy import MomentField
from courseware.api.common import (
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
)
from courseware.models import AssignmentKind, LatePenaltyUnit, MembershipRole
from courseware.models.teaching import MAX_LATE_GRACE_MINUTES


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


# --- Classes -------------------------------------------------------------------------------------


class ClassroomSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    course = serializers.IntegerField(source="course_id")
    course_title = serializers.CharField(source="course.title")
    year = serializers.IntegerField()
    term = serializers.CharField()
    archived_at = MomentField(allow_null=True)
    student_count = serializers.IntegerField(required=False)
    assignment_count = serializers.IntegerField(required=False)
    my_role = serializers.SerializerMethodField(
        help_text=_("The user's role in the class; null for a school admin who is not in it.")
    )

    @extend_schema_field(serializers.ChoiceField(choices=MembershipRole.choices, allow_null=True))
    def get_my_role(self, classroom) -> str | None:
        return self.context["roles"].get(classroom.pk)


class ClassroomDetailSerializer(ClassroomSerializer):
    teachers = PersonSerializer(many=True)
    join_code = serializers.CharField(
        allow_null=True, help_text=_("Shown to those who run the class; null for others.")
    )
    join_code_enabled = serializers.BooleanField(allow_null=True)


class ClassroomCreateSerializer(StrictSerializer):
    name = StrictCharField(max_length=120)
    course = StrictIntegerField(min_value=1, help_text=_("A course's id."))
    year = StrictIntegerField(min_value=2000, max_value=2100)
    term = StrictCharField(max_length=40, required=False, allow_blank=True, default="")
    teachers = serializers.ListField(
        child=StrictIntegerField(min_value=1),
        required=False,
        default=list,
        max_length=50,
        help_text=_("Ids of teacher accounts."),
    )


class JoinSerializer(StrictSerializer):
    code = StrictCharField(max_length=32, allow_blank=True, help_text=_("The class's join code."))


class JoinedSerializer(serializers.Serializer):
    classroom = ClassroomSerializer()
    joined = serializers.BooleanField(help_text=_("False when already in the class."))


class JoinCodeSerializer(StrictSerializer):
    enabled = StrictBooleanField()


class JoinCodeStateSerializer(serializers.Serializer):
    join_code = serializers.CharField()
    join_code_enabled = serializers.BooleanField()


class TeacherAddSerializer(StrictSerializer):
    teacher = StrictIntegerField(min_value=1, help_text=_("A teacher account's id."))


class RosterRowSerializer(serializers.Serializer):
    student = PersonSerializer()
    joined_at = MomentField()
    readings_read = serializers.IntegerField()
    quizzes_done = serializers.IntegerField()
    essays_handed_in = serializers.IntegerField()
    extensions = serializers.IntegerField()


class RosterSerializer(serializers.Serializer):
    reading_count = serializers.IntegerField()
    quiz_count = serializers.IntegerField()
    essay_count = serializers.IntegerField()
    rows = RosterRowSerializer(many=True)


class EnrolSerializer(StrictSerializer):
    csv = StrictCharField(
        max_length=1_000_000,
        trim_whitespace=False,
        help_text=_("username, email, first_name, last_name[, display_name] with a header row."),
    )
    dry_run = StrictBooleanField(
        required=False, default=False, help_text=_("Only say what importing would do.")
    )


class EnrolmentRowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()
    status = serializers.CharField()
    errors = serializers.ListField(child=serializers.CharField())


class EnrolmentSerializer(serializers.Serializer):
    imported = serializers.BooleanField()
    new = serializers.IntegerField()
    existing = serializers.IntegerField()
    already_enrolled = serializers.IntegerField()
    rows = EnrolmentRowSerializer(many=True)


# --- Assignments ---------------------------------------------------------------------------------


def _target_id(assignment) -> int:
    return assignment.reading_id or assignment.prompt_id or assignment.quiz_id


class DeadlineSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["not_open", "on_time", "late", "closed"])
    opens_at = MomentField()
    due_at = MomentField()
    cutoff_at = MomentField(allow_null=True)
    extended = serializers.BooleanField()
    minutes_late = serializers.IntegerField()


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    classroom = serializers.IntegerField(source="classroom_id")
    kind = serializers.ChoiceField(choices=AssignmentKind.choices)
    target = serializers.SerializerMethodField(
        help_text=_("The id of the reading, essay prompt or quiz set.")
    )
    target_title = serializers.CharField(source="target.title")
    title = serializers.CharField()
    instructions = serializers.CharField()
    opens_at = MomentField()
    due_at = MomentField()
    cutoff_at = MomentField(allow_null=True)
    late_penalty_percent_per_day = serializers.DecimalField(max_digits=5, decimal_places=2)
    late_penalty_floor_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    late_penalty_unit = serializers.ChoiceField(choices=LatePenaltyUnit.choices)
    late_grace_minutes = serializers.IntegerField()
    allow_resubmission = serializers.BooleanField()
    anonymous_marking = serializers.BooleanField()
    max_attempts = serializers.IntegerField()
    withdrawn_at = MomentField(allow_null=True)
    created_at = MomentField()
    updated_at = MomentField()

    @extend_schema_field(OpenApiTypes.INT)
    def get_target(self, assignment) -> int:
        return _target_id(assignment)


class MyWorkSerializer(serializers.Serializer):
    """One assignment as the student asking sees it."""

    deadline = DeadlineSerializer()
    done = serializers.BooleanField()
    bucket = serializers.CharField()
    read_at = MomentField(allow_null=True)
    submission = serializers.SerializerMethodField()
    attempts_left = serializers.IntegerField()
    can_attempt = serializers.BooleanField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_submission(self, work) -> int | None:
        return work.submission.pk if work.submission is not None else None


class AssignmentDetailSerializer(AssignmentSerializer):
    my_work = MyWorkSerializer(
        allow_null=True, help_text=_("For a student of the class: their dates and progress.")
    )
    has_student_work = serializers.BooleanField(
        allow_null=True,
        help_text=_("For those who set work: whether what is set can still change."),
    )


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, **kwargs
    )


class AssignmentChangeSerializer(StrictSerializer):
    """The fields an assignment's teachers may change; every one optional (PATCH)."""

    target = StrictIntegerField(
        min_value=1,
        required=False,
        help_text=_("The reading, essay prompt or quiz (by the assignment's kind) to set."),
    )
    title = StrictCharField(max_length=200, required=False, allow_blank=True)
    instructions = StrictCharField(
        max_length=20_000, required=False, allow_blank=True, trim_whitespace=False
    )
    opens_at = MomentField(required=False)
    due_at = MomentField(required=False)
    cutoff_at = MomentField(required=False, allow_null=True)
    late_penalty_percent_per_day = _money(required=False)
    late_penalty_floor_percent = _money(required=False)
    late_penalty_unit = serializers.ChoiceField(
        choices=LatePenaltyUnit.choices,
        required=False,
        help_text=_("Charge the late penalty per started day or per started hour."),
    )
    late_grace_minutes = StrictIntegerField(
        min_value=0,
        max_value=MAX_LATE_GRACE_MINUTES,
        required=False,
        help_text=_("Minutes after the due time before a late penalty applies."),
    )
    allow_resubmission = StrictBooleanField(required=False)
    anonymous_marking = StrictBooleanField(required=False)
    max_attempts = StrictIntegerField(min_value=1, max_value=20, required=False)


class AssignmentCreateSerializer(AssignmentChangeSerializer):
    classroom = StrictIntegerField(min_value=1, help_text=_("The class's id."))
    kind = serializers.ChoiceField(choices=AssignmentKind.choices)
    target = StrictIntegerField(
        min_value=1, help_text=_("The id of the reading, essay prompt or quiz to set.")
    )
    opens_at = MomentField()
    due_at = MomentField()


class ExtensionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    student = PersonSerializer()
    due_at = MomentField()
    cutoff_at = MomentField(allow_null=True)
    reason = serializers.CharField()
    granted_at = MomentField()


class ExtensionGrantSerializer(StrictSerializer):
    student = StrictIntegerField(min_value=1, help_text=_("A student of the class, by id."))
    due_at = MomentField()
    cutoff_at = MomentField(required=False, allow_null=True, default=None)
    reason = StrictCharField(max_length=300, required=False, allow_blank=True, default="")


# --- Quiz attempts -------------------------------------------------------------------------------


class QuizAttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    student = serializers.IntegerField(source="student_id")
    number = serializers.IntegerField()
    started_at = MomentField()
    submitted_at = MomentField(allow_null=True)
    score = serializers.IntegerField(allow_null=True)
    max_score = serializers.IntegerField()


class QuizChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    text = serializers.CharField()
    is_correct = serializers.BooleanField(
        allow_null=True, help_text=_("Null until the answers may be shown.")
    )


class QuizQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    text = serializers.CharField()
    choices = QuizChoiceSerializer(many=True)
    answer = serializers.IntegerField(allow_null=True, help_text=_("The choice given, by id."))
    correct = serializers.BooleanField(allow_null=True)
    explanation = serializers.CharField(allow_null=True)
    evidence = serializers.CharField(
        allow_null=True, help_text=_("The paragraph the answer comes from, as reading#p-N.")
    )


class QuizAttemptDetailSerializer(QuizAttemptSerializer):
    reveal = serializers.BooleanField(help_text=_("Whether the correct answers are shown."))
    questions = QuizQuestionSerializer(many=True)


class QuizAnswerSerializer(StrictSerializer):
    question = StrictIntegerField(min_value=1)
    choice = StrictIntegerField(min_value=1)


class QuizSubmitSerializer(StrictSerializer):
    answers = QuizAnswerSerializer(many=True, max_length=500)


# --- Submissions (the list) ----------------------------------------------------------------------


class SubmissionListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    classroom = serializers.IntegerField(source="assignment.classroom_id")
    student = serializers.SerializerMethodField(
        help_text=_("Null while an anonymously marked assignment's names are hidden.")
    )
    student_name = serializers.SerializerMethodField(
        help_text=_("Null while an anonymously marked assignment's names are hidden.")
    )
    status = serializers.CharField()
    revision = serializers.IntegerField()
    word_count = serializers.IntegerField()
    current_version = serializers.IntegerField()
    submitted_at = MomentField(allow_null=True)
    late_minutes = serializers.IntegerField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_student(self, submission) -> int | None:
        return None if self.context["hidden"](submission) else submission.student_id

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_student_name(self, submission) -> str | None:
        return None if self.context["hidden"](submission) else submission.student.name
