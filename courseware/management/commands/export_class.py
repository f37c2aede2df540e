"""``manage.py export_class JOIN_CODE [--output FILE]``: a class as a JSON document."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from courseware.models import Classroom
from courseware.portability import classroom_export


class Command(BaseCommand):
    help = (
        "Write a class (members, work set, extensions, reading progress, quiz attempts, essays "
        "and their versions) as JSON, to a file or to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("join_code", help="the class's join code, as on its page")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, join_code: str, output: str | None, **options):
        classroom = (
            Classroom.objects.filter(join_code=join_code.strip().upper())
            .select_related("course")
            .first()
        )
        if classroom is None:
            raise CommandError(f"No class has the join code {join_code}.")
        text = json.dumps(classroom_export(classroom=classroom), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(self.style.SUCCESS(f"{classroom} written to {output}."))
        else:
            sys.stdout.write(text + "\n")
