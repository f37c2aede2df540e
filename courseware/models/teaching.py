"""Teaching: classes, who is in them, and the work set for them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courseware.models.content import Choice, Course, EssayPrompt, Question, Quiz, Reading


class ClassroomQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class Classroom(models.Model):
    """A class: a group of students taught a course by one or more teachers in a year."""

    name = models.CharField(_("name"), max_length=120)
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="classrooms", verbose_name=_("course")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    term = models.CharField(_("term"), max_length=40, blank=True)
    join_code = models.CharField(_("join code"), max_length=12, unique=True)
    join_code_enabled = models.BooleanField(_("join code enabled"), default=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "year", "name"], name="courseware_classroom_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("courseware:classroom-detail", kwargs={"pk": self.pk})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class RetiredJoinCode(models.Model):
    """A join code a class no longer answers to.

    Kept so that a student who types an old code is told it has been replaced, not that it never
    existed, and so that a new code never repeats an old one.
    """

    classroom = models.ForeignKey(
        Classroom,
        on_delete=models.CASCADE,
        related_name="retired_join_codes",
        verbose_name=_("class"),
    )
    code = models.CharField(_("code"), max_length=12, unique=True)
    retired_at = models.DateTimeField(_("retired at"))

    class Meta:
        verbose_name = _("retired join code")
        verbose_name_plural = _("retired join codes")
        ordering = ["-retired_at"]

    def __str__(self) -> str:
        return self.code


class MembershipRole(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    STUDENT = "student", _("Student")


class Membership(models.Model):
    """A person's place in a class: teacher or student. Roles in a class are per class."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("class")
    )
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["classroom", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "classroom"], name="courseware_membership_unique_user_classroom"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=MembershipRole.values),
                name="courseware_membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.classroom} ({self.get_role_display()})"


class AssignmentKind(models.TextChoices):
    READING = "reading", _("Reading")
    ESSAY = "essay", _("Essay")
    QUIZ = "quiz", _("Quiz")
    ANALYSIS = "analysis", _("Source analysis")


class LatePenaltyUnit(models.TextChoices):
    """What a late penalty's rate is charged per: each started day, or each started hour."""

    DAY = "day", _("per started day")
    HOUR = "hour", _("per started hour")


# Work handed in as an essay submission and marked against a rubric.
MARKED_KINDS = (AssignmentKind.ESSAY, AssignmentKind.ANALYSIS)

MAX_LATE_GRACE_MINUTES = 7 * 24 * 60


class AssignmentQuerySet(models.QuerySet):
    def live(self):
        """Assignments that have not been withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class Assignment(models.Model):
    """Work set for a class: a reading, an essay prompt or a quiz, with its dates and rules.

    ``due_at`` is when it is due; work after it is late. Work more than ``late_grace_minutes``
    late is penalised ``late_penalty_percent_per_day`` per started ``late_penalty_unit`` (a day,
    or an hour: the field keeps its first name) counted from the due time, down to
    ``late_penalty_floor_percent`` of the raw mark; after ``cutoff_at`` nothing more is accepted.
    Dates are stored in UTC.
    """

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("class")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AssignmentKind)
    reading = models.ForeignKey(
        Reading, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    prompt = models.ForeignKey(
        EssayPrompt, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    quiz = models.ForeignKey(
        Quiz, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments"
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    due_at = models.DateTimeField(_("due at"))
    cutoff_at = models.DateTimeField(
        _("cut-off"), null=True, blank=True, help_text=_("No work is accepted after this.")
    )
    late_penalty_percent_per_day = models.DecimalField(
        _("late penalty (% per day)"), max_digits=5, decimal_places=2, default=0
    )
    late_penalty_floor_percent = models.DecimalField(
        _("late penalty floor (% of the mark kept at least)"),
        max_digits=5,
        decimal_places=2,
        default=0,
    )
    late_penalty_unit = models.CharField(
        _("late penalty charged"),
        max_length=8,
        choices=LatePenaltyUnit,
        default=LatePenaltyUnit.DAY,
    )
    late_grace_minutes = models.PositiveIntegerField(
        _("grace period (minutes)"),
        default=0,
        validators=[MaxValueValidator(MAX_LATE_GRACE_MINUTES)],
        help_text=_("Work handed in up to this many minutes after the due time is not penalised."),
    )
    allow_resubmission = models.BooleanField(_("resubmission allowed"), default=False)
    anonymous_marking = models.BooleanField(_("anonymous marking"), default=False)
    max_attempts = models.PositiveSmallIntegerField(
        _("quiz attempts allowed"), default=1, help_text=_("Quizzes only.")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["classroom", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind=AssignmentKind.READING,
                        reading__isnull=False,
                        prompt__isnull=True,
                        quiz__isnull=True,
                    )
                    | models.Q(
                        kind=AssignmentKind.ESSAY,
                        reading__isnull=True,
                        prompt__isnull=False,
                        quiz__isnull=True,
                    )
                    | models.Q(
                        kind=AssignmentKind.QUIZ,
                        reading__isnull=True,
                        prompt__isnull=True,
                        quiz__isnull=False,
                    )
                    # A source-analysis task's reading is its source (see models/analysis.py).
                    | models.Q(
                        kind=AssignmentKind.ANALYSIS,
                        reading__isnull=False,
                        prompt__isnull=True,
                        quiz__isnull=True,
                    )
                ),
                name="courseware_assignment_one_target",
            ),
            models.CheckConstraint(
                condition=models.Q(due_at__gte=models.F("opens_at")),
                name="courseware_assignment_due_after_open",
            ),
            models.CheckConstraint(
                condition=models.Q(cutoff_at__isnull=True)
                | models.Q(cutoff_at__gte=models.F("due_at")),
                name="courseware_assignment_cutoff_after_due",
            ),
            models.CheckConstraint(
                condition=models.Q(late_penalty_percent_per_day__gte=0)
                & models.Q(late_penalty_percent_per_day__lte=100)
                & models.Q(late_penalty_floor_percent__gte=0)
                & models.Q(late_penalty_floor_percent__lte=100),
                name="courseware_assignment_penalty_range",
            ),
            models.CheckConstraint(
                condition=models.Q(late_penalty_unit__in=LatePenaltyUnit.values)
                & models.Q(late_grace_minutes__lte=MAX_LATE_GRACE_MINUTES),
                name="courseware_assignment_late_rules",
            ),
            models.CheckConstraint(
                condition=models.Q(max_attempts__gte=1),
                name="courseware_assignment_max_attempts_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courseware:assignment-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        """Dates run opens ≤ due ≤ cut-off; each wrong order is reported on the later field."""
        errors = {}
        if self.opens_at and self.due_at and self.due_at < self.opens_at:
            errors["due_at"] = _("The due date must be on or after the date it opens.")
        if self.due_at and self.cutoff_at and self.cutoff_at < self.due_at:
            errors["cutoff_at"] = _("The cut-off must be on or after the due date.")
        if errors:
            raise ValidationError(errors)

    @property
    def target(self):
        return self.reading or self.prompt or self.quiz

    @property
    def marking_rubric_id(self) -> int | None:
        """The rubric work on this assignment is marked against: an essay prompt's, or a
        source-analysis task's (join ``analysis_task`` when reading many)."""
        if self.kind == AssignmentKind.ANALYSIS:
            return self.analysis_task.rubric_id
        return self.prompt.rubric_id if self.prompt_id else None

    @property
    def is_marked_with_rubric(self) -> bool:
        return self.kind in MARKED_KINDS

    @property
    def writing_url(self) -> str:
        """Where a student writes their work on it: the essay editor, or a source-analysis
        task's answer page."""
        name = (
            "courseware:analysis-write"
            if self.kind == AssignmentKind.ANALYSIS
            else "courseware:essay-write"
        )
        return reverse(name, kwargs={"pk": self.pk})

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Extension(models.Model):
    """A later due date (and cut-off) for one student on one assignment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extensions"
    )
    due_at = models.DateTimeField(_("new due date"))
    cutoff_at = models.DateTimeField(_("new cut-off"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="courseware_extension_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(cutoff_at__isnull=True)
                | models.Q(cutoff_at__gte=models.F("due_at")),
                name="courseware_extension_cutoff_after_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} — {self.student}"

    def clean(self) -> None:
        if self.due_at and self.cutoff_at and self.cutoff_at < self.due_at:
            raise ValidationError(
                {"cutoff_at": _("The cut-off must be on or after the new due date.")}
            )


class ReadingProgress(models.Model):
    """How far a student has got with a reading: opened, time spent, marked read."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_progress"
    )
    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="progress")
    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    last_opened_at = models.DateTimeField(_("last opened"), null=True, blank=True)
    seconds_spent = models.PositiveIntegerField(_("seconds spent"), default=0)
    marked_read_at = models.DateTimeField(_("marked read"), null=True, blank=True)

    class Meta:
        verbose_name = _("reading progress")
        verbose_name_plural = _("reading progress")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "reading"], name="courseware_readingprogress_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.reading}"


class QuizAttempt(models.Model):
    """One attempt at a quiz assignment; marked automatically on submission."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(
        Quiz,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attempts",
        verbose_name=_("quiz version taken"),
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(_("out of"), default=0)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["assignment", "student", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student", "number"], name="courseware_quizattempt_unique"
            ),
            # One attempt in progress at a time: a second "start" resumes it, never forks it.
            models.UniqueConstraint(
                fields=["assignment", "student"],
                condition=models.Q(submitted_at__isnull=True),
                name="courseware_quizattempt_one_in_progress",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=models.F("max_score")),
                name="courseware_quizattempt_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} — {self.assignment} #{self.number}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class QuizAnswer(models.Model):
    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    # Single choice and true/false: the choice; multiple choice: ``choice_ids``; short: ``text``.
    choice = models.ForeignKey(
        Choice, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    choice_ids = models.JSONField(_("choices ticked"), default=list, blank=True)
    text = models.CharField(_("answer written"), max_length=500, blank=True)
    is_correct = models.BooleanField(_("correct"))
    points = models.PositiveSmallIntegerField(_("points awarded"), default=0)

    class Meta:
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="courseware_quizanswer_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt}: {self.question_id} → {self.choice_id}"
