"""Deadline surge: every student of a class autosaves and hands in an essay at the same moment.

Usage: ``python bench/deadline_surge.py [--students 200] [--saves 5] [--workers 5] [--threads 4]``

It runs the production topology natively: a fresh PostgreSQL database (created, then dropped),
Redis for the cache and throttling, and gunicorn with ``config/gunicorn.py`` and ``DEBUG=0``.
It makes one class with an essay assignment and ``--students`` students, each with an API
token, then starts one client thread per student. Released together, each student:

1. starts their essay (``POST /api/v1/assignments/<id>/submission/``, expect 201);
2. autosaves ``--saves`` growing drafts, each based on the revision the last save returned
   (``PUT .../draft/``, expect 200). Every draft carries a marker unique to the student;
3. saves once more from a "second device" that still has revision 0 (expect 409 carrying the
   newer text, which the client checks);
4. hands in the last revision (``POST .../submit/``, expect 201), and again as a double click
   would (expect 200 and the same version).

Any other answer, or a failed request, is an error (goal: 0). It prints requests per second
and latency percentiles by step, then reads the database back and checks every student's
draft, status, revision and single version against what that student sent: "lost" counts
students whose text, revision or version is not exactly theirs, "mixed" counts texts that
hold another student's marker (goal: 0 and 0).

PostgreSQL is reached at ``SURGE_POSTGRES_URL`` (default: the local server as ``postgres``) and
Redis at ``SURGE_REDIS_URL`` (default ``redis://127.0.0.1:6379/11``).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get("SURGE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("SURGE_REDIS_URL", "redis://127.0.0.1:6379/11")
MARKER = re.compile(r"SURGE-\d{4}-[0-9a-f]{8}")
EXPECTED = {"start": 201, "save": 200, "stale": 409, "submit": 201, "double": 200}
STEPS = list(EXPECTED)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _draft(marker: str, step: int) -> str:
    """A student's draft after ``step`` saves: their marker, then 60 more words a save."""
    paragraphs = [f"{marker} opens the essay on why Stalin, not Trotsky, succeeded Lenin."]
    for n in range(1, step + 1):
        paragraphs.append(
            " ".join(f"point{n}w{w}" for w in range(55))
            + f" and {marker} cites [[surge-reading#p-{n}]]."
        )
    return "\n\n".join(paragraphs)


@dataclass
class Outcome:
    final_text: str = ""
    final_revision: int = 0
    version: int | None = None
    submission_id: int | None = None
    errors: list[str] = field(default_factory=list)


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []

    def add(self, step: str, seconds: float, ok: bool, sample: str = "") -> None:
        with self.lock:
            self.latencies[step].append(seconds)
            if not ok:
                self.errors[step] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{step}: {sample[:300]}")


def _student_run(
    *,
    port: int,
    token: str,
    assignment_id: int,
    marker: str,
    saves: int,
    barrier: threading.Barrier,
    recorder: Recorder,
) -> Outcome:
    outcome = Outcome()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {
        "Authorization": f"Token {token}",
        "Content-Type": "application/json",
        "Accept": "application/json",
        # TLS ends at the load balancer in production; it says so with X-Forwarded-Proto.
        "X-Forwarded-Proto": "https",
    }

    def call(step: str, method: str, path: str, body: dict | None = None):
        started = time.perf_counter()
        try:
            connection.request(
                method, path, body=json.dumps(body) if body is not None else None, headers=headers
            )
            response = connection.getresponse()
            raw = response.read()
            status = response.status
        except OSError as error:
            connection.close()
            recorder.add(step, time.perf_counter() - started, False, repr(error))
            outcome.errors.append(f"{step}: {error!r}")
            return None, None
        elapsed = time.perf_counter() - started
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        ok = status == EXPECTED[step]
        recorder.add(step, elapsed, ok, f"{status} {raw[:200]!r}")
        if not ok:
            outcome.errors.append(f"{step}: {status}")
        return status, data

    barrier.wait()
    status, data = call("start", "POST", f"/api/v1/assignments/{assignment_id}/submission/")
    if status != 201:
        return outcome
    outcome.submission_id = data["id"]
    base = f"/api/v1/submissions/{outcome.submission_id}"
    revision = data["revision"]
    for step in range(1, saves + 1):
        text = _draft(marker, step)
        status, data = call("save", "PUT", f"{base}/draft/", {"text": text, "revision": revision})
        if status != 200:
            return outcome
        revision = data["revision"]
        outcome.final_text, outcome.final_revision = text, revision
    status, data = call(
        "stale", "PUT", f"{base}/draft/", {"text": f"{marker} from a second device", "revision": 0}
    )
    if status == 409 and (data or {}).get("text") != outcome.final_text:
        outcome.errors.append("stale: the 409 did not carry the newer text")
        recorder.add("stale", 0.0, False, "409 without the newer text")
    body = {"revision": revision, "honesty_declared": True}
    status, data = call("submit", "POST", f"{base}/submit/", body)
    if status != 201:
        return outcome
    outcome.version = data["number"]
    status, again = call("double", "POST", f"{base}/submit/", body)
    if status == 200 and again["number"] != outcome.version:
        outcome.errors.append("double: a second version was made")
    connection.close()
    return outcome


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _setup_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _seed(students: int):
    """One class, an essay assignment and the students with API tokens, made by services."""
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import Role
    from accounts.services import user_create
    from courseware.models import AssignmentKind, MembershipRole
    from courseware.services.content import (
        CriterionSpec,
        LevelSpec,
        essay_prompt_create,
        rubric_create,
    )
    from courseware.services.teaching import (
        assignment_create,
        classroom_create,
        course_create,
        membership_add,
    )

    now = timezone.now()
    teacher = user_create(
        username="surge.teacher", email="teacher@surge.example", password=None, role=Role.TEACHER
    )
    course = course_create(title="Surge history", slug="surge-history")
    classroom = classroom_create(name="12 Surge", course=course, year=2026, teachers=[teacher])
    rubric = rubric_create(
        title="Surge rubric",
        criteria=[CriterionSpec(title="Argument", levels=(LevelSpec("Band 1", "Some.", 1),))],
    )
    prompt = essay_prompt_create(
        course=course,
        slug="surge-prompt",
        title="Why Stalin won",
        question="Why did Stalin, not Trotsky, succeed Lenin?",
        min_words=50,
        max_words=5000,
        rubric=rubric,
    )
    assignment = assignment_create(
        classroom=classroom,
        kind=AssignmentKind.ESSAY,
        target=prompt,
        by=teacher,
        opens_at=now - timedelta(days=7),
        due_at=now + timedelta(minutes=30),
        cutoff_at=now + timedelta(days=1),
    )
    tokens = []
    for n in range(students):
        student = user_create(
            username=f"surge.student{n:04d}",
            email=f"student{n:04d}@surge.example",
            password=None,
        )
        membership_add(classroom=classroom, user=student, role=MembershipRole.STUDENT)
        tokens.append((student.pk, Token.objects.create(user=student).key))
    return assignment.pk, tokens


def _verify(assignment_id: int, expected: dict[int, tuple[str, Outcome]]) -> tuple[int, int]:
    """Students whose stored work is not exactly what they sent; texts with another's marker."""
    from courseware.models import Submission, SubmissionStatus

    lost = mixed = 0
    submissions = {
        s.student_id: s
        for s in Submission.objects.filter(assignment_id=assignment_id).prefetch_related("versions")
    }
    for student_id, (marker, outcome) in expected.items():
        submission = submissions.get(student_id)
        versions = list(submission.versions.all()) if submission else []
        exact = (
            submission is not None
            and submission.draft_text == outcome.final_text
            and submission.revision == outcome.final_revision
            and submission.status == SubmissionStatus.SUBMITTED
            and submission.current_version == 1
            and len(versions) == 1
            and versions[0].text == outcome.final_text
            and versions[0].sha256 == hashlib.sha256(outcome.final_text.encode()).hexdigest()
        )
        lost += not exact
        texts = [submission.draft_text, *(v.text for v in versions)] if submission else []
        mixed += any(set(MARKER.findall(text)) - {marker} for text in texts)
    return lost, mixed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--saves", type=int, default=5, help="autosaves per student")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    args = parser.parse_args()

    name = f"lectern_surge_{uuid.uuid4().hex[:10]}"
    workdir = Path(tempfile.mkdtemp(prefix="lectern-surge-"))
    base = POSTGRES_URL.rsplit("/", 1)[0]
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{base}/{name}",
        "REDIS_URL": REDIS_URL,
        "STATIC_ROOT": str(workdir / "static"),  # the API serves no static files
        "LOG_LEVEL": "WARNING",
    }
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    server = None
    log_path = workdir / "gunicorn.log"
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env={**os.environ, **env},
            check=True,
            timeout=600,
        )
        _setup_django(env)
        seed_started = time.perf_counter()
        assignment_id, tokens = _seed(args.students)
        print(f"seeded {args.students} students in {time.perf_counter() - seed_started:.1f} s")

        from django.core.cache import cache
        from django.db import connections

        cache.clear()  # no throttling history from an earlier run on this Redis database
        connections.close_all()

        port = _free_port()
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [BIN / "gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"],
                cwd=ROOT,
                env={
                    **os.environ,
                    **env,
                    "GUNICORN_BIND": f"127.0.0.1:{port}",
                    "WEB_CONCURRENCY": str(args.workers),
                    "GUNICORN_THREADS": str(args.threads),
                },
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                if probe.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print(f"gunicorn did not come up; see {log_path}")
                return 1
            time.sleep(0.3)

        recorder = Recorder()
        barrier = threading.Barrier(args.students + 1)
        results: dict[int, tuple[str, Outcome]] = {}
        threads = []
        for n, (student_id, token) in enumerate(tokens):
            marker = f"SURGE-{n:04d}-{uuid.uuid4().hex[:8]}"

            def run(student_id=student_id, token=token, marker=marker):
                results[student_id] = (
                    marker,
                    _student_run(
                        port=port,
                        token=token,
                        assignment_id=assignment_id,
                        marker=marker,
                        saves=args.saves,
                        barrier=barrier,
                        recorder=recorder,
                    ),
                )

            thread = threading.Thread(target=run)
            thread.start()
            threads.append(thread)
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started

        lost, mixed = _verify(assignment_id, results)
        total = sum(len(v) for v in recorder.latencies.values())
        errors = sum(recorder.errors.values())
        print()
        print(
            f"deadline surge: {args.students} students, {args.saves} autosaves each, gunicorn "
            f"{args.workers} workers x {args.threads} threads, PostgreSQL + Redis, DEBUG=0, "
            f"{os.cpu_count()} CPUs"
        )
        print(
            f"{'step':<8} {'expect':>6} {'requests':>8} {'errors':>6} "
            f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
        )
        for step in STEPS:
            values = recorder.latencies.get(step, [])
            print(
                f"{step:<8} {EXPECTED[step]:>6} {len(values):>8} {recorder.errors[step]:>6} "
                f"{_percentile(values, 0.5) * 1000:>8.1f} {_percentile(values, 0.95) * 1000:>8.1f} "
                f"{(max(values) if values else 0) * 1000:>8.1f}"
            )
        every = [v for values in recorder.latencies.values() for v in values]
        print(
            f"{'all':<8} {'':>6} {total:>8} {errors:>6} {_percentile(every, 0.5) * 1000:>8.1f} "
            f"{_percentile(every, 0.95) * 1000:>8.1f} {max(every, default=0) * 1000:>8.1f}"
        )
        print()
        print(f"wall time            {wall:8.2f} s")
        print(f"requests per second  {total / wall:8.1f}")
        print(f"errors               {errors:8d}   (goal 0)")
        print(f"students lost        {lost:8d}   (goal 0: text, revision or version not theirs)")
        print(f"students mixed up    {mixed:8d}   (goal 0: another student's marker)")
        if recorder.samples:
            print("\nfirst errors:")
            for sample in recorder.samples:
                print(f"  {sample}")
        return 0 if errors == lost == mixed == 0 else 1
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may never have been set up
            pass
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
