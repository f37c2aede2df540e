"""``manage.py seed_scale --size S|M|L``: a dataset sized like Moodle's test plans."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from courseware.scale import SIZES, scale_seed


class Command(BaseCommand):
    help = (
        "Make a scale dataset next to the demo school: S = 1,000 students, 40 classes, "
        "10,000 submissions; M = 4,000 / 160 / 40,000; L = 10,000 / 400 / 100,000. "
        "Use a fresh database for each size."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="S")

    def handle(self, *args, size: str, **options):
        started = time.perf_counter()

        def log(message: str) -> None:
            self.stderr.write(f"  {time.perf_counter() - started:7.1f}s  {message}")

        try:
            made = scale_seed(size=size, log=log)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        # Fresh planner statistics: without them the first queries on bulk-loaded tables are
        # planned as if the tables were empty.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        summary = ", ".join(f"{count:,} {name}" for name, count in made.items())
        self.stdout.write(self.style.SUCCESS(f"Size {size} made in {seconds:.1f}s: {summary}."))
