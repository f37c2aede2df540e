"""Time the originality check a hand-in actually runs, with many prior essays on its question.

    .venv/bin/python bench/originality_scale.py --prior 1000 10000 100000

On a scratch SQLite database, or on the (empty, dedicated) database ``DATABASE_URL`` names.
The demo course is loaded (its readings are what essays are checked against); then, for each
size in turn, prior essays on one of its prompts are added until there are that many: students
in classes of 250 spread over this year and earlier years (earlier years' classes archived),
each with one handed-in version of a synthetic 500-word essay (``originality_index.EssayMaker``:
the readings' vocabulary, with passages of the readings quoted and copied as students do). Users,
classes, submissions and versions are bulk-inserted; each version's peer index rows are made by
``peer_index_rows`` and written by ``peer_index_write``, the functions a hand-in uses.

Then, per size, a fresh process (a worker just started) hands in new essays the way a student
does (``submission_start``, ``submission_submit``: the same service, transaction and peer-index
write) and runs the Celery task ``courseware.originality_check`` of the hand-in in-process, end
to end: reading index, peer lookup, alignment, storing the report. The first hand-in warms the
process (the reading index is built once per process); the second is timed. It carries a
60-word stretch copied from a random prior essay (the planted copy). Printed per size: the
check's CPU and wall seconds, the worker's peak RSS, the candidates aligned (reading paragraphs
+ other essays), whether the planted copy was reported, and the re-check of the copied-from
essay that the check queues (fair to the first submitter), timed the same way.

Goals (issue 15): under 0.5 s CPU per hand-in at 100,000 prior essays, at most 1.5x the
1,000 figure, peak memory under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchlib import setup_django  # noqa: E402

CLASS_SIZE = 250
SEED = 1917
PLANTED_WORDS = 60
ESSAY_WORDS = 460  # and one or two passages of the readings: about 500 words


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- Seeding (parent process) ------------------------------------------------------------------


def _world():
    """The demo course, a prompt of 300–1,200 words on its first prompt's readings, and the
    bench's teacher (made once)."""
    from accounts.models import Role, User
    from courseware.demo import demo_seed
    from courseware.models import EssayPrompt

    if not User.objects.filter(username="bench-teacher").exists():
        demo_seed()
        User.objects.create(
            username="bench-teacher",
            email="bench-teacher@bench.lectern.example",
            role=Role.TEACHER,
        )
        first = EssayPrompt.objects.order_by("pk").first()
        readings = list(first.readings.all())
        first.pk, first.id = None, None
        first._state.adding = True
        first.slug, first.title = "bench-essay", "Bench essay"
        first.min_words, first.max_words = 300, 1200
        first.save()
        first.readings.set(readings)
    prompt = EssayPrompt.objects.get(slug="bench-essay")
    return prompt, User.objects.get(username="bench-teacher")


def seed_prior(target: int, maker, log) -> None:
    """Add prior essays on the prompt until there are ``target`` of them."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from courseware.models import (
        Assignment,
        AssignmentKind,
        Classroom,
        PeerIndexEntry,
        Submission,
        SubmissionStatus,
        SubmissionVersion,
    )
    from courseware.services.originality import peer_index_rows, peer_index_write

    prompt, teacher = _world()
    have = User.objects.filter(username__startswith="bench-prior-").count()
    now = timezone.now()
    started = time.perf_counter()
    # A bulk load goes faster without the lookup index, built once afterwards (in key order)
    # instead of being updated at random places for every row.
    (lookup,) = PeerIndexEntry._meta.indexes
    bulk = target - have > 5000
    if bulk:
        with connection.schema_editor() as editor:
            editor.remove_index(PeerIndexEntry, lookup)
    index_rows = 0
    number = Classroom.objects.filter(name__startswith="Bench class ").count()
    while have < target:
        # One class at a time: its students, its assignment, their essays and index rows.
        number += 1
        size = min(CLASS_SIZE, target - have)
        years_ago = number % 4  # this year's classes and three earlier years'
        with transaction.atomic():
            classroom = Classroom.objects.create(
                name=f"Bench class {number:04d}",
                course=prompt.course,
                year=now.year - years_ago,
                term="Term 1",
                join_code=f"BQ{number:06d}".replace("0", "Q").replace("1", "R"),
                archived_at=now - timedelta(days=30) if years_ago else None,
            )
            due = now - timedelta(days=365 * years_ago + 7)
            assignment = Assignment.objects.create(
                classroom=classroom,
                created_by=teacher,
                kind=AssignmentKind.ESSAY,
                prompt=prompt,
                title=f"Essay: {prompt.title}",
                opens_at=due - timedelta(days=14),
                due_at=due,
            )
            User.objects.bulk_create(
                [
                    User(
                        username=f"bench-prior-{have + i:06d}",
                        email=f"bench-prior-{have + i:06d}@bench.lectern.example",
                        role=Role.STUDENT,
                    )
                    for i in range(size)
                ]
            )
            students = list(
                User.objects.filter(
                    username__in=[f"bench-prior-{have + i:06d}" for i in range(size)]
                ).order_by("username")
            )
            texts = [maker.essay(ESSAY_WORDS) for _ in students]
            Submission.objects.bulk_create(
                [
                    Submission(
                        assignment=assignment,
                        student=student,
                        status=SubmissionStatus.SUBMITTED,
                        draft_text=text,
                        revision=1,
                        word_count=len(text.split()),
                        submitted_at=due,
                        honesty_declared_at=due,
                        current_version=1,
                    )
                    for student, text in zip(students, texts, strict=True)
                ]
            )
            submissions = list(Submission.objects.filter(assignment=assignment).order_by("pk"))
            SubmissionVersion.objects.bulk_create(
                [
                    SubmissionVersion(
                        submission=s,
                        number=1,
                        revision=1,
                        text=s.draft_text,
                        word_count=s.word_count,
                        submitted_at=due,
                        sha256="0" * 64,
                    )
                    for s in submissions
                ]
            )
            versions = SubmissionVersion.objects.filter(
                submission__assignment=assignment
            ).values_list("pk", "submission__student_id", "text")
            rows = []
            for version_id, student_id, text in versions:
                rows += peer_index_rows(
                    version_id=version_id, prompt_id=prompt.pk, student_id=student_id, text=text
                )
            peer_index_write(rows=rows)
            index_rows += len(rows)
        have += size
        if number % 40 == 0 or have >= target:
            log(
                f"  {have:,} prior essays, {index_rows:,} index rows added, "
                f"{time.perf_counter() - started:.0f} s"
            )
    if bulk:
        log("  building the peer index's lookup index")
        with connection.schema_editor() as editor:
            editor.add_index(PeerIndexEntry, lookup)
    with connection.cursor() as cursor:
        # Fresh planner statistics (and, on PostgreSQL, the visibility map for index-only
        # scans), as autovacuum leaves a table after a bulk load.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# --- Measuring (a fresh worker process) -------------------------------------------------------


def _hand_in(*, classroom, prompt, teacher, text: str, tag: str):
    """A new student of a live class hands in ``text`` through the services; the report the
    hand-in queued (its task is captured, not run)."""
    from django.utils import timezone

    from accounts.models import Role, User
    from courseware.models import Assignment, AssignmentKind, Membership, MembershipRole
    from courseware.selectors.originality import latest_report
    from courseware.services.submissions import submission_start, submission_submit

    now = timezone.now()
    student = User.objects.create(
        username=f"bench-new-{tag}-{time.time_ns()}",
        email=f"bench-new-{tag}-{time.time_ns()}@bench.lectern.example",
        role=Role.STUDENT,
    )
    Membership.objects.create(user=student, classroom=classroom, role=MembershipRole.STUDENT)
    assignment = Assignment.objects.filter(classroom=classroom, prompt=prompt).first()
    if assignment is None:
        assignment = Assignment.objects.create(
            classroom=classroom,
            created_by=teacher,
            kind=AssignmentKind.ESSAY,
            prompt=prompt,
            title=f"Essay: {prompt.title}",
            opens_at=now - timedelta(days=1),
            due_at=now + timedelta(days=7),
        )
    submission = submission_start(assignment=assignment, student=student, now=now)
    version = submission_submit(
        submission=submission,
        revision=submission.revision,
        honesty_declared=True,
        by=student,
        now=now,
        text=text,
    )
    return latest_report(version=version)


def _timed_task(report_id: int) -> dict:
    from courseware.models import OriginalityReport
    from courseware.tasks import originality_check

    cpu, wall = time.process_time(), time.perf_counter()
    originality_check(report_id)  # the task's body, in this process
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    report = OriginalityReport.objects.get(pk=report_id)
    return {"cpu": cpu, "wall": wall, "status": report.status, "report": report}


def _reset_peak_rss() -> None:
    """Start the process's peak RSS (VmHWM) again from its current RSS (Linux 4.0+)."""
    Path("/proc/self/clear_refs").write_text("5")


def _peak_rss_since_reset_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return peak_rss_mb()


def measure(prior: int, texts: dict) -> dict:
    """Run in a fresh process: warm up with one hand-in, then time one with a planted copy.

    The essays' own words come from the parent (``texts``), so this process holds what a
    worker holds and nothing of the essay generator."""
    import numpy as np

    vendor = setup_django()
    from django.utils import timezone

    from courseware.models import Classroom, MatchKind, SubmissionVersion
    from courseware.originality.check import check_essay
    from courseware.services import originality as services

    queued: list[int] = []
    services._enqueue = queued.append  # the checks run below, timed, not at commit

    prompt, teacher = _world()
    now = timezone.now()
    classroom, _created = Classroom.objects.get_or_create(
        name="Bench live class",
        defaults={
            "course": prompt.course,
            "year": now.year,
            "term": "Term 4",
            "join_code": "BQLIVEQQ",
        },
    )
    warm = _hand_in(
        classroom=classroom, prompt=prompt, teacher=teacher, text=texts["warm"], tag="w"
    )
    _timed_task(warm.pk)

    rng = np.random.default_rng(SEED + prior)
    prior_ids = list(
        SubmissionVersion.objects.filter(
            submission__student__username__startswith="bench-prior-"
        ).values_list("pk", flat=True)
    )
    # A stretch of the prior essay's own words: one that takes a passage of a reading is
    # reported against the reading, not the essay.
    readings = services.reading_corpus_for(
        reading_ids=services.citable_reading_ids(assignment=warm.version.submission.assignment)
    )
    while True:
        source = SubmissionVersion.objects.get(pk=prior_ids[int(rng.integers(len(prior_ids)))])
        source_words = source.text.split()
        start = int(rng.integers(0, len(source_words) - PLANTED_WORDS))
        copied = " ".join(source_words[start : start + PLANTED_WORDS])
        if not check_essay(copied, readings=readings).findings:
            break
    paragraphs = texts["base"].split("\n\n")
    paragraphs.insert(len(paragraphs) // 2, copied)
    queued.clear()
    report = _hand_in(
        classroom=classroom,
        prompt=prompt,
        teacher=teacher,
        text="\n\n".join(paragraphs),
        tag="t",
    )
    queued.clear()
    # The process's own peak so far (VmHWM: getrusage's ru_maxrss would also count the parent
    # this process was forked from, which holds the seeding's data).
    before = _peak_rss_since_reset_mb()
    _reset_peak_rss()
    timed = _timed_task(report.pk)
    check_rss = _peak_rss_since_reset_mb()
    found = (
        timed["report"].matches.filter(kind=MatchKind.PEER_OVERLAP, peer_version=source).exists()
    )
    # The check queued a re-check of the copied-from essay (fair to the first submitter).
    rechecks = list(queued)
    recheck = _timed_task(rechecks[0]) if rechecks else None
    back = (
        recheck is not None
        and recheck["report"]
        .matches.filter(kind=MatchKind.PEER_OVERLAP, peer_version=timed["report"].version)
        .exists()
    )
    return {
        "vendor": vendor,
        "prior": prior,
        "cpu": timed["cpu"],
        "wall": timed["wall"],
        "status": timed["status"],
        "rss": check_rss,
        "process_rss": max(before, check_rss, _peak_rss_since_reset_mb()),
        "candidates": timed["report"].candidates_aligned,
        "peers_checked": timed["report"].peers_checked,
        "found": found,
        "recheck_cpu": recheck["cpu"] if recheck else None,
        "recheck_found": back,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prior", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure is not None:
        given = sys.stdin.read() if not sys.stdin.isatty() else ""
        if given.strip():
            texts = json.loads(given)
        else:
            from originality_index import EssayMaker, seed_paragraphs

            maker = EssayMaker(seed_paragraphs(), SEED + args.measure)
            texts = {"warm": maker.essay(ESSAY_WORDS), "base": maker.essay(440)}
            del maker
        print(json.dumps(measure(args.measure, texts), default=str))
        return

    vendor = setup_django()
    from originality_index import EssayMaker, seed_paragraphs

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log(f"database: {vendor} ({os.environ['DATABASE_URL'].split('@')[-1]})")
    maker = EssayMaker(seed_paragraphs(), SEED)
    rows = []
    for prior in sorted(args.prior):
        log(f"seeding to {prior:,} prior essays")
        started = time.perf_counter()
        seed_prior(prior, maker, log)
        log(f"  seeded in {time.perf_counter() - started:.0f} s; measuring in a fresh process")
        texts = {"warm": maker.essay(ESSAY_WORDS), "base": maker.essay(440)}
        child = subprocess.run(  # noqa: S603 - this script, with our own arguments
            [sys.executable, __file__, "--measure", str(prior)],
            input=json.dumps(texts),
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode:
            log(child.stderr)
            raise SystemExit(child.returncode)
        rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
        log(f"  measured: {rows[-1]}")

    print(f"\noriginality check of one hand-in, {vendor}")
    print(
        "| prior essays | CPU s | wall s | peak RSS MB (during the check / whole worker) "
        "| candidates aligned | planted copy found "
        "| first submitter re-check CPU s, overlap shown |"
    )
    print("|---|---|---|---|---|---|---|")
    base = rows[0]["cpu"] if rows else 1
    for row in rows:
        print(
            f"| {row['prior']:,} | {row['cpu']:.3f} | {row['wall']:.3f} | "
            f"{row['rss']:.0f} / {row['process_rss']:.0f} | "
            f"{row['candidates']} | {'yes' if row['found'] else 'NO'} | "
            f"{row['recheck_cpu'] or 0:.3f}, {'yes' if row['recheck_found'] else 'NO'} |"
        )
    if rows:
        last = rows[-1]
        print(
            f"\n{last['prior']:,} prior essays: {last['cpu']:.3f} s CPU "
            f"({last['cpu'] / base:.2f}x the {rows[0]['prior']:,} figure); goals < 0.5 s, "
            f"<= 1.5x, peak RSS < 300 MB (status {last['status']})"
        )


if __name__ == "__main__":
    main()
