"""Writing-process pages: an essay's writing history with its replay, seen by the student and the
class's teachers alike, and a teacher's note that a student writes with assistive software.

The replay itself is ``static/js/replay.js``: it loads the history from the API
(``api-submission-history``) and shows the essay at any moment on a scrubber. Without
JavaScript the page still lists the sessions, time on task, pastes and bursts.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courseware import permissions
from courseware.selectors import process as selectors
from courseware.selectors.marking import essay_assignment_get_for_marker, grade_get_for
from courseware.selectors.naming import student_naming
from courseware.selectors.submissions import submission_get_for
from courseware.services import process as services
from courseware.services.submissions import check_essay_size


@login_required
@require_GET
def writing_process(request, pk: int):
    """An essay's writing history: sessions, time on task, pastes and where they came from,
    bursts, and the replay."""
    submission = selectors.history_submission_get(user=request.user, pk=pk)
    classroom = submission.assignment.classroom
    return render(
        request,
        "courseware/process/detail.html",
        {
            "submission": submission,
            "assignment": submission.assignment,
            "process": selectors.process_view_for(user=request.user, submission=submission),
            "can_accommodate": permissions.can_set_accommodation(request.user, classroom),
            "student_label": student_naming(
                assignment=submission.assignment, viewer=request.user
            ).label(submission.student),
        },
    )


@login_required
@require_POST
def accommodation_set(request, pk: int):
    """Record (``on=1``) or remove (``on=0``) that the essay's student writes with dictation or
    other assistive software, for every essay of the class."""
    submission = selectors.history_submission_get(user=request.user, pk=pk)
    classroom = submission.assignment.classroom
    if not permissions.can_set_accommodation(request.user, classroom):
        raise Http404
    on = request.POST.get("on")
    if on not in ("0", "1"):
        return HttpResponseBadRequest(_("Say whether the student has it: on=1 or 0."))
    note = request.POST.get("note", "").strip()
    if len(note) > 200:
        return HttpResponseBadRequest(_("Keep the note to 200 characters."))
    try:
        services.accommodation_set(
            classroom=classroom,
            student=submission.student,
            on=on == "1",
            note=note,
            by=request.user,
            now=timezone.now(),
        )
    except ValidationError as error:
        return HttpResponseBadRequest(" ".join(error.messages))
    messages.success(
        request,
        _("Recorded: bursts of text are not flagged for this student.")
        if on == "1"
        else _("Removed: bursts of text are flagged again for this student."),
    )
    back = request.POST.get("next", "")
    if back == "mark":
        return redirect("courseware:mark-submission", pk=submission.pk)
    return redirect("courseware:writing-process", pk=submission.pk)


# --- The citation coach ------------------------------------------------------------------------


@login_required
@require_POST
def citation_coach(request, pk: int):
    """Check the citations of the text the editor posts (the student's own self-check before
    handing in) and show the coach's notes."""
    submission = submission_get_for(user=request.user, pk=pk)
    if not permissions.can_use_citation_coach(request.user, submission):
        raise PermissionDenied
    text = request.POST.get("text", "").replace("\r\n", "\n")
    context = {"submission": submission, "assignment": submission.assignment, "text": text}
    try:
        check_essay_size(text)
        context["result"] = services.coach_check_run(
            submission=submission, text=text, by=request.user, now=timezone.now()
        )
    except ValidationError as error:
        context["errors"] = error.messages
        return render(request, "courseware/process/coach.html", context, status=400)
    return render(request, "courseware/process/coach.html", context)


# --- Settings ----------------------------------------------------------------------------------


class ProcessSettingsForm(forms.Form):
    coach_checks = forms.IntegerField(
        min_value=0,
        max_value=10,
        label=gettext_lazy("Citation coach checks per version"),
        help_text=gettext_lazy("0 turns the coach off for this essay."),
    )
    feedback_first = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "Feedback first: students read the comments and write a short response before "
            "they see the mark"
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def process_settings(request, pk: int):
    """An essay assignment's writing-process settings: coach checks and feedback first."""
    assignment = essay_assignment_get_for_marker(user=request.user, pk=pk)
    if not permissions.can_set_process_settings(request.user, assignment):
        raise Http404
    current = selectors.process_settings_for(assignment=assignment)
    if request.method == "POST":
        form = ProcessSettingsForm(request.POST)
        if form.is_valid():
            services.process_settings_set(assignment=assignment, **form.cleaned_data)
            messages.success(request, _("The writing-process settings are saved."))
            return redirect("courseware:process-settings", pk=assignment.pk)
        status = 400
    else:
        form = ProcessSettingsForm(
            initial={
                "coach_checks": current.coach_checks,
                "feedback_first": current.feedback_first,
            }
        )
        status = 200
    return render(
        request,
        "courseware/process/settings.html",
        {"assignment": assignment, "form": form},
        status=status,
    )


# --- Feedback first ----------------------------------------------------------------------------


@login_required
@require_POST
def feedback_response(request, pk: int):
    """The student's response to their released feedback (and, on a "feedback first"
    assignment, the way to their mark)."""
    grade = grade_get_for(user=request.user, submission_pk=pk)
    submission = grade.submission
    if submission.student_id != request.user.pk:
        raise Http404
    try:
        services.feedback_response_write(
            submission=submission,
            version_number=grade.version.number,
            text=request.POST.get("text", ""),
            by=request.user,
            now=timezone.now(),
        )
    except ValidationError as error:
        from courseware.selectors.marking import feedback_for

        return render(
            request,
            "courseware/marking/feedback.html",
            {
                "feedback": feedback_for(grade=grade),
                "grade": grade,
                "assignment": submission.assignment,
                "classroom": submission.assignment.classroom,
                "label": student_naming(
                    assignment=submission.assignment, viewer=request.user
                ).label(submission.student),
                "is_student": True,
                "withhold_mark": True,
                "response_error": " ".join(error.messages),
            },
            status=400,
        )
    messages.success(request, _("Thank you: your response is saved with your feedback."))
    return redirect("courseware:feedback", pk=submission.pk)
