"""Reads for originality reports: who may see which report, and what each page needs.

A report is seen by the teachers of the class and school admins, and by its student only when
a teacher has shown it to them (``permissions.can_view_originality_report``); to anyone else it
does not exist (404). The report page's query count is fixed here and does not grow with the
number of matches, readings or peers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.http import Http404

from accounts.permissions import is_school_admin
from courseware import permissions
from courseware.models import (
    Assignment,
    MatchKind,
    Membership,
    MembershipRole,
    OriginalityMatch,
    OriginalityReport,
    PeerIndexEntry,
    ReportStatus,
    Submission,
    SubmissionVersion,
)
from courseware.selectors.submissions import citable_readings, submission_get_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def citable_reading_ids(*, assignment: Assignment) -> list[int]:
    """The readings an essay is checked against: the prompt's readings and every reading set
    in the course's units (the same readings the essay may cite)."""
    return list(citable_readings(assignment=assignment).values_list("pk", flat=True))


def peer_versions(*, version: SubmissionVersion) -> QuerySet[SubmissionVersion]:
    """The latest handed-in version of every other student's essay on the same prompt: this
    class's assignment and the same prompt set in other classes, this year's or earlier."""
    submission = version.submission
    return (
        SubmissionVersion.objects.filter(
            submission__assignment__prompt_id=submission.assignment.prompt_id,
            number=F("submission__current_version"),
        )
        .exclude(submission__student_id=submission.student_id)
        .order_by("pk")
    )


PEER_COUNT_TIMEOUT = 300  # seconds a prompt's count of handed-in essays is kept in the cache


def handed_in_count_key(prompt_id: int) -> str:
    return f"originality:handed-in:{prompt_id}"


def peer_count(*, version: SubmissionVersion) -> int:
    """How many essays ``peer_versions`` holds: the prompt's handed-in essays less the writer's.

    Counting a prompt's essays reads an index entry for each of them (0.1 s at 100,000), so
    the count is kept in the cache: made by the first check that needs it, one added by each
    essay indexed for the first time (``services.originality.handed_in_count_added``), made
    again after ``PEER_COUNT_TIMEOUT``. The writer's own essays are counted afresh (a few
    rows). A hand-in committed while the count is being made may be missed until it is made
    again: the figure a report shows may be short by the essays handed in that moment.
    """
    submission = version.submission
    prompt_id = submission.assignment.prompt_id
    handed_in = Submission.objects.filter(assignment__prompt_id=prompt_id, current_version__gte=1)
    key = handed_in_count_key(prompt_id)
    total = cache.get(key)
    if total is None:
        total = handed_in.count()
        cache.add(key, total, PEER_COUNT_TIMEOUT)
    own = handed_in.filter(student_id=submission.student_id).count()
    return max(total - own, 0)


PEER_HITS_LIMIT = 200  # essays sharing most keys; the checker aligns the first few of them


def peer_candidate_hits(*, prompt_id: int, student_id: int, keys: list[int]) -> Counter:
    """Version id → how many of these band keys it shares, for the other students' latest
    essays on the prompt (``PeerIndexEntry``), most first: one query on the (prompt, key)
    index, whatever the number of essays indexed."""
    rows = (
        PeerIndexEntry.objects.filter(prompt_id=prompt_id, key__in=keys)
        .exclude(student_id=student_id)
        .values("version_id")
        .annotate(shared=Count("version_id"))
        .order_by("-shared", "version_id")[:PEER_HITS_LIMIT]
    )
    return Counter({row["version_id"]: row["shared"] for row in rows})


def reports_missing_overlap_with(
    *, version: SubmissionVersion, peer_version_ids: set[int]
) -> list[SubmissionVersion]:
    """Those of these versions still current whose latest report does not show an overlap with
    ``version`` (they were checked before it was handed in, or not at all)."""
    candidates = list(
        SubmissionVersion.objects.filter(
            pk__in=peer_version_ids, number=F("submission__current_version")
        )
        .defer("text")
        .order_by("pk")
    )
    latest = latest_reports_for(versions=candidates)
    showing = set(
        OriginalityMatch.objects.filter(
            report__in=[r.pk for r in latest.values()],
            kind=MatchKind.PEER_OVERLAP,
            peer_version=version,
        ).values_list("report__version_id", flat=True)
    )
    return [v for v in candidates if v.pk not in showing]


def latest_report(*, version: SubmissionVersion) -> OriginalityReport | None:
    """The version's latest run, if it has been checked."""
    return version.originality_reports.order_by("-run").first()


def latest_reports_for(*, versions: list[SubmissionVersion]) -> dict[int, OriginalityReport]:
    """Version id → its latest report, for a list of versions in one query (marking lists)."""
    latest: dict[int, OriginalityReport] = {}
    for report in OriginalityReport.objects.filter(version__in=versions).order_by(
        "version_id", "-run"
    ):
        latest.setdefault(report.version_id, report)
    return latest


@dataclass
class QueueOriginality:
    """What the marking queue shows of a submission's latest version's latest report."""

    status: str
    status_label: str
    score: object  # Decimal | None
    peer_overlap: bool  # the report shows overlap with another student's essay


def queue_originality(*, assignment: Assignment) -> dict[int, QueueOriginality]:
    """Submission id → its current version's latest report, for every essay of the assignment,
    in one query (the marking queue). Both essays of a copied pair show the peer overlap: the
    later one when it is checked, the earlier one when the re-check that queues finishes."""
    peer = OriginalityMatch.objects.filter(report=OuterRef("pk"), kind=MatchKind.PEER_OVERLAP)
    reports = (
        OriginalityReport.objects.filter(
            version__submission__assignment=assignment,
            version__number=F("version__submission__current_version"),
        )
        .annotate(submission_id=F("version__submission_id"), peer_overlap=Exists(peer))
        .only("pk", "status", "score", "run", "version_id")
        .order_by("version__submission_id", "-run")
    )
    found: dict[int, QueueOriginality] = {}
    for report in reports:
        if report.submission_id not in found:
            found[report.submission_id] = QueueOriginality(
                status=report.status,
                status_label=str(ReportStatus(report.status).label),
                score=report.score,
                peer_overlap=report.peer_overlap,
            )
    return found


@dataclass
class ReportAccess:
    """A version the user may see, its latest report and what the user may do with it."""

    submission: Submission
    version: SubmissionVersion
    report: OriginalityReport | None
    can_run: bool
    can_share: bool


def report_access(*, user: User | AnonymousUser, pk: int, number: int) -> ReportAccess:
    """The originality report of version ``number`` of submission ``pk`` as ``user`` may see it.

    404 when the user may not see the submission, when the version does not exist, and for a
    student whose report has not been shown to them (or who has none yet): a report the user
    may not see looks the same as a missing one.
    """
    submission = submission_get_for(user=user, pk=pk)
    version = (
        SubmissionVersion.objects.defer("text").filter(submission=submission, number=number).first()
    )
    if version is None:
        raise Http404
    version.submission = submission
    report = latest_report(version=version)
    can_run = permissions.can_run_originality_check(user, submission)
    if not can_run and (
        report is None or not permissions.can_view_originality_report(user, report)
    ):
        raise Http404
    return ReportAccess(
        submission=submission,
        version=version,
        report=report,
        can_run=can_run,
        can_share=permissions.can_share_originality_report(user, submission),
    )


@dataclass
class Segment:
    """A stretch of the essay's text, highlighted when ``match`` is set."""

    text: str
    match: OriginalityMatch | None = None


CONTEXT_WORDS = 40  # of the source either side of the matched words


@dataclass
class SourceView:
    """A match's source as the report shows it: the paragraph (or peer essay) with the matched
    words split out, or only the words kept when the source has changed since."""

    before: str
    matched: str
    after: str


def version_text(*, version: SubmissionVersion) -> str:
    """The text of a version read without it (``report_access`` defers it)."""
    return SubmissionVersion.objects.values_list("text", flat=True).get(pk=version.pk)


def report_matches(
    *, report: OriginalityReport, viewer: User | AnonymousUser | None = None
) -> list[OriginalityMatch]:
    """A report's matches with their sources, in essay order (one query). With ``viewer``, each
    match says whether the viewer teaches the class of its peer essay (``peer_taught``)."""
    matches = OriginalityMatch.objects.filter(report=report)
    if viewer is not None and viewer.is_authenticated:
        matches = matches.annotate(
            peer_taught=Exists(
                Membership.objects.filter(
                    user=viewer,
                    role=MembershipRole.TEACHER,
                    classroom_id=OuterRef("peer_version__submission__assignment__classroom_id"),
                )
            )
        )
    return list(
        matches.select_related(
            "paragraph__reading",
            "cited_paragraph__reading",
            "peer_version__submission__student",
            "peer_version__submission__assignment__classroom",
        ).order_by("start", "pk")
    )


def essay_segments(text: str, matches: list[OriginalityMatch]) -> list[list[Segment]]:
    """The essay cut into paragraphs of plain and highlighted stretches. Overlapping matches
    are shown once, the earlier first."""
    segments: list[Segment] = []
    cursor = 0
    for match in matches:
        start = max(match.start, cursor)
        if start >= match.end or start >= len(text):
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start : match.end], match))
        cursor = match.end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return _paragraphs(segments)


def _paragraphs(segments: list[Segment]) -> list[list[Segment]]:
    """Split plain segments at blank lines so the essay keeps its paragraphs."""
    paragraphs: list[list[Segment]] = [[]]
    for segment in segments:
        if segment.match is not None:
            paragraphs[-1].append(segment)
            continue
        pieces = segment.text.replace("\r\n", "\n").split("\n\n")
        for i, piece in enumerate(pieces):
            if i:
                paragraphs.append([])
            if piece.strip("\n"):
                paragraphs[-1].append(Segment(piece.strip("\n") if i else piece.rstrip("\n")))
    return [p for p in paragraphs if p]


def visible_peer_submissions(
    *, user: User | AnonymousUser, matches: list[OriginalityMatch]
) -> set[int]:
    """The peer essays among ``matches`` that ``user`` may read (``can_view_submission``): a
    school admin's all, a teacher's those of the classes they teach, a student's none. The
    matches come from ``report_matches(viewer=user)``, so this runs no query."""
    peers = [m for m in matches if m.peer_version is not None]
    if not peers or not (user.is_authenticated and user.is_active):
        return set()
    admin = is_school_admin(user)
    return {
        m.peer_version.submission_id
        for m in peers
        if m.peer_version.submission.student_id != user.pk
        and (admin or getattr(m, "peer_taught", False))
    }


def source_view(match: OriginalityMatch, *, peer_visible: bool = False) -> SourceView:
    """The match's source with the matched words marked, from the live paragraph when it still
    reads as it did, else the words kept with the match. Another student's essay is shown only
    when ``peer_visible`` (the viewer may read that essay): otherwise nothing of its text."""
    if match.paragraph is not None:
        text = match.paragraph.text
    elif match.peer_version is not None:
        if not peer_visible:
            return SourceView("", "", "")
        text = match.peer_version.text
    else:
        return SourceView("", "", "")
    if text[match.source_start : match.source_end] == match.source_excerpt:
        before = text[: match.source_start].split()
        after = text[match.source_end :].split()
        return SourceView(
            ("… " if len(before) > CONTEXT_WORDS else "") + " ".join(before[-CONTEXT_WORDS:]),
            match.source_excerpt,
            " ".join(after[:CONTEXT_WORDS]) + (" …" if len(after) > CONTEXT_WORDS else ""),
        )
    return SourceView("", match.source_excerpt, "")
