"""``manage.py import_class FILE``: make a class from a document written by ``export_class``."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from courseware.portability import classroom_import


class Command(BaseCommand):
    help = (
        "Make the class a JSON document from export_class describes. Its course must be here "
        "already; nothing is imported if anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the JSON file written by export_class")

    def handle(self, *args, path: str, **options):
        try:
            with open(path, encoding="utf-8") as file:
                data = json.load(file)
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        try:
            classroom = classroom_import(data=data)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except (KeyError, TypeError) as error:
            raise CommandError(f"{path} is not a complete class document ({error}).") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {classroom}: {classroom.memberships.count()} members, "
                f"{classroom.assignments.count()} assignments."
            )
        )
