"""Setting work quickly: an essay in one screen, and a class's work copied to another class."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from courseware import permissions
from courseware.forms_content import CriterionFormSet, RubricForm, builder_data_with_more
from courseware.forms_setting import EssayTaskForm, WorkCopyForm
from courseware.forms_teaching import AssignmentForm
from courseware.models import AssignmentKind, Classroom, Membership, MembershipRole
from courseware.rubric_templates import rubric_templates
from courseware.selectors import setting as setting_selectors
from courseware.selectors import teaching as selectors
from courseware.services import setting as services


def _classroom(request, pk: int) -> Classroom:
    classroom = selectors.classroom_get_for(user=request.user, pk=pk)
    if not permissions.can_set_work(request.user, classroom):
        raise PermissionDenied
    return classroom


def _show_errors(
    task: EssayTaskForm, dates: AssignmentForm, error: ValidationError, *, rubric_form=None
) -> None:
    for name, errors in (
        error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    ).items():
        if rubric_form is not None and name == "total_marks":
            rubric_form.add_error(name, errors)
        elif name in task.fields:
            task.add_error(name, errors)
        elif name in dates.fields:
            dates.add_error(name, errors)
        else:
            task.add_error(None, errors)


@login_required
def essay_set(request, pk: int):
    """Set an essay in one screen: the question (written here, or an earlier one), word
    limits, readings, rubric (picked, from a template or built here), dates and rules, with a
    preview of what students will see; or keep it all as a draft assignment."""
    return _essay_page(request, _classroom(request, pk), draft=None)


@login_required
def essay_draft(request, pk: int, draft_pk: int):
    """A draft assignment reopened on the set-an-essay page: edit it, keep it, set it or
    throw it away."""
    # A draft is for those who set the class's work: anyone else is told it does not exist.
    classroom = selectors.classroom_get_for(user=request.user, pk=pk)
    if not permissions.can_set_work(request.user, classroom):
        raise Http404
    draft = setting_selectors.draft_get(classroom=classroom, pk=draft_pk)
    return _essay_page(request, classroom, draft=draft)


def _building_rubric(data) -> bool:
    """Whether the rubric builder on the page is in use: its title is filled in."""
    return data is not None and bool((data.get(f"{RUBRIC_PREFIX}-title") or "").strip())


RUBRIC_PREFIX = "newrubric"


def _essay_page(request, classroom: Classroom, *, draft):
    course = classroom.course
    data = request.POST or None
    action = request.POST.get("action", "preview") if data is not None else ""
    if data is not None and action == "discard" and draft is not None:
        services.assignment_draft_delete(draft=draft)
        messages.success(request, _("The draft is thrown away."))
        return redirect(classroom)
    adding = data is not None and ("add_criterion" in data or "add_level" in data)
    if adding:
        data = builder_data_with_more(data)
    now = timezone.localtime(timezone.now()).replace(second=0, microsecond=0)
    if draft is not None:
        task_initial = EssayTaskForm.initial_for(draft)
        dates_initial = {name: getattr(draft, name) for name in services.DRAFT_FIELDS}
    else:
        reuse = request.GET.get("prompt", "")
        task_initial = {"prompt": reuse} if reuse.isdigit() else {}
        dates_initial = {"opens_at": now, "due_at": now + timedelta(days=7)}
    building = _building_rubric(data)
    task = EssayTaskForm(data, course=course, initial=task_initial, building_rubric=building)
    dates = AssignmentForm(
        data, kind=AssignmentKind.ESSAY, course=course, initial=dates_initial, prefix="set"
    )
    # What is set comes from the task form; the assignment form only brings dates and rules.
    dates.fields.pop("target")
    rubric_form = RubricForm(data if building else None, prefix=RUBRIC_PREFIX)
    criteria = CriterionFormSet(data if building else None, prefix="criteria")
    preview = None
    builder_ok = not building or (rubric_form.is_valid() and criteria.is_valid())
    if data is not None and not adding and task.is_valid() and dates.is_valid() and builder_ok:
        fields = dict(dates.cleaned_data)
        new_rubric = None
        if building:
            new_rubric = services.NewRubric(
                title=rubric_form.cleaned_data["title"],
                description=rubric_form.cleaned_data["description"],
                criteria=tuple(criteria.criteria()),
                total_marks=rubric_form.cleaned_data.get("total_marks"),
            )
        if action == "preview":
            preview = _preview(task, fields, new_rubric=new_rubric)
        else:
            try:
                result = services.essay_task_set(
                    classroom=classroom,
                    by=request.user,
                    prompt=task.cleaned_data.get("prompt"),
                    new_prompt=task.new_prompt(),
                    rubric=task.cleaned_data.get("rubric"),
                    rubric_template=task.cleaned_data.get("rubric_template", ""),
                    new_rubric=new_rubric,
                    set_it=action == "set",
                    assignment_fields=fields,
                    draft=draft,
                )
            except ValidationError as error:
                if building:
                    for name, errors in criteria.show_errors(error):
                        _show_errors(
                            task,
                            dates,
                            ValidationError({name: errors} if name else errors),
                            rubric_form=rubric_form,
                        )
                else:
                    _show_errors(task, dates, error)
            else:
                if result.assignment is None:
                    messages.success(
                        request,
                        _(
                            "“%(title)s” is saved as a draft assignment. Students do not see "
                            "it until you set it."
                        )
                        % {"title": result.draft.display_title},
                    )
                    return redirect(result.draft)
                messages.success(
                    request,
                    _("“%(title)s” is set for %(name)s.")
                    % {"title": result.assignment.title, "name": classroom.name},
                )
                return redirect(result.assignment)
    bound_with_errors = (
        data is not None
        and not adding
        and bool(task.errors or dates.errors or rubric_form.errors or criteria.total_error_count())
    )
    return render(
        request,
        "courseware/teaching/essay_set.html",
        {
            "classroom": classroom,
            "draft": draft,
            "task": task,
            "dates": dates,
            "rubric_form": rubric_form,
            "criteria": criteria,
            "building": building or adding,
            "preview": preview,
            "earlier": task.fields["prompt"].queryset[:12],
        },
        status=400 if bound_with_errors else 200,
    )


def _preview(task: EssayTaskForm, fields: dict, *, new_rubric=None) -> dict:
    """What the student will see, from the form as it stands (nothing is saved)."""
    data = task.cleaned_data
    prompt = data.get("prompt")
    if prompt is not None:
        title, question, guidance = prompt.title, prompt.question, prompt.guidance
        limits = (prompt.min_words, prompt.max_words)
        readings = list(prompt.readings.all())
        rubric = prompt.rubric
    else:
        title, question, guidance = data["title"], data["question"], data.get("guidance", "")
        limits = (data.get("min_words") or 0, data["max_words"])
        readings = list(data.get("readings") or ())
        rubric = data.get("rubric")
    criteria = []
    if rubric is not None:
        criteria = [
            (c.title, c.description, list(c.levels.all()))
            for c in rubric.criteria.prefetch_related("levels").order_by("order")
        ]
    elif new_rubric is not None:
        criteria = [(c.title, c.description, list(c.levels)) for c in new_rubric.criteria]
    elif data.get("rubric_template"):
        template = rubric_templates()[data["rubric_template"]]
        criteria = [(c.title, c.description, list(c.levels)) for c in template.criteria]
    return {
        "title": fields.get("title") or title,
        "question": question,
        "guidance": guidance,
        "instructions": fields.get("instructions", ""),
        "min_words": limits[0],
        "max_words": limits[1],
        "readings": readings,
        "criteria": criteria,
        "opens_at": fields.get("opens_at"),
        "due_at": fields.get("due_at"),
        "cutoff_at": fields.get("cutoff_at"),
        "late_penalty": fields.get("late_penalty_percent_per_day"),
        "allow_resubmission": fields.get("allow_resubmission"),
    }


@login_required
def work_copy(request, pk: int):
    """Set another class of the same course this class's work, dates moved by an offset."""
    classroom = _classroom(request, pk)
    taught = Membership.objects.filter(user=request.user, role=MembershipRole.TEACHER)
    classes = Classroom.objects.active().filter(course=classroom.course).exclude(pk=classroom.pk)
    if not permissions.is_school_admin(request.user):
        classes = classes.filter(Q(pk__in=taught.values("classroom_id")))
    form = WorkCopyForm(request.POST or None, classes=classes.order_by("-year", "name"))
    if request.method == "POST" and form.is_valid():
        try:
            copies = services.classroom_work_copy(
                source=classroom,
                target=form.cleaned_data["target"],
                offset=timedelta(days=form.cleaned_data["offset_days"]),
                by=request.user,
            )
        except ValidationError as error:
            for name, errors in (
                error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
            ).items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            target = form.cleaned_data["target"]
            messages.success(
                request,
                _("%(count)s assignments are set for %(name)s.")
                % {"count": len(copies), "name": target.name},
            )
            return redirect(target)
    return render(
        request,
        "courseware/teaching/work_copy.html",
        {
            "classroom": classroom,
            "form": form,
            "assignments": selectors.assignments_for_classroom(classroom=classroom).filter(
                withdrawn_at__isnull=True
            ),
        },
        status=400 if form.errors else 200,
    )
