"""Setting work: an essay assignment kept as a draft until the teacher sets it, and an extra
quiz attempt granted to one student."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courseware.models.content import EssayPrompt, Reading, Rubric
from courseware.models.teaching import (
    MAX_LATE_GRACE_MINUTES,
    Assignment,
    Classroom,
    LatePenaltyUnit,
)


class AssignmentDraft(models.Model):
    """An essay assignment written for a class but not yet set.

    A draft is its own row, never an ``Assignment``, so nothing a student reads (dashboards,
    lists, calendar feeds, notifications) can show it. It holds the question either as an
    earlier prompt (``prompt``) or as written here (``prompt_title`` … ``rubric``: no prompt is
    made until the draft is set), and the assignment's dates and rules. Setting it makes the
    prompt and the assignment, records the work-set event and deletes the draft.
    """

    classroom = models.ForeignKey(
        Classroom, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("class")
    )
    prompt = models.ForeignKey(
        EssayPrompt,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drafts",
        verbose_name=_("earlier question"),
    )
    prompt_title = models.CharField(_("question title"), max_length=200, blank=True)
    question = models.TextField(_("question"), blank=True)
    guidance = models.TextField(_("guidance"), blank=True)
    min_words = models.PositiveIntegerField(_("minimum words"), default=0)
    max_words = models.PositiveIntegerField(_("maximum words"), null=True, blank=True)
    readings = models.ManyToManyField(
        Reading, related_name="+", blank=True, verbose_name=_("readings")
    )
    rubric = models.ForeignKey(
        Rubric,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drafts",
        verbose_name=_("rubric"),
    )
    title = models.CharField(_("assignment title"), max_length=200, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    due_at = models.DateTimeField(_("due at"))
    cutoff_at = models.DateTimeField(_("cut-off"), null=True, blank=True)
    late_penalty_percent_per_day = models.DecimalField(
        _("late penalty (% per day)"), max_digits=5, decimal_places=2, default=0
    )
    late_penalty_floor_percent = models.DecimalField(
        _("late penalty floor"), max_digits=5, decimal_places=2, default=0
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
    )
    allow_resubmission = models.BooleanField(_("resubmission allowed"), default=False)
    anonymous_marking = models.BooleanField(_("anonymous marking"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("draft assignment")
        verbose_name_plural = _("draft assignments")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(prompt__isnull=False)
                | (
                    models.Q(rubric__isnull=False, max_words__isnull=False)
                    & ~models.Q(prompt_title="")
                    & ~models.Q(question="")
                ),
                name="courseware_assignmentdraft_has_question",
            ),
            models.CheckConstraint(
                condition=models.Q(due_at__gte=models.F("opens_at")),
                name="courseware_assignmentdraft_due_after_open",
            ),
            models.CheckConstraint(
                condition=models.Q(cutoff_at__isnull=True)
                | models.Q(cutoff_at__gte=models.F("due_at")),
                name="courseware_assignmentdraft_cutoff_after_due",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse(
            "courseware:essay-draft", kwargs={"pk": self.classroom_id, "draft_pk": self.pk}
        )

    def clean(self) -> None:
        errors = {}
        if self.opens_at and self.due_at and self.due_at < self.opens_at:
            errors["due_at"] = _("The due date must be on or after the date it opens.")
        if self.due_at and self.cutoff_at and self.cutoff_at < self.due_at:
            errors["cutoff_at"] = _("The cut-off must be on or after the due date.")
        if self.max_words is not None and self.min_words > self.max_words:
            errors["min_words"] = _("The minimum cannot be more than the maximum.")
        if errors:
            raise ValidationError(errors)

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.prompt_id is not None:
            return self.prompt.title
        return self.prompt_title


class QuizAttemptGrant(models.Model):
    """More attempts at a quiz assignment for one student than the assignment allows."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="attempt_grants"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempt_grants"
    )
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=1)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now=True)

    class Meta:
        verbose_name = _("extra quiz attempt")
        verbose_name_plural = _("extra quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="courseware_quizattemptgrant_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(extra_attempts__gte=1) & models.Q(extra_attempts__lte=20),
                name="courseware_quizattemptgrant_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} — {self.student} (+{self.extra_attempts})"
