"""Measure how long the marking queue of 3,000 essays and a gradebook of 30 × 40 take to render.

Usage: ``.venv/bin/python bench/marking_render.py [--runs N] [--queue 3000]``

Goals: the queue of 3,000 under 1 s, the gradebook of 30 students × 40 assignments under 150 ms.

Without ``DATABASE_URL`` it builds a throwaway SQLite database in a temporary directory; with it,
it uses that database (point it at a scratch one: the bench migrates it and adds classes, people
and marks of its own, under names that start with ``bench-``). The data are written in bulk by
``tests.factories.marking``: every essay of the queue handed in, a third of them marked; in the
gradebook every essay marked and every quiz taken. Each page is requested as the class's teacher
``N`` times after warm-up requests, through Django's test client (the whole stack but the
network). It prints the median, 95th percentile and extremes of each request, the queries per
request, the page's size, and the selector's share of the time.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from pathlib import Path

from benchlib import percentile, setup_django

REPO_ROOT = Path(__file__).resolve().parent.parent


def _time(client, url: str, runs: int, selector) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        assert client.get(url).status_code == 200
    totals, selector_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        totals.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        started = time.perf_counter()
        selector()
        selector_times.append((time.perf_counter() - started) * 1000)
    return {
        "median": statistics.median(totals),
        "p95": percentile(totals, 0.95),
        "min": min(totals),
        "max": max(totals),
        "selector": statistics.median(selector_times),
        "queries": len(queries),
        "size": len(response.content) / 1024,
    }


def _report(title: str, figures: dict, goal_ms: float) -> None:
    verdict = "meets" if figures["median"] < goal_ms else "MISSES"
    print(title)
    print(f"  median           {figures['median']:8.1f} ms  ({verdict} the {goal_ms:.0f} ms goal)")
    print(f"  p95              {figures['p95']:8.1f} ms")
    print(f"  min / max        {figures['min']:8.1f} / {figures['max']:.1f} ms")
    print(f"  selector median  {figures['selector']:8.1f} ms (rows → page objects)")
    print(f"  queries          {figures['queries']} per request")
    print(f"  page size        {figures['size']:8.1f} KiB of HTML")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page (15)")
    parser.add_argument("--queue", type=int, default=3000, help="essays in the queue (3000)")
    args = parser.parse_args()
    vendor = setup_django()

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Role
    from accounts.services import user_create
    from courseware.models import MembershipRole
    from courseware.selectors.marking import gradebook, marking_queue
    from courseware.services.teaching import classroom_create, course_create, membership_add
    from tests.factories.marking import bulk_gradebook, bulk_marking_queue
    from tests.factories.submissions import essay_assignment

    tag = f"bench-{uuid.uuid4().hex[:6]}"
    teacher = user_create(
        username=f"{tag}-teacher",
        email=f"{tag}-teacher@example.org",
        password="bench-only-password",  # noqa: S106 - a throwaway account
        role=Role.TEACHER,
        display_name="Bench Teacher",
    )
    course = course_create(title=f"Bench course {tag}", slug=tag)
    queue_class = classroom_create(name=f"{tag} queue", course=course, year=2026)
    book_class = classroom_create(name=f"{tag} book", course=course, year=2026)
    for classroom in (queue_class, book_class):
        membership_add(classroom=classroom, user=teacher, role=MembershipRole.TEACHER)

    started = time.perf_counter()
    assignment = essay_assignment(queue_class, title="Why Stalin won")
    bulk_marking_queue(assignment, args.queue, marker=teacher, tag=f"{tag}-q")
    bulk_gradebook(book_class, students=30, essays=30, quizzes=10, marker=teacher, tag=f"{tag}-b")
    print(f"marking pages on {vendor}; data written in {time.perf_counter() - started:.1f} s")

    client = Client()
    client.force_login(teacher)
    queue = _time(
        client,
        reverse("courseware:marking-queue", args=[assignment.pk]),
        args.runs,
        lambda: marking_queue(assignment=assignment, now=timezone.now()),
    )
    _report(f"marking queue of {args.queue:,} essays", queue, 1000)
    book = _time(
        client,
        reverse("courseware:gradebook", args=[book_class.pk]),
        args.runs,
        lambda: gradebook(classroom=book_class),
    )
    _report("gradebook of 30 students × 40 assignments (30 essays, 10 quizzes)", book, 150)


if __name__ == "__main__":
    main()
