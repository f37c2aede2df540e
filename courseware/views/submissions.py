"""Essay pages: the editor a student writes in, the receipt and versions after handing in, and
the read-only view of a submission for the class's teachers.

The editor works without JavaScript (the form posts the text it shows, to save or to submit);
``static/js/editor.js`` adds autosave, the revision check's conflict choice, a copy on the
device, preview, the readings panel and the live word count. Each view parses, checks a
capability, calls one service and responds; a refusal re-renders the editor with the text the
student posted, so no word is lost to an error.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from courseware import permissions
from courseware.models import Submission
from courseware.rendering import count_words, render_essay
from courseware.selectors import submissions as selectors
from courseware.selectors.analysis import evidence_for_essay
from courseware.selectors.naming import student_naming
from courseware.services import submissions as services
from courseware.services.submissions import MAX_ESSAY_WORDS, StaleRevision


class EssayForm(forms.Form):
    """What the editor posts: the text it shows, the revision that text was based on and, to
    hand it in, the honesty declaration."""

    text = forms.CharField(required=False, strip=False, widget=forms.Textarea)
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    honesty = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "I declare that this essay is my own work, that I have cited every source I used, "
            "and that I have not submitted it elsewhere."
        ),
    )

    def clean_text(self) -> str:
        # Browsers post a textarea's line breaks as CRLF; the editor's own saves send LF.
        # Normalised, the same essay posted either way is the same text, not a new revision.
        return self.cleaned_data["text"].replace("\r\n", "\n")


def _render_editor(
    request,
    submission: Submission,
    *,
    text: str | None = None,
    revision: int | None = None,
    errors: list[str] | None = None,
    field_errors: dict | None = None,
    conflict: Submission | None = None,
    status: int = 200,
):
    page = selectors.editor_page(submission=submission, now=timezone.now())
    text = submission.draft_text if text is None else text
    context = {
        "page": page,
        "submission": submission,
        "assignment": page.assignment,
        "prompt": page.prompt,
        "deadline": page.deadline,
        "text": text,
        "revision": submission.revision if revision is None else revision,
        "word_count": count_words(text),
        "max_essay_words": MAX_ESSAY_WORDS,
        "errors": errors or [],
        "field_errors": field_errors or {},
        "conflict": conflict,
        "honesty_label": EssayForm.base_fields["honesty"].label,
        # The question stays open until there is something written under it.
        "question_open": not text.strip(),
        "evidence_tasks": evidence_for_essay(submission=submission),
    }
    return render(request, "courseware/submissions/editor.html", context, status=status)


def _writable_submission(request, pk: int) -> Submission:
    submission = selectors.submission_get_for(user=request.user, pk=pk)
    if not permissions.can_write_submission(request.user, submission):
        raise PermissionDenied
    return submission


def _refused(request, submission: Submission, form: EssayForm, error: ValidationError):
    """Re-show the editor with the posted text and why it was refused."""
    text = form.cleaned_data.get("text", "")
    if isinstance(error, StaleRevision):
        stored = error.submission
        return _render_editor(
            request,
            stored,
            text=text,
            # Saving again now is the explicit choice to keep this text over the newer one.
            revision=stored.revision,
            errors=error.messages,
            conflict=stored,
            status=409,
        )
    field_errors = error.message_dict if hasattr(error, "error_dict") else {}
    return _render_editor(
        request,
        submission,
        text=text,
        revision=form.cleaned_data.get("revision"),
        errors=[] if field_errors else error.messages,
        field_errors=field_errors,
        status=400,
    )


def _bad_form(request, submission: Submission, form: EssayForm):
    return _render_editor(
        request,
        submission,
        text=form.data.get("text", ""),
        errors=[_("The form was incomplete; nothing was saved. Please try again.")],
        status=400,
    )


def _render_start(request, assignment, *, now, errors=None):
    deadline = selectors.essay_deadline(assignment=assignment, student=request.user, now=now)
    return render(
        request,
        "courseware/submissions/start.html",
        {"assignment": assignment, "deadline": deadline, "errors": errors or []},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def essay_write(request, pk: int):
    """A student's essay for an assignment: the editor, or (before they start) the question and
    a button to start; once handed in for good, the receipt."""
    now = timezone.now()
    assignment = selectors.essay_assignment_get_for_student(user=request.user, pk=pk, now=now)
    submission = selectors.submission_of(assignment=assignment, student=request.user)
    if request.method == "POST":
        if submission is None:
            try:
                services.submission_start(assignment=assignment, student=request.user, now=now)
            except ValidationError as error:
                return _render_start(request, assignment, now=now, errors=error.messages)
        return redirect("courseware:essay-write", pk=assignment.pk)
    if submission is None:
        return _render_start(request, assignment, now=now)
    if not submission.is_editable:
        return redirect(submission)
    return _render_editor(request, submission)


@login_required
@require_POST
def submission_draft_save(request, pk: int):
    """Save the draft the form shows (the editor without JavaScript, or "Save now")."""
    submission = _writable_submission(request, pk)
    form = EssayForm(request.POST)
    if not form.is_valid():
        return _bad_form(request, submission, form)
    try:
        services.submission_draft_save(
            submission=submission,
            text=form.cleaned_data["text"],
            revision=form.cleaned_data["revision"],
            by=request.user,
            now=timezone.now(),
        )
    except ValidationError as error:
        return _refused(request, submission, form, error)
    messages.success(request, _("Your draft is saved."))
    return redirect("courseware:essay-write", pk=submission.assignment_id)


@login_required
@require_POST
def submission_submit(request, pk: int):
    """Hand in the text the form shows, at the revision it was based on."""
    submission = _writable_submission(request, pk)
    form = EssayForm(request.POST)
    if not form.is_valid():
        return _bad_form(request, submission, form)
    try:
        version = services.submission_submit(
            submission=submission,
            text=form.cleaned_data["text"],
            revision=form.cleaned_data["revision"],
            honesty_declared=form.cleaned_data["honesty"],
            by=request.user,
            now=timezone.now(),
        )
    except ValidationError as error:
        return _refused(request, submission, form, error)
    messages.success(
        request,
        _("Handed in: version %(number)s, %(words)s words. Your receipt is below.")
        % {"number": version.number, "words": version.word_count},
    )
    return redirect(submission)


@login_required
def submission_detail(request, pk: int):
    """A submission: its receipt and versions, the latest version's text with paragraph
    numbers, and what the student may do next."""
    submission = selectors.submission_get_for(user=request.user, pk=pk)
    versions = selectors.submission_versions(submission=submission)
    latest = None
    rendered = None
    if versions:
        latest = selectors.submission_version_get(submission=submission, number=versions[0].number)
        rendered = render_essay(
            latest.text,
            citable=selectors.citable_readings(assignment=submission.assignment),
            id_prefix=f"v{latest.number}",
            number_paragraphs=True,
        )
    is_writer = permissions.can_write_submission(request.user, submission)
    return render(
        request,
        "courseware/submissions/detail.html",
        {
            "submission": submission,
            "assignment": submission.assignment,
            "versions": versions,
            "latest": latest,
            "rendered": rendered,
            "is_writer": is_writer,
            "can_revise": is_writer and submission.is_editable,
            "student_label": student_naming(
                assignment=submission.assignment, viewer=request.user
            ).label(submission.student),
        },
    )


@login_required
def submission_version(request, pk: int, number: int):
    """One handed-in version, as it was handed in, with paragraph numbers."""
    submission = selectors.submission_get_for(user=request.user, pk=pk)
    version = selectors.submission_version_get(submission=submission, number=number)
    rendered = render_essay(
        version.text,
        citable=selectors.citable_readings(assignment=submission.assignment),
        id_prefix=f"v{version.number}",
        number_paragraphs=True,
    )
    return render(
        request,
        "courseware/submissions/version.html",
        {
            "submission": submission,
            "assignment": submission.assignment,
            "version": version,
            "rendered": rendered,
            "is_writer": permissions.can_write_submission(request.user, submission),
            "student_label": student_naming(
                assignment=submission.assignment, viewer=request.user
            ).label(submission.student),
        },
    )
