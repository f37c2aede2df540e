"""Importing a OneRoster export: preview, confirm, re-import, deletions, bad rows, bad files."""

import copy

import pytest
from django.utils import timezone

from accounts.models import Role, User
from courseware.models import (
    Classroom,
    Membership,
    MembershipRole,
    RosterClass,
    RosterEnrolment,
    RosterImport,
    RosterUser,
    Submission,
)
from courseware.oneroster import RosterFileError, read_archive
from courseware.selectors.rosters import roster_plan
from courseware.services.rosters import (
    RosterRejected,
    roster_import_apply,
    roster_import_plan,
    roster_import_record,
)
from tests.courseware.rosters.exports import (
    enrolment,
    export_zip,
    school,
    user,
)
from tests.factories import (
    CourseFactory,
    SchoolAdminFactory,
    StudentFactory,
    TeacherFactory,
    essay_assignment,
    submitted_submission,
)

pytestmark = pytest.mark.django_db


def run(data, *, course, admin=None, **zip_options):
    """Upload and confirm an export; the plan that was imported."""
    admin = admin or SchoolAdminFactory()
    upload = roster_import_record(
        archive=export_zip(data, **zip_options),
        file_name="export.zip",
        course=course,
        by=admin,
        now=timezone.now(),
    )
    return roster_import_apply(upload=upload, now=timezone.now())


def snapshot():
    """Everything an import may touch, to show that a refused one changed nothing."""
    return (
        sorted(
            User.objects.filter(is_staff=False).values_list(
                "username", "email", "is_active", "role"
            )
        ),
        sorted(Classroom.objects.values_list("name", "year", "archived_at")),
        sorted(Membership.objects.values_list("user__username", "classroom__name", "role")),
        RosterUser.objects.count(),
        RosterClass.objects.count(),
        RosterEnrolment.objects.count(),
    )


@pytest.fixture
def course():
    return CourseFactory()


def test_the_preview_counts_what_would_be_made_and_changes_nothing(course):
    before = snapshot()
    plan = roster_plan(parsed=read_archive(export_zip(school(students=3))), course=course)
    assert plan.is_valid, plan.errors
    counts = plan.counts()
    assert counts["users"]["create"] == 4
    assert counts["classes"]["create"] == 2
    assert counts["enrollments"]["create"] == 8
    assert (plan.orgs, plan.sessions) == (1, 1)
    assert snapshot() == before


def test_confirming_makes_the_accounts_classes_and_memberships(course):
    run(school(students=3), course=course)
    teacher = User.objects.get(roster_link__sourced_id="t-1")
    assert teacher.role == Role.TEACHER
    assert teacher.username == "tess.hill"
    assert not teacher.has_usable_password()
    history_a = Classroom.objects.get(roster_link__sourced_id="c-a")
    assert (history_a.name, history_a.year, history_a.term, history_a.course) == (
        "12 History A",
        2027,
        "Term 1",
        course,
    )
    roles = dict(history_a.memberships.values_list("user__roster_link__sourced_id", "role"))
    assert roles == {
        "t-1": MembershipRole.TEACHER,
        "s-0": MembershipRole.STUDENT,
        "s-1": MembershipRole.STUDENT,
        "s-2": MembershipRole.STUDENT,
    }
    assert RosterEnrolment.objects.count() == 8
    assert RosterImport.objects.get().summary["users"]["create"] == 4


def test_importing_the_same_export_again_changes_nothing(course):
    data = school(students=3)
    run(data, course=course)
    before = snapshot()
    plan = run(data, course=course)
    assert plan.changes() == 0
    assert plan.counts()["users"]["unchanged"] == 4
    assert plan.counts()["enrollments"]["unchanged"] == 8
    assert snapshot() == before


def test_a_re_import_updates_names_and_adds_only_what_is_new(course):
    data = school(students=2)
    run(data, course=course)
    changed = copy.deepcopy(data)
    changed["users"][1]["familyName"] = "Dentley"
    changed["classes"][0]["title"] = "12 History Alpha"
    changed["users"].append(user("s-9", "New", "Kid"))
    changed["enrollments"].append(enrolment("e-9-a", "c-a", "s-9"))
    plan = run(changed, course=course)
    counts = plan.counts()
    assert counts["users"] == {**counts["users"], "create": 1, "update": 1, "unchanged": 2}
    assert counts["classes"]["update"] == 1
    assert counts["enrollments"]["create"] == 1
    assert User.objects.get(roster_link__sourced_id="s-0").last_name == "Dentley"
    assert Classroom.objects.filter(name="12 History Alpha").count() == 1
    assert Classroom.objects.count() == 2


def test_an_existing_account_is_linked_by_its_address_not_duplicated(course):
    existing = StudentFactory(username="stu0", email="stu0.dent@hillside.example")
    run(school(students=1), course=course)
    assert RosterUser.objects.get(sourced_id="s-0").user == existing
    assert User.objects.filter(email="stu0.dent@hillside.example").count() == 1


def test_tobedeleted_archives_ends_and_deactivates_and_keeps_the_students_work(course):
    data = school(students=2)
    run(data, course=course)
    room = Classroom.objects.get(roster_link__sourced_id="c-a")
    student = User.objects.get(roster_link__sourced_id="s-0")
    assignment = essay_assignment(classroom=room)
    work = submitted_submission(assignment=assignment, student=student)

    later = copy.deepcopy(data)
    later["enrollments"][2]["status"] = "tobedeleted"  # e-0-a: s-0 leaves class A
    later["classes"][1]["status"] = "tobedeleted"  # class B is over
    later["users"][2]["status"] = "tobedeleted"  # s-1 leaves the school
    plan = run(later, course=course)
    counts = plan.counts()
    assert counts["enrollments"]["archive"] == 1
    assert counts["classes"]["archive"] == 1
    assert counts["users"]["archive"] == 1

    assert not room.memberships.filter(user=student).exists()
    assert RosterEnrolment.objects.get(sourced_id="e-0-a").ended_at is not None
    assert Classroom.objects.get(roster_link__sourced_id="c-b").is_archived
    assert not User.objects.get(roster_link__sourced_id="s-1").is_active
    # Nothing was destroyed: the work, the class and the account are all still there.
    assert Submission.objects.filter(pk=work.pk, student=student).exists()
    assert Classroom.objects.count() == 2
    assert User.objects.filter(roster_link__sourced_id="s-1").exists()

    again = run(later, course=course)
    assert again.changes() == 0


def test_an_ended_enrolment_and_an_archived_class_come_back_when_active_again(course):
    data = school(students=1)
    run(data, course=course)
    later = copy.deepcopy(data)
    later["enrollments"][2]["status"] = "tobedeleted"
    later["classes"][0]["status"] = "tobedeleted"
    later["users"][1]["enabledUser"] = "false"
    run(later, course=course)
    assert not User.objects.get(roster_link__sourced_id="s-0").is_active
    plan = run(data, course=course)
    assert User.objects.get(roster_link__sourced_id="s-0").is_active
    assert plan.counts()["classes"]["update"] == 1
    room = Classroom.objects.get(roster_link__sourced_id="c-a")
    assert not room.is_archived
    assert room.memberships.filter(user__roster_link__sourced_id="s-0").exists()
    assert RosterEnrolment.objects.get(sourced_id="e-0-a").ended_at is None


def test_bad_rows_are_reported_with_file_line_and_field_and_nothing_is_imported(course):
    data = school(students=2)
    data["users"][1]["email"] = "not-an-address"
    data["users"][2]["role"] = "wizard"
    data["classes"][1]["termSourcedIds"] = "term-404"
    data["enrollments"].append(enrolment("e-x", "c-missing", "t-1", role="teacher"))
    before = snapshot()
    with pytest.raises(RosterRejected) as rejected:
        run(data, course=course)
    errors = {(e.file, e.line, e.field) for e in rejected.value.plan.errors}
    assert ("users.csv", 3, "email") in errors
    assert ("users.csv", 4, "role") in errors
    assert ("classes.csv", 3, "termSourcedIds") in errors
    assert ("enrollments.csv", 8, "classSourcedId") in errors
    message = next(e.message for e in rejected.value.plan.errors if e.field == "email")
    assert "not-an-address" in message
    assert snapshot() == before
    assert not RosterImport.objects.filter(applied_at__isnull=False).exists()


def test_a_role_clash_with_an_existing_account_is_an_error(course):
    TeacherFactory(email="stu0.dent@hillside.example")
    with pytest.raises(RosterRejected) as rejected:
        run(school(students=1), course=course)
    assert ("users.csv", "role") in [(e.file, e.field) for e in rejected.value.plan.errors]


def test_a_school_admin_is_never_deactivated_by_an_import(course):
    admin = SchoolAdminFactory(email="tess.hill@hillside.example")
    data = school(students=0)
    data["users"][0]["status"] = "tobedeleted"
    with pytest.raises(RosterRejected):
        run(data, course=course)
    admin.refresh_from_db()
    assert admin.is_active


def test_an_upload_is_imported_only_once(course):
    admin = SchoolAdminFactory()
    upload = roster_import_record(
        archive=export_zip(school(1)),
        file_name="x.zip",
        course=course,
        by=admin,
        now=timezone.now(),
    )
    roster_import_apply(upload=upload, now=timezone.now())
    with pytest.raises(Exception, match="already been imported"):
        roster_import_apply(upload=upload, now=timezone.now())


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (b"this is not a zip", "not a zip archive"),
        (export_zip(school(1), omit=("users",)), "users.csv"),
        (export_zip(school(1), manifest=[("oneroster.version", "1.2")]), "version 1.2"),
        (export_zip(school(1), raw={"orgs": "sourcedId,name\norg-1,Hillside\n"}), "type"),
        (export_zip(school(1), raw={"users": b"sourcedId\n\xff\xfe"}), "not UTF-8"),
        (b"PK" + b"\0" * (6 * 1024 * 1024), "larger than 5 MB"),
    ],
    ids=["not-zip", "missing-file", "wrong-version", "missing-column", "not-utf8", "too-big"],
)
def test_a_file_that_cannot_be_read_says_why(archive, message):
    with pytest.raises(RosterFileError) as error:
        read_archive(archive)
    assert message in " ".join(error.value.messages)


def test_the_plan_runs_a_fixed_number_of_queries(course, django_assert_num_queries):
    run(school(students=2), course=course)
    small, big = export_zip(school(students=5)), export_zip(school(students=25))
    upload_small = roster_import_record(
        archive=small,
        file_name="s.zip",
        course=course,
        by=SchoolAdminFactory(),
        now=timezone.now(),
    )
    upload_big = roster_import_record(
        archive=big,
        file_name="b.zip",
        course=course,
        by=SchoolAdminFactory(),
        now=timezone.now(),
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        roster_import_plan(upload=upload_small)
    with django_assert_num_queries(len(few)):
        plan = roster_import_plan(upload=upload_big)
    assert len(plan.users) == 26


def test_a_class_deleted_before_lectern_ever_saw_it_is_skipped_with_its_enrolments(course):
    data = school(students=1)
    data["classes"][1]["status"] = "tobedeleted"
    data["users"][1]["enabledUser"] = "false"
    plan = run(data, course=course)
    counts = plan.counts()
    assert counts["classes"]["skip"] == 1
    assert counts["users"]["skip"] == 1
    # Class B's two enrolments and the inactive student's one in class A.
    assert counts["enrollments"] == {**counts["enrollments"], "create": 1, "skip": 3}
    assert not Classroom.objects.filter(name="12 History B").exists()
