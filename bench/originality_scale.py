"""Time the originality check a hand-in actually runs, with many prior essays on its question.

    .venv/bin/python bench/originality_scale.py --prior 1000 10000 100000

On a scratch SQLite database, or on the (empty, dedicated) database ``DATABASE_URL`` names.
The demo course is loaded (its readings are what essays are checked against); then, for each
size in turn, prior essays on one of its prompts are added until there are that many: students
in classes of 250 spread over this year and earlier years (earlier years' classes archived),
each with one handed-in version of a synthetic 500-word essay (``originality_index.EssayMaker``:
the readings' vocabulary, with passages of the readings quoted and copied as students do). Users,
classes, submissions and versions are bulk-inserted; each version's peer index rows are made by
``peer_index_rows`` and written by ``peer_index_write``, the functions a hand-in uses (COPY on
PostgreSQL). A bulk load drops the index table's secondary indexes (and PostgreSQL's foreign
keys) and makes them again afterwards. A database seeded by an earlier run is measured again
without seeding.

Then, per size, a fresh process (a worker just started) hands in new essays the way a student
does (``submission_start``, ``submission_submit``: the same service, transaction and peer-index
write) and runs the Celery task ``courseware.originality_check`` of each hand-in in-process, end
to end: reading index, peer lookup, alignment, storing the report. The first hand-in warms the
process (the reading index is built once per process); then ``--samples`` hand-ins (20) are
timed, each a new student's fresh essay, every other one carrying a 60-word stretch copied from
a random prior essay (the planted copy). Printed per size, median and 90th percentile: the
check's CPU and wall seconds, the worker's peak RSS, the candidates aligned (reading paragraphs
+ other essays); how many planted copies were reported against the essay they came from; and
the re-check of each copied-from essay that the check queues (fair to the first submitter),
timed the same way, with whether it shows the overlap back.

Goals (issue 15): under 0.5 s CPU per hand-in at 100,000 prior essays, at most 1.5x the
1,000 figure, peak memory under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchlib import percentile, setup_django  # noqa: E402

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
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User

    prompt, teacher = _world()
    have = User.objects.filter(username__startswith="bench-prior-").count()
    if have >= target:
        return  # seeded by an earlier run: measure again
    now = timezone.now()
    started = time.perf_counter()
    # A bulk load goes faster without the index table's indexes and foreign keys: they are
    # built once afterwards (in key order, the foreign keys checked in one pass) instead of
    # being updated at random places and checked row by row at every commit.
    bulk = target - have > 5000
    index_rows = 0
    with _peer_index_bulk_load(connection, bulk=bulk, log=log):
        index_rows = _seed_classes(prompt, teacher, target, have, maker, log, now, started)
    with connection.cursor() as cursor:
        # Fresh planner statistics (and, on PostgreSQL, the visibility map for index-only
        # scans), as autovacuum leaves a table after a bulk load.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    log(f"  {index_rows:,} index rows added in {time.perf_counter() - started:.0f} s")


def _seed_classes(prompt, teacher, target, have, maker, log, now, started) -> int:
    from django.db import transaction

    from accounts.models import Role, User
    from courseware.models import (
        Assignment,
        AssignmentKind,
        Classroom,
        Submission,
        SubmissionStatus,
        SubmissionVersion,
    )
    from courseware.services.originality import peer_index_rows, peer_index_write

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
    return index_rows


@contextmanager
def _peer_index_bulk_load(connection, *, bulk: bool, log):
    """Drop the peer index table's secondary indexes (and, on PostgreSQL, its foreign keys) for
    a bulk load and make them again, exactly as they were, afterwards (also when the load
    fails). The rows themselves go in as a hand-in writes them (``peer_index_write``: COPY on
    PostgreSQL); PostgreSQL's commits need not wait for the disk meanwhile (a crash would lose
    the last seconds of seeding, never leave wrong rows)."""
    from courseware.models import PeerIndexEntry

    if not bulk:
        yield
        return
    table = PeerIndexEntry._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            foreign_keys = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname "
                "NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [table, table],
            )
            indexes = cursor.fetchall()
            for name, _definition in foreign_keys:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            cursor.execute("SET synchronous_commit TO off")
        else:
            foreign_keys = []
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
            indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    log(f"  loading without {len(indexes)} indexes and {len(foreign_keys)} foreign keys")
    try:
        yield
    finally:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET maintenance_work_mem TO '512MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            for name, definition in foreign_keys:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            if connection.vendor == "postgresql":
                cursor.execute("SET synchronous_commit TO on")
        log(f"  indexes and foreign keys made again in {time.perf_counter() - started:.0f} s")


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


def _planted_copy(*, rng, prior_ids, readings) -> tuple:
    """A 60-word stretch of a random prior essay's own words, and that essay: a stretch that
    takes a passage of a reading is reported against the reading, not the essay."""
    from courseware.models import SubmissionVersion
    from courseware.originality.check import check_essay

    while True:
        source = SubmissionVersion.objects.get(pk=prior_ids[int(rng.integers(len(prior_ids)))])
        words = source.text.split()
        start = int(rng.integers(0, len(words) - PLANTED_WORDS))
        copied = " ".join(words[start : start + PLANTED_WORDS])
        if not check_essay(copied, readings=readings).findings:
            return copied, source


def measure(prior: int, texts: dict) -> dict:
    """Run in a fresh process (a worker just started): warm up with one hand-in, then time
    each of ``texts["samples"]`` handed in by a new student, every other one carrying a copy
    planted from a random prior essay.

    The essays' own words come from the parent (``texts``), so this process holds what a
    worker holds and nothing of the essay generator."""
    import numpy as np

    vendor = setup_django()
    from django.utils import timezone

    from courseware.models import Classroom, MatchKind, SubmissionVersion
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
    queued.clear()

    rng = np.random.default_rng([SEED, prior, texts.get("run", 0)])
    prior_ids = list(
        SubmissionVersion.objects.filter(
            submission__student__username__startswith="bench-prior-"
        ).values_list("pk", flat=True)
    )
    readings = services.reading_corpus_for(
        reading_ids=services.citable_reading_ids(assignment=warm.version.submission.assignment)
    )
    # The process's own peak so far (VmHWM: getrusage's ru_maxrss would also count the parent
    # this process was forked from, which holds the seeding's data).
    process_rss = _peak_rss_since_reset_mb()
    samples = []
    for number, base in enumerate(texts["samples"]):
        planted = number % 2 == 0
        paragraphs = base.split("\n\n")
        source = None
        if planted:
            copied, source = _planted_copy(rng=rng, prior_ids=prior_ids, readings=readings)
            paragraphs.insert(len(paragraphs) // 2, copied)
        report = _hand_in(
            classroom=classroom,
            prompt=prompt,
            teacher=teacher,
            text="\n\n".join(paragraphs),
            tag=f"t{number}",
        )
        queued.clear()
        process_rss = max(process_rss, _peak_rss_since_reset_mb())
        _reset_peak_rss()
        timed = _timed_task(report.pk)
        check_rss = _peak_rss_since_reset_mb()
        process_rss = max(process_rss, check_rss)
        peer_matches = timed["report"].matches.filter(kind=MatchKind.PEER_OVERLAP)
        sample = {
            "cpu": timed["cpu"],
            "wall": timed["wall"],
            "rss": check_rss,
            "status": timed["status"],
            "candidates": timed["report"].candidates_aligned,
            "peers_checked": timed["report"].peers_checked,
            "planted": planted,
            "found": planted and peer_matches.filter(peer_version=source).exists(),
            "peer_matches": peer_matches.count(),
        }
        if planted:
            # The check queued a re-check of the copied-from essay (fair to the first
            # submitter): timed the same way, and whether it shows the overlap back.
            rechecks = list(queued)
            queued.clear()
            recheck = _timed_task(rechecks[0]) if rechecks else None
            sample["recheck_cpu"] = recheck["cpu"] if recheck else None
            sample["recheck_found"] = (
                recheck is not None
                and recheck["report"]
                .matches.filter(kind=MatchKind.PEER_OVERLAP, peer_version=timed["report"].version)
                .exists()
            )
        queued.clear()
        samples.append(sample)
    return {
        "vendor": vendor,
        "prior": prior,
        "samples": samples,
        "process_rss": process_rss,
    }


def _summary(row: dict) -> dict:
    samples = row["samples"]
    planted = [s for s in samples if s["planted"]]

    def both(name: str, among=samples) -> tuple[float, float]:
        values = [s[name] for s in among if s.get(name) is not None]
        return (statistics.median(values), percentile(values, 0.9)) if values else (0, 0)

    return {
        "prior": row["prior"],
        "n": len(samples),
        "cpu": both("cpu"),
        "wall": both("wall"),
        "rss": both("rss"),
        "candidates": both("candidates"),
        "found": sum(s["found"] for s in planted),
        "planted": len(planted),
        "unplanted_flagged": sum(1 for s in samples if not s["planted"] and s["peer_matches"]),
        "recheck_cpu": both("recheck_cpu", planted),
        "recheck_found": sum(bool(s.get("recheck_found")) for s in planted),
        "failed": sum(s["status"] != "done" for s in samples),
        "process_rss": row["process_rss"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prior", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument(
        "--samples", type=int, default=20, help="timed hand-ins per size (every other planted)"
    )
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure is not None:
        texts = json.loads(sys.stdin.read())
        print(json.dumps(measure(args.measure, texts), default=str))
        return

    vendor = setup_django()
    from originality_index import EssayMaker, seed_paragraphs

    from accounts.models import User

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log(f"database: {vendor} ({os.environ['DATABASE_URL'].split('@')[-1]})")
    paragraphs = seed_paragraphs()
    maker = EssayMaker(paragraphs, SEED)
    rows = []
    for prior in sorted(args.prior):
        log(f"seeding to {prior:,} prior essays (load average {_load()})")
        started = time.perf_counter()
        seed_prior(prior, maker, log)
        log(
            f"  seeded in {time.perf_counter() - started:.0f} s; measuring {args.samples} "
            f"hand-ins in a fresh process (load average {_load()})"
        )
        # The hand-ins' own essays come from a generator of their own: the seeding's would
        # give, on a database seeded by an earlier run, the essays already there.
        # A database measured before holds the earlier runs' hand-ins: each run (counted by
        # its warm-up hand-in) writes and copies from other essays than the runs before it.
        run = User.objects.filter(username__startswith="bench-new-w-").count()
        fresh = EssayMaker(paragraphs, [SEED + 1, prior, run])
        texts = {
            "run": run,
            "warm": fresh.essay(ESSAY_WORDS),
            "samples": [fresh.essay(440) for _ in range(args.samples)],
        }
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
        row = json.loads(child.stdout.strip().splitlines()[-1])
        row["load"] = _load()
        rows.append(row)
        log(f"  measured (load average {row['load']}): {json.dumps(_summary(row))}")

    print(f"\noriginality check of a hand-in, {vendor}: median / p90 of the timed hand-ins")
    print(
        "| prior essays | hand-ins | CPU s | wall s | peak RSS MB during the check "
        "(whole worker) | candidates aligned | planted copy found "
        "| copied-from essay's re-check: CPU s, overlap shown | load average |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    summaries = [_summary(row) for row in rows]
    for row, s in zip(rows, summaries, strict=True):
        print(
            f"| {s['prior']:,} | {s['n']} | {s['cpu'][0]:.3f} / {s['cpu'][1]:.3f} "
            f"| {s['wall'][0]:.2f} / {s['wall'][1]:.2f} "
            f"| {s['rss'][0]:.0f} / {s['rss'][1]:.0f} ({s['process_rss']:.0f}) "
            f"| {s['candidates'][0]:.0f} / {s['candidates'][1]:.0f} "
            f"| {s['found']} of {s['planted']} "
            f"| {s['recheck_cpu'][0]:.3f}, {s['recheck_found']} of {s['planted']} "
            f"| {row['load']} |"
        )
    for s in summaries:
        if s["failed"] or s["unplanted_flagged"]:
            print(
                f"{s['prior']:,}: {s['failed']} checks not done, {s['unplanted_flagged']} "
                "essays without a planted copy flagged for peer overlap"
            )
    if summaries:
        first, last = summaries[0], summaries[-1]
        print(
            f"\n{last['prior']:,} prior essays: median {last['cpu'][0]:.3f} s CPU "
            f"({last['cpu'][0] / first['cpu'][0]:.2f}x the {first['prior']:,} median); "
            "goals < 0.5 s, <= 1.5x, peak RSS < 300 MB"
        )


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
