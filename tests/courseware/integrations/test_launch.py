"""Launches from the simulated LMS: the OIDC dance, signing people in by (issuer, sub), roles,
landing pages, and every bad launch refused with a clear page and nothing changed."""

import time

import pytest
from django.urls import reverse
from lti_tool.models import LtiContext, LtiUser

from accounts.models import Role, User
from courseware.models import LtiClassLink, LtiLaunchValue, Membership, MembershipRole
from courseware.services import integrations as services
from tests.courseware.integrations.platform import (
    ADMINISTRATOR,
    CLAIM,
    INSTRUCTOR,
    LAUNCH_URL,
    LEARNER,
    MENTOR,
    Person,
    new_rsa_key,
)
from tests.factories import PASSWORD


def _counts():
    return (
        User.objects.count(),
        LtiUser.objects.count(),
        LtiContext.objects.count(),
        Membership.objects.count(),
        LtiClassLink.objects.count(),
    )


def test_a_teacher_first_launch_makes_a_teacher_account_and_asks_which_class(
    client, lms, school, platform
):
    response = platform.launch(client, lms.teacher)
    assert response.status_code == 302
    assert response["Location"] == reverse("courseware:lti-link-class")
    teacher = User.objects.get(lti_users__sub=lms.teacher.sub)
    assert teacher.role == Role.TEACHER
    assert teacher.display_name == "Ms Teacher"
    page = client.get(reverse("courseware:lti-link-class"))
    assert page.status_code == 200
    assert b"Modern History 12" in page.content


def test_a_teacher_links_the_course_to_a_class_they_teach_and_lands_there(
    client, lms, school, platform
):
    platform.launch(client, lms.teacher)
    teacher = User.objects.get(lti_users__sub=lms.teacher.sub)
    # Classes are made by school admins: the LMS teacher must teach the class to link it.
    Membership.objects.create(classroom=school.classroom, user=teacher, role=MembershipRole.TEACHER)
    response = client.post(reverse("courseware:lti-link-class"), {"classroom": school.classroom.pk})
    assert response["Location"] == school.classroom.get_absolute_url()
    link = LtiClassLink.objects.get()
    assert link.classroom == school.classroom
    assert link.context.id_on_platform == platform.context_id


def test_a_teacher_cannot_link_a_class_they_do_not_teach(client, lms, school, platform):
    platform.launch(client, lms.teacher)
    response = client.post(
        reverse("courseware:lti-link-class"), {"classroom": school.other_classroom.pk}
    )
    assert response.status_code == 400
    assert not LtiClassLink.objects.exists()


@pytest.fixture
def linked(lms, school, client, platform):
    """The LMS course linked to the school's class by the LMS teacher (who teaches it)."""
    platform.launch(client, lms.teacher)
    teacher = User.objects.get(lti_users__sub=lms.teacher.sub)
    Membership.objects.create(classroom=school.classroom, user=teacher, role=MembershipRole.TEACHER)
    client.post(reverse("courseware:lti-link-class"), {"classroom": school.classroom.pk})
    client.logout()
    return teacher


def test_a_student_launch_signs_in_a_new_student_and_enrols_them(
    client, lms, school, platform, linked
):
    response = platform.launch(client, lms.student)
    assert response["Location"] == school.classroom.get_absolute_url()
    student = User.objects.get(lti_users__sub=lms.student.sub)
    assert student.role == Role.STUDENT
    assert Membership.objects.get(classroom=school.classroom, user=student).role == "student"
    assert client.get(response["Location"]).wsgi_request.user == student


def test_a_launch_from_the_deep_linked_placement_lands_on_the_assignment(
    client, lms, school, platform, linked
):
    response = platform.launch(
        client,
        lms.student,
        claims={
            CLAIM + "custom": {"lectern_assignment": str(lms.assignment.pk)},
            CLAIM + "resource_link": {"id": "placement-9", "title": "Essay"},
        },
    )
    assert response["Location"] == reverse("courseware:assignment-detail", args=[lms.assignment.pk])
    # The link is remembered: the next launch needs no custom parameter.
    client.logout()
    response = platform.launch(
        client, lms.student, claims={CLAIM + "resource_link": {"id": "placement-9"}}
    )
    assert response["Location"] == reverse("courseware:assignment-detail", args=[lms.assignment.pk])


def test_an_assignment_of_another_class_is_not_linked_from_a_custom_parameter(
    client, lms, school, platform, linked
):
    from tests.factories import essay_assignment

    elsewhere = essay_assignment(school.other_classroom)
    response = platform.launch(
        client,
        lms.student,
        claims={CLAIM + "custom": {"lectern_assignment": str(elsewhere.pk)}},
    )
    assert response["Location"] == school.classroom.get_absolute_url()


def test_the_same_sub_signs_in_the_same_account_and_an_email_never_links(
    client, lms, school, platform, linked
):
    # An LMS person whose e-mail is that of an existing Lectern account gets their own account.
    person = Person(sub="lms-student-2", name="Other", email=school.student.email, roles=[LEARNER])
    platform.launch(client, person)
    made = User.objects.get(lti_users__sub="lms-student-2")
    assert made != school.student
    assert made.email.endswith("@lti.invalid")
    client.logout()
    platform.launch(client, person)
    assert User.objects.filter(lti_users__sub="lms-student-2").count() == 1
    assert client.get("/").wsgi_request.user == made


def test_administrator_counts_as_teacher_and_mentor_is_refused(client, lms, platform, linked):
    admin = Person(sub="lms-admin", name="Admin", roles=[ADMINISTRATOR])
    platform.launch(client, admin)
    assert User.objects.get(lti_users__sub="lms-admin").role == Role.TEACHER
    client.logout()
    before = _counts()
    response = platform.launch(client, Person(sub="lms-mentor", name="Parent", roles=[MENTOR]))
    assert response.status_code == 400
    assert b"neither" in response.content
    assert _counts() == before


def test_a_student_from_an_unlinked_course_is_told_so(client, lms, platform):
    response = platform.launch(client, lms.student)
    assert response["Location"] == reverse("courseware:lti-not-linked")
    assert b"not linked" in client.get(response["Location"]).content


# --- Refused launches ----------------------------------------------------------------------------


def _refused(response, words: bytes):
    assert response.status_code == 400
    assert words in response.content
    assert b"Nothing was changed" in response.content


@pytest.fixture
def before(lms, platform):
    return _counts()


def test_a_launch_signed_with_another_key_is_refused(client, lms, platform, before):
    platform.sign_key = new_rsa_key()
    _refused(platform.launch(client, lms.student), b"signature could not be verified")
    assert _counts() == before
    assert "_auth_user_id" not in client.session


def test_a_launch_for_another_audience_is_refused(client, lms, platform, before):
    response = platform.launch(client, lms.student, claims={"aud": "someone-else"})
    _refused(response, b"not meant for this Lectern")
    assert _counts() == before


def test_an_expired_launch_is_refused(client, lms, platform, before):
    past = int(time.time()) - 600
    response = platform.launch(client, lms.student, claims={"iat": past - 60, "exp": past})
    _refused(response, b"expired")
    assert _counts() == before


def test_a_replayed_launch_is_refused(client, lms, school, platform, linked):
    form = platform.start(client, lms.student)
    assert client.post(LAUNCH_URL, form).status_code == 302
    client.logout()
    before = _counts()
    nonces = LtiLaunchValue.objects.filter(key__contains="nonce").count()
    _refused(client.post(LAUNCH_URL, form), b"already been used")
    assert _counts() == before
    assert LtiLaunchValue.objects.filter(key__contains="nonce").count() == nonces


def test_a_nonce_the_tool_never_issued_is_refused(client, lms, platform, before):
    response = platform.launch(client, lms.student, claims={"nonce": "made-up"})
    _refused(response, b"already been used")
    assert _counts() == before


def test_an_unknown_deployment_is_refused_and_not_added(client, lms, platform, before):
    from lti_tool.models import LtiDeployment

    deployments = LtiDeployment.objects.count()
    response = platform.launch(
        client, lms.student, claims={CLAIM + "deployment_id": "deployment-unknown"}
    )
    _refused(response, b"deployment is not registered")
    assert LtiDeployment.objects.count() == deployments
    assert _counts() == before


def test_a_launch_without_state_is_refused(client, lms, platform, before):
    form = platform.start(client, lms.student)
    del form["state"]
    _refused(client.post(LAUNCH_URL, form), b"state is missing")
    assert _counts() == before


def test_a_launch_whose_state_cookie_is_missing_is_refused(client, lms, platform, before):
    form = platform.start(client, lms.student)
    client.cookies.clear()
    _refused(client.post(LAUNCH_URL, form), b"state is missing")
    assert _counts() == before


def test_a_launch_that_is_not_a_jwt_is_refused(client, lms, platform, before):
    form = platform.start(client, lms.student)
    form["id_token"] = "not-a-token"
    assert client.post(LAUNCH_URL, form).status_code == 400
    assert _counts() == before


def test_a_login_from_an_unregistered_platform_is_refused(client, lms, platform):
    response = client.post(
        "/lti/login/",
        {"iss": "https://unknown.example", "login_hint": "x", "target_link_uri": LAUNCH_URL},
    )
    assert response.status_code == 400
    assert b"not registered" in response.content


def test_a_login_for_another_site_is_refused(client, lms, platform):
    response = client.post(
        "/lti/login/",
        {
            "iss": platform.issuer,
            "client_id": platform.client_id,
            "login_hint": "x",
            "target_link_uri": "https://evil.example/",
        },
    )
    assert response.status_code == 400


def test_the_login_stores_state_and_nonce_in_the_database(client, lms, platform):
    platform.people[lms.student.sub] = lms.student
    response = client.get(
        "/lti/login/",
        {
            "iss": platform.issuer,
            "client_id": platform.client_id,
            "login_hint": lms.student.sub,
            "target_link_uri": LAUNCH_URL,
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(platform.base + "/auth?")
    assert LtiLaunchValue.objects.filter(key__contains="nonce").count() == 1
    assert any(name.startswith("lti1p3-state-") for name in response.cookies)


def test_a_student_account_launching_as_instructor_is_refused(client, lms, platform, linked):
    platform.launch(client, lms.student)
    client.logout()
    before = _counts()
    response = platform.launch(client, Person(sub=lms.student.sub, name="Sam", roles=[INSTRUCTOR]))
    _refused(response, b"student account")
    assert _counts() == before


def test_registration_by_service_is_idempotent_and_adds_deployments(lms, platform):
    registration = services.platform_register(
        **{**platform.registration(), "deployment_ids": ["deployment-1", "deployment-2"]}
    )
    assert registration.pk == lms.registration.pk
    assert sorted(registration.deployments.values_list("deployment_id", flat=True)) == [
        "deployment-1",
        "deployment-2",
    ]


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([INSTRUCTOR], (True, False)),
        ([LEARNER], (False, True)),
        ([ADMINISTRATOR], (True, False)),
        (["Instructor"], (True, False)),
        (["Learner"], (False, True)),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"],
            (True, False),
        ),
        # Canvas sends institution roles too: a school's teacher studying a course is a student.
        (
            [LEARNER, "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"],
            (False, True),
        ),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
            (False, False),
        ),
        ([MENTOR], (False, False)),
        ([], (False, False)),
    ],
)
def test_lms_roles_map_to_teacher_and_student(roles, expected):
    from courseware.lti import roles_of

    assert roles_of({CLAIM + "roles": roles}) == expected


# --- Using an existing Lectern account -----------------------------------------------------------


def test_a_teacher_links_their_lms_sign_in_to_their_existing_account_with_its_password(
    client, lms, school, platform
):
    platform.launch(client, lms.teacher)
    made = User.objects.get(lti_users__sub=lms.teacher.sub)
    page = client.get(reverse("courseware:lti-link-class"))
    assert reverse("courseware:lti-link-account").encode() in page.content
    response = client.post(
        reverse("courseware:lti-link-account"),
        {"login": school.teacher.email, "password": PASSWORD},
    )
    assert response["Location"] == reverse("courseware:lti-link-class")
    assert LtiUser.objects.get(sub=lms.teacher.sub).auth_user == school.teacher
    made.refresh_from_db()
    assert not made.is_active
    # The teacher of the class can now link the course to it, and their next launch is them.
    client.post(reverse("courseware:lti-link-class"), {"classroom": school.classroom.pk})
    assert LtiClassLink.objects.get().classroom == school.classroom
    client.logout()
    platform.launch(client, lms.teacher)
    assert client.get("/").wsgi_request.user == school.teacher


def test_a_wrong_password_links_nothing(client, lms, school, platform):
    platform.launch(client, lms.teacher)
    made = User.objects.get(lti_users__sub=lms.teacher.sub)
    response = client.post(
        reverse("courseware:lti-link-account"),
        {"login": school.teacher.email, "password": "wrong"},
    )
    assert response.status_code == 400
    assert b"do not match" in response.content
    assert LtiUser.objects.get(sub=lms.teacher.sub).auth_user == made
    assert client.get("/").wsgi_request.user == made


def test_a_teachers_lms_sign_in_cannot_take_over_a_student_account(client, lms, school, platform):
    platform.launch(client, lms.teacher)
    made = User.objects.get(lti_users__sub=lms.teacher.sub)
    response = client.post(
        reverse("courseware:lti-link-account"),
        {"login": school.student.username, "password": PASSWORD},
    )
    assert response.status_code == 400
    assert LtiUser.objects.get(sub=lms.teacher.sub).auth_user == made
