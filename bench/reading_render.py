"""Measure how long the reading page of the whole thesis takes to render.

Usage: ``.venv/bin/python bench/reading_render.py [--runs N]``

Without ``DATABASE_URL`` it builds a throwaway SQLite database in a temporary directory; with
it, it uses that database (point it at a scratch one: the bench migrates it and adds a reading
and a student of its own). It imports the thesis (``fixtures/demo_course/readings``), sets it for
a unit of a course a student is enrolled in, loads its recorded corrections (shown in the text, as
students see it), then requests the reading page as that student
``N`` times after a few warm-up requests, through Django's test client (the whole stack but the
network), alternating a visit served from the cache of rendered texts with one after the cache
is emptied. It prints the median, 95th percentile and extremes of each kind of request, the
time spent in the selector that gathers the page's rows, the queries per request and the
page's size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from benchlib import percentile, setup_django

REPO_ROOT = Path(__file__).resolve().parent.parent
THESIS = REPO_ROOT / "fixtures" / "demo_course" / "readings" / "stalin-trotsky-thesis.txt"
THESIS_CORRECTIONS = THESIS.with_name("stalin-trotsky-thesis.corrections.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests (default 30)")
    args = parser.parse_args()
    vendor = setup_django()

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Role, User
    from accounts.services import user_create
    from courseware.importers.corrections import corrections_read
    from courseware.models import Course, MembershipRole, ReadingKind
    from courseware.selectors.content import reading_page
    from courseware.services.content import (
        reading_corrections_load,
        reading_import,
        unit_create,
        unit_reading_add,
    )
    from courseware.services.teaching import classroom_create, course_create, membership_add

    reading = reading_import(
        text=THESIS.read_text(encoding="utf-8"),
        slug="bench-thesis",
        title="Thesis (bench)",
        author="",
        kind=ReadingKind.SECONDARY,
        citation="",
    )
    student = User.objects.filter(username="bench-student").first() or user_create(
        username="bench-student",
        email="bench-student@example.org",
        password="bench-only-password",  # noqa: S106 - a throwaway account
        role=Role.STUDENT,
        display_name="Bench Student",
    )
    course = Course.objects.filter(slug="bench-course").first() or course_create(
        title="Bench course", slug="bench-course"
    )
    unit = course.units.filter(slug="bench-unit").first() or unit_create(
        course=course, slug="bench-unit", title="Bench unit"
    )
    unit_reading_add(unit=unit, reading=reading)
    # The thesis's recorded corrections, shown in the text as students see it.
    corrections = json.loads(THESIS_CORRECTIONS.read_text(encoding="utf-8"))
    corrections["reading"] = reading.slug
    reading_corrections_load(
        reading=reading, corrections=corrections_read(corrections, slug=reading.slug)
    )
    reading.refresh_from_db()
    classroom = course.classrooms.first() or classroom_create(
        name="Bench class", course=course, year=2026
    )
    membership_add(classroom=classroom, user=student, role=MembershipRole.STUDENT)

    client = Client()
    client.force_login(student)
    url = reverse("courseware:reading-detail", args=[reading.slug])
    for _ in range(3):
        assert client.get(url).status_code == 200

    totals, cold_totals, selector_times = [], [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        totals.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        cache.clear()  # the next visit renders the text again
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as cold_queries:
            assert client.get(url).status_code == 200
        cold_totals.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        reading_page(reading=reading)
        selector_times.append((time.perf_counter() - started) * 1000)

    page = reading_page(reading=reading)
    print(
        f"reading page of the thesis on {vendor}: {page.paragraph_count} paragraphs, "
        f"{len(page.notes)} notes, {len(page.sections)} sections, {reading.word_count:,} words, "
        f"{page.emendation_count} corrections shown"
    )
    print(f"runs             {args.runs}")
    print("text cached      (every visit after the first to this version of the reading)")
    print(f"  median         {statistics.median(totals):7.1f} ms")
    print(f"  p95            {percentile(totals, 0.95):7.1f} ms")
    print(f"  min / max      {min(totals):7.1f} / {max(totals):.1f} ms")
    print(f"  queries        {len(queries)} per request")
    print("text rendered    (the first visit, or the cache emptied)")
    print(f"  median         {statistics.median(cold_totals):7.1f} ms")
    print(f"  p95            {percentile(cold_totals, 0.95):7.1f} ms")
    print(f"  queries        {len(cold_queries)} per request")
    print(f"selector median  {statistics.median(selector_times):7.1f} ms (rows → page objects)")
    print(f"page size        {len(response.content) / 1024:7.1f} KiB of HTML")


if __name__ == "__main__":
    main()
