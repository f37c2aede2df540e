"""Writes for source-analysis tasks: setting one for a class, and saving and handing in answers.

``analysis_task_set`` makes the assignment (dates, late policy, the work-set event: the same
``assignment_create`` every kind of work uses) and its ``AnalysisTask`` in one transaction.

A student's answers are an essay ``Submission`` whose text is the answers rendered a field per
heading (``AnalysisTask.render``). ``analysis_answers_save`` and ``analysis_answers_submit`` turn
the answers into that text and call the essay services, so the revision check (409 with the
newer answers), immutable versions, the honesty declaration, deadlines and the hand-in event
are the essay's own. Marking, inline comments and release work on the text unchanged.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from courseware.models import (
    AnalysisTask,
    Assignment,
    AssignmentKind,
    Classroom,
    Reading,
    Rubric,
    Scaffold,
    Submission,
    SubmissionVersion,
)
from courseware.models.analysis import SCAFFOLD_FIELDS
from courseware.services import submissions as submission_services
from courseware.services.content import CriterionSpec, LevelSpec, rubric_create
from courseware.services.setting import rubric_from_template
from courseware.services.teaching import assignment_create

if TYPE_CHECKING:
    from accounts.models import User


def scaffold_fields(*, scaffold: str, prompts: list[str] | None = None) -> list[dict]:
    """The fields of a scaffold; for ``custom``, one per prompt line given."""
    if scaffold == Scaffold.CUSTOM:
        labels = [line.strip() for line in (prompts or []) if line and line.strip()]
        if not labels:
            raise ValidationError({"prompts": _("Write at least one prompt, one per line.")})
        return [
            {"key": f"p{index}", "label": label, "help": ""}
            for index, label in enumerate(labels, start=1)
        ]
    if scaffold not in SCAFFOLD_FIELDS:
        raise ValidationError({"scaffold": _("Choose one of the scaffolds offered.")})
    return [dict(field) for field in SCAFFOLD_FIELDS[scaffold]]


MAX_OVERALL_MARK = Decimal(1000)


def clean_max_mark(value: Any) -> Decimal:
    """The mark a task without a rubric is out of: a number above 0, at most 1000, two places."""
    try:
        mark = Decimal(str(value)) if not isinstance(value, bool) else None
    except (InvalidOperation, ValueError):
        mark = None
    if mark is None or not mark.is_finite() or not 0 < mark <= MAX_OVERALL_MARK:
        raise ValidationError(
            {
                "max_mark": _("Give the mark it is out of: a number above 0, at most %(max)s.")
                % {"max": MAX_OVERALL_MARK}
            }
        )
    if mark != mark.quantize(Decimal("0.01")):
        raise ValidationError({"max_mark": _("Give the mark to at most two decimal places.")})
    return mark.quantize(Decimal("0.01"))


def overall_mark_rubric(*, max_mark: Decimal) -> Rubric:
    """The rubric behind a task marked with one overall mark: one criterion with one level
    worth ``max_mark``, so any mark from 0 to it is in the level's band. It has no owner."""
    shown = f"{max_mark.normalize():f}"
    return rubric_create(
        title=_("Overall mark out of %(max)s") % {"max": shown},
        criteria=[
            CriterionSpec(
                title=_("Overall mark"),
                levels=(
                    LevelSpec(
                        title=_("Mark"),
                        descriptor=_("One mark for the whole task."),
                        marks=max_mark,
                    ),
                ),
            )
        ],
    )


@transaction.atomic
def analysis_task_set(
    *,
    classroom: Classroom,
    by: User | None,
    reading: Reading,
    scaffold: str,
    rubric: Rubric | None = None,
    rubric_template: str = "",
    max_mark: Any = None,
    prompts: list[str] | None = None,
    paragraph_from: int | None = None,
    paragraph_to: int | None = None,
    assignment_fields: dict[str, Any] | None = None,
) -> Assignment:
    """Set a class a source-analysis task on a reading of its course (or a paragraph range of
    it), with a scaffold's prompts and how it is marked: a rubric picked, or one made from a
    template, or (no rubric) one overall mark out of ``max_mark``. A refusal anywhere writes
    nothing."""
    fields = scaffold_fields(scaffold=scaffold, prompts=prompts)
    if (paragraph_from is None) != (paragraph_to is None):
        raise ValidationError(
            {"paragraph_to": _("Give both the first and the last paragraph, or neither.")}
        )
    if paragraph_from is not None:
        if paragraph_from < 1 or paragraph_to < paragraph_from:
            raise ValidationError(
                {"paragraph_to": _("The last paragraph must be on or after the first.")}
            )
        last = reading.paragraphs.order_by("-number").values_list("number", flat=True).first()
        if last is None or paragraph_to > last:
            raise ValidationError(
                {
                    "paragraph_to": _("%(title)s has %(count)s paragraphs.")
                    % {"title": reading.title, "count": last or 0}
                }
            )
    overall = rubric is None and not rubric_template
    if overall:
        if max_mark in (None, ""):
            raise ValidationError(
                {
                    "max_mark": _(
                        "Without a rubric, give the mark the task is out of (or pick a rubric)."
                    )
                }
            )
        max_mark = clean_max_mark(max_mark)
        rubric = overall_mark_rubric(max_mark=max_mark)
    else:
        max_mark = None
    if rubric is None:
        rubric = rubric_from_template(key=rubric_template, by=by)
    assignment = assignment_create(
        classroom=classroom,
        kind=AssignmentKind.ANALYSIS,
        target=reading,
        by=by,
        **(assignment_fields or {}),
    )
    task = AnalysisTask(
        assignment=assignment,
        scaffold=scaffold,
        fields=fields,
        paragraph_from=paragraph_from,
        paragraph_to=paragraph_to,
        rubric=rubric,
        max_mark=max_mark,
    )
    task.full_clean(exclude=["assignment"], validate_unique=False)
    task.save()
    return assignment


def analysis_task_copy(*, task: AnalysisTask, assignment: Assignment) -> AnalysisTask:
    """The same task for a copy of its assignment (work copied to another class)."""
    copy = AnalysisTask(
        assignment=assignment,
        scaffold=task.scaffold,
        fields=task.fields,
        paragraph_from=task.paragraph_from,
        paragraph_to=task.paragraph_to,
        rubric_id=task.rubric_id,
        max_mark=task.max_mark,
    )
    copy.save()
    return copy


def _clean_answers(*, task: AnalysisTask, answers: Any) -> dict[str, str]:
    """The answers as field key → text; unknown keys and non-text answers are refused."""
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("Send the answers as an object of texts.")})
    keys = {field["key"] for field in task.fields}
    unknown = sorted(str(key) for key in answers if key not in keys)
    if unknown:
        raise ValidationError(
            {"answers": _("Not a prompt of this task: %(keys)s.") % {"keys": ", ".join(unknown)}}
        )
    if any(not isinstance(value, str) for value in answers.values()):
        raise ValidationError({"answers": _("Each answer is text.")})
    return {key: answers.get(key, "") for key in keys}


def _task_of(submission: Submission) -> AnalysisTask:
    if submission.assignment.kind != AssignmentKind.ANALYSIS:
        raise ValidationError(_("This is not a source-analysis task."), code="not_analysis")
    return submission.assignment.analysis_task


def analysis_answers_text(*, submission: Submission, answers: Any) -> str:
    """The text the answers are stored as (checked, not saved)."""
    task = _task_of(submission)
    return task.render(_clean_answers(task=task, answers=answers))


def analysis_answers_save(
    *, submission: Submission, answers: Any, revision: int, by: User, now: datetime
) -> Submission:
    """Save the answers the writer based on ``revision`` (the essay draft's revision check)."""
    text = analysis_answers_text(submission=submission, answers=answers)
    return submission_services.submission_draft_save(
        submission=submission, text=text, revision=revision, by=by, now=now
    )


def analysis_answers_submit(
    *,
    submission: Submission,
    revision: int,
    honesty_declared: bool,
    by: User,
    now: datetime,
    answers: Any = None,
) -> SubmissionVersion:
    """Hand in the answers (saved first when given) as a new immutable version."""
    text = None
    if answers is not None:
        text = analysis_answers_text(submission=submission, answers=answers)
    else:
        _task_of(submission)
    return submission_services.submission_submit(
        submission=submission,
        revision=revision,
        honesty_declared=honesty_declared,
        by=by,
        now=now,
        text=text,
    )
