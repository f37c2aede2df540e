"""Help request pages: a student asks about an assignment, the class's teachers see the open
requests, reply and resolve. Only the student and the class's teachers see a request (404 for
anyone else)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from courseware import permissions
from courseware.models import HELP_TEXT_MAX_CHARS
from courseware.selectors import help as selectors
from courseware.selectors.teaching import assignment_get_for, classroom_get_for
from courseware.services import help as services

SHOW = {"open": _lazy("Open"), "resolved": _lazy("Resolved"), "all": _lazy("All")}


class HelpRequestForm(forms.Form):
    text = forms.CharField(
        label=_lazy("What would you like help with?"),
        max_length=HELP_TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    reference = forms.CharField(
        label=_lazy("Paragraph (optional)"),
        required=False,
        max_length=200,
        help_text=_lazy("A paragraph of a reading, as in an essay: [[reading-slug#p-12]]."),
    )


class HelpReplyForm(forms.Form):
    text = forms.CharField(
        label=_lazy("Your reply"),
        max_length=HELP_TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _refusal_on_form(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def assignment_help(request, pk: int):
    """A student's help requests about one assignment, and the form to ask another. The
    class's teachers are sent to the class's list; anyone else gets a 404."""
    assignment = assignment_get_for(user=request.user, pk=pk, now=timezone.now())
    if not permissions.can_ask_for_help(request.user, assignment):
        if permissions.can_answer_help_requests(request.user, assignment.classroom):
            return redirect("courseware:classroom-help", pk=assignment.classroom_id)
        raise Http404
    form = HelpRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                help_request = services.help_request_ask(
                    assignment=assignment,
                    student=request.user,
                    text=form.cleaned_data["text"],
                    reference=form.cleaned_data["reference"],
                    now=timezone.now(),
                )
            except ValidationError as error:
                _refusal_on_form(form, error)
            else:
                messages.success(request, _("Your question is with your teacher."))
                return redirect(help_request)
        status = 400
    return render(
        request,
        "courseware/help/ask.html",
        {
            "assignment": assignment,
            "classroom": assignment.classroom,
            "form": form,
            "help_requests": selectors.help_requests_of_student(
                student=request.user, assignment=assignment
            ),
        },
        status=status,
    )


def _render_detail(request, help_request, *, reply_form=None, status=200):
    can_answer = permissions.can_answer_help_requests(
        request.user, help_request.assignment.classroom
    )
    return render(
        request,
        "courseware/help/detail.html",
        {
            "help_request": help_request,
            "assignment": help_request.assignment,
            "classroom": help_request.assignment.classroom,
            "can_answer": can_answer,
            "reply_form": (reply_form or HelpReplyForm()) if can_answer else None,
        },
        status=status,
    )


@login_required
def help_detail(request, pk: int):
    """One help request with its replies; the class's teachers reply and resolve here."""
    return _render_detail(request, selectors.help_request_get_for(user=request.user, pk=pk))


def _answerable(request, pk: int):
    """The request, if the user may see it (else 404) and answer it (else 403)."""
    help_request = selectors.help_request_get_for(user=request.user, pk=pk)
    if not permissions.can_answer_help_requests(request.user, help_request.assignment.classroom):
        raise PermissionDenied
    return help_request


@login_required
@require_POST
def help_reply(request, pk: int):
    help_request = _answerable(request, pk)
    form = HelpReplyForm(request.POST)
    if form.is_valid():
        try:
            services.help_request_reply(
                help_request=help_request,
                by=request.user,
                text=form.cleaned_data["text"],
                now=timezone.now(),
            )
        except ValidationError as error:
            _refusal_on_form(form, error)
        else:
            if request.POST.get("resolve"):
                services.help_request_resolve(
                    help_request=help_request, by=request.user, now=timezone.now()
                )
            messages.success(request, _("Your reply is sent."))
            return redirect(help_request)
    return _render_detail(request, help_request, reply_form=form, status=400)


@login_required
@require_POST
def help_resolve(request, pk: int):
    """Mark a request resolved (or, with ``reopen``, open again)."""
    help_request = _answerable(request, pk)
    if request.POST.get("reopen"):
        services.help_request_reopen(help_request=help_request, by=request.user)
        messages.success(request, _("The request is open again."))
    else:
        now = timezone.now()
        services.help_request_resolve(help_request=help_request, by=request.user, now=now)
        messages.success(request, _("Marked resolved."))
    return redirect(help_request)


@login_required
def classroom_help(request, pk: int):
    """A class's help requests for its teachers: open ones (oldest first), resolved, or all;
    ``?assignment=<id>`` narrows them to one of the class's assignments (any other value shows
    the whole class)."""
    classroom = classroom_get_for(user=request.user, pk=pk)
    if not permissions.can_answer_help_requests(request.user, classroom):
        raise Http404
    show = request.GET.get("show", "open")
    if show not in SHOW:
        show = "open"
    assignment = None
    assignment_id = request.GET.get("assignment", "")
    if assignment_id.isdigit() and len(assignment_id) < 19:
        assignment = classroom.assignments.filter(pk=int(assignment_id)).first()
    query = f"&assignment={assignment.pk}" if assignment is not None else ""
    return render(
        request,
        "courseware/help/classroom_list.html",
        {
            "classroom": classroom,
            "assignment": assignment,
            "help_requests": selectors.help_requests_for_classroom(
                classroom=classroom, show=show, assignment=assignment
            ),
            "show": show,
            "shows": [(value, label, f"?show={value}{query}") for value, label in SHOW.items()],
        },
    )
