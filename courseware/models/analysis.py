"""Source-analysis tasks: an assignment to analyse one reading (or a passage of it) under a
scaffold of prompts (OPCVL, SOAPSTone, HIPP, the historical-thinking skills, or the teacher's own).

A source-analysis task is an ``Assignment`` of kind ``analysis`` whose ``reading`` is the source;
its ``AnalysisTask`` holds the scaffold's fields, the passage and the rubric it is marked with.
The student's answers are an ordinary essay ``Submission``: the draft and every handed-in
version hold the answers as one text (``render_answers``), a heading per field, so autosave, the
revision check, versions, originality, inline comments and grades work on it unchanged.
``parse_answers`` reads the fields back out of that text; the two are inverse for any answers.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from courseware.models.content import Rubric
from courseware.models.teaching import Assignment

MAX_FIELDS = 12
MAX_LABEL_LENGTH = 80
MAX_HELP_LENGTH = 400


class Scaffold(models.TextChoices):
    OPCVL = "opcvl", _("OPCVL (origin, purpose, content, value, limitation)")
    SOAPSTONE = "soapstone", _("SOAPSTone")
    HIPP = "hipp", _("HIPP (historical situation, intended audience, purpose, point of view)")
    THINKING = (
        "thinking",
        _("Historical thinking (sourcing, contextualisation, corroboration, close reading)"),
    )
    CUSTOM = "custom", _("My own prompts")


def _field(key: str, label: str, help_text: str) -> dict:
    return {"key": key, "label": label, "help": help_text}


# Copied onto each task when it is set, so a task keeps the prompts its students answered.
SCAFFOLD_FIELDS: dict[str, list[dict]] = {
    Scaffold.OPCVL: [
        _field("origin", "Origin", "Who made the source, when and where?"),
        _field("purpose", "Purpose", "Why was it made, and for whom?"),
        _field("content", "Content", "What does it say or show? Cite the paragraphs."),
        _field(
            "value",
            "Value",
            "What is it valuable for, to a historian, given its origin and purpose?",
        ),
        _field("limitation", "Limitation", "What are its limits, given its origin and purpose?"),
    ],
    Scaffold.SOAPSTONE: [
        _field("speaker", "Speaker", "Who wrote or spoke it, and what do we know of them?"),
        _field("occasion", "Occasion", "When and where, and what prompted it?"),
        _field("audience", "Audience", "Who was it for?"),
        _field("purpose", "Purpose", "What did it mean to achieve?"),
        _field("subject", "Subject", "What is it about?"),
        _field("tone", "Tone", "What is its attitude? Quote the words that show it."),
    ],
    Scaffold.HIPP: [
        _field("situation", "Historical situation", "What was happening when it was made?"),
        _field("audience", "Intended audience", "Who was it for, and how does that shape it?"),
        _field("purpose", "Purpose", "Why was it made?"),
        _field("point_of_view", "Point of view", "Whose view is it, and what shaped that view?"),
    ],
    Scaffold.THINKING: [
        _field("sourcing", "Sourcing", "Who made it, when, why? Is it reliable, and for what?"),
        _field("contextualisation", "Contextualisation", "What else was going on at the time?"),
        _field(
            "corroboration",
            "Corroboration",
            "What do other sources say? Where do they agree or not?",
        ),
        _field(
            "close_reading", "Close reading", "What claims does it make, and with what language?"
        ),
    ],
}


def heading_for(label: str) -> str:
    return f"## {label}"


def _escape_pattern(labels: list[str]) -> re.Pattern:
    # A line of an answer that would read as a field's heading gets one more backslash in the
    # text (and loses one when read back), so no answer can end its field early.
    alternatives = "|".join(re.escape(heading_for(label)) for label in labels)
    return re.compile(rf"^(\\*)({alternatives})[ \t]*$", re.MULTILINE)


def render_answers(fields: list[dict], answers: dict[str, str]) -> str:
    """The answers as one text: each field's heading, then its answer, in the task's order."""
    pattern = _escape_pattern([field["label"] for field in fields])
    parts = []
    for field in fields:
        answer = (answers.get(field["key"]) or "").replace("\r\n", "\n").strip("\n")
        answer = pattern.sub(lambda m: "\\" + m.group(1) + m.group(2), answer)
        parts.append(heading_for(field["label"]) + "\n\n" + answer)
    return "\n\n".join(parts).rstrip() + "\n" if parts else ""


def parse_answers(fields: list[dict], text: str) -> dict[str, str]:
    """The answer to each field in a text made by ``render_answers`` (or edited from one).

    Headings are looked for in the task's order; text before the first heading goes to the first
    field, so nothing typed is dropped.
    """
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    answers = {field["key"]: [] for field in fields}
    if not fields:
        return {}
    current = 0
    expected = 0
    for line in lines:
        if expected < len(fields) and line.rstrip() == heading_for(fields[expected]["label"]):
            current = expected
            expected += 1
            continue
        answers[fields[current]["key"]].append(line)
    labels = [field["label"] for field in fields]
    unescape = re.compile(
        rf"^\\(\\*)({'|'.join(re.escape(heading_for(x)) for x in labels)})[ \t]*$"
    )
    result = {}
    for key, body in answers.items():
        body = [unescape.sub(lambda m: m.group(1) + m.group(2), line) for line in body]
        result[key] = "\n".join(body).strip("\n")
    return result


def validate_fields(fields: list[dict]) -> None:
    """A task's fields: 1 to ``MAX_FIELDS``, each with a key and a label, labels distinct."""
    if not isinstance(fields, list) or not 1 <= len(fields) <= MAX_FIELDS:
        raise ValidationError(
            _("A task has between 1 and %(max)s prompts.") % {"max": MAX_FIELDS}, code="fields"
        )
    seen_labels, seen_keys = set(), set()
    for field in fields:
        if not isinstance(field, dict):
            raise ValidationError(_("Each prompt needs a label."), code="fields")
        label = field.get("label")
        key = field.get("key")
        if not isinstance(label, str) or not label.strip() or "\n" in label:
            raise ValidationError(_("Each prompt needs a label on one line."), code="fields")
        if len(label) > MAX_LABEL_LENGTH:
            raise ValidationError(
                _("A prompt's label is at most %(max)s characters.") % {"max": MAX_LABEL_LENGTH},
                code="fields",
            )
        if (
            not isinstance(field.get("help", ""), str)
            or len(field.get("help", "")) > MAX_HELP_LENGTH
        ):
            raise ValidationError(_("A prompt's guidance is too long."), code="fields")
        if not isinstance(key, str) or not re.fullmatch(r"[a-z0-9_]{1,40}", key):
            raise ValidationError(_("Each prompt needs a key."), code="fields")
        if label.strip().casefold() in seen_labels or key in seen_keys:
            raise ValidationError(_("Two prompts have the same label."), code="fields")
        seen_labels.add(label.strip().casefold())
        seen_keys.add(key)


class AnalysisTask(models.Model):
    """What a source-analysis assignment asks: the scaffold's fields, the passage of its reading
    (a paragraph range, or all of it) and the rubric it is marked with."""

    assignment = models.OneToOneField(
        Assignment,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="analysis_task",
        verbose_name=_("assignment"),
    )
    scaffold = models.CharField(_("scaffold"), max_length=16, choices=Scaffold)
    fields = models.JSONField(_("prompts"), validators=[validate_fields])
    paragraph_from = models.PositiveIntegerField(_("from paragraph"), null=True, blank=True)
    paragraph_to = models.PositiveIntegerField(_("to paragraph"), null=True, blank=True)
    rubric = models.ForeignKey(
        Rubric,
        on_delete=models.PROTECT,
        related_name="analysis_tasks",
        verbose_name=_("rubric"),
    )
    # Set when the teacher picked no rubric: the task is marked with one overall mark out of
    # this, kept as a one-criterion, one-level rubric (``rubric``) so grades work unchanged.
    max_mark = models.DecimalField(
        _("marked out of"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("source-analysis task")
        verbose_name_plural = _("source-analysis tasks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scaffold__in=Scaffold.values),
                name="courseware_analysistask_scaffold_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(paragraph_from__isnull=True, paragraph_to__isnull=True)
                | models.Q(
                    paragraph_from__gte=1,
                    paragraph_to__gte=models.F("paragraph_from"),
                ),
                name="courseware_analysistask_passage",
            ),
            models.CheckConstraint(
                condition=models.Q(max_mark__isnull=True) | models.Q(max_mark__gt=0),
                name="courseware_analysistask_max_mark_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.assignment)

    @property
    def is_overall_mark(self) -> bool:
        """Marked with one overall mark out of ``max_mark`` rather than a rubric's criteria."""
        return self.max_mark is not None

    @property
    def is_passage(self) -> bool:
        return self.paragraph_from is not None

    def render(self, answers: dict[str, str]) -> str:
        return render_answers(self.fields, answers)

    def parse(self, text: str) -> dict[str, str]:
        return parse_answers(self.fields, text)
