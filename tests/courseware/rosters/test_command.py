"""``manage.py import_oneroster``: the same import as the page, from the command line."""

import pytest
from django.core.management import CommandError, call_command

from courseware.models import RosterImport, RosterUser
from tests.courseware.rosters.exports import export_zip, school
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def test_the_command_imports_and_a_second_run_changes_nothing(tmp_path, capsys):
    course = CourseFactory()
    path = tmp_path / "export.zip"
    path.write_bytes(export_zip(school(2)))
    call_command("import_oneroster", str(path), "--course", course.slug)
    assert "users: 3 create" in capsys.readouterr().out
    assert RosterUser.objects.count() == 3
    call_command("import_oneroster", str(path), "--course", course.slug)
    assert "Imported 0 changes" in capsys.readouterr().out
    assert RosterImport.objects.filter(applied_at__isnull=False).count() == 2


def test_a_dry_run_and_bad_rows_change_nothing(tmp_path, capsys):
    course = CourseFactory()
    data = school(1)
    data["users"][1]["email"] = "nobody"
    path = tmp_path / "export.zip"
    path.write_bytes(export_zip(data))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_oneroster", str(path), "--course", course.slug, "--dry-run")
    assert "users.csv:3: email:" in capsys.readouterr().err
    assert not RosterUser.objects.exists()
    assert not RosterImport.objects.exists()


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    course = CourseFactory()
    path = tmp_path / "export.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a zip archive"):
        call_command("import_oneroster", str(path), "--course", course.slug)
