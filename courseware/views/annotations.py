"""Annotation pages: a reading as annotated within an assignment, the thread actions (reply,
endorse, hide, delete), the teacher's view of the class's notes, participation marks and the CSV
export.

Every page works without JavaScript: each paragraph has an "Annotate" link that opens a plain
form under it (``?annotate=N``), where a passage can be quoted by pasting its words.
``static/js/annotations.js`` adds selecting a passage by mouse, touch or keyboard.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from courseware import exports, permissions
from courseware.models import AnnotationKind, AnnotationVisibility
from courseware.models.annotations import MAX_ANNOTATION_CHARS, MAX_QUOTE_CHARS
from courseware.selectors import annotations as selectors
from courseware.selectors.teaching import assignment_get_for
from courseware.services import annotations as services

# --- Forms ---------------------------------------------------------------------------------------


class AnnotationForm(forms.Form):
    paragraph = forms.IntegerField(min_value=1, max_value=10_000_000, widget=forms.HiddenInput)
    exact = forms.CharField(
        label=gettext_lazy("Passage (optional)"),
        required=False,
        max_length=MAX_QUOTE_CHARS,
        help_text=gettext_lazy(
            "Copy the words you mean from the paragraph; leave empty for the whole paragraph."
        ),
    )
    start = forms.IntegerField(
        required=False, min_value=0, max_value=10_000_000, widget=forms.HiddenInput
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=AnnotationKind.choices,
        initial=AnnotationKind.NOTE,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("Your note or question"),
        required=False,
        max_length=MAX_ANNOTATION_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tag = forms.CharField(label=gettext_lazy("Tag (optional)"), required=False, max_length=40)
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who sees it"),
        choices=AnnotationVisibility.choices,
        initial=AnnotationVisibility.CLASS,
        widget=forms.RadioSelect,
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Reply"),
        max_length=MAX_ANNOTATION_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MarkForm(forms.Form):
    mark = forms.DecimalField(
        label=gettext_lazy("Mark (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, max_length=300)


def _form_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _reading_url(assignment_pk: int, slug: str) -> str:
    return reverse("courseware:annotation-reading", kwargs={"pk": assignment_pk, "slug": slug})


def _thread_url(annotation) -> str:
    root_pk = annotation.parent_id or annotation.pk
    return f"{_reading_url(annotation.assignment_id, annotation.reading.slug)}#annotation-{root_pk}"


# --- The annotated reading -----------------------------------------------------------------------


@login_required
def annotation_reading(request, pk: int, slug: str):
    """A reading within an assignment with the class's annotations; POST adds one."""
    now = timezone.now()
    assignment, reading = selectors.assignment_reading_get_for(
        user=request.user, pk=pk, slug=slug, now=now
    )
    form = None
    status = 200
    annotate = request.GET.get("annotate", "")
    annotate_number = int(annotate) if annotate.isdigit() and len(annotate) < 8 else None
    if request.method == "POST":
        if not permissions.can_annotate(request.user, assignment):
            raise PermissionDenied(_("Only the class's students and teachers annotate."))
        form = AnnotationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                annotation = services.annotation_create(
                    assignment=assignment,
                    reading=reading,
                    author=request.user,
                    paragraph_number=data["paragraph"],
                    kind=data["kind"],
                    text=data["text"],
                    tag=data["tag"],
                    visibility=data["visibility"],
                    exact=data["exact"],
                    start=data["start"],
                    now=now,
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Your annotation is saved."))
                return redirect(f"{request.path}#annotation-{annotation.pk}")
        status = 400
        annotate_number = form.data.get("paragraph", "")
        annotate_number = int(annotate_number) if str(annotate_number).isdigit() else None
    page = selectors.annotated_reading(
        user=request.user, assignment=assignment, reading=reading, now=now
    )
    return render(
        request,
        "courseware/annotations/reading.html",
        {
            "assignment": assignment,
            "reading": reading,
            "page": page,
            "access": page.access,
            "annotate_number": annotate_number,
            "form": form or AnnotationForm(initial={"paragraph": annotate_number}),
            "reply_form": ReplyForm(),
        },
        status=status,
    )


def _annotation(request, pk: int):
    return selectors.annotation_get_for(user=request.user, pk=pk, now=timezone.now())


@login_required
@require_POST
def annotation_reply(request, pk: int):
    """Reply in a thread."""
    annotation, access = _annotation(request, pk)
    if not access.can_write:
        raise PermissionDenied(_("Only the class's students and teachers reply."))
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The reply was not saved: write something (up to 5000 characters).")
        )
        return redirect(_thread_url(annotation))
    try:
        services.annotation_reply(
            parent=annotation,
            author=request.user,
            text=form.cleaned_data["text"],
            now=timezone.now(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your reply is saved."))
    return redirect(_thread_url(annotation))


def _flag(request) -> bool | None:
    value = request.POST.get("value")
    return {"on": True, "off": False}.get(value)


@login_required
@require_POST
def annotation_endorse(request, pk: int):
    """A teacher endorses an annotation (``value=on``) or takes it back (``value=off``)."""
    annotation, access = _annotation(request, pk)
    if not access.moderator:
        raise PermissionDenied(_("Teachers endorse annotations."))
    value = _flag(request)
    if value is None:
        messages.error(request, _("Say whether to endorse it or not."))
        return redirect(_thread_url(annotation))
    try:
        services.annotation_endorse(
            annotation=annotation, by=request.user, endorsed=value, now=timezone.now()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_thread_url(annotation))


@login_required
@require_POST
def annotation_hide(request, pk: int):
    """A teacher hides an annotation from the class (``value=on``) or shows it (``value=off``)."""
    annotation, access = _annotation(request, pk)
    if not access.moderator:
        raise PermissionDenied(_("Teachers hide annotations."))
    value = _flag(request)
    if value is None:
        messages.error(request, _("Say whether to hide it or show it."))
        return redirect(_thread_url(annotation))
    services.annotation_hide(
        annotation=annotation, by=request.user, hidden=value, now=timezone.now()
    )
    messages.success(request, _("Hidden from the class.") if value else _("Shown to the class."))
    return redirect(_thread_url(annotation))


@login_required
@require_POST
def annotation_delete(request, pk: int):
    """Delete an annotation (its writer, or a teacher); replies to it stay."""
    annotation, access = _annotation(request, pk)
    if not permissions.can_delete_annotation(request.user, annotation):
        raise PermissionDenied(_("Only its writer or a teacher deletes an annotation."))
    services.annotation_delete(annotation=annotation, by=request.user, now=timezone.now())
    messages.success(request, _("Deleted."))
    return redirect(_thread_url(annotation))


# --- The teacher's view --------------------------------------------------------------------------


def _moderated_assignment(request, pk: int):
    assignment = assignment_get_for(user=request.user, pk=pk, now=timezone.now())
    if not permissions.can_moderate_annotations(request.user, assignment.classroom):
        raise PermissionDenied(_("The class's teachers see this."))
    return assignment


@login_required
def annotation_overview(request, pk: int, slug: str):
    """Where the class annotated a reading, its unanswered questions first, and each student's
    participation with the teacher's mark."""
    now = timezone.now()
    assignment, reading = selectors.assignment_reading_get_for(
        user=request.user, pk=pk, slug=slug, now=now
    )
    if not permissions.can_moderate_annotations(request.user, assignment.classroom):
        raise PermissionDenied(_("The class's teachers see this."))
    overview = selectors.class_overview(
        user=request.user, assignment=assignment, reading=reading, now=now
    )
    return render(
        request,
        "courseware/annotations/overview.html",
        {"assignment": assignment, "reading": reading, "overview": overview},
    )


@login_required
@require_POST
def annotation_settings(request, pk: int):
    """Set "post before you see the class's notes" for an assignment."""
    assignment = _moderated_assignment(request, pk)
    value = _flag(request)
    if value is None:
        messages.error(request, _("Say whether students post before they see the class's notes."))
    else:
        services.annotation_settings_set(
            assignment=assignment, post_before_seeing=value, now=timezone.now()
        )
        messages.success(request, _("Saved."))
    return redirect(_back(request, assignment))


def _back(request, assignment) -> str:
    """Back to the overview the form was on (a reading of this assignment), else the
    assignment."""
    slug = request.POST.get("reading", "")
    readings = selectors.annotatable_readings(assignment=assignment)
    if selectors.is_slug(slug) and readings.filter(slug=slug).exists():
        return reverse("courseware:annotation-overview", kwargs={"pk": assignment.pk, "slug": slug})
    return assignment.get_absolute_url()


@login_required
@require_POST
def annotation_mark(request, pk: int, student_pk: int):
    """Set a student's participation mark for the assignment's annotations."""
    assignment = _moderated_assignment(request, pk)
    student = get_user_model().objects.filter(pk=student_pk).first()
    if student is None:
        raise Http404
    form = MarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The mark was not saved: give a number from 0 to 100."))
        return redirect(_back(request, assignment))
    try:
        services.annotation_mark_set(
            assignment=assignment,
            student=student,
            mark=form.cleaned_data["mark"],
            comment=form.cleaned_data["comment"],
            by=request.user,
            now=timezone.now(),
        )
    except ValidationError as error:
        if "student" in getattr(error, "error_dict", {}):
            raise Http404 from None
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Participation mark saved for %(name)s.") % {"name": student.name}
        )
    return redirect(_back(request, assignment))


@login_required
def annotation_export(request, pk: int):
    """The class's shared annotations in an assignment as CSV."""
    assignment = _moderated_assignment(request, pk)
    header = [
        _("Annotation"),
        _("In reply to"),
        _("Reading"),
        _("Paragraph"),
        _("Quoted text"),
        _("Kind"),
        _("Tag"),
        _("Text"),
        _("Author"),
        _("Username"),
        _("Written"),
        _("Endorsed"),
        _("Hidden"),
        _("Deleted"),
    ]
    rows = []
    for a in selectors.annotations_for_export(assignment=assignment):
        number = a.paragraph.number if a.paragraph_id else a.paragraph_number
        rows.append(
            [
                a.pk,
                a.parent_id,
                a.reading.slug,
                number,
                a.exact,
                a.get_kind_display() if a.parent_id is None else _("Reply"),
                a.tag,
                a.text,
                a.author.name,
                a.author.username,
                timezone.localtime(a.created_at).isoformat(timespec="minutes"),
                _("yes") if a.endorsed_at else "",
                _("yes") if a.hidden_at else "",
                _("yes") if a.deleted_at else "",
            ]
        )
    table = exports.Table(title=assignment.title, header=header, rows=rows)
    response = HttpResponse(exports.to_csv(table), content_type=exports.CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="annotations-{assignment.pk}.csv"'
    return response
