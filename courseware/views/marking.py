"""Marking pages: the queue, the marking page, release, the comment bank, the gradebook and
its exports, statistics, and a student's grades and feedback (as a page and a PDF).

Each view parses, checks a capability, calls one service and responds. Marking pages exist only
for those who mark the class (``permissions.can_mark``): to anyone else they are a 404, like a
missing page. A student sees a grade only once it is released. The marking page works without
JavaScript (the form posts every criterion); ``static/js/marking.js`` adds live marks, autosave
through the API, inline comments on a selected passage, the comment bank and keyboard
shortcuts.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courseware import exports, permissions
from courseware.models import AssignmentKind, Submission
from courseware.pdf import feedback_pdf
from courseware.selectors import dashboards
from courseware.selectors import marking as selectors
from courseware.selectors.naming import student_naming
from courseware.selectors.originality import latest_report
from courseware.selectors.process import (
    accommodated_students,
    feedback_response_of,
    mark_withheld,
    process_indicators,
    process_view_for,
    revision_diff,
    withheld_submission_ids,
)
from courseware.services import marking as services
from courseware.services.marking import CriterionMark, StaleGrade

# --- Parsing ----------------------------------------------------------------------------------


def _optional_int(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError(_("“%(value)s” is not a valid choice.") % {"value": value}) from None


def _optional_marks(value: str | None) -> Decimal | None:
    if value is None or not value.strip():
        return None
    try:
        marks = Decimal(value.strip())
    except InvalidOperation:
        raise ValidationError(
            _("“%(value)s” is not a number of marks.") % {"value": value}
        ) from None
    if not marks.is_finite():
        raise ValidationError(_("“%(value)s” is not a number of marks.") % {"value": value})
    return marks


def criterion_marks_from_post(post, criteria) -> list[CriterionMark]:
    """Each criterion's level, marks and comment as the marking form posts them:
    ``level-<criterion id>``, ``marks-<criterion id>`` and ``comment-<criterion id>``."""
    marks = []
    for row in criteria:
        pk = row.criterion.pk
        level_id = _optional_int(post.get(f"level-{pk}"))
        given = _optional_marks(post.get(f"marks-{pk}"))
        comment = post.get(f"comment-{pk}", "").replace("\r\n", "\n").strip()
        if level_id is None and given is None and not comment:
            continue
        marks.append(
            CriterionMark(
                criterion_id=pk,
                level_id=level_id,
                marks=given,
                comment=comment,
            )
        )
    return marks


class ReleaseForm(forms.Form):
    resubmission = forms.BooleanField(required=False)
    resubmit_by = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class CommentBankForm(forms.Form):
    text = forms.CharField(max_length=services.MAX_BANK_COMMENT, widget=forms.Textarea)
    criterion_tag = forms.CharField(max_length=services.MAX_BANK_TAG, required=False)


def _mark_url_maker():
    """Marking-page URLs by submission id from one ``reverse``: a queue or gradebook links
    thousands of them, and reversing each costs more than the rest of its row."""
    sentinel = "987654321"
    pattern = reverse("courseware:mark-submission", args=[sentinel])
    return lambda pk: pattern.replace(sentinel, str(pk))


# --- The marking queue ------------------------------------------------------------------------


SHOW_CHOICES = [
    ("", _("All")),
    ("not_submitted", _("Not handed in")),
    ("to_mark", _("To mark")),
    ("marked", _("Marked")),
    ("released", _("Released")),
]
SORT_CHOICES = [
    ("name", _("Name")),
    ("submitted", _("Handed in")),
    ("late", _("Lateness")),
    ("mark", _("Mark")),
    ("status", _("Status")),
]


@login_required
@require_GET
def marking_queue(request, pk: int):
    """An essay assignment's students and where each essay stands, to mark them in turn."""
    assignment = selectors.essay_assignment_get_for_marker(user=request.user, pk=pk)
    queue = selectors.marking_queue(
        assignment=assignment,
        now=timezone.now(),
        show=request.GET.get("show", ""),
        sort=request.GET.get("sort", "name"),
    )
    mark_url = _mark_url_maker()
    process = process_indicators(assignment_id=assignment.pk)
    accommodated = accommodated_students(classroom_id=assignment.classroom_id)
    for row in queue.rows:
        if row.submission is not None and row.submission.current_version:
            row.url = mark_url(row.submission.pk)
            history = process.get(row.submission.pk)
            if history is not None:
                # Advisory and quiet: how many things the writing process asks the marker to
                # look at (bursts do not count for a student who writes with assistive software).
                row.process_flags = history.flagged_paste_count + (
                    0 if row.submission.student_id in accommodated else history.burst_count
                )
    return render(
        request,
        "courseware/marking/queue.html",
        {
            "assignment": assignment,
            "classroom": assignment.classroom,
            "queue": queue,
            "show_choices": [
                (value, label, queue.counts.get(value or "all", 0)) for value, label in SHOW_CHOICES
            ],
            "sort_choices": SORT_CHOICES,
            "can_release": permissions.can_release(request.user, assignment.classroom),
            "editable": not assignment.classroom.is_archived,
        },
    )


@login_required
@require_POST
def marking_reveal(request, pk: int):
    """Show the students' names on an anonymously marked assignment (recorded, not undone)."""
    assignment = selectors.essay_assignment_get_for_marker(user=request.user, pk=pk)
    try:
        services.marking_reveal_names(assignment=assignment, by=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Names are now shown on this assignment's marking pages."))
    return redirect("courseware:marking-queue", pk=assignment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def marking_release_all(request, pk: int):
    """Release every finished grade of the assignment that has not been released, once the
    marker has confirmed on a page that says how many students will see theirs.

    The confirming form carries the number it showed; if more (or fewer) grades became ready in
    the meantime, the page asks again with the new number instead of releasing.
    """
    assignment = selectors.essay_assignment_get_for_marker(user=request.user, pk=pk)
    if not permissions.can_release(request.user, assignment.classroom):
        raise Http404
    releasable = selectors.marking_queue(assignment=assignment, now=timezone.now()).releasable
    confirmed = request.method == "POST" and request.POST.get("confirm") == "yes"
    expected = request.POST.get("expected")
    changed = confirmed and expected is not None and expected != str(releasable)
    if not confirmed or changed:
        return render(
            request,
            "courseware/marking/release_confirm.html",
            {
                "assignment": assignment,
                "classroom": assignment.classroom,
                "releasable": releasable,
                "changed": changed,
                "editable": not assignment.classroom.is_archived,
            },
        )
    try:
        count = services.grades_release_all(
            assignment=assignment, by=request.user, now=timezone.now()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "Released %(count)s grade: that student can now read their feedback.",
                    "Released %(count)s grades: those students can now read their feedback.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("There were no finished grades waiting to be released."))
    return redirect("courseware:marking-queue", pk=assignment.pk)


def _spreadsheet(table: exports.Table, fmt: str, filename: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(table), content_type=exports.CSV_TYPE)
    else:
        response = HttpResponse(exports.to_xlsx(table), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _filename(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)[:60] or "marks"


@login_required
@require_GET
def marking_export(request, pk: int, fmt: str):
    """One assignment's marks, criterion by criterion, as CSV or XLSX (pseudonyms while names
    are hidden)."""
    assignment = selectors.essay_assignment_get_for_marker(user=request.user, pk=pk)
    marks = selectors.assignment_marks(assignment=assignment, now=timezone.now())
    return _spreadsheet(exports.assignment_marks_table(marks), fmt, _filename(assignment.title))


# --- Statistics -------------------------------------------------------------------------------


@login_required
@require_GET
def assignment_statistics(request, pk: int):
    """An essay assignment's finished marks: summary figures, the distribution and each
    criterion's average, as charts and as tables."""
    assignment = selectors.essay_assignment_get_for_marker(user=request.user, pk=pk)
    stats = selectors.assignment_statistics(assignment=assignment)
    return render(
        request,
        "courseware/marking/statistics.html",
        {
            "assignment": assignment,
            "classroom": assignment.classroom,
            "stats": stats,
            "chart_data": stats.chart_data(),
        },
    )


# --- The marking page -------------------------------------------------------------------------


def _overall_task(submission: Submission):
    """The source-analysis task the submission answers, when it is marked with one overall
    mark (set without a rubric); otherwise ``None``."""
    assignment = submission.assignment
    if assignment.kind != AssignmentKind.ANALYSIS:
        return None
    task = assignment.analysis_task
    return task if task.is_overall_mark else None


def _render_mark(request, submission: Submission, *, errors=None, posted=None, status=200):
    page = selectors.marking_page(submission=submission)
    can_edit = not submission.assignment.classroom.is_archived
    overall_task = _overall_task(submission)
    overall_mark = ""
    if posted is not None:
        overall_mark = posted.get("overall_mark", "")
    elif overall_task is not None and page.criteria:
        row = page.criteria[0]
        if row.grade is not None and row.grade.level_id is not None:
            overall_mark = row.grade.marks
    if posted is not None:
        # Show what the marker posted, not what is stored, so a refusal loses nothing.
        for row in page.criteria:
            pk = row.criterion.pk
            row.posted_level = posted.get(f"level-{pk}", "")
            row.posted_marks = posted.get(f"marks-{pk}", "")
            row.posted_comment = posted.get(f"comment-{pk}", "")
    return render(
        request,
        "courseware/marking/mark.html",
        {
            "page": page,
            "submission": submission,
            "assignment": submission.assignment,
            "classroom": submission.assignment.classroom,
            "grade": page.grade,
            "originality_report": latest_report(version=page.version),
            "errors": errors or [],
            "posted": posted,
            "overall_comment": posted.get("overall_comment", "")
            if posted is not None
            else (page.grade.overall_comment if page.grade else ""),
            "revision": page.grade.revision if page.grade else 0,
            "can_edit": can_edit,
            "can_release": can_edit
            and permissions.can_release(request.user, submission.assignment.classroom),
            "release_form": ReleaseForm(),
            "process": process_view_for(user=request.user, submission=submission),
            "revision_diff": revision_diff(submission=submission),
            "can_accommodate": permissions.can_set_accommodation(
                request.user, submission.assignment.classroom
            ),
            "overall_task": overall_task,
            "overall_mark": overall_mark,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mark_submission(request, pk: int):
    """Mark one handed-in essay: the essay beside the rubric, comments, inline comments and the
    grade's history; posting saves the marking (as a draft, or as ready)."""
    submission = selectors.submission_get_for_marker(user=request.user, pk=pk)
    if request.method == "GET":
        return _render_mark(request, submission)
    page_criteria = selectors.rubric_rows(rubric_id=selectors.rubric_id_for(submission=submission))
    # "Mark ready, then next" is its own button: a button posts one name and value.
    then_next = request.POST.get("then") == "next"
    action = "ready" if then_next else request.POST.get("action", "save")
    overall_mark = None
    try:
        criteria = criterion_marks_from_post(request.POST, page_criteria)
        revision = _optional_int(request.POST.get("revision"))
        if _overall_task(submission) is not None:
            criteria = []
            overall_mark = _optional_marks(request.POST.get("overall_mark"))
    except ValidationError as error:
        return _render_mark(
            request, submission, errors=error.messages, posted=request.POST, status=400
        )
    ready = {"ready": True, "draft": False}.get(action)
    try:
        services.grade_save(
            submission=submission,
            by=request.user,
            criteria=criteria,
            overall_comment=request.POST.get("overall_comment", "").replace("\r\n", "\n").strip(),
            ready=ready,
            revision=revision,
            now=timezone.now(),
            overall_mark=overall_mark,
        )
    except StaleGrade as error:
        return _render_mark(
            request, submission, errors=error.messages, posted=request.POST, status=409
        )
    except ValidationError as error:
        return _render_mark(
            request, submission, errors=error.messages, posted=request.POST, status=400
        )
    messages.success(
        request,
        _("Marked as ready to release.") if ready else _("Your marking is saved."),
    )
    if then_next:
        next_id = selectors.marking_page(submission=submission).next_id
        if next_id:
            return redirect("courseware:mark-submission", pk=next_id)
    return redirect("courseware:mark-submission", pk=submission.pk)


@login_required
@require_POST
def grade_release(request, pk: int):
    """Release one grade to its student, or return the essay with a request to resubmit."""
    submission = selectors.submission_get_for_marker(user=request.user, pk=pk)
    if not permissions.can_release(request.user, submission.assignment.classroom):
        raise Http404
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        return _render_mark(
            request,
            submission,
            errors=[_("The date to hand in again by is not a valid date and time.")],
            status=400,
        )
    resubmit_by: datetime | None = form.cleaned_data["resubmit_by"]
    try:
        services.grade_release(
            submission=submission,
            by=request.user,
            now=timezone.now(),
            resubmission=form.cleaned_data["resubmission"],
            resubmit_by=resubmit_by,
        )
    except ValidationError as error:
        return _render_mark(request, submission, errors=error.messages, status=400)
    if form.cleaned_data["resubmission"]:
        messages.success(
            request, _("Returned with a request to resubmit; the feedback is released.")
        )
    else:
        messages.success(request, _("Released: the student can now read their feedback."))
    return redirect("courseware:mark-submission", pk=submission.pk)


@login_required
@require_POST
def inline_comment_delete(request, pk: int):
    """Remove an inline comment (the grade's history keeps what it said)."""
    comment = selectors.inline_comment_get_for_marker(user=request.user, pk=pk)
    submission = comment.version.submission
    try:
        services.inline_comment_delete(comment=comment, by=request.user, now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Inline comment removed."))
    return redirect("courseware:mark-submission", pk=submission.pk)


# --- Comment bank -----------------------------------------------------------------------------


def _bank_owner(request):
    if not permissions.can_keep_comment_bank(request.user):
        raise PermissionDenied
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def comment_bank(request):
    """A teacher's saved comments: search them, save a new one, remove one."""
    owner = _bank_owner(request)
    form = CommentBankForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.comment_bank_add(
                    owner=owner,
                    text=form.cleaned_data["text"],
                    criterion_tag=form.cleaned_data["criterion_tag"],
                    now=timezone.now(),
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = 400
            else:
                messages.success(request, _("Comment saved to your bank."))
                return redirect("courseware:comment-bank")
        else:
            status = 400
    query = request.GET.get("q", "")[:200]
    return render(
        request,
        "courseware/marking/comment_bank.html",
        {
            "form": form,
            "query": query,
            "entries": selectors.comment_bank_for(owner=owner, query=query),
        },
        status=status,
    )


@login_required
@require_POST
def comment_bank_delete(request, pk: int):
    entry = selectors.comment_bank_entry_get_for(user=request.user, pk=pk)
    services.comment_bank_delete(entry=entry, by=request.user)
    messages.success(request, _("Comment removed from your bank."))
    return redirect("courseware:comment-bank")


# --- Gradebook --------------------------------------------------------------------------------


@login_required
@require_GET
def gradebook(request, pk: int):
    """The class's students × its essays and quizzes with totals and averages."""
    classroom = selectors.classroom_get_for_marker(user=request.user, pk=pk)
    book = selectors.gradebook(classroom=classroom)
    mark_url = _mark_url_maker()
    for row in book.rows:
        for cell in row.cells:
            if cell.submission_id:
                cell.url = mark_url(cell.submission_id)
    return render(
        request,
        "courseware/marking/gradebook.html",
        {"classroom": classroom, "book": book},
    )


@login_required
@require_GET
def gradebook_export(request, pk: int, fmt: str):
    """The gradebook as CSV or XLSX."""
    classroom = selectors.classroom_get_for_marker(user=request.user, pk=pk)
    book = selectors.gradebook(classroom=classroom)
    return _spreadsheet(
        exports.gradebook_table(book), fmt, _filename(f"{classroom.name}-gradebook")
    )


# --- A student's grades and feedback ---------------------------------------------------------


@login_required
@require_GET
def my_grades(request):
    """The grades released to the signed-in student and their quiz scores, newest first."""
    grades = selectors.student_grades(student=request.user)
    withheld = withheld_submission_ids(student=request.user, grades=grades)
    for grade in grades:
        grade.withheld = grade.submission_id in withheld
    return render(
        request,
        "courseware/marking/my_grades.html",
        {
            "grades": grades,
            "quiz_results": dashboards.student_quiz_results(student=request.user),
        },
    )


def _feedback_label(request, grade) -> str:
    submission = grade.submission
    naming = student_naming(assignment=submission.assignment, viewer=request.user)
    return naming.label(submission.student)


@login_required
@require_GET
def feedback(request, pk: int):
    """A submission's feedback as its student reads it (teachers see it before release too)."""
    grade = selectors.grade_get_for(user=request.user, submission_pk=pk)
    response = feedback_response_of(
        submission=grade.submission, version_number=grade.version.number
    )
    return render(
        request,
        "courseware/marking/feedback.html",
        {
            "feedback": selectors.feedback_for(grade=grade),
            "grade": grade,
            "assignment": grade.submission.assignment,
            "classroom": grade.submission.assignment.classroom,
            "label": _feedback_label(request, grade),
            "is_student": grade.submission.student_id == request.user.pk,
            # "Feedback first": the comments now, the mark once the student has responded.
            "withhold_mark": mark_withheld(grade=grade, user=request.user, response=response),
            "response": response,
        },
    )


@login_required
@require_GET
def feedback_download(request, pk: int):
    """The feedback as a PDF to keep."""
    grade = selectors.grade_get_for(user=request.user, submission_pk=pk)
    response = feedback_response_of(
        submission=grade.submission, version_number=grade.version.number
    )
    if mark_withheld(grade=grade, user=request.user, response=response):
        return redirect("courseware:feedback", pk=pk)
    pdf = feedback_pdf(
        feedback=selectors.feedback_for(grade=grade), label=_feedback_label(request, grade)
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = _filename(f"feedback-{grade.submission.assignment.title}")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
