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
from collections import Counter, OrderedDict
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from courseware.models import (
    Event,
    MatchKind,
    NotificationKind,
    OriginalityMatch,
    OriginalityReport,
    Paragraph,
    PeerIndexEntry,
    ReportStatus,
    SubmissionVersion,
)
from courseware.originality.check import (
    PEER_OVERLAP,
    Finding,
    ReadingCorpus,
    SourceParagraph,
    check_essay,
    stored_keys,
)
from courseware.originality.text import Words, words_of
from courseware.selectors.originality import (
    citable_reading_ids,
    handed_in_count_key,
    peer_candidate_hits,
    peer_count,
    reports_missing_overlap_with,
)
from courseware.services.notifications import event_record

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
    or running is returned instead of queueing another (a double-clicked re-check), unless it
    has stalled (``OriginalityReport.is_stalled``): that one is marked failed and replaced.
    """
    now = now or timezone.now()
    latest = (
        OriginalityReport.objects.select_for_update()
        .filter(version=version)
        .order_by("-run")
        .first()
    )
    if latest is not None and not latest.is_finished:
        if not latest.is_stalled:
            return latest
        # Its worker was killed (or the broker lost it): record that, and run again.
        latest.status = ReportStatus.FAILED
        latest.error = "The check stopped before it finished."
        latest.finished_at = now
        latest.save(update_fields=["status", "error", "finished_at"])
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
    peer_texts: dict[int, str],
    peers_checked: int,
    now: datetime,
    candidates_aligned: int = 0,
) -> OriginalityReport:
    """Store a run's matches and mark it done (all or nothing: a run that fails here stores
    no match and is marked failed)."""
    report = OriginalityReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if report.status != ReportStatus.RUNNING:
        raise _refuse(_("Only a running report can be finished."), "not_running")
    matches = []
    for finding in findings:
        if finding.paragraph is not None:
            source_text = paragraphs[finding.paragraph].text
        elif finding.peer is not None:
            source_text = peer_texts[finding.peer]
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
    report.peers_checked = peers_checked
    report.candidates_aligned = candidates_aligned
    report.full_clean(exclude=["version", "requested_by"], validate_constraints=False)
    report.save()
    if report_is_flagged(score=report.score, findings=findings):
        _record_flag(report=report, now=now)
    return report


def report_is_flagged(*, score: Decimal, findings: list[Finding]) -> bool:
    """A finished run is flagged for the teacher when its score reaches the school's threshold
    or it found overlap with another student's essay. Advisory: nothing else follows from it."""
    return score >= settings.LECTERN_ORIGINALITY_FLAG_PERCENT or any(
        finding.kind == PEER_OVERLAP for finding in findings
    )


def _record_flag(*, report: OriginalityReport, now: datetime) -> None:
    """Tell the class's teachers that a version's check flagged it: once per version, so a
    re-check that is still flagged (or flagged again) tells nobody twice."""
    key = f"originality_flagged:{report.version_id}"
    if Event.objects.filter(key=key).exists():
        return
    version = SubmissionVersion.objects.select_related(
        "submission__assignment__classroom", "submission__student"
    ).get(pk=report.version_id)
    submission = version.submission
    try:
        with transaction.atomic():  # a run of the same version finishing at once may win
            event_record(
                kind=NotificationKind.ORIGINALITY_FLAGGED,
                now=now,
                subject=submission.student,
                assignment=submission.assignment,
                submission=submission,
                data={"score": str(report.score), "version": version.number, "run": report.run},
                key=key,
            )
    except IntegrityError:
        pass


# --- The reading index ----------------------------------------------------------------------

# Reading indexes this process has loaded, newest last: a worker checking essays on one course
# loads its index once, not on every check (unpickling 3 MB took 0.2–0.6 s a check).
_PROCESS_CORPORA: OrderedDict[str, ReadingCorpus] = OrderedDict()
PROCESS_CORPORA = 8


def _reading_corpus_key(reading_ids: list[int]) -> str:
    """Names the readings and their state: a reading edited or re-imported (its
    ``updated_at`` moves, paragraphs are added or removed) gets a new key, so every process
    builds or loads the new index instead of using the old one."""
    stamp = Paragraph.objects.filter(reading_id__in=reading_ids).aggregate(
        count=Count("pk"), changed=Max("reading__updated_at"), last=Max("pk")
    )
    key_source = (
        f"{ReadingCorpus.FORMAT}|{sorted(reading_ids)}|{stamp['count']}|{stamp['changed']}|"
        f"{stamp['last']}"
    )
    return "originality:readings:" + hashlib.sha256(key_source.encode()).hexdigest()[:32]


def reading_corpus_for(*, reading_ids: list[int]) -> ReadingCorpus:
    """The indexed paragraphs of these readings: built once per state of the readings, kept
    in this process, and shared with other processes through the cache.

    A check costs one small query (the readings' state) when this process already holds the
    index; otherwise the index is loaded from the cache (Redis in production) or built from the
    paragraphs (about 0.3 s for the demo course) and cached for the other workers.
    """
    key = _reading_corpus_key(reading_ids)
    corpus = _PROCESS_CORPORA.get(key)
    if corpus is not None:
        _PROCESS_CORPORA.move_to_end(key)
        return corpus
    corpus = cache.get(key)
    if corpus is None:
        paragraphs = Paragraph.objects.filter(reading_id__in=reading_ids)
        corpus = ReadingCorpus(
            SourceParagraph(key=p.pk, reading_slug=p.reading.slug, number=p.number, text=p.text)
            for p in paragraphs.select_related("reading").only(
                "pk", "number", "text", "reading__slug"
            )
        )
        cache.set(key, corpus, READING_CORPUS_TIMEOUT)
    _PROCESS_CORPORA[key] = corpus
    while len(_PROCESS_CORPORA) > PROCESS_CORPORA:
        _PROCESS_CORPORA.popitem(last=False)
    return corpus


# --- The peer index --------------------------------------------------------------------------


PeerRow = tuple[int, int, int, int]  # prompt, key, version, student


def peer_index_rows(
    *, version_id: int, prompt_id: int, student_id: int, text: str
) -> list[PeerRow]:
    """The peer index rows of one handed-in essay: one per band key of its windows."""
    return [(prompt_id, key, version_id, student_id) for key in stored_keys(words_of(text).words)]


def peer_index_write(*, rows: list[PeerRow]) -> None:
    """Insert peer index rows (a hand-in's, or many essays' at once when rebuilding).

    Rows go in with ``COPY`` on PostgreSQL and one prepared statement run for each
    (``executemany``) elsewhere: an index row is four integers, and building a model instance
    for each of the hundreds of rows an essay has would cost more than computing them.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(PeerIndexEntry._meta.db_table)
    columns = ", ".join(quote(c) for c in ("prompt_id", "key", "version_id", "student_id"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream instead of a round trip per row (psycopg 3).
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s)"  # noqa: S608 - names from the model, values bound
            cursor.executemany(sql, rows)


def handed_in_count_added(prompt_id: int) -> None:
    """One more essay handed in on the prompt (after its transaction commits)."""
    try:
        cache.incr(handed_in_count_key(prompt_id))
    except ValueError:
        pass  # not counted yet: the next check counts it


@transaction.atomic
def peer_index_add(*, version: SubmissionVersion) -> int:
    """Put a handed-in version in the peer index in place of its submission's earlier versions
    (a check compares with each student's latest essay). Returns the rows written.

    Called by ``submission_submit`` in the hand-in's transaction, so the index never holds half
    an essay and a version is in it exactly when it is handed in. Running it again for the
    same version writes the same rows (it replaces them).
    """
    submission = version.submission
    replaced, _counts = PeerIndexEntry.objects.filter(
        version__in=SubmissionVersion.objects.filter(submission_id=submission.pk).values("pk")
    ).delete()
    prompt_id = submission.assignment.prompt_id
    if prompt_id is None or version.number != submission.current_version:
        return 0
    rows = peer_index_rows(
        version_id=version.pk,
        prompt_id=prompt_id,
        student_id=submission.student_id,
        text=version.text,
    )
    peer_index_write(rows=rows)
    if rows and not replaced:  # the submission's first essay in the index
        transaction.on_commit(lambda: handed_in_count_added(prompt_id))
    return len(rows)


def peer_index_rebuild(*, batch: int = 500, out=None) -> int:
    """Rebuild the whole peer index from every submission's latest handed-in version, in one
    transaction (checks meanwhile use the old index; a failure leaves it as it was). Returns
    the number of versions indexed."""
    latest = (
        SubmissionVersion.objects.filter(
            number=F("submission__current_version"),
            submission__assignment__prompt__isnull=False,
        )
        .order_by("pk")
        .values_list("pk", "submission__assignment__prompt_id", "submission__student_id", "text")
    )
    indexed = 0
    with transaction.atomic():
        PeerIndexEntry.objects.all().delete()
        pending: list[PeerRow] = []
        for version_id, prompt_id, student_id, text in latest.iterator(chunk_size=batch):
            pending += peer_index_rows(
                version_id=version_id, prompt_id=prompt_id, student_id=student_id, text=text
            )
            indexed += 1
            if indexed % batch == 0:
                peer_index_write(rows=pending)
                pending = []
                if out is not None:
                    out(indexed)
        peer_index_write(rows=pending)
    return indexed


class StoredPeers:
    """The other students' essays as the database's peer index holds them, for one check: the
    candidates are looked up with indexed queries and only theirs texts are read."""

    def __init__(self, *, version: SubmissionVersion, prompt_id: int | None):
        self.version = version
        self.prompt_id = prompt_id
        self.texts: dict[int, str] = {}

    def hits(self, keys: list[int]) -> Counter:
        if self.prompt_id is None:
            return Counter()
        return peer_candidate_hits(
            prompt_id=self.prompt_id,
            student_id=self.version.submission.student_id,
            keys=keys,
        )

    def words(self, keys: list[int]) -> dict[int, Words]:
        texts = dict(SubmissionVersion.objects.filter(pk__in=keys).values_list("pk", "text"))
        self.texts.update(texts)
        return {key: words_of(texts[key]) for key in keys if key in texts}


def originality_report_run(*, report_id: int) -> OriginalityReport | None:
    """Run a queued report: check the version against its assignment's and course's readings
    and the other students' latest versions on the same prompt (looked up in the peer index),
    then store the matches.

    When the essay overlaps an earlier essay whose report does not show that overlap yet, that
    essay is re-checked too (``originality_recheck_overlapped``), so a copied pair is flagged
    on both sides whichever was handed in first.

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
        peers = StoredPeers(version=version, prompt_id=assignment.prompt_id)
        peers_checked = peer_count(version=version)
        originality_report_progress(report=report, percent=25)

        last = {"percent": 25}

        def progress(percent: int) -> None:
            # Only commit real steps: a write per callback would slow the run for nothing.
            if percent >= last["percent"] + 10:
                last["percent"] = percent
                originality_report_progress(report=report, percent=percent)

        result = check_essay(version.text, readings=readings, peers=peers, progress=progress)
        report = originality_report_finish(
            report=report,
            findings=result.findings,
            total_words=result.total_words,
            flagged_words=result.flagged_words,
            score=result.score,
            paragraphs=readings.paragraphs,
            peer_texts=peers.texts,
            peers_checked=peers_checked,
            now=timezone.now(),
            candidates_aligned=result.reading_candidates + result.peer_candidates,
        )
    except Exception as error:
        logger.exception("Originality report %s failed", report_id)
        originality_report_fail(
            report=report, error=f"{type(error).__name__}: {error}", now=timezone.now()
        )
        raise
    overlapped = {f.peer for f in result.findings if f.kind == PEER_OVERLAP}
    if overlapped:
        originality_recheck_overlapped(version=version, peer_version_ids=overlapped)
    return report


def originality_recheck_overlapped(
    *, version: SubmissionVersion, peer_version_ids: set[int]
) -> list[OriginalityReport]:
    """Re-check the earlier essays that ``version`` overlaps when their latest report does not
    show the overlap yet, so the first student's report shows it too.

    An essay whose report already names ``version`` is left alone: that is also what stops
    the two essays re-checking each other without end. Each re-check is a new run, queued
    as a teacher's re-check is (the earlier run stays as it was).
    """
    requested = []
    for peer_version in reports_missing_overlap_with(
        version=version, peer_version_ids=peer_version_ids
    ):
        requested.append(originality_report_request(version=peer_version))
    return requested
