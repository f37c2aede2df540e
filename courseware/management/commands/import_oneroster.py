"""``manage.py import_oneroster ZIP --course SLUG``: import a OneRoster 1.1 CSV export."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Role, User
from courseware.models import Course
from courseware.oneroster import RosterFileError, read_archive
from courseware.selectors.rosters import roster_plan
from courseware.services.rosters import RosterRejected, roster_import_apply, roster_import_record


class Command(BaseCommand):
    help = (
        "Import a OneRoster 1.1 CSV export (zip): accounts, classes and enrolments. Every row is "
        "checked first; nothing is imported if any row is wrong. Re-importing is safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the export's .zip file")
        parser.add_argument(
            "--course", required=True, help="slug of the course new classes belong to"
        )
        parser.add_argument(
            "--as", dest="admin", help="username of the school admin the import is recorded for"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only say what importing would do"
        )

    def handle(self, *args, path: str, course: str, admin: str | None, dry_run: bool, **options):
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        target = Course.objects.filter(slug=course).first()
        if target is None:
            raise CommandError(f"No course has the slug {course!r}.")
        by = None
        if admin:
            by = User.objects.filter(username=admin, role=Role.ADMIN).first()
            if by is None:
                raise CommandError(f"{admin!r} is not a school admin's username.")
        try:
            parsed = read_archive(data)
        except RosterFileError as error:
            raise CommandError(" ".join(error.messages)) from error
        if dry_run:
            plan = roster_plan(parsed=parsed, course=target)
        else:
            upload = roster_import_record(
                archive=data, file_name=Path(path).name, course=target, by=by, now=timezone.now()
            )
            try:
                plan = roster_import_apply(upload=upload, now=timezone.now())
            except RosterRejected as rejected:
                plan = rejected.plan
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        for kind, counts in plan.counts().items():
            line = ", ".join(f"{count} {verb}" for verb, count in counts.items())
            self.stdout.write(f"{kind}: {line}")
        if plan.errors:
            for error in plan.errors:
                self.stderr.write(f"{error.file}:{error.line}: {error.field}: {error.message}")
            raise CommandError(f"{len(plan.errors)} problems; nothing was imported.")
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(self.style.SUCCESS(f"{verb} {plan.changes()} changes."))
