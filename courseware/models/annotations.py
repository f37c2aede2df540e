"""Annotations: a class's notes, questions and tags on the paragraphs of a reading.

An annotation belongs to an assignment (and so to its class), never to the reading alone: the
same reading set in two classes, or twice in one, gathers two separate sets of notes.

Its target follows the W3C Web Annotation model: a paragraph of the reading, and within it a
``TextQuoteSelector`` (``exact`` with a little ``prefix`` and ``suffix``) and a
``TextPositionSelector`` (``start``/``end``, character offsets in the paragraph's text). A note on
the whole paragraph has no quote. When a reading is re-imported the paragraph foreign key follows
the paragraph's text (``courseware.services.content``), and the quote re-attaches the span within
it (``courseware.selectors.annotations.anchor``); a quote found nowhere is shown as orphaned,
never dropped. ``paragraph_number`` keeps the number it was made on for that case.

Replies are annotations with a ``parent`` and no target of their own. Deleting leaves a tombstone
(``deleted_at``, text cleared) so that the replies keep their thread.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courseware.models.content import Paragraph, Reading
from courseware.models.teaching import Assignment

MAX_ANNOTATION_CHARS = 5000
MAX_QUOTE_CHARS = 2000
CONTEXT_CHARS = 32  # how much text either side of a quote is kept to tell repeats apart


class AnnotationKind(models.TextChoices):
    NOTE = "note", _("Note")
    QUESTION = "question", _("Question")
    TAG = "tag", _("Tag")


class AnnotationVisibility(models.TextChoices):
    """Who sees an annotation. Classes have no groups yet, so it is the writer or the class."""

    PRIVATE = "private", _("Only me")
    CLASS = "class", _("My class")


class Annotation(models.Model):
    """A note, question or tag on a passage of a reading, or a reply to one."""

    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.CASCADE,
        related_name="annotations",
        verbose_name=_("assignment"),
    )
    reading = models.ForeignKey(
        Reading, on_delete=models.CASCADE, related_name="annotations", verbose_name=_("reading")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="annotations",
        verbose_name=_("author"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    # The target (top-level annotations only).
    paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="annotations",
        verbose_name=_("paragraph"),
    )
    paragraph_number = models.PositiveIntegerField(_("paragraph number"), null=True, blank=True)
    exact = models.TextField(_("quoted text"), max_length=MAX_QUOTE_CHARS, blank=True)
    prefix = models.CharField(_("text before"), max_length=CONTEXT_CHARS, blank=True)
    suffix = models.CharField(_("text after"), max_length=CONTEXT_CHARS, blank=True)
    start = models.PositiveIntegerField(_("start"), null=True, blank=True)
    end = models.PositiveIntegerField(_("end"), null=True, blank=True)
    # The body.
    kind = models.CharField(
        _("kind"), max_length=16, choices=AnnotationKind, default=AnnotationKind.NOTE
    )
    tag = models.CharField(_("tag"), max_length=40, blank=True)
    text = models.TextField(_("text"), max_length=MAX_ANNOTATION_CHARS, blank=True)
    visibility = models.CharField(
        _("visible to"),
        max_length=16,
        choices=AnnotationVisibility,
        default=AnnotationVisibility.CLASS,
    )
    # Moderation and history.
    endorsed_at = models.DateTimeField(_("endorsed at"), null=True, blank=True)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["assignment", "reading"]),
            models.Index(fields=["assignment", "author"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AnnotationKind.values),
                name="courseware_annotation_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=AnnotationVisibility.values),
                name="courseware_annotation_visibility_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(start__isnull=True, end__isnull=True)
                | models.Q(start__isnull=False, end__isnull=False, end__gte=models.F("start")),
                name="courseware_annotation_position_range",
            ),
        ]

    def __str__(self) -> str:
        where = f"p-{self.paragraph_number}" if self.paragraph_number else "reply"
        return f"{self.reading_id}#{where} by {self.author_id}"

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_endorsed(self) -> bool:
        return self.endorsed_at is not None


class AnnotationSettings(models.Model):
    """A teacher's rules for annotating in one assignment."""

    assignment = models.OneToOneField(
        Assignment,
        on_delete=models.CASCADE,
        related_name="annotation_settings",
        verbose_name=_("assignment"),
    )
    post_before_seeing = models.BooleanField(
        _("post before seeing the class's notes"),
        default=False,
        help_text=_("A student sees the class's notes once they have posted one of their own."),
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("annotation settings")
        verbose_name_plural = _("annotation settings")

    def __str__(self) -> str:
        return str(self.assignment)


class AnnotationParticipation(models.Model):
    """The participation mark a teacher gives a student for annotating in an assignment.

    Lectern counts notes, replies and questions; the mark is always the teacher's.
    """

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="annotation_marks"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotation_marks"
    )
    mark = models.DecimalField(
        _("participation mark (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("annotation participation mark")
        verbose_name_plural = _("annotation participation marks")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="courseware_annotationmark_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(mark__isnull=True)
                | (models.Q(mark__gte=0) & models.Q(mark__lte=100)),
                name="courseware_annotationmark_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} — {self.student}: {self.mark}"
