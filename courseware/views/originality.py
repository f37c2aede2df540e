"""Originality report pages: the report of a handed-in version, its status for the page to
poll, a re-check and showing the report to the student.

Each view parses, checks a capability (through ``selectors.originality.report_access``, which
answers 404 for anything the user may not see), calls one service and responds.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from courseware.models import MatchKind
from courseware.selectors import originality as selectors
from courseware.selectors.naming import student_naming
from courseware.selectors.process import process_view_for
from courseware.services import originality as services


def _legend() -> list[tuple[str, str]]:
    return [(kind.value, kind.label) for kind in MatchKind]


@login_required
@require_GET
def report_detail(request, pk: int, number: int):
    """The essay with its matches highlighted and labelled beside their sources, the score,
    and the run's status while it runs."""
    access = selectors.report_access(user=request.user, pk=pk, number=number)
    report = access.report
    matches, paragraphs, sources, visible = [], [], {}, set()
    if report is not None and report.status == "done":
        matches = selectors.report_matches(report=report, viewer=request.user)
        text = selectors.version_text(version=access.version)
        paragraphs = selectors.essay_segments(text, matches)
        # Another student's words and name only where the viewer may read that essay.
        visible = selectors.visible_peer_submissions(user=request.user, matches=matches)
        sources = {
            match.pk: selectors.source_view(
                match,
                peer_visible=match.peer_version is not None
                and match.peer_version.submission_id in visible,
            )
            for match in matches
        }
    is_student = access.submission.student_id == request.user.pk
    return render(
        request,
        "courseware/originality/report.html",
        {
            "submission": access.submission,
            "assignment": access.submission.assignment,
            "version": access.version,
            "report": report,
            "matches": [(match, sources[match.pk]) for match in matches],
            "paragraphs": paragraphs,
            "legend": _legend(),
            "can_run": access.can_run,
            "can_share": access.can_share,
            # Peer essays whose name and words the viewer may see; to anyone else (a student, a
            # teacher of another class) a peer overlap is "another student's essay".
            "visible_peers": visible,
            "student_label": student_naming(
                assignment=access.submission.assignment, viewer=request.user
            ).label(access.submission.student),
            "peer_labels": _peer_labels(matches, visible, request.user),
            "is_student": is_student,
            # The writing process of the essay, as the viewer may see it (advisory evidence).
            "process": process_view_for(user=request.user, submission=access.submission),
        },
    )


def _peer_labels(matches, visible: set[int], user) -> dict[int, str]:
    """Each visible peer essay's student as the viewer may name them (pseudonyms while that
    essay's assignment is marked anonymously)."""
    namings, labels = {}, {}
    for match in matches:
        peer = match.peer_version.submission if match.peer_version is not None else None
        if peer is None or peer.pk not in visible:
            continue
        assignment = peer.assignment
        if assignment.pk not in namings:
            namings[assignment.pk] = student_naming(assignment=assignment, viewer=user)
        labels[peer.pk] = namings[assignment.pk].label(peer.student)
    return labels


@login_required
@require_GET
def report_status(request, pk: int, number: int):
    """The latest run's status as JSON, for the report page to poll while it runs."""
    access = selectors.report_access(user=request.user, pk=pk, number=number)
    report = access.report
    if report is None:
        return JsonResponse({"status": "none", "progress": 0, "score": None})
    return JsonResponse(
        {
            "run": report.run,
            "status": report.status,
            "status_label": report.get_status_display(),
            "progress": report.progress,
            "score": None if report.score is None else float(report.score),
            "finished": report.is_finished,
        }
    )


@login_required
@require_POST
def report_recheck(request, pk: int, number: int):
    """Queue a new run of the check on this version."""
    access = selectors.report_access(user=request.user, pk=pk, number=number)
    if not access.can_run:
        raise Http404
    report = services.originality_report_request(
        version=access.version, by=request.user, now=timezone.now()
    )
    messages.success(request, _("Check %(run)s requested.") % {"run": report.run})
    return redirect("courseware:originality-report", pk=pk, number=number)


@login_required
@require_POST
def report_visibility(request, pk: int, number: int):
    """Show the report to the student, or hide it (``visible`` is "1" or "0")."""
    access = selectors.report_access(user=request.user, pk=pk, number=number)
    if not access.can_share or access.report is None:
        raise Http404
    visible = request.POST.get("visible")
    if visible not in ("0", "1"):
        return HttpResponseBadRequest(_("Say whether to show the report: visible=1 or 0."))
    services.originality_report_set_visibility(report=access.report, visible=visible == "1")
    messages.success(
        request,
        _("The student can now read this report.")
        if visible == "1"
        else _("The report is hidden from the student."),
    )
    return redirect("courseware:originality-report", pk=pk, number=number)
