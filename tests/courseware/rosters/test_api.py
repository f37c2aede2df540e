"""``POST /api/v1/rosters/import/``: the import page's rules, through the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from courseware.models import RosterImport, RosterUser
from tests.courseware.rosters.exports import export_zip
from tests.courseware.rosters.exports import school as roster_school

URL = "/api/v1/rosters/import/"


@pytest.fixture
def admin_api(school):
    client = APIClient()
    client.force_authenticate(school.school_admin)
    return client


def post(client, school, content, **extra):
    return client.post(
        URL,
        {
            "file": SimpleUploadedFile("export.zip", content),
            "course": school.classroom.course_id,
            **extra,
        },
        format="multipart",
    )


def test_an_import_answers_201_with_counts_and_again_changes_nothing(admin_api, school):
    archive = export_zip(roster_school(2))
    first = post(admin_api, school, archive)
    assert first.status_code == 201, first.content
    assert first.json()["imported"] is True
    assert first.json()["counts"]["users"]["create"] == 3
    assert first.json()["counts"]["enrollments"]["create"] == 6
    again = post(admin_api, school, archive)
    assert again.status_code == 201
    assert again.json()["counts"]["users"] == {
        "create": 0,
        "update": 0,
        "archive": 0,
        "unchanged": 3,
        "skip": 0,
    }
    assert RosterUser.objects.count() == 3


def test_a_dry_run_says_what_would_happen_and_keeps_nothing(admin_api, school):
    response = post(admin_api, school, export_zip(roster_school(2)), dry_run="true")
    assert response.status_code == 200
    assert response.json()["imported"] is False
    assert response.json()["counts"]["classes"]["create"] == 2
    assert not RosterUser.objects.exists()
    assert not RosterImport.objects.exists()


def test_bad_rows_are_a_400_listing_each_and_nothing_is_imported(admin_api, school):
    data = roster_school(1)
    data["users"][1]["enabledUser"] = "maybe"
    response = post(admin_api, school, export_zip(data))
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The export has errors; nothing was imported."
    assert {"file": "users.csv", "line": 3, "field": "enabledUser"}.items() <= body["errors"][
        0
    ].items()
    assert not RosterUser.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"nope", "not a zip archive"), (b"PK" + b"\0" * (5 * 1024 * 1024 + 1), "larger than 5 MB")],
    ids=["not-a-zip", "oversized"],
)
def test_a_bad_file_is_a_400_that_says_why(admin_api, school, content, message):
    response = post(admin_api, school, content)
    assert response.status_code == 400
    assert message in str(response.json())
    assert not RosterImport.objects.exists()


def test_a_teacher_is_refused(school):
    client = APIClient()
    client.force_authenticate(school.teacher)
    response = post(client, school, export_zip(roster_school(1)))
    assert response.status_code == 403
    assert not RosterUser.objects.exists()
