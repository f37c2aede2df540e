"""Writes for originality reports: the only code that creates, runs or changes a report.

A report is requested when a version is handed in (``submission_submit`` calls
``originality_report_request``) or when a teacher asks for a re-check; the request commits a
queued report and, once the transaction commits, enqueues the Celery task
``courseware.originality_check``, which calls ``originality_report_run``. On the embedded default
Celery runs the task eagerly, straight after the commit; in production a worker picks it up.

A run is several short transactions, not one: the report moves queued → running → done (or
failed) and its progress is committed as it goes, so the page polling it sees the run advance.
A task delivered twice (the broker redelivers unacknowledged tasks) finds the report no longer
queued and does nothing.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from courseware.models import (
    MatchKind,
    OriginalityMatch,
    OriginalityReport,
    Paragraph,
    ReportStatus,
    SubmissionVersion,
)
from courseware.originality.check import (
    Finding,
    PeerCorpus,
    PeerEssay,
    ReadingCorpus,
    SourceParagraph,
    check_essay,
)
from courseware.selectors.originality import citable_reading_ids, peer_versions

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

READING_CORPUS_TIMEOUT = 24 * 3600
EXCERPT_CHARS = 2000


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


# --- Requesting ------------------------------------------------------------------------------


@transaction.atomic
def originality_report_request(
    *, version: SubmissionVersion, by: User | None = None, now: datetime | None = None
) -> OriginalityReport:
    """Queue a new run of the check on ``version`` and start it once this transaction commits.

    The new run keeps whether the previous run was shown to the student. A run already queued
    or running is returned instead of queueing another (a double-clicked re-check).
    """
    now = now or timezone.now()
    latest = (
        OriginalityReport.objects.select_for_update()
        .filter(version=version)
        .order_by("-run")
        .first()
    )
    if latest is not None and not latest.is_finished:
        return latest
    report = OriginalityReport(
        version=version,
        run=(latest.run + 1) if latest else 1,
        status=ReportStatus.QUEUED,
        requested_by=by,
        requested_at=now,
        visible_to_student=latest.visible_to_student if latest else False,
    )
    report.full_clean(exclude=["version"], validate_constraints=False)
    report.save()
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    """Start the check. It runs after the hand-in has committed, so nothing here may turn the
    student's successful hand-in into an error page: a broker that cannot be reached, or a run
    that fails (eager on the embedded default), is logged and left on the report (queued or
    failed), and a re-check tries again."""
    # Imported here: tasks import this module.
    from courseware.tasks import originality_check

    try:
        originality_check.delay(report_id)
    except Exception:
        logger.exception("Originality report %s could not be run", report_id)


@transaction.atomic
def originality_report_set_visibility(
    *, report: OriginalityReport, visible: bool
) -> OriginalityReport:
    """Show the report to its student, or hide it again."""
    report = OriginalityReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    report.visible_to_student = visible
    report.save(update_fields=["visible_to_student"])
    return report


# --- Running ---------------------------------------------------------------------------------


@transaction.atomic
def originality_report_start(*, report_id: int, now: datetime) -> OriginalityReport | None:
    """Mark a queued report running; None when it is not queued (already run or running)."""
    report = (
        OriginalityReport.objects.select_for_update(of=("self",))
        .filter(pk=report_id, status=ReportStatus.QUEUED)
        .first()
    )
    if report is None:
        return None
    report.status = ReportStatus.RUNNING
    report.started_at = now
    report.progress = 5
    report.save(update_fields=["status", "started_at", "progress"])
    return report


@transaction.atomic
def originality_report_progress(*, report: OriginalityReport, percent: int) -> None:
    """Record how far a running report has got (never backwards, never past 99)."""
    percent = max(0, min(99, int(percent)))
    OriginalityReport.objects.filter(
        pk=report.pk, status=ReportStatus.RUNNING, progress__lt=percent
    ).update(progress=percent)


@transaction.atomic
def originality_report_fail(*, report: OriginalityReport, error: str, now: datetime) -> None:
    """Mark a run failed, keeping why; a re-check starts a new run."""
    OriginalityReport.objects.filter(pk=report.pk).exclude(status=ReportStatus.DONE).update(
        status=ReportStatus.FAILED, error=error[:2000], finished_at=now, score=None
    )


def _excerpt(text: str, start: int, end: int) -> str:
    return text[start:end][:EXCERPT_CHARS]


@transaction.atomic
def originality_report_finish(
    *,
    report: OriginalityReport,
    findings: list[Finding],
    total_words: int,
    flagged_words: int,
    score: float,
    paragraphs: dict,
    peers: dict,
    now: datetime,
) -> OriginalityReport:
    """Store a run's matches and mark it done."""
    report = OriginalityReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if report.status != ReportStatus.RUNNING:
        raise _refuse(_("Only a running report can be finished."), "not_running")
    matches = []
    for finding in findings:
        if finding.paragraph is not None:
            source_text = paragraphs[finding.paragraph].text
        elif finding.peer is not None:
            source_text = peers[finding.peer].text
        else:
            source_text = ""
        match = OriginalityMatch(
            report=report,
            kind=MatchKind(finding.kind),
            start=finding.start,
            end=finding.end,
            words=finding.words,
            similarity=min(1.0, max(0.0, finding.similarity)),
            paragraph_id=finding.paragraph,
            peer_version_id=finding.peer,
            source_start=finding.source_start,
            source_end=finding.source_end,
            source_excerpt=_excerpt(source_text, finding.source_start, finding.source_end),
            cited_paragraph_id=finding.cited,
            detail=finding.detail[:500],
        )
        match.full_clean(exclude=["report", "paragraph", "peer_version", "cited_paragraph"])
        matches.append(match)
    OriginalityMatch.objects.bulk_create(matches)
    report.status = ReportStatus.DONE
    report.progress = 100
    report.finished_at = now
    report.total_words = total_words
    report.flagged_words = flagged_words
    report.score = Decimal(str(score)).quantize(Decimal("0.1"))
    report.paragraphs_checked = len(paragraphs)
    report.peers_checked = len(peers)
    report.full_clean(exclude=["version", "requested_by"], validate_constraints=False)
    report.save()
    return report


def reading_corpus_for(*, reading_ids: list[int]) -> ReadingCorpus:
    """The indexed paragraphs of these readings, from the cache when nothing has changed.

    The key names the readings, their last change and their paragraph count, so a reading
    edited or re-imported gets a fresh index. Building the demo course's index (570 paragraphs)
    takes about 0.3 s and loading its 3 MB pickle about 0.13 s (``bench/originality_index.py``),
    and a cached index also spares reading every paragraph's text from the database, so it is
    cached per set of readings (in Redis in production, shared by the workers), and the last one
    used is also kept in the process.
    """
    paragraphs = Paragraph.objects.filter(reading_id__in=reading_ids)
    stamp = paragraphs.aggregate(
        count=Count("pk"), changed=Max("reading__updated_at"), last=Max("pk")
    )
    key_source = f"{sorted(reading_ids)}|{stamp['count']}|{stamp['changed']}|{stamp['last']}"
    key = "originality:readings:" + hashlib.sha256(key_source.encode()).hexdigest()[:32]
    last = _last_corpus.get("entry")
    if last is not None and last[0] == key and cache.has_key(key):
        return last[1]
    corpus = cache.get(key)
    if corpus is None:
        corpus = ReadingCorpus(
            SourceParagraph(key=p.pk, reading_slug=p.reading.slug, number=p.number, text=p.text)
            for p in paragraphs.select_related("reading").only(
                "pk", "number", "text", "reading__slug"
            )
        )
        cache.set(key, corpus, READING_CORPUS_TIMEOUT)
    _last_corpus["entry"] = (key, corpus)
    return corpus


# The last index this process used, kept as it is: a worker checking a run of essays on one prompt
# (a class handing in, the demo seed) reuses it instead of unpickling the same index each time.
# The key changes whenever a reading does, and the index is only reused while the shared cache
# still holds it (a cheap existence check), so a kept index is never stale.
_last_corpus: dict[str, tuple[str, ReadingCorpus]] = {}


def originality_report_run(*, report_id: int) -> OriginalityReport | None:
    """Run a queued report: check the version against its assignment's and course's readings
    and the other students' latest versions on the same prompt, then store the matches.

    Returns None when the report was not queued. A failure is recorded on the report (status
    failed, with the error) and raised again for the task's log.
    """
    report = originality_report_start(report_id=report_id, now=timezone.now())
    if report is None:
        return None
    try:
        version = SubmissionVersion.objects.select_related("submission__assignment__classroom").get(
            pk=report.version_id
        )
        assignment = version.submission.assignment
        readings = reading_corpus_for(reading_ids=citable_reading_ids(assignment=assignment))
        originality_report_progress(report=report, percent=15)
        peer_essays = {
            v.pk: PeerEssay(key=v.pk, text=v.text)
            for v in peer_versions(version=version).only("pk", "text")
        }
        peers = PeerCorpus(peer_essays.values())
        originality_report_progress(report=report, percent=25)

        last = {"percent": 25}

        def progress(percent: int) -> None:
            # Only commit real steps: a write per callback would slow the run for nothing.
            if percent >= last["percent"] + 10:
                last["percent"] = percent
                originality_report_progress(report=report, percent=percent)

        result = check_essay(version.text, readings=readings, peers=peers, progress=progress)
        return originality_report_finish(
            report=report,
            findings=result.findings,
            total_words=result.total_words,
            flagged_words=result.flagged_words,
            score=result.score,
            paragraphs=readings.paragraphs,
            peers=peer_essays,
            now=timezone.now(),
        )
    except Exception as error:
        logger.exception("Originality report %s failed", report_id)
        originality_report_fail(
            report=report, error=f"{type(error).__name__}: {error}", now=timezone.now()
        )
        raise
