"""Roster pages: a school admin uploads a OneRoster export, checks the preview, imports it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courseware import permissions
from courseware.forms_rosters import RosterUploadForm
from courseware.models import RosterImport
from courseware.oneroster import RosterFileError, read_archive
from courseware.selectors.rosters import KINDS, roster_imports_recent
from courseware.services import rosters as services

UPLOAD_TEMPLATE = "courseware/rosters/upload.html"
PREVIEW_TEMPLATE = "courseware/rosters/preview.html"


def _refuse_unless_admin(request) -> None:
    if not permissions.can_import_rosters(request.user):
        raise PermissionDenied


@login_required
def roster_import(request):
    """Upload an export; a readable one is kept and its preview shown, an unreadable one says
    why and nothing is kept."""
    _refuse_unless_admin(request)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "imports": roster_imports_recent()}
    if request.method != "POST":
        return render(request, UPLOAD_TEMPLATE, context)
    if form.is_valid():
        data = form.cleaned_data["file"]
        try:
            read_archive(data)
        except RosterFileError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            upload = services.roster_import_record(
                archive=data,
                file_name=request.FILES["file"].name,
                course=form.cleaned_data["course"],
                by=request.user,
                now=timezone.now(),
            )
            return redirect("courseware:roster-import-preview", pk=upload.pk)
    return render(request, UPLOAD_TEMPLATE, context, status=400)


def _preview_context(upload: RosterImport, plan) -> dict:
    counts = plan.counts() if plan is not None else upload.summary
    return {
        "upload": upload,
        "plan": plan,
        "counts": [(kind, counts.get(kind, {})) for kind in KINDS],
    }


@login_required
def roster_import_preview(request, pk: int):
    """What importing the upload would do now, row errors first; or what it did."""
    _refuse_unless_admin(request)
    upload = get_object_or_404(RosterImport.objects.select_related("course", "uploaded_by"), pk=pk)
    plan = None
    if not upload.is_applied:
        try:
            plan = services.roster_import_plan(upload=upload)
        except RosterFileError as error:  # kept before a change to what is accepted
            messages.error(request, " ".join(error.messages))
            return redirect("courseware:roster-import")
    return render(request, PREVIEW_TEMPLATE, _preview_context(upload, plan))


@login_required
@require_POST
def roster_import_confirm(request, pk: int):
    """Import the upload whole; any error imports nothing and shows the preview again."""
    _refuse_unless_admin(request)
    upload = get_object_or_404(RosterImport, pk=pk)
    try:
        plan = services.roster_import_apply(upload=upload, now=timezone.now())
    except services.RosterRejected as rejected:
        return render(
            request, PREVIEW_TEMPLATE, _preview_context(upload, rejected.plan), status=400
        )
    except (ValidationError, RosterFileError) as error:
        text = " ".join(getattr(error, "messages", []) or [str(error)])
        messages.error(request, text)
        return redirect("courseware:roster-import-preview", pk=upload.pk)
    messages.success(
        request,
        _("The roster is imported: %(changes)s changes.") % {"changes": plan.changes()},
    )
    return redirect("courseware:roster-import-preview", pk=upload.pk)
