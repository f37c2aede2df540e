"""Marking: grades against a rubric, their change log, inline comments and the comment bank.

A ``Grade`` is the one mark a submission has: a ``CriterionGrade`` per rubric criterion (the
level chosen, the marks it earns and a comment), an overall comment, the raw mark (the sum of the
criteria), the late penalty applied and the final mark. It moves from draft to ready (every
criterion has a level) and is released to the student when the teacher says so; students see
nothing of it before. Every change of a grade appends a ``GradeChange`` (who, when, the state
before and after); the log is never updated or deleted, so nothing is overwritten silently.

Marks are ``Decimal`` with two places, the precision of ``Level.marks``. The rules that compute
them live in ``courseware.services.marking``, the only code that writes these models.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from courseware.models.content import Criterion, Level, Rubric
from courseware.models.submissions import Submission, SubmissionVersion
from courseware.models.teaching import Assignment


class GradeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    READY = "ready", _("Ready")


class Grade(models.Model):
    """The mark and feedback of one submission, against the rubric of its prompt.

    ``version`` is the version handed in that was marked. ``late_minutes`` is how late that work
    was for its student (extensions included) and ``late_penalty_percent`` what that cost;
    ``final_mark`` is ``raw_mark`` less the penalty. ``revision`` counts saves, so a save based on
    an older revision (a second marker in another tab) is refused instead of overwriting.
    """

    submission = models.OneToOneField(
        Submission, on_delete=models.PROTECT, related_name="grade", verbose_name=_("submission")
    )
    rubric = models.ForeignKey(
        Rubric, on_delete=models.PROTECT, related_name="grades", verbose_name=_("rubric")
    )
    version = models.ForeignKey(
        SubmissionVersion,
        on_delete=models.PROTECT,
        related_name="grades",
        verbose_name=_("version marked"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=GradeStatus, default=GradeStatus.DRAFT
    )
    overall_comment = models.TextField(_("overall comment"), blank=True)
    raw_mark = models.DecimalField(_("raw mark"), max_digits=7, decimal_places=2, default=0)
    max_mark = models.DecimalField(_("out of"), max_digits=7, decimal_places=2, default=0)
    late_minutes = models.PositiveIntegerField(_("minutes late"), default=0)
    late_penalty_percent = models.DecimalField(
        _("late penalty (%)"), max_digits=5, decimal_places=2, default=0
    )
    final_mark = models.DecimalField(_("final mark"), max_digits=7, decimal_places=2, default=0)
    marker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grades_marked",
        verbose_name=_("marker"),
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    resubmission_requested_at = models.DateTimeField(
        _("resubmission requested at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["submission"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=GradeStatus.values),
                name="courseware_grade_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(raw_mark__gte=0) & models.Q(raw_mark__lte=models.F("max_mark")),
                name="courseware_grade_raw_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(final_mark__gte=0)
                & models.Q(final_mark__lte=models.F("raw_mark")),
                name="courseware_grade_final_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(late_penalty_percent__gte=0)
                & models.Q(late_penalty_percent__lte=100),
                name="courseware_grade_penalty_range",
            ),
            # Only a finished grade reaches the student.
            models.CheckConstraint(
                condition=models.Q(released_at__isnull=True) | models.Q(status=GradeStatus.READY),
                name="courseware_grade_released_is_ready",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission}: {self.final_mark}/{self.max_mark}"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None

    @property
    def is_ready(self) -> bool:
        return self.status == GradeStatus.READY

    @property
    def penalty_marks(self):
        return self.raw_mark - self.final_mark


class CriterionGrade(models.Model):
    """One criterion of a grade: the level chosen (none yet, while marking), the marks it earns
    and the marker's comment on it.

    The level must be one of the criterion's levels and the criterion one of the grade's rubric;
    ``marks`` lies in the level's band: above the next lower level's marks, up to its own.
    """

    grade = models.ForeignKey(
        Grade, on_delete=models.CASCADE, related_name="criterion_grades", verbose_name=_("grade")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("level"),
    )
    marks = models.DecimalField(_("marks"), max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("criterion grade")
        verbose_name_plural = _("criterion grades")
        ordering = ["grade", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["grade", "criterion"], name="courseware_criteriongrade_unique"
            ),
            # Marks come with a level, and only with one.
            models.CheckConstraint(
                condition=models.Q(level__isnull=True, marks__isnull=True)
                | models.Q(level__isnull=False, marks__gte=0),
                name="courseware_criteriongrade_marks_with_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grade_id} · {self.criterion_id}: {self.level_id}"

    def clean(self) -> None:
        """The criterion is one of the grade's rubric and the level one of the criterion."""
        errors = {}
        if self.grade_id and self.criterion_id and self.criterion.rubric_id != self.grade.rubric_id:
            errors["criterion"] = _("This criterion is not part of the grade's rubric.")
        if self.level_id and self.criterion_id and self.level.criterion_id != self.criterion_id:
            errors["level"] = _("This level belongs to another criterion.")
        if errors:
            raise ValidationError(errors)


class GradeChangeQuerySet(models.QuerySet):
    """The log is appended to, never changed: bulk updates and deletes are refused."""

    def update(self, **kwargs):
        raise ValidationError(_("The grade history cannot be changed."), code="immutable")

    def delete(self):
        raise ValidationError(_("The grade history cannot be deleted."), code="immutable")


class GradeChangeKind(models.TextChoices):
    CREATED = "created", _("Started")
    UPDATED = "updated", _("Changed")
    RELEASED = "released", _("Released")
    RESUBMISSION_REQUESTED = "resubmission_requested", _("Returned for resubmission")
    WITHDRAWN = "withdrawn", _("Taken back from the student")
    INLINE_COMMENT_ADDED = "inline_comment_added", _("Inline comment added")
    INLINE_COMMENT_REMOVED = "inline_comment_removed", _("Inline comment removed")


class GradeChange(models.Model):
    """One change of a grade: who made it, when, and the grade's state before and after.

    ``before`` and ``after`` are JSON of the fields that matter to a student (status, release,
    marks, levels and comments); ``before`` is empty for the first save. Written by the marking
    services only, never updated or deleted.
    """

    grade = models.ForeignKey(
        Grade, on_delete=models.PROTECT, related_name="changes", verbose_name=_("grade")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=GradeChangeKind)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"))
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    objects = GradeChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        ordering = ["grade", "changed_at", "pk"]
        indexes = [models.Index(fields=["grade", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.grade_id} {self.kind} at {self.changed_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("The grade history cannot be changed."), code="immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The grade history cannot be deleted."), code="immutable")


class InlineComment(models.Model):
    """A marker's comment on a passage of a handed-in version.

    Anchored to a paragraph (numbered from 1, as the essay is shown with paragraph numbers) and a
    span of its text: ``start`` and ``end`` are character offsets in the paragraph's text as
    read (citations' hover passages excluded), and ``quote`` is the text between them, kept so
    the comment still says what it was about if the offsets are ever in doubt.
    """

    version = models.ForeignKey(
        SubmissionVersion,
        on_delete=models.PROTECT,
        related_name="inline_comments",
        verbose_name=_("version"),
    )
    paragraph = models.PositiveIntegerField(_("paragraph"))
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    quote = models.TextField(_("quoted passage"))
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("inline comment")
        verbose_name_plural = _("inline comments")
        ordering = ["version", "paragraph", "start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(paragraph__gte=1), name="courseware_inlinecomment_paragraph"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="courseware_inlinecomment_span",
            ),
        ]

    def __str__(self) -> str:
        return f"¶{self.paragraph} “{self.quote[:40]}”"


class CommentBankEntry(models.Model):
    """A comment a teacher reuses: saved once, searched and inserted while marking.

    ``criterion_tag`` is the title of the criterion it was written for, if any, so a search can
    be narrowed to comments on, say, the use of sources across rubrics and their versions.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_bank",
        verbose_name=_("owner"),
    )
    text = models.TextField(_("comment"))
    criterion_tag = models.CharField(_("criterion"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("comment bank entry")
        verbose_name_plural = _("comment bank entries")
        ordering = ["owner", "criterion_tag", "text"]
        indexes = [models.Index(fields=["owner", "criterion_tag"])]

    def __str__(self) -> str:
        return self.text[:60]


class MarkingReveal(models.Model):
    """The moment an anonymously marked assignment's names were revealed, and by whom.

    Until it exists, marking pages and exports of the assignment show pseudonyms; revealing is
    recorded and not undone (the names have been seen).
    """

    assignment = models.OneToOneField(
        Assignment,
        on_delete=models.CASCADE,
        related_name="marking_reveal",
        verbose_name=_("assignment"),
    )
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("revealed by"),
    )
    revealed_at = models.DateTimeField(_("revealed at"))

    class Meta:
        verbose_name = _("names revealed")
        verbose_name_plural = _("names revealed")

    def __str__(self) -> str:
        return f"{self.assignment} revealed at {self.revealed_at:%Y-%m-%d %H:%M}"
