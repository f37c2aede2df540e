"""Content: courses, units, source readings and what is built on them.

A reading's body is ordered sections of numbered paragraphs; a paragraph's number gives it a
stable anchor (``p-12``) that essays cite. Glossary terms, people, timeline events and quiz
questions each point at the paragraphs that evidence them.
"""

import math

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

WORDS_PER_MINUTE = 200  # a careful reading pace for dense historical prose


class Course(models.Model):
    """A course of study, reusable across classes and years."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    overview = models.TextField(_("overview"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courseware:course-detail", kwargs={"slug": self.slug})


class Unit(models.Model):
    """A unit of a course, in teaching order."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="units", verbose_name=_("course")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    overview = models.TextField(_("overview"), blank=True)
    learning_intentions = models.TextField(
        _("learning intentions"), blank=True, help_text=_("One per line.")
    )
    readings = models.ManyToManyField(
        "Reading",
        through="UnitReading",
        related_name="units",
        blank=True,
        verbose_name=_("readings"),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["course", "order"]
        constraints = [
            models.UniqueConstraint(fields=["course", "order"], name="courseware_unit_order"),
            models.UniqueConstraint(fields=["course", "slug"], name="courseware_unit_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "courseware:unit-detail", kwargs={"course_slug": self.course.slug, "slug": self.slug}
        )

    @property
    def learning_intention_list(self) -> list[str]:
        return [line.strip() for line in self.learning_intentions.splitlines() if line.strip()]


class ReadingKind(models.TextChoices):
    PRIMARY = "primary", _("Primary source")
    SECONDARY = "secondary", _("Secondary source")
    SCHOOL_NOTES = "school_notes", _("School notes")
    STUDENT_EXEMPLAR = "student_exemplar", _("Student exemplar")
    TEACHER_NOTE = "teacher_note", _("Teacher note")


class Reading(models.Model):
    """A source text, imported from plain text into sections of paragraphs.

    ``source_sha256`` is the hash of the text it was imported from, so re-importing the same text
    changes nothing; provenance and licence say where it came from and on what terms.
    """

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    author = models.CharField(_("author"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=ReadingKind)
    date_label = models.CharField(
        _("date"), max_length=60, blank=True, help_text=_("As the source gives it, e.g. 1926–1928.")
    )
    citation = models.TextField(_("citation"), blank=True)
    provenance = models.CharField(
        _("provenance"), max_length=300, blank=True, help_text=_("Where the text came from.")
    )
    licence_note = models.TextField(_("licence and attribution"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    source_sha256 = models.CharField(_("source hash"), max_length=64, blank=True)
    word_count = models.PositiveIntegerField(_("word count"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ReadingKind.values), name="courseware_reading_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courseware:reading-detail", kwargs={"slug": self.slug})

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE)) if self.word_count else 0


class UnitReading(models.Model):
    """A reading set for a unit: the whole reading, or one section of it."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="unit_readings")
    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="unit_readings")
    section = models.ForeignKey(
        "Section",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("section"),
        help_text=_("Leave empty to set the whole reading."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("unit reading")
        verbose_name_plural = _("unit readings")
        ordering = ["unit", "order"]
        constraints = [
            # Two partial constraints rather than nulls_distinct=False, which SQLite lacks.
            models.UniqueConstraint(
                fields=["unit", "reading", "section"],
                condition=models.Q(section__isnull=False),
                name="courseware_unitreading_unique_section",
            ),
            models.UniqueConstraint(
                fields=["unit", "reading"],
                condition=models.Q(section__isnull=True),
                name="courseware_unitreading_unique_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.reading}"


class SectionKind(models.TextChoices):
    BODY = "body", _("Body")
    PREFACE = "preface", _("Preface")
    CHAPTER = "chapter", _("Chapter")
    SECTION = "section", _("Section")
    BIBLIOGRAPHY = "bibliography", _("Bibliography")
    NOTES = "notes", _("Notes")


class Section(models.Model):
    """A titled part of a reading, in order."""

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=SectionKind, default=SectionKind.BODY)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["reading", "order"]
        constraints = [
            models.UniqueConstraint(fields=["reading", "order"], name="courseware_section_order"),
        ]

    def __str__(self) -> str:
        return self.title or f"Section {self.order}"

    @property
    def anchor(self) -> str:
        return f"s-{self.order}"


class ParagraphKind(models.TextChoices):
    TEXT = "text", _("Text")
    QUOTE = "quote", _("Quotation")
    LIST_ITEM = "list_item", _("List item")
    HEADING = "heading", _("Heading")


class Paragraph(models.Model):
    """A paragraph of a reading. ``number`` runs through the whole reading and never changes on
    re-import of the same text, so ``p-<number>`` is a stable anchor for citations."""

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="paragraphs")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="paragraphs")
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(
        _("kind"), max_length=16, choices=ParagraphKind, default=ParagraphKind.TEXT
    )
    text = models.TextField(_("text"))
    page = models.CharField(_("page"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        ordering = ["reading", "number"]
        constraints = [
            models.UniqueConstraint(fields=["reading", "number"], name="courseware_paragraph_num"),
        ]

    def __str__(self) -> str:
        return f"{self.reading.slug}#{self.anchor}"

    def get_absolute_url(self) -> str:
        return f"{self.reading.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"p-{self.number}"


class Footnote(models.Model):
    """A note of a reading, in order; ``label`` is the marker as printed (labels may repeat
    across a thesis's chapters, so order, not label, identifies a note)."""

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="footnotes")
    order = models.PositiveIntegerField(_("order"))
    label = models.CharField(_("label"), max_length=12)
    text = models.TextField(_("text"))
    page = models.CharField(_("page"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("footnote")
        verbose_name_plural = _("footnotes")
        ordering = ["reading", "order"]
        constraints = [
            models.UniqueConstraint(fields=["reading", "order"], name="courseware_footnote_order"),
        ]

    def __str__(self) -> str:
        return f"{self.reading.slug} note {self.label}"

    @property
    def anchor(self) -> str:
        return f"fn-{self.order}"


class FootnoteMarker(models.Model):
    """Where a footnote is called from: a character span of a paragraph's text, or of another
    note's text (an editor's note citing the author's note, as in Cliff's starred notes)."""

    paragraph = models.ForeignKey(
        Paragraph, on_delete=models.CASCADE, null=True, blank=True, related_name="markers"
    )
    in_footnote = models.ForeignKey(
        "Footnote",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="inner_markers",
        verbose_name=_("in footnote"),
    )
    footnote = models.ForeignKey(Footnote, on_delete=models.CASCADE, related_name="markers")
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))

    class Meta:
        verbose_name = _("footnote marker")
        verbose_name_plural = _("footnote markers")
        ordering = ["paragraph", "in_footnote", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="courseware_marker_span"
            ),
            models.CheckConstraint(
                condition=models.Q(paragraph__isnull=False, in_footnote__isnull=True)
                | models.Q(paragraph__isnull=True, in_footnote__isnull=False),
                name="courseware_marker_one_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paragraph or self.in_footnote} → {self.footnote.label}"


class EditorialNote(models.Model):
    """An editor's note on a reading, e.g. a recorded correction of an OCR misreading.

    The source text itself is never rewritten: the note says what the text reads and what it
    probably means. It is about a paragraph, a section's title or a footnote (at most one),
    or about the whole reading. A correction ``in_text`` is an emendation: the page shows the
    correction in brackets where the original stands ("[Trotsky]"), with the original a
    focus or hover away, and the "as scanned" view shows the original alone. Any other
    correction is shown as a note beside the text.
    """

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="editorial_notes")
    paragraph = models.ForeignKey(
        Paragraph, on_delete=models.CASCADE, null=True, blank=True, related_name="editorial_notes"
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="editorial_notes"
    )
    footnote = models.ForeignKey(
        Footnote, on_delete=models.CASCADE, null=True, blank=True, related_name="editorial_notes"
    )
    original = models.CharField(_("as printed"), max_length=200, blank=True)
    correction = models.CharField(_("probable reading"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    in_text = models.BooleanField(
        _("shown in the text"),
        default=False,
        help_text=_("Show the correction in brackets in place of the original."),
    )

    class Meta:
        verbose_name = _("editorial note")
        verbose_name_plural = _("editorial notes")
        ordering = ["reading", "paragraph__number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(section__isnull=True, footnote__isnull=True)
                    | models.Q(paragraph__isnull=True, footnote__isnull=True)
                    | models.Q(paragraph__isnull=True, section__isnull=True)
                ),
                name="courseware_editorialnote_one_target",
            ),
            models.CheckConstraint(
                condition=models.Q(in_text=False)
                | (~models.Q(original="") & ~models.Q(correction="")),
                name="courseware_editorialnote_emendation_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original} → {self.correction}" if self.original else self.note[:60]


class Person(models.Model):
    """A historical figure in a course, with the paragraphs that evidence what is said."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="people")
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    life_dates = models.CharField(_("life dates"), max_length=60, blank=True)
    summary = models.TextField(_("summary"))
    evidence = models.ManyToManyField(
        Paragraph, related_name="people", blank=True, verbose_name=_("evidence")
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["course", "name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="courseware_person_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A glossary term of a course, with the paragraphs that evidence its definition."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="terms")
    slug = models.SlugField(_("slug"), max_length=80)
    term = models.CharField(_("term"), max_length=200)
    definition = models.TextField(_("definition"))
    evidence = models.ManyToManyField(
        Paragraph, related_name="terms", blank=True, verbose_name=_("evidence")
    )

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["course", "term"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="courseware_term_slug"),
        ]

    def __str__(self) -> str:
        return self.term


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class TimelineEvent(models.Model):
    """A dated event of a course, with the paragraphs that evidence it.

    ``date`` is the first day of the period when ``precision`` is a month or a year.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="timeline_events")
    date = models.DateField(_("date"))
    precision = models.CharField(
        _("precision"), max_length=8, choices=DatePrecision, default=DatePrecision.DAY
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    evidence = models.ManyToManyField(
        Paragraph, related_name="timeline_events", blank=True, verbose_name=_("evidence")
    )

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["course", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"


class Rubric(models.Model):
    """A marking rubric: criteria, each with levels worth marks.

    Rubrics are versioned: editing one that has been used to grade makes a new version
    (``previous`` points back), so past grades keep the rubric they were given against.
    """

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("previous version"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rubrics",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["title", "-version"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Levels store their weighted marks, so marking sums them as they are; the weight is kept
    # so the builder can show (and edit) the marks before weighting.
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["rubric", "order"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "order"], name="courseware_criterion_order"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1) & models.Q(weight__lte=10),
                name="courseware_criterion_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Level(models.Model):
    """A band of a criterion: what work at this level looks like and what it earns."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=100)
    descriptor = models.TextField(_("descriptor"))
    marks = models.DecimalField(_("marks"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["criterion", "order"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "order"], name="courseware_level_order"),
            models.CheckConstraint(condition=models.Q(marks__gte=0), name="courseware_level_marks"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.marks})"


class EssayPrompt(models.Model):
    """An essay task: the question, guidance, word limits, the readings to use and the rubric."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="prompts")
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="prompts"
    )
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question"))
    guidance = models.TextField(_("guidance"), blank=True)
    min_words = models.PositiveIntegerField(_("minimum words"), default=0)
    max_words = models.PositiveIntegerField(_("maximum words"))
    readings = models.ManyToManyField(
        Reading, related_name="prompts", blank=True, verbose_name=_("readings")
    )
    rubric = models.ForeignKey(
        Rubric, on_delete=models.PROTECT, related_name="prompts", verbose_name=_("rubric")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("essay prompt")
        verbose_name_plural = _("essay prompts")
        ordering = ["course", "unit__order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="courseware_prompt_slug"),
            models.CheckConstraint(
                condition=models.Q(max_words__gte=models.F("min_words")),
                name="courseware_prompt_word_limits",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "courseware:prompt-detail", kwargs={"course_slug": self.course.slug, "slug": self.slug}
        )


class QuizQuerySet(models.QuerySet):
    def current(self):
        """The latest version of each quiz: those no later version has replaced."""
        return self.filter(next_version__isnull=True)


class Quiz(models.Model):
    """An auto-marked reading-comprehension check.

    Quizzes are versioned like rubrics: editing one that has attempts makes a new version
    (``previous`` points back) so recorded attempts keep the questions they answered.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="quizzes")
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    order = models.PositiveSmallIntegerField(_("order in the unit"), default=0)
    shuffle = models.BooleanField(
        _("shuffle"),
        default=False,
        help_text=_("Each attempt shows questions and choices in a new order."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        default=1,
        help_text=_(
            "The author’s suggestion; the assignment that sets the quiz for a class decides."
        ),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("previous version"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = QuizQuerySet.as_manager()

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["unit", "order", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "slug", "version"], name="courseware_quiz_slug_version"
            ),
            models.CheckConstraint(
                condition=models.Q(max_attempts__gte=1) & models.Q(max_attempts__lte=20),
                name="courseware_quiz_max_attempts_range",
            ),
            models.CheckConstraint(
                condition=models.Q(time_limit_minutes__isnull=True)
                | (models.Q(time_limit_minutes__gte=1) & models.Q(time_limit_minutes__lte=600)),
                name="courseware_quiz_time_limit_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def total_points(self) -> int:
        return sum(question.points for question in self.questions.all())


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice (all that apply)")
    TRUE_FALSE = "true_false", _("True or false")
    SHORT = "short", _("Short answer")


class Question(models.Model):
    """A question, with the paragraph its answer comes from and feedback shown after the attempt.

    Choice questions keep their options as ``Choice`` rows (true/false as two of them); a short
    answer keeps the answers it accepts in ``accepted_answers``, compared without regard to case
    or spacing.
    """

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(
        _("kind"), max_length=16, choices=QuestionKind, default=QuestionKind.SINGLE
    )
    text = models.TextField(_("question"))
    explanation = models.TextField(_("feedback"), blank=True)
    points = models.PositiveSmallIntegerField(_("points"), default=1)
    accepted_answers = models.JSONField(_("accepted answers"), default=list, blank=True)
    evidence = models.ForeignKey(
        Paragraph,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("evidence"),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["quiz", "order"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "order"], name="courseware_question_order"),
            models.CheckConstraint(
                condition=models.Q(points__gte=1) & models.Q(points__lte=100),
                name="courseware_question_points_range",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="courseware_choice_order"),
        ]

    def __str__(self) -> str:
        return self.text
