"""``manage.py import_reading PATH``: import a plain-text source as a reading."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courseware.importers import ReadingParseError
from courseware.importers.corrections import CorrectionsError, corrections_read
from courseware.models import ReadingKind
from courseware.services.content import (
    reading_corrections_load,
    reading_import,
    reading_text_decode,
)


class Command(BaseCommand):
    help = (
        "Import a plain-text (UTF-8) source as a reading: sections, paragraphs and footnotes. "
        "Re-running it with the same slug updates the reading and never duplicates it."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the plain-text file to import")
        parser.add_argument("--slug", required=True, help="the reading's slug, e.g. cliff-lessons")
        parser.add_argument("--title", required=True)
        parser.add_argument("--author", default="")
        parser.add_argument("--kind", required=True, choices=ReadingKind.values)
        parser.add_argument("--citation", default="")
        parser.add_argument("--date", default="", help="as the source gives it, e.g. 1926–1928")
        parser.add_argument("--provenance", default="", help="where the text came from")
        parser.add_argument("--licence", default="", help="licence and attribution note")
        parser.add_argument("--summary", default="")
        parser.add_argument(
            "--corrections",
            default="",
            help="a corrections file (JSON) of recorded corrections to show in the text",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        corrections_path = Path(options["corrections"]) if options["corrections"] else None
        if corrections_path is not None and not corrections_path.is_file():
            raise CommandError(f"No such file: {corrections_path}")
        try:
            text = reading_text_decode(path.read_bytes())
            with transaction.atomic():  # text and corrections both, or neither
                reading, loaded = self._import(text, options, corrections_path)
        except (ReadingParseError, ValueError) as error:
            raise CommandError(f"{path}: {error}") from error
        except ValidationError as error:
            raise CommandError(f"{path}: {'; '.join(error.messages)}") from error
        report = reading.import_report
        verb = "Imported" if report.created else "Updated" if report.changed else "Unchanged:"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {reading.slug}: {report.sections} sections, {report.paragraphs} "
                f"paragraphs, {report.footnotes} footnotes ({report.markers} linked markers), "
                f"{reading.word_count:,} words."
            )
        )
        if report.references_moved or report.references_kept_on_changed_text:
            self.stdout.write(
                f"References moved with their text: {report.references_moved}; left on a "
                f"changed paragraph (check them): {report.references_kept_on_changed_text}."
            )
        if report.references_detached:
            self.stdout.write(f"References to removed paragraphs: {report.references_detached}.")
        if loaded is not None:
            self.stdout.write(
                f"Corrections shown in the text: {loaded.created} added, {loaded.updated} "
                f"changed, {loaded.removed} removed, {loaded.unchanged} unchanged."
            )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"  note: {warning}"))

    def _import(self, text: str, options: dict, corrections_path: Path | None):
        reading = reading_import(
            text=text,
            slug=options["slug"],
            title=options["title"],
            author=options["author"],
            kind=options["kind"],
            citation=options["citation"],
            date_label=options["date"],
            provenance=options["provenance"],
            licence_note=options["licence"],
            summary=options["summary"],
        )
        if corrections_path is None:
            return reading, None
        return reading, self._load_corrections(reading, corrections_path)

    @staticmethod
    def _load_corrections(reading, corrections_path: Path):
        try:
            data = json.loads(corrections_path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CorrectionsError(f"{corrections_path} is not a JSON file: {error}") from error
        corrections = corrections_read(data, slug=reading.slug)
        return reading_corrections_load(reading=reading, corrections=corrections)
