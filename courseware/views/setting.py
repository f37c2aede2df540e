"""Setting work quickly: an essay in one screen, and a class's work copied to another class."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from courseware import permissions
from courseware.forms_setting import EssayTaskForm, WorkCopyForm
from courseware.forms_teaching import AssignmentForm
from courseware.models import AssignmentKind, Classroom, Membership, MembershipRole
from courseware.rubric_templates import rubric_templates
from courseware.selectors import teaching as selectors
from courseware.services import setting as services


def _classroom(request, pk: int) -> Classroom:
    classroom = selectors.classroom_get_for(user=request.user, pk=pk)
    if not permissions.can_set_work(request.user, classroom):
        raise PermissionDenied
    return classroom


def _show_errors(task: EssayTaskForm, dates: AssignmentForm, error: ValidationError) -> None:
    for name, errors in (
        error.error_dict if hasattr(error, "error_dict") else {None: error.error_list}
    ).items():
        if name in task.fields:
            task.add_error(name, errors)
        elif name in dates.fields:
            dates.add_error(name, errors)
        else:
            task.add_error(None, errors)


@login_required
def essay_set(request, pk: int):
    """Set an essay in one screen: the question (written here, or an earlier one), word
    limits, readings, rubric, dates and rules, with a preview of what students will see."""
    classroom = _classroom(request, pk)
    course = classroom.course
    data = request.POST or None
    now = timezone.localtime(timezone.now()).replace(second=0, microsecond=0)
    reuse = request.GET.get("prompt", "")
    task = EssayTaskForm(data, course=course, initial={"prompt": reuse} if reuse.isdigit() else {})
    dates = AssignmentForm(
        data,
        kind=AssignmentKind.ESSAY,
        course=course,
        initial={"opens_at": now, "due_at": now + timedelta(days=7)},
        prefix="set",
    )
    # What is set comes from the task form; the assignment form only brings dates and rules.
    dates.fields.pop("target")
    action = request.POST.get("action", "preview") if data is not None else ""
    preview = None
    if data is not None and task.is_valid() and dates.is_valid():
        fields = dict(dates.cleaned_data)
        if action == "preview":
            preview = _preview(task, fields)
        else:
            try:
                prompt, assignment = services.essay_task_set(
                    classroom=classroom,
                    by=request.user,
                    prompt=task.cleaned_data.get("prompt"),
                    new_prompt=task.new_prompt(),
                    rubric=task.cleaned_data.get("rubric"),
                    rubric_template=task.cleaned_data.get("rubric_template", ""),
                    set_it=action == "set",
                    assignment_fields=fields,
                )
            except ValidationError as error:
                _show_errors(task, dates, error)
            else:
                if assignment is None:
                    messages.success(
                        request,
                        _(
                            "“%(title)s” is saved as a draft, not yet set: it is picked below, "
                            "ready to set when you are."
                        )
                        % {"title": prompt.title},
                    )
                    url = reverse("courseware:essay-set", args=[classroom.pk])
                    return redirect(f"{url}?prompt={prompt.pk}")
                messages.success(
                    request,
                    _("“%(title)s” is set for %(name)s.")
                    % {"title": assignment.title, "name": classroom.name},
                )
                return redirect(assignment)
    bound_with_errors = data is not None and (task.errors or dates.errors)
    return render(
        request,
        "courseware/teaching/essay_set.html",
        {
            "classroom": classroom,
            "task": task,
            "dates": dates,
            "preview": preview,
            "earlier": task.fields["prompt"].queryset[:12],
        },
        status=400 if bound_with_errors else 200,
    )


def _preview(task: EssayTaskForm, fields: dict) -> dict:
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
