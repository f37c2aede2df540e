"""Source-analysis pages: a teacher sets a task and sees a class's tasks; a student answers one.

The answer page works without JavaScript (the form posts a text per prompt, to save or to hand
in). With it, ``static/js/analysis.js`` joins the answers into the submission's text, and the
essay editor's ``static/js/editor.js`` saves that text as it does an essay: autosave with the
revision check, the conflict choice and a copy on the device. Marking, release and the gradebook
are the essay's own pages.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from courseware import permissions
from courseware.forms_analysis import AnalysisTaskForm, AnswersForm
from courseware.forms_teaching import AssignmentForm
from courseware.models import AssignmentKind, Submission
from courseware.rendering import count_words
from courseware.selectors import analysis as selectors
from courseware.selectors import submissions as submission_selectors
from courseware.services import analysis as services
from courseware.services import submissions as submission_services
from courseware.services.submissions import MAX_ESSAY_WORDS, StaleRevision

HONESTY_LABEL = gettext_lazy(
    "I declare that these answers are my own work, that I have cited every source I used, and "
    "that I have not submitted them elsewhere."
)


# --- Teachers: setting a task, and the class's tasks ----------------------------------------


def _show_errors(task: AnalysisTaskForm, dates: AssignmentForm, error: ValidationError) -> None:
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
@require_http_methods(["GET", "POST"])
def analysis_set(request, pk: int):
    """Set a source-analysis task: the source or a passage, a scaffold, a rubric, dates and
    late rules."""
    classroom = selectors.classroom_get_for_setter(user=request.user, pk=pk)
    course = classroom.course
    data = request.POST if request.method == "POST" else None
    now = timezone.localtime(timezone.now()).replace(second=0, microsecond=0)
    task = AnalysisTaskForm(data, course=course, initial={"rubric_template": "ib-opcvl"})
    dates = AssignmentForm(
        data,
        kind=AssignmentKind.ANALYSIS,
        course=course,
        initial={"opens_at": now, "due_at": now + timedelta(days=7)},
        prefix="set",
    )
    dates.fields.pop("target")
    if data is not None and task.is_valid() and dates.is_valid():
        try:
            assignment = services.analysis_task_set(
                classroom=classroom,
                by=request.user,
                assignment_fields=dict(dates.cleaned_data),
                **task.service_kwargs(),
            )
        except ValidationError as error:
            _show_errors(task, dates, error)
        else:
            messages.success(
                request,
                _("“%(title)s” is set for %(name)s.")
                % {"title": assignment.title, "name": classroom.name},
            )
            return redirect(assignment)
    return render(
        request,
        "courseware/analysis/task_form.html",
        {"classroom": classroom, "task": task, "dates": dates},
        status=400 if data is not None else 200,
    )


@login_required
def analysis_list(request, pk: int):
    """A class's source-analysis tasks, with how many students have handed each in."""
    classroom = selectors.classroom_get_for_setter(user=request.user, pk=pk)
    tasks = list(selectors.analysis_tasks_for_classroom(classroom=classroom))
    return render(
        request,
        "courseware/analysis/task_list.html",
        {"classroom": classroom, "tasks": tasks},
    )


# --- Students: answering ------------------------------------------------------------------------


def _render_task(
    request,
    assignment,
    submission: Submission | None,
    *,
    text: str | None = None,
    revision: int | None = None,
    errors: list[str] | None = None,
    field_errors: dict | None = None,
    conflict: Submission | None = None,
    status: int = 200,
):
    page = selectors.analysis_page(
        assignment=assignment,
        student=request.user,
        submission=submission,
        now=timezone.now(),
        text=text,
    )
    shown = text if text is not None else (submission.draft_text if submission else "")
    return render(
        request,
        "courseware/analysis/task.html",
        {
            "page": page,
            "assignment": assignment,
            "task": page.task,
            "submission": submission,
            "deadline": page.deadline,
            "text": shown,
            "revision": (submission.revision if submission else 0)
            if revision is None
            else revision,
            "word_count": count_words(shown),
            "max_essay_words": MAX_ESSAY_WORDS,
            "errors": errors or [],
            "field_errors": field_errors or {},
            "conflict": conflict,
            "honesty_label": HONESTY_LABEL,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def analysis_write(request, pk: int):
    """A student's answers to a source-analysis task: the source and the prompts (and, before
    they start, a button to start); once handed in for good, the receipt."""
    now = timezone.now()
    assignment = selectors.analysis_assignment_get_for_student(user=request.user, pk=pk, now=now)
    submission = selectors.analysis_submission_of(assignment=assignment, student=request.user)
    if request.method == "POST":
        if submission is None:
            try:
                submission_services.submission_start(
                    assignment=assignment, student=request.user, now=now
                )
            except ValidationError as error:
                return _render_task(request, assignment, None, errors=error.messages, status=400)
        return redirect("courseware:analysis-write", pk=assignment.pk)
    if submission is not None and not submission.is_editable:
        return redirect(submission)
    return _render_task(request, assignment, submission)


def _writable(request, pk: int) -> Submission:
    submission = submission_selectors.submission_get_for(user=request.user, pk=pk)
    if submission.assignment.kind != AssignmentKind.ANALYSIS:
        raise PermissionDenied
    if not permissions.can_write_submission(request.user, submission):
        raise PermissionDenied
    return submission


def _answers_form(request, submission: Submission) -> AnswersForm:
    return AnswersForm(request.POST, task=submission.assignment.analysis_task)


def _refused(request, submission: Submission, form: AnswersForm, error: ValidationError):
    """Show the page again with the posted answers and why they were refused."""
    text = submission.assignment.analysis_task.render(form.answers()) if form.is_bound else ""
    if isinstance(error, StaleRevision):
        stored = error.submission
        return _render_task(
            request,
            submission.assignment,
            stored,
            text=text,
            revision=stored.revision,
            errors=error.messages,
            conflict=stored,
            status=409,
        )
    field_errors = error.message_dict if hasattr(error, "error_dict") else {}
    return _render_task(
        request,
        submission.assignment,
        submission,
        text=text,
        revision=form.cleaned_data.get("revision"),
        errors=[] if field_errors else error.messages,
        field_errors=field_errors,
        status=400,
    )


def _bad_form(request, submission: Submission):
    return _render_task(
        request,
        submission.assignment,
        submission,
        errors=[_("The form was incomplete; nothing was saved. Please try again.")],
        status=400,
    )


@login_required
@require_POST
def analysis_save(request, pk: int):
    """Save the answers the form shows (the page without JavaScript, or "Save now")."""
    submission = _writable(request, pk)
    form = _answers_form(request, submission)
    if not form.is_valid():
        return _bad_form(request, submission)
    try:
        services.analysis_answers_save(
            submission=submission,
            answers=form.answers(),
            revision=form.cleaned_data["revision"],
            by=request.user,
            now=timezone.now(),
        )
    except ValidationError as error:
        return _refused(request, submission, form, error)
    messages.success(request, _("Your answers are saved."))
    return redirect("courseware:analysis-write", pk=submission.assignment_id)


@login_required
@require_POST
def analysis_submit(request, pk: int):
    """Hand in the answers the form shows, at the revision they were based on."""
    submission = _writable(request, pk)
    form = _answers_form(request, submission)
    if not form.is_valid():
        return _bad_form(request, submission)
    try:
        version = services.analysis_answers_submit(
            submission=submission,
            answers=form.answers(),
            revision=form.cleaned_data["revision"],
            honesty_declared=form.cleaned_data["honesty"],
            by=request.user,
            now=timezone.now(),
        )
    except ValidationError as error:
        return _refused(request, submission, form, error)
    messages.success(
        request,
        _("Handed in: version %(number)s. Your receipt is below.") % {"number": version.number},
    )
    return redirect(submission)
