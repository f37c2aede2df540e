"""Load test: gunicorn + PostgreSQL + Redis under headless locust, key pages next to a trivial view.

Usage: ``python bench/load_test.py [--size S] [--users 16] [--seconds 15] [--journey-users 40]
[--journey-seconds 120] [--journey-rate 0.5] [--workers 4]``

It runs the production topology natively, as ``tests/test_topology.py`` does: a fresh
PostgreSQL database (created, then dropped), Redis for cache and sessions, and gunicorn with
``config/gunicorn.py`` and ``DEBUG=0``. The database is seeded with ``seed_scale --size``. Then,
all against the same server in the same run:

1. **Throughput, page by page.** For the trivial view (``/healthz/trivial``: no database, no
   session) and for each key page in turn, ``--users`` locust users request only that page with
   no pause for ``--seconds``: the requests per second the server sustains for it. Each key
   page's throughput is divided by the trivial view's (goal: at least 0.5). ``/api/v1/me/``,
   the lightest request a signed-in person makes, is measured the same way as a floor: what
   any signed-in page costs before it does its own work.
2. **Journeys.** ``--journey-users`` students and teachers (4 : 1) arrive ``--journey-rate`` a
   second, log in through the form and use the site with 1–3 s pauses for
   ``--journey-seconds``: dashboard, reading, autosave and API list for students; class page,
   marking queue, gradebook and API list of submissions for teachers. It reports requests per
   second and p50/p95 per page and counts failures (goal: 0).

PostgreSQL is reached at ``LOAD_POSTGRES_URL`` (default: the local server as ``postgres``) and
Redis at ``LOAD_REDIS_URL`` (default ``redis://127.0.0.1:6379/13``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
POSTGRES_URL = os.environ.get("LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/13")
# Not a key page: the cheapest request a signed-in person can make (session, user, a small JSON
# body), to show how much of a key page's cost any signed-in request already carries.
SIGNED_IN_FLOOR = "API: me (floor)"
PAGES = [
    "trivial view",
    SIGNED_IN_FLOOR,
    "student dashboard",
    "reading page",
    "API: my assignments",
    "class page",
    "marking queue",
    "gradebook",
    "API: submissions",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _sessions(usernames: list[str]) -> dict[str, str]:
    """A signed-in session for each person, made as a login makes it.

    The page-by-page phase measures pages, not logins: a login hashes a password on purpose
    slowly (hundreds of milliseconds of CPU), and the journeys phase measures that instead.
    """
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = {}
    for user in User.objects.filter(username__in=usernames):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions[user.username] = session.session_key
    return sessions


def _write_plan(path: str, people: int) -> None:
    """In a process on the seeded database: who logs in and which pages they open."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import timezone

    from courseware.models import AssignmentKind, Classroom, MembershipRole, SubmissionStatus
    from courseware.scale import SCALE_PASSWORD

    classes = list(Classroom.objects.filter(name__startswith="Scale class ").order_by("name"))
    now = timezone.now()
    students, teachers = [], []
    for classroom in classes:
        reading = classroom.assignments.get(kind=AssignmentKind.READING).reading
        essay = (
            classroom.assignments.filter(kind=AssignmentKind.ESSAY, due_at__lt=now)
            .order_by("-due_at")
            .first()
        )
        teacher = classroom.memberships.get(role=MembershipRole.TEACHER).user
        teachers.append(
            {"username": teacher.username, "classroom": classroom.pk, "essay": essay.pk}
        )
        for membership in classroom.memberships.filter(role=MembershipRole.STUDENT).select_related(
            "user"
        ):
            draft = (
                membership.user.submissions.filter(
                    assignment__classroom=classroom, status=SubmissionStatus.DRAFT
                )
                .order_by("pk")
                .first()
            )
            if draft is not None:
                students.append(
                    {
                        "username": membership.user.username,
                        "reading": reading.slug,
                        "submission": draft.pk,
                    }
                )
    students, teachers = students[:people], teachers[: max(people // 4, 1)]
    session_for = _sessions([s["username"] for s in students] + [t["username"] for t in teachers])
    # A teacher teaches two classes; keep one entry per teacher so no one is over-counted.
    teachers = list({t["username"]: t for t in teachers}.values())

    def visits(people, url):
        return [{"session": session_for[p["username"]], "url": url.format(**p)} for p in people]

    pages = {
        "trivial view": [{"session": None, "url": "/healthz/trivial"}],
        SIGNED_IN_FLOOR: visits(students, "/api/v1/me/"),
        "student dashboard": visits(students, "/dashboard/"),
        "reading page": visits(students, "/readings/{reading}/"),
        "API: my assignments": visits(students, "/api/v1/assignments/"),
        "class page": visits(teachers, "/classes/{classroom}/"),
        "marking queue": visits(teachers, "/assignments/{essay}/marking/"),
        "gradebook": visits(teachers, "/classes/{classroom}/gradebook/"),
        "API: submissions": visits(teachers, "/api/v1/submissions/"),
    }
    plan = {"password": SCALE_PASSWORD, "students": students, "teachers": teachers, "pages": pages}
    Path(path).write_text(json.dumps(plan), encoding="utf-8")


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 — http only
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds}s")


def _locust(
    env: dict, host: str, csv_prefix: Path, users: int, seconds: int, *classes, rate=None
) -> dict:
    """Run locust headless and return its summary rows by request name."""
    subprocess.run(
        [
            BIN / "locust",
            "-f",
            str(LOCUSTFILE),
            *classes,
            "--headless",
            "--only-summary",
            "--host",
            host,
            "-u",
            str(users),
            "-r",
            str(rate or users),
            "-t",
            f"{seconds}s",
            "--csv",
            str(csv_prefix),
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
    )
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8") as file:
        return {row["Name"]: row for row in csv.DictReader(file)}


def _row(name: str, stats: dict) -> str:
    return (
        f"{name:<22}{float(stats['Requests/s']):>9.1f}{float(stats['50%']):>8.0f}"
        f"{float(stats['95%']):>8.0f}{int(stats['Request Count']):>9}"
        f"{int(stats['Failure Count']):>7}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="S", choices=["S", "M", "L"])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--journey-users", type=int, default=40)
    parser.add_argument("--journey-seconds", type=int, default=120)
    parser.add_argument("--journey-rate", type=float, default=0.5, help="arrivals per second")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--write-plan", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_plan:
        _write_plan(args.write_plan, people=max(args.journey_users, args.users) * 2)
        return

    name = f"lectern_load_{uuid.uuid4().hex[:10]}"
    work = Path(tempfile.mkdtemp(prefix="lectern-load-"))
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(work)),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{POSTGRES_URL.rsplit('/', 1)[0]}/{name}",
        "REDIS_URL": REDIS_URL,
        "STATIC_ROOT": str(work / "static"),
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "LOAD_PLAN": str(work / "plan.json"),
    }
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    server = None
    try:
        print(f"database {name}: migrate, collectstatic, seed_scale --size {args.size}", flush=True)
        _manage(env, "migrate", "--noinput")
        _manage(env, "collectstatic", "--noinput")
        started = time.perf_counter()
        _manage(env, "seed_scale", "--size", args.size)
        print(f"  seeded in {time.perf_counter() - started:.0f}s", flush=True)
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--write-plan",
                env["LOAD_PLAN"],
                "--users",
                str(args.users),
                "--journey-users",
                str(args.journey_users),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        server = subprocess.Popen(
            [BIN / "gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _wait_for(f"{host}/healthz", server)
        print(
            f"gunicorn: {args.workers} workers x {os.environ.get('GUNICORN_THREADS', '2')} "
            f"threads; {os.cpu_count()} CPUs shared with locust and PostgreSQL",
            flush=True,
        )

        print(f"\n1. Throughput, one page at a time: {args.users} users, no pause, {args.seconds}s")
        print(
            f"{'page':<22}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'requests':>9}{'fails':>7}"
            f"{'× trivial':>11}"
        )
        throughput = {}
        for page in PAGES:
            stats = _locust(
                {**env, "LOAD_PAGE": page},
                host,
                work / f"page-{PAGES.index(page)}",
                args.users,
                args.seconds,
                "OnePageUser",
            )[page]
            throughput[page] = float(stats["Requests/s"])
            ratio = throughput[page] / throughput["trivial view"]
            print(f"{_row(page, stats)}{ratio:>11.2f}", flush=True)
        key_pages = [p for p in PAGES[1:] if p != SIGNED_IN_FLOOR]
        worst = min(throughput[p] / throughput["trivial view"] for p in key_pages)
        verdict = "meets" if worst >= 0.5 else "does NOT meet"
        print(f"lowest key page / trivial view: {worst:.2f} ({verdict} the 0.5 goal)")

        print(
            f"\n2. Journeys: {args.journey_users} users (students 4 : teachers 1), 1-3 s pauses, "
            f"{args.journey_seconds}s"
        )
        print(f"{'page':<22}{'req/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'requests':>9}{'fails':>7}")
        stats = _locust(
            env,
            host,
            work / "journeys",
            args.journey_users,
            args.journey_seconds,
            "StudentUser",
            "TeacherUser",
            # allauth allows 30 logins a minute from one address, and every locust user comes
            # from 127.0.0.1: people arrive at that pace, as a class behind one NAT address would.
            rate=args.journey_rate,
        )
        for page, row in stats.items():
            if page:
                print(_row(page if page != "Aggregated" else "all requests", row))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
