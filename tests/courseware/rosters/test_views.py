"""The roster import pages: upload, preview, confirm; and who may use them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courseware.models import Classroom, RosterImport, RosterUser
from courseware.services.rosters import roster_import_record
from tests.conftest import ROLES
from tests.courseware.rosters.exports import export_zip
from tests.courseware.rosters.exports import school as roster_school

LOGIN = "login"


def _expect(admin, teacher, other_teacher, student, other_student, anonymous=LOGIN) -> dict:
    return dict(
        zip(ROLES, [admin, teacher, other_teacher, student, other_student, anonymous], strict=True)
    )


ADMIN_PAGE = _expect(200, 403, 403, 403, 403)
ADMIN_ACTION = _expect(302, 403, 403, 403, 403)


def _upload(school, data=None, **zip_options):
    return roster_import_record(
        archive=export_zip(data or roster_school(2), **zip_options),
        file_name="export.zip",
        course=school.classroom.course,
        by=school.school_admin,
        now=timezone.now(),
    )


MATRIX = [
    ("courseware:roster-import", "get", False, ADMIN_PAGE),
    ("courseware:roster-import-preview", "get", True, ADMIN_PAGE),
    ("courseware:roster-import-confirm", "post", True, ADMIN_ACTION),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "with_pk", "expected"), MATRIX, ids=[row[0] for row in MATRIX]
)
def test_roster_url_answers_each_role_as_expected(
    client, school, role, name, method, with_pk, expected
):
    upload = _upload(school)
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs={"pk": upload.pk} if with_pk else {})
    response = getattr(client, method)(url)
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want
    upload.refresh_from_db()
    assert upload.is_applied == (method == "post" and role == "school_admin")


def test_confirm_refuses_get(client, school):
    client.force_login(school.school_admin)
    response = client.get(reverse("courseware:roster-import-confirm", args=[_upload(school).pk]))
    assert response.status_code == 405


def test_a_missing_upload_is_a_404(client, school):
    client.force_login(school.school_admin)
    assert (
        client.get(reverse("courseware:roster-import-preview", args=[999_999])).status_code == 404
    )


def test_upload_preview_and_confirm(client, school):
    client.force_login(school.school_admin)
    archive = SimpleUploadedFile("hillside.zip", export_zip(roster_school(3)), "application/zip")
    response = client.post(
        reverse("courseware:roster-import"),
        {"file": archive, "course": school.classroom.course_id},
    )
    assert response.status_code == 302
    upload = RosterImport.objects.get(file_name="hillside.zip")
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Check, then import" in page
    assert reverse("courseware:roster-import-confirm", args=[upload.pk]) in page
    assert not RosterUser.objects.exists()  # a preview changes nothing

    done = client.post(reverse("courseware:roster-import-confirm", args=[upload.pk]), follow=True)
    assert done.status_code == 200
    assert "The roster is imported" in done.content.decode()
    assert RosterUser.objects.count() == 4
    assert Classroom.objects.filter(roster_link__isnull=False).count() == 2


def test_a_preview_with_bad_rows_lists_them_and_offers_no_import(client, school):
    data = roster_school(2)
    data["users"][1]["email"] = "nobody"
    upload = _upload(school, data)
    client.force_login(school.school_admin)
    page = client.get(reverse("courseware:roster-import-preview", args=[upload.pk]))
    text = page.content.decode()
    assert "nothing has been imported" in text
    assert "users.csv" in text and "<code>email</code>" in text
    assert reverse("courseware:roster-import-confirm", args=[upload.pk]) not in text
    refused = client.post(reverse("courseware:roster-import-confirm", args=[upload.pk]))
    assert refused.status_code == 400
    assert not RosterUser.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello", "not a zip archive"),
        (b"PK" + b"\0" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
    ids=["not-a-zip", "oversized"],
)
def test_a_file_that_cannot_be_imported_is_refused_with_a_clear_message(
    client, school, content, message
):
    client.force_login(school.school_admin)
    response = client.post(
        reverse("courseware:roster-import"),
        {"file": SimpleUploadedFile("x.zip", content), "course": school.classroom.course_id},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RosterImport.objects.exists()


def test_the_preview_runs_a_fixed_number_of_queries(client, school, django_assert_num_queries):
    client.force_login(school.school_admin)
    small, big = _upload(school, roster_school(5)), _upload(school, roster_school(30))
    client.get(reverse("courseware:roster-import-preview", args=[small.pk]))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("courseware:roster-import-preview", args=[small.pk]))
    with django_assert_num_queries(len(few)):
        response = client.get(reverse("courseware:roster-import-preview", args=[big.pk]))
    assert response.status_code == 200


def test_the_admins_add_button_opens_the_import_page(client, school):
    client.force_login(school.school_admin)
    response = client.get(reverse("admin:courseware_rosterimport_add"))
    assert response.status_code == 302
    assert response["Location"] == reverse("courseware:roster-import")
    listing = client.get(reverse("admin:courseware_rosterimport_changelist"))
    assert reverse("admin:courseware_rosterimport_add") in listing.content.decode()


PAGES_WITH_THE_LINK = [
    ("courseware:dashboard", False),
    ("courseware:classroom-detail", True),
    ("courseware:classroom-roster", True),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "with_class"), PAGES_WITH_THE_LINK)
def test_the_class_pages_link_the_roster_import_for_school_admins_only(
    client, school, role, name, with_class
):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(name, args=[school.classroom.pk] if with_class else []))
    linked = f'href="{reverse("courseware:roster-import")}"' in response.content.decode()
    assert linked == (role == "school_admin")
    if role == "school_admin":
        assert response.status_code == 200
