"""The Django admin for teaching: useful lists, and changes made through the services."""

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import AssignmentKind, Classroom, Membership, MembershipRole
from courseware.models.teaching import RetiredJoinCode
from courseware.services.teaching import quiz_attempt_start
from tests.factories import AssignmentFactory, ExtensionFactory, StudentFactory, TeacherFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "admin:courseware_classroom_changelist",
    "admin:courseware_membership_changelist",
    "admin:courseware_assignment_changelist",
    "admin:courseware_extension_changelist",
    "admin:courseware_quizattempt_changelist",
    "admin:courseware_readingprogress_changelist",
    "admin:courseware_retiredjoincode_changelist",
]


@pytest.fixture
def admin_client(client, school):
    client.force_login(school.school_admin)
    return client


@pytest.mark.parametrize("name", CHANGELISTS)
def test_each_teaching_list_opens_with_its_filters_and_search(admin_client, school, name):
    quiz = AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.QUIZ)
    quiz_attempt_start(assignment=quiz, student=school.student, now=timezone.now())
    ExtensionFactory(assignment=quiz, student=school.student)
    response = admin_client.get(reverse(name), {"q": "a"})
    assert response.status_code == 200


def test_the_class_list_shows_teachers_and_class_sizes(admin_client, school):
    page = admin_client.get(reverse("admin:courseware_classroom_changelist")).content.decode()
    assert school.teacher.name in page
    assert reverse("courseware:classroom-enrol", args=[school.classroom.pk]) in page


def test_archiving_and_new_join_codes_from_the_admin_go_through_the_services(admin_client, school):
    old_code = school.classroom.join_code
    url = reverse("admin:courseware_classroom_changelist")
    selected = {"_selected_action": [school.classroom.pk]}
    admin_client.post(url, {**selected, "action": "regenerate_join_codes"})
    admin_client.post(url, {**selected, "action": "archive_classes"})
    school.classroom.refresh_from_db()
    assert school.classroom.join_code != old_code
    assert RetiredJoinCode.objects.filter(code=old_code).exists()
    assert school.classroom.is_archived
    # An archived class keeps its code: changing it is refused, and said so.
    response = admin_client.post(url, {**selected, "action": "regenerate_join_codes"}, follow=True)
    assert "is archived" in response.content.decode()


def test_a_class_added_in_the_admin_gets_a_join_code(admin_client, school):
    response = admin_client.post(
        reverse("admin:courseware_classroom_add"),
        {
            "name": "12 Modern History D",
            "course": school.classroom.course_id,
            "year": 2026,
            "term": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    classroom = Classroom.objects.get(name="12 Modern History D")
    assert len(classroom.join_code) == 8


def test_a_co_teacher_is_added_in_the_admin_and_a_student_cannot_be_one(admin_client, school):
    url = reverse("admin:courseware_membership_add")
    co_teacher = TeacherFactory()
    response = admin_client.post(
        url,
        {"user": co_teacher.pk, "classroom": school.classroom.pk, "role": MembershipRole.TEACHER},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=co_teacher, role=MembershipRole.TEACHER).exists()

    student = StudentFactory()
    response = admin_client.post(
        url, {"user": student.pk, "classroom": school.classroom.pk, "role": MembershipRole.TEACHER}
    )
    assert response.status_code == 200
    assert "cannot teach" in response.content.decode()
    assert not Membership.objects.filter(user=student).exists()


def test_withdrawing_from_the_admin_keeps_the_work(admin_client, school):
    quiz = AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.QUIZ)
    quiz_attempt_start(assignment=quiz, student=school.student, now=timezone.now())
    admin_client.post(
        reverse("admin:courseware_assignment_changelist"),
        {"_selected_action": [quiz.pk], "action": "withdraw"},
    )
    quiz.refresh_from_db()
    assert quiz.is_withdrawn
    assert quiz.quiz_attempts.count() == 1


def test_teachers_do_not_reach_the_admin(client, school):
    client.force_login(school.teacher)
    response = client.get(reverse("admin:courseware_classroom_changelist"))
    assert response.status_code == 302


def test_a_class_renamed_in_the_admin_keeps_its_course_and_members(admin_client, school):
    classroom = school.classroom
    url = reverse("admin:courseware_classroom_change", args=[classroom.pk])
    assert admin_client.get(url).status_code == 200
    members = classroom.memberships.count()
    response = admin_client.post(
        url,
        {
            "name": "12 Modern History A (renamed)",
            "year": 2027,
            "term": "Term 1",
            "memberships-TOTAL_FORMS": str(members),
            "memberships-INITIAL_FORMS": str(members),
            **{
                f"memberships-{i}-id": m.pk
                for i, m in enumerate(classroom.memberships.order_by("pk"))
            },
            **{f"memberships-{i}-classroom": classroom.pk for i in range(members)},
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    classroom.refresh_from_db()
    assert (classroom.name, classroom.year) == ("12 Modern History A (renamed)", 2027)
    assert classroom.memberships.count() == members
