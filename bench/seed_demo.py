"""Time ``seed_demo`` in-process: a first run on an empty database and a second (idempotent) run.

Usage: ``python bench/seed_demo.py [--repeat N] [--without-work] [--slow-hasher]`` from the
repository root (a throwaway SQLite database unless ``DATABASE_URL`` names one; the database must
be empty of demo data). Prints the wall time of each run, the queries each run made, and what the
first run created. Each repeat flushes the database first. Passwords are hashed with MD5 as in the
tests (the browser tests seed the demo school) unless ``--slow-hasher``; ``--without-work`` skips
the students' work, for comparison with the seed before it had any.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--without-work",
        action="store_true",
        help="seed only the school, course and assignments (the seed before students' work)",
    )
    parser.add_argument(
        "--slow-hasher",
        action="store_true",
        help="hash the demo passwords with the production hasher (tests use MD5)",
    )
    args = parser.parse_args()
    vendor = setup_django()
    from django.conf import settings

    if not args.slow_hasher:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if args.without_work:
        import courseware.demo

        courseware.demo.demo_work_seed = lambda: None

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courseware.demo import demo_seed
    from courseware.models import (
        Grade,
        OriginalityReport,
        QuizAttempt,
        ReadingProgress,
        Submission,
        SubmissionVersion,
    )

    print(f"database: {vendor}")
    for repeat in range(args.repeat):
        if repeat:
            call_command("flush", interactive=False, verbosity=0)
        for label in ("first run", "second run"):
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                demo_seed()
                elapsed = time.perf_counter() - started
            print(f"{label:>10}: {elapsed:6.2f} s  {len(queries):6d} queries")
    counts = {
        "submissions": Submission.objects.count(),
        "versions": SubmissionVersion.objects.count(),
        "grades": Grade.objects.count(),
        "released grades": Grade.objects.filter(released_at__isnull=False).count(),
        "originality reports": OriginalityReport.objects.count(),
        "quiz attempts": QuizAttempt.objects.count(),
        "reading progress": ReadingProgress.objects.count(),
    }
    print("created: " + ", ".join(f"{count} {name}" for name, count in counts.items()))


if __name__ == "__main__":
    main()
