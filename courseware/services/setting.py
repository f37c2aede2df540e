"""Setting work quickly: an essay task in one step, and a class's work copied to another class.

``essay_task_set`` writes what the one-screen "set an essay" page (and the API's essays
endpoint) sends in one transaction: a rubric from a template or built there, a new essay prompt
when the question is written there, and the assignment; or, kept as a draft, an
``AssignmentDraft`` that no student sees until it is set. Bad input anywhere changes nothing.

``classroom_work_copy`` sets another class of the same course the same work, with every date
moved by the same offset; it copies assignments only, never anything a student did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from courseware.models import (
    Assignment,
    AssignmentDraft,
    AssignmentKind,
    Classroom,
    EssayPrompt,
    Reading,
    Rubric,
)
from courseware.rubric_templates import rubric_templates
from courseware.selectors.teaching import assignable_readings
from courseware.services.content import CriterionSpec, essay_prompt_create, rubric_create
from courseware.services.teaching import EDITABLE_FIELDS, assignment_create


@dataclass(frozen=True)
class NewPrompt:
    """An essay question written on the set-an-essay page."""

    title: str
    question: str
    max_words: int | None
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


@dataclass(frozen=True)
class NewRubric:
    """A rubric built on the set-an-essay page, saved with the essay."""

    title: str
    criteria: tuple[CriterionSpec, ...]
    description: str = ""
    total_marks: Decimal | None = None


@dataclass(frozen=True)
class EssayTask:
    """What setting an essay wrote: the assignment once set, or the draft kept instead."""

    prompt: EssayPrompt | None = None
    assignment: Assignment | None = None
    draft: AssignmentDraft | None = None


DRAFT_FIELDS = tuple(name for name in EDITABLE_FIELDS if name != "max_attempts")


def _rubric_for(
    *, rubric: Rubric | None, rubric_template: str, new_rubric: NewRubric | None, by: User | None
) -> Rubric:
    chosen = [rubric is not None, bool(rubric_template), new_rubric is not None]
    if not any(chosen):
        raise ValidationError(
            {"rubric": _("Pick a rubric, start one from a template or build one.")}
        )
    if sum(chosen) > 1:
        raise ValidationError(
            {"rubric": _("Pick a rubric, start one from a template or build one: only one.")}
        )
    if rubric is not None:
        return rubric
    if rubric_template:
        return rubric_from_template(key=rubric_template, by=by)
    return rubric_create(
        title=new_rubric.title,
        description=new_rubric.description,
        criteria=new_rubric.criteria,
        total_marks=new_rubric.total_marks,
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
    new_rubric: NewRubric | None = None,
    set_it: bool = True,
    assignment_fields: dict[str, Any] | None = None,
    draft: AssignmentDraft | None = None,
) -> EssayTask:
    """Set an essay for a class from an earlier prompt or a question written now, or keep it
    as a draft assignment.

    A written question needs one rubric: picked, made from a template, or built here
    (``new_rubric``). With ``set_it`` false the whole task (question, limits, readings,
    rubric, dates, rules) is kept as a draft (``draft`` when one is being edited): no prompt
    or assignment is made, no student sees it, and nobody is told. Setting makes the prompt
    (for a written question) and the assignment, records the work-set event and deletes the
    draft. Everything is written in one transaction, so a refusal anywhere writes nothing.
    """
    if (prompt is None) == (new_prompt is None):
        raise ValidationError({"prompt": _("Pick an earlier question or write a new one.")})
    if prompt is not None and prompt.course_id != classroom.course_id:
        raise ValidationError({"prompt": _("That question belongs to another course.")})
    if draft is not None and draft.classroom_id != classroom.pk:
        raise ValidationError(_("That draft belongs to another class."))
    fields = dict(assignment_fields or {})
    fields.pop("max_attempts", None)
    if new_prompt is not None:
        wanted = {reading.pk for reading in new_prompt.readings}
        known = set(
            assignable_readings(course=classroom.course)
            .filter(pk__in=wanted)
            .values_list("pk", flat=True)
        )
        if wanted - known:
            raise ValidationError({"readings": _("Choose readings of the class's course.")})
        rubric = _rubric_for(
            rubric=rubric, rubric_template=rubric_template, new_rubric=new_rubric, by=by
        )
    if not set_it:
        return EssayTask(
            draft=_draft_save(
                classroom=classroom,
                by=by,
                draft=draft,
                prompt=prompt,
                new_prompt=new_prompt,
                rubric=rubric,
                fields=fields,
            )
        )
    if new_prompt is not None:
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
    assignment = assignment_create(
        classroom=classroom,
        kind=AssignmentKind.ESSAY,
        target=prompt,
        by=by,
        **fields,
    )
    if draft is not None:
        AssignmentDraft.objects.filter(pk=draft.pk).delete()
    return EssayTask(prompt=prompt, assignment=assignment)


def _draft_save(
    *,
    classroom: Classroom,
    by: User | None,
    draft: AssignmentDraft | None,
    prompt: EssayPrompt | None,
    new_prompt: NewPrompt | None,
    rubric: Rubric | None,
    fields: dict[str, Any],
) -> AssignmentDraft:
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"a draft cannot hold {', '.join(sorted(unknown))}")
    if draft is None:
        draft = AssignmentDraft(classroom=classroom, created_by=by)
    else:
        draft = AssignmentDraft.objects.select_for_update().get(pk=draft.pk)
    for name in DRAFT_FIELDS:
        setattr(draft, name, fields.get(name, AssignmentDraft._meta.get_field(name).get_default()))
    draft.title = (draft.title or "").strip()
    draft.instructions = draft.instructions or ""
    draft.prompt = prompt
    written = new_prompt or NewPrompt(title="", question="", max_words=None)
    draft.prompt_title = written.title
    draft.question = written.question
    draft.guidance = written.guidance
    draft.min_words = written.min_words
    draft.max_words = written.max_words
    draft.rubric = rubric if new_prompt is not None else None
    draft.full_clean()
    draft.save()
    draft.readings.set(written.readings)
    return draft


@transaction.atomic
def assignment_draft_set(*, draft: AssignmentDraft, by: User | None) -> EssayTask:
    """Set a draft as it stands: the essay it describes is set and the draft is gone."""
    draft = (
        AssignmentDraft.objects.select_for_update(of=("self",))
        .select_related("classroom__course", "prompt", "rubric")
        .get(pk=draft.pk)
    )
    return essay_task_set(
        classroom=draft.classroom,
        by=by,
        draft=draft,
        **assignment_draft_task(draft=draft),
    )


def assignment_draft_task(*, draft: AssignmentDraft) -> dict[str, Any]:
    """A draft as the keyword arguments of ``essay_task_set`` that would set it."""
    fields = {name: getattr(draft, name) for name in DRAFT_FIELDS}
    if draft.prompt_id is not None:
        return {"prompt": draft.prompt, "assignment_fields": fields}
    return {
        "new_prompt": NewPrompt(
            title=draft.prompt_title,
            question=draft.question,
            guidance=draft.guidance,
            min_words=draft.min_words,
            max_words=draft.max_words,
            readings=tuple(draft.readings.all()),
        ),
        "rubric": draft.rubric,
        "assignment_fields": fields,
    }


@transaction.atomic
def assignment_draft_delete(*, draft: AssignmentDraft) -> None:
    """Throw a draft away; the rubric it was to use stays the teacher's."""
    AssignmentDraft.objects.filter(pk=draft.pk).delete()


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
