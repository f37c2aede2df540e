"""Setting work quickly: an essay task in one step, and a class's work copied to another class.

``essay_task_set`` writes what the one-screen "set an essay" page sends in one transaction: a
rubric from a template when one is chosen, a new essay prompt when the question is written
there, and (unless it is kept as a draft) the assignment. Bad input anywhere changes nothing.

``classroom_work_copy`` sets another class of the same course the same work, with every date
moved by the same offset; it copies assignments only, never anything a student did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from courseware.models import Assignment, AssignmentKind, Classroom, EssayPrompt, Reading, Rubric
from courseware.rubric_templates import rubric_templates
from courseware.services.content import essay_prompt_create, rubric_create
from courseware.services.teaching import EDITABLE_FIELDS, assignment_create


@dataclass(frozen=True)
class NewPrompt:
    """An essay question written on the set-an-essay page."""

    title: str
    question: str
    max_words: int
    min_words: int = 0
    guidance: str = ""
    readings: tuple[Reading, ...] = field(default_factory=tuple)


def rubric_from_template(*, key: str, by: User | None) -> Rubric:
    """A new rubric of the teacher's made from a ready-made template."""
    template = rubric_templates().get(key)
    if template is None:
        raise ValidationError({"rubric_template": _("Choose one of the templates offered.")})
    return rubric_create(
        title=template.title,
        description=template.description,
        criteria=template.criteria,
        owner=by,
    )


@transaction.atomic
def essay_task_set(
    *,
    classroom: Classroom,
    by: User | None,
    prompt: EssayPrompt | None = None,
    new_prompt: NewPrompt | None = None,
    rubric: Rubric | None = None,
    rubric_template: str = "",
    set_it: bool = True,
    assignment_fields: dict[str, Any] | None = None,
) -> tuple[EssayPrompt, Assignment | None]:
    """Set an essay for a class from an earlier prompt or a question written now.

    A written question needs a rubric: one picked, or one made from a template. With
    ``set_it`` false the prompt is kept (with its rubric) for later and no assignment is
    made. Everything is written in one transaction, so a refusal anywhere writes nothing.
    """
    if (prompt is None) == (new_prompt is None):
        raise ValidationError({"prompt": _("Pick an earlier question or write a new one.")})
    if prompt is not None and prompt.course_id != classroom.course_id:
        raise ValidationError({"prompt": _("That question belongs to another course.")})
    if new_prompt is not None:
        if rubric is None and not rubric_template:
            raise ValidationError({"rubric": _("Pick a rubric or start one from a template.")})
        if rubric is None:
            rubric = rubric_from_template(key=rubric_template, by=by)
        prompt = essay_prompt_create(
            course=classroom.course,
            title=new_prompt.title,
            question=new_prompt.question,
            guidance=new_prompt.guidance,
            min_words=new_prompt.min_words,
            max_words=new_prompt.max_words,
            readings=new_prompt.readings,
            rubric=rubric,
            by=by,
        )
    if not set_it:
        return prompt, None
    assignment = assignment_create(
        classroom=classroom,
        kind=AssignmentKind.ESSAY,
        target=prompt,
        by=by,
        **(assignment_fields or {}),
    )
    return prompt, assignment


@transaction.atomic
def classroom_work_copy(
    *, source: Classroom, target: Classroom, offset: timedelta, by: User | None
) -> list[Assignment]:
    """Set ``target`` the live work of ``source`` (readings, essays, quizzes), each date moved
    by ``offset``. Both classes must teach the same course; submissions, attempts, grades and
    extensions stay where they are."""
    if source.pk == target.pk:
        raise ValidationError({"target": _("Choose another class to copy the work to.")})
    if source.course_id != target.course_id:
        raise ValidationError(
            {"target": _("That class is taught another course; its work cannot be set there.")}
        )
    copies = []
    for assignment in Assignment.objects.live().filter(classroom=source).order_by("due_at", "pk"):
        fields = {name: getattr(assignment, name) for name in EDITABLE_FIELDS}
        for name in ("opens_at", "due_at", "cutoff_at"):
            if fields[name] is not None:
                fields[name] = fields[name] + offset
        copy = assignment_create(
            classroom=target,
            kind=assignment.kind,
            target=assignment.target,
            by=by,
            **fields,
        )
        if assignment.kind == AssignmentKind.ANALYSIS:
            # Imported here: the analysis services make rubrics with this module's helper.
            from courseware.services.analysis import analysis_task_copy

            analysis_task_copy(task=assignment.analysis_task, assignment=copy)
        copies.append(copy)
    return copies
