"""Bulk enrolment from CSV: every row checked, a plan shown, and all rows imported or none."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from courseware.enrolment import RowStatus, decode_upload, plan_enrolment
from courseware.models import Membership, MembershipRole
from courseware.services import teaching as services
from courseware.services.teaching import EnrolmentRejected, classroom_enrol_csv
from tests.factories import (
    ClassroomFactory,
    MembershipFactory,
    StudentFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.django_db

HEADER = "username,email,first_name,last_name,display_name\n"


def _csv(*rows: str, header: str = HEADER) -> str:
    return header + "".join(row + "\n" for row in rows)


def _student_count(classroom) -> int:
    return classroom.memberships.filter(role=MembershipRole.STUDENT).count()


def test_a_good_file_creates_missing_students_and_enrols_everyone():
    classroom = ClassroomFactory()
    existing = StudentFactory(username="zara", email="zara@school.example")
    enrolled = StudentFactory(username="omar", email="omar@school.example")
    MembershipFactory(classroom=classroom, user=enrolled)
    text = _csv(
        "ava,ava@school.example,Ava,Chen,",
        "zara,ZARA@school.example,Zara,Ahmed,Zara A.",
        "omar,omar@school.example,Omar,Haddad,",
        '"jack.obrien",jack@school.example,Jack,O\'Brien,"O\'Brien, Jack"',
    )

    plan = plan_enrolment(classroom=classroom, text=text)
    assert plan.is_valid
    assert [row.status for row in plan.rows] == [
        RowStatus.NEW,
        RowStatus.EXISTING,
        RowStatus.ALREADY_ENROLLED,
        RowStatus.NEW,
    ]

    result = classroom_enrol_csv(classroom=classroom, text=text)

    assert (result.created, result.enrolled, result.already_enrolled) == (2, 3, 1)
    assert _student_count(classroom) == 4
    jack = User.objects.get(username="jack.obrien")
    assert (jack.role, jack.last_name, jack.display_name) == (
        Role.STUDENT,
        "O'Brien",
        "O'Brien, Jack",
    )
    # New accounts cannot log in until their owner sets a password through "forgot password".
    assert not jack.has_usable_password()
    existing.refresh_from_db()
    assert existing.display_name != "Zara A."  # existing accounts are enrolled, not edited


def test_a_byte_order_mark_does_not_hide_the_first_column():
    classroom = ClassroomFactory()
    data = ("\ufeff" + _csv("ava,ava@school.example,Ava,Chen,")).encode("utf-8")
    plan = plan_enrolment(classroom=classroom, text=decode_upload(data))
    assert plan.is_valid, plan.file_errors
    assert plan.rows[0].username == "ava"


def test_a_semicolon_file_is_refused_row_by_row_and_nothing_is_imported():
    classroom = ClassroomFactory()
    text = (
        "username;email;first_name;last_name\n"
        "ava;ava@school.example;Ava;Chen\n"
        "li;li@school.example;Li;Wu\n"
    )
    plan = plan_enrolment(classroom=classroom, text=text)
    assert not plan.is_valid
    assert any("semicolons" in error for error in plan.file_errors)
    assert [row.line for row in plan.error_rows] == [2, 3]
    assert all("semicolons" in row.errors[0] for row in plan.rows)
    with pytest.raises(EnrolmentRejected):
        classroom_enrol_csv(classroom=classroom, text=text)
    assert not User.objects.filter(username="ava").exists()


def test_bad_rows_are_reported_each_with_its_line_and_no_row_is_imported():
    classroom = ClassroomFactory()
    TeacherFactory(username="mr.osei", email="k.osei@school.example")
    StudentFactory(username="taken", email="someone@school.example")
    text = _csv(
        "ava,ava@school.example,Ava,Chen,",  # 2: fine on its own
        "bob,not-an-email,Bob,Lee,",  # 3
        ",blank@school.example,Blank,User,",  # 4
        "AVA,other@school.example,Ava,Again,",  # 5: username repeats line 2 (any case)
        "cy,ava@school.example,Cy,Twin,",  # 6: email repeats line 2
        "osei2,k.osei@school.example,Kwame,Osei,",  # 7: a teacher's email
        "taken,new@school.example,Ta,Ken,",  # 8: username of another account
        "has space,hs@school.example,Has,Space,",  # 9
        "short,short@school.example,Short",  # 10: too few values
        "nofirst,nofirst@school.example,,Name,",  # 11
        "nodisplay,nodisplay@school.example,No,Display",  # 12: an optional value left off is fine
    )
    plan = plan_enrolment(classroom=classroom, text=text)
    errors = {row.line: " ".join(row.errors) for row in plan.error_rows}

    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "not an email address" in errors[3]
    assert "username is empty" in errors[4]
    assert "already on line 2" in errors[5]
    assert "already on line 2" in errors[6]
    assert "belongs to an account with the username “mr.osei”" in errors[7]
    assert "different email" in errors[8]
    assert "letters, digits" in errors[9]
    assert "found 3" in errors[10]
    assert "first name is empty" in errors[11]

    users_before = User.objects.count()
    with pytest.raises(EnrolmentRejected) as rejected:
        classroom_enrol_csv(classroom=classroom, text=text)
    assert len(rejected.value.plan.error_rows) == 9
    assert User.objects.count() == users_before
    assert _student_count(classroom) == 0


def test_a_teacher_listed_by_both_username_and_email_is_refused():
    classroom = ClassroomFactory()
    TeacherFactory(username="mr.osei", email="k.osei@school.example")
    plan = plan_enrolment(
        classroom=classroom, text=_csv("mr.osei,k.osei@school.example,Kwame,Osei,")
    )
    [row] = plan.rows
    assert row.status == RowStatus.ERROR
    assert "teacher account" in row.errors[0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("username,email,first_name\n", "missing the column: last_name"),
        (HEADER, "no students"),
        ("username,email,first_name,last_name,year\nava,a@s.example,Ava,C,12\n", "year"),
        ("username,email,email,first_name,last_name\n", "more than once: email"),
        ('username,email,first_name,last_name\n"ava,a@s.example,Ava,C\n', "cannot be read"),
    ],
    ids=["empty", "missing-column", "header-only", "unknown-column", "repeated", "bad-quote"],
)
def test_a_file_that_cannot_be_read_says_why(text, message):
    plan = plan_enrolment(classroom=ClassroomFactory(), text=text)
    assert not plan.is_valid
    assert any(message in error for error in plan.file_errors), plan.file_errors


def test_a_file_that_is_not_utf8_is_refused_with_advice():
    with pytest.raises(ValidationError) as error:
        decode_upload("username\nrené".encode("latin-1"))
    assert "UTF-8" in error.value.messages[0]


def test_the_file_is_checked_again_on_import_so_a_stale_preview_imports_nothing():
    classroom = ClassroomFactory()
    text = _csv("ava,ava@school.example,Ava,Chen,", "li,li@school.example,Li,Wu,")
    assert plan_enrolment(classroom=classroom, text=text).is_valid
    # Between preview and confirm, someone takes one of the usernames.
    TeacherFactory(username="li", email="li.teacher@school.example")
    with pytest.raises(EnrolmentRejected):
        classroom_enrol_csv(classroom=classroom, text=text)
    assert not User.objects.filter(username="ava").exists()


def test_a_failure_part_way_through_leaves_nothing_behind(monkeypatch):
    classroom = ClassroomFactory()
    real_user_create = services.user_create
    calls = []

    def failing_second_time(**kwargs):
        calls.append(kwargs["username"])
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_user_create(**kwargs)

    monkeypatch.setattr(services, "user_create", failing_second_time)
    text = _csv("ava,ava@school.example,Ava,Chen,", "li,li@school.example,Li,Wu,")
    with pytest.raises(RuntimeError):
        classroom_enrol_csv(classroom=classroom, text=text)
    assert calls == ["ava", "li"]
    assert not User.objects.filter(username="ava").exists()
    assert not Membership.objects.filter(classroom=classroom).exists()


def test_an_archived_class_takes_no_enrolment():
    classroom = ClassroomFactory()
    services.classroom_archive(classroom=classroom, now=timezone.now())
    with pytest.raises(ValidationError, match="archived"):
        classroom_enrol_csv(classroom=classroom, text=_csv("ava,ava@school.example,Ava,Chen,"))


@pytest.mark.parametrize(
    "header",
    [
        "Email Address,First name,Surname",
        "E-mail,Given name,Family name",
        "email,first_name,last_name",
        "Username,Email,First Name,Last Name,Preferred name",
    ],
)
def test_common_spreadsheet_headings_are_recognised(header):
    with_username = header.startswith("Username")
    values = ("ava.c," if with_username else "") + "Ava.Chen@School.example,Ava,Chen"
    plan = plan_enrolment(classroom=ClassroomFactory(), text=f"{header}\n{values}\n")
    assert plan.is_valid, plan.file_errors
    (row,) = plan.rows
    assert (row.email, row.first_name, row.last_name) == ("ava.chen@school.example", "Ava", "Chen")
    assert row.username == ("ava.c" if with_username else "ava.chen@school.example")
    assert row.status == RowStatus.NEW


def test_a_file_with_unknown_headings_is_refused_and_no_row_shows_as_a_new_account(client, school):
    client.force_login(school.school_admin)
    upload = SimpleUploadedFile(
        "students.csv", b"Student,Mail,Year\nAva Chen,ava@school.example,12\n", "text/csv"
    )
    response = client.post(
        reverse("courseware:classroom-enrol", args=[school.classroom.pk]), {"file": upload}
    )
    html = response.content.decode()
    assert "columns Lectern does not know: student, mail, year" in html
    assert "New account" not in html
    assert not User.objects.filter(email="ava@school.example").exists()


def test_the_preview_counts_in_the_singular_for_one(client, school):
    client.force_login(school.school_admin)
    upload = SimpleUploadedFile(
        "students.csv",
        b"Email Address,First name,Surname\nnew@school.example,Ann,New\n",
        "text/csv",
    )
    response = client.post(
        reverse("courseware:classroom-enrol", args=[school.classroom.pk]), {"file": upload}
    )
    html = response.content.decode()
    assert "1 new student account," in html
    assert "0 existing students to enrol" in html
    assert "1 new student accounts" not in html


def test_without_a_username_column_an_existing_student_is_found_by_email():
    classroom = ClassroomFactory()
    existing = StudentFactory(username="ava.chen", email="ava@school.example")
    text = "Email Address,Given name,Family name\nAVA@school.example,Ava,Chen\n"
    plan = plan_enrolment(classroom=classroom, text=text)
    assert plan.is_valid, [row.errors for row in plan.rows]
    (row,) = plan.rows
    assert (row.status, row.user, row.username) == (RowStatus.EXISTING, existing, "ava.chen")
