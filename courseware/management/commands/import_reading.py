"""``manage.py import_reading PATH``: import a plain-text source as a reading."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from courseware.importers import ReadingParseError
from courseware.models import ReadingKind
from courseware.services.content import reading_import, reading_text_decode


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

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            text = reading_text_decode(path.read_bytes())
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
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"  note: {warning}"))
