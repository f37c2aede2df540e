"""Writing-process pages: an essay's writing history with its replay, seen by the student and the
class's teachers alike, and a teacher's note that a student writes with assistive software.

The replay itself is ``static/js/replay.js``: it loads the history from the API
(``api-submission-history``) and shows the essay at any moment on a scrubber. Without
JavaScript the page still lists the sessions, time on task, pastes and bursts.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courseware import permissions
from courseware.selectors import process as selectors
from courseware.selectors.naming import student_naming
from courseware.services import process as services


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
