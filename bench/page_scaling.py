"""Key pages on a small and a large school: does a page slow down as the school grows?

Usage: ``python bench/page_scaling.py [--sizes S L] [--repeat 30] [--rounds 3] [--reseed]``

For each size it uses a PostgreSQL database ``lectern_bench_<size>`` (at ``BENCH_POSTGRES_URL``,
default the local server as ``postgres``), made with ``migrate`` and ``seed_scale --size`` when
it has no scale data yet (the time that takes is printed; ``--reseed`` makes it again). Then, in
a separate process on that database, it requests each key page through Django's test client
as the person who would open it, in the same class of 25 students in every size:

- the student dashboard, the reading page and the student's API list of assignments;
- the class page, the marking queue of a past essay, the gradebook, and the teacher's API lists
  of classes and submissions.

Each page is requested ``--repeat`` times after three warm-up requests, in ``--rounds`` rounds
that alternate the sizes; the table shows each page's best median time and its fastest request,
the L/S ratio of each (goal: at most 1.2) and the queries each page ran in each size (which
should be the same). On a shared virtual machine the host's other guests take CPU time at random
("steal", printed at the end); the fastest request is the one such bursts touched least. Times are
in-process (no network, no gunicorn), so they measure Django, the queries and the database;
``bench/load_test.py`` measures the served site.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BASE_URL = POSTGRES_URL.rsplit("/", 1)[0]


def _env(size: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"{BASE_URL}/lectern_bench_{size.lower()}",
        "LOG_LEVEL": "WARNING",
    }


def _has_scale_data(size: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(f"{BASE_URL}/lectern_bench_{size.lower()}") as connection:
            row = connection.execute(
                "SELECT count(*) FROM accounts_user WHERE username LIKE 'scale-student-%%'"
            ).fetchone()
            return row[0] > 0
    except psycopg.Error:
        return False


def _seed(size: str) -> float:
    import psycopg

    name = f"lectern_bench_{size.lower()}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=_env(size), check=True)
    started = time.perf_counter()
    subprocess.run([*manage, "seed_scale", "--size", size], cwd=ROOT, env=_env(size), check=True)
    return time.perf_counter() - started


def _cpu_ticks() -> tuple[int, int]:
    """(steal, all) CPU ticks since boot from ``/proc/stat``. Steal is the time a shared
    virtual machine's CPUs waited for the host; (0, 1) where that is not reported."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0, 1
    ticks = [int(value) for value in fields]
    return (ticks[7] if len(ticks) > 7 else 0), sum(ticks)


# --- In the measuring process -------------------------------------------------------------------


def _measure(repeat: int) -> dict:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from courseware.models import AssignmentKind, Classroom, MembershipRole

    classroom = Classroom.objects.get(name="Scale class 000")
    student = classroom.memberships.filter(role=MembershipRole.STUDENT).order_by("user__username")
    student = student.first().user
    teacher = classroom.memberships.get(role=MembershipRole.TEACHER).user
    essays = classroom.assignments.filter(kind=AssignmentKind.ESSAY, due_at__lt=timezone.now())
    past_essay = essays.order_by("-due_at").first()
    reading = classroom.assignments.get(kind=AssignmentKind.READING).reading

    pages = [
        ("student dashboard", student, reverse("courseware:dashboard")),
        ("reading page", student, reverse("courseware:reading-detail", args=[reading.slug])),
        ("API: my assignments", student, "/api/v1/assignments/"),
        ("class page", teacher, reverse("courseware:classroom-detail", args=[classroom.pk])),
        ("marking queue", teacher, reverse("courseware:marking-queue", args=[past_essay.pk])),
        ("gradebook", teacher, reverse("courseware:gradebook", args=[classroom.pk])),
        ("API: classes", teacher, "/api/v1/classes/"),
        ("API: submissions", teacher, "/api/v1/submissions/"),
    ]
    results = {}
    clients = {}
    for name, user, url in pages:
        client = clients.get(user.pk)
        if client is None:
            client = clients[user.pk] = Client()
            client.force_login(user)
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, (name, url, response.status_code)
        # Requests reset the query log as they start; begin from an empty one.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        results[name] = {
            "ms": statistics.median(times),
            "fastest": min(times),
            "queries": len(queries),
            "url": url,
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["S", "L"], choices=["S", "M", "L"])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(args.repeat)))
        return

    for size in args.sizes:
        if args.reseed or not _has_scale_data(size):
            print(f"seeding size {size} ...", flush=True)
            print(f"  seed_scale --size {size}: {_seed(size):.1f}s", flush=True)
    # Sizes take turns, round after round, and each page keeps its best median and its
    # fastest request: a burst of other work on the machine then slows one round, not one size.
    ticks_before = _cpu_ticks()
    by_size: dict[str, dict] = {}
    for _ in range(args.rounds):
        for size in args.sizes:
            output = subprocess.run(
                [sys.executable, __file__, "--measure", "--repeat", str(args.repeat)],
                cwd=ROOT,
                env=_env(size),
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            measured = json.loads(output.strip().splitlines()[-1])
            best = by_size.setdefault(size, measured)
            for page, result in measured.items():
                for stat in ("ms", "fastest"):
                    best[page][stat] = min(best[page][stat], result[stat])

    ticks_after = _cpu_ticks()
    stolen = (ticks_after[0] - ticks_before[0]) / max(ticks_after[1] - ticks_before[1], 1)
    first, last = args.sizes[0], args.sizes[-1]
    print(
        f"best of {args.rounds} rounds of {args.repeat} requests, in-process; "
        f"median request, then fastest request"
    )
    header = f"{'page':<22}" + "".join(f"{s + ' ms':>9}" for s in args.sizes)
    header += f"{last + '/' + first:>7}" + "".join(f"{s + ' fast':>9}" for s in args.sizes)
    header += f"{last + '/' + first:>7}" + "".join(f"{'q ' + s:>5}" for s in args.sizes)
    print(header)
    worst = {"ms": 0.0, "fastest": 0.0}
    row = by_size
    for page in by_size[first]:
        line = f"{page:<22}"
        for stat in ("ms", "fastest"):
            ratio = row[last][page][stat] / row[first][page][stat]
            worst[stat] = max(worst[stat], ratio)
            line += "".join(f"{row[s][page][stat]:>9.1f}" for s in args.sizes) + f"{ratio:>7.2f}"
        line += "".join(f"{row[s][page]['queries']:>5}" for s in args.sizes)
        print(line)
    for stat, label in (("ms", "median"), ("fastest", "fastest")):
        verdict = "within" if worst[stat] <= 1.2 else "NOT within"
        print(f"worst {last}/{first} ratio, {label} requests: {worst[stat]:.2f} ({verdict} 1.2)")
    print(f"CPU time the hypervisor took from this machine during the runs: {stolen:.0%}")


if __name__ == "__main__":
    main()
