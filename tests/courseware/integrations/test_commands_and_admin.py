"""Registering platforms and rotating keys from the command line and the admin; the pages that
list passbacks and LMS links take a fixed number of queries."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from lti_tool.models import Key, LtiContext, LtiRegistration, LtiResourceLink

from courseware.models import LtiAssignmentLink, LtiClassLink, LtiScorePost, Submission
from tests.factories import bulk_marking_queue


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_lti_platform_add_registers_and_updates_a_platform(db, lms, platform):
    args = [
        "lti_platform",
        "add",
        "--name",
        "Moodle",
        "--issuer",
        "https://moodle.example.edu",
        "--client-id",
        "abc",
        "--deployment-id",
        "1",
        "--auth-url",
        "https://moodle.example.edu/mod/lti/auth.php",
        "--token-url",
        "https://moodle.example.edu/mod/lti/token.php",
        "--keyset-url",
        "https://moodle.example.edu/mod/lti/certs.php",
    ]
    assert "Registered Moodle" in _run(*args)
    _run(*args[:-8], "--deployment-id", "2", *args[-6:])
    registration = LtiRegistration.objects.get(issuer="https://moodle.example.edu")
    assert sorted(registration.deployments.values_list("deployment_id", flat=True)) == ["1", "2"]
    assert "deployments: 1, 2" in _run("lti_platform", "list")
    assert "/lti/jwks/" in _run("lti_platform", "urls")


def test_lti_platform_add_refuses_a_bad_url_and_changes_nothing(db, lms, platform):
    count = LtiRegistration.objects.count()
    with pytest.raises(CommandError):
        _run(
            "lti_platform", "add", "--name", "X", "--issuer", "x", "--client-id", "y",
            "--deployment-id", "1", "--auth-url", "not a url", "--token-url", "nope",
            "--keyset-url", "nope",
        )  # fmt: skip
    assert LtiRegistration.objects.count() == count


def test_lti_keys_rotate_then_retire(db, lms, platform, client):
    before = Key.objects.active().count()
    assert "New signing key" in _run("lti_keys", "rotate")
    assert len(client.get("/lti/jwks/").json()["keys"]) == before + 1
    assert "Retired 0" in _run("lti_keys", "retire", "--days", "1")
    assert f"Retired {before}" in _run("lti_keys", "retire", "--days", "0")
    assert len(client.get("/lti/jwks/").json()["keys"]) == 1
    assert "retired" in _run("lti_keys", "list")


def test_the_admin_lists_keys_without_their_private_part(client, school, lms, platform):
    client.force_login(school.school_admin)
    key = Key.objects.active().first()
    page = client.get(reverse("admin:lti_tool_key_change", args=[key.pk]))
    assert page.status_code == 200
    assert b"PRIVATE KEY" not in page.content
    assert client.get(reverse("admin:lti_tool_key_changelist")).status_code == 200
    assert client.get(reverse("admin:lti_tool_ltiregistration_changelist")).status_code == 200
    for model in ["lticlasslink", "ltiassignmentlink", "ltiscorepost"]:
        assert client.get(reverse(f"admin:courseware_{model}_changelist")).status_code == 200


def test_the_admin_rotates_keys(client, school, lms, platform):
    client.force_login(school.school_admin)
    before = Key.objects.count()
    client.post(
        reverse("admin:lti_tool_key_changelist"),
        {"action": "rotate", "_selected_action": [Key.objects.first().pk]},
    )
    assert Key.objects.count() == before + 1


def _passbacks(lms, school, count: int, tag: str) -> None:
    """``count`` released-or-not grades of the assignment on their way to an LMS placement."""
    bulk_marking_queue(lms.assignment, count, marker=school.teacher, tag=tag)
    deployment = lms.registration.deployments.get()
    context, _c = LtiContext.objects.get_or_create(deployment=deployment, id_on_platform="c")
    LtiClassLink.objects.get_or_create(
        context=context, defaults={"classroom": school.classroom, "linked_at": timezone.now()}
    )
    resource, _c = LtiResourceLink.objects.get_or_create(context=context, id_on_platform="r")
    link, _c = LtiAssignmentLink.objects.get_or_create(
        resource_link=resource, defaults={"assignment": lms.assignment}
    )
    LtiScorePost.objects.bulk_create(
        [
            LtiScorePost(
                submission=submission,
                student_id=submission.student_id,
                link=link,
                requested_at=timezone.now(),
            )
            for submission in Submission.objects.filter(
                assignment=lms.assignment, student__username__contains=tag
            )
        ]
    )


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_passback_page_takes_as_many_queries_for_30_grades_as_for_5(
    client, lms, school, platform, django_assert_max_num_queries
):
    client.force_login(school.teacher)
    url = reverse("courseware:lti-grade-passback", args=[lms.assignment.pk])
    queue = reverse("courseware:marking-queue", args=[lms.assignment.pk])
    _passbacks(lms, school, 5, "few")
    few = _queries(client, url)
    few_queue = _queries(client, queue)
    _passbacks(lms, school, 25, "many")
    assert LtiScorePost.objects.count() == 30
    with django_assert_max_num_queries(few):
        client.get(url)
    with django_assert_max_num_queries(few_queue):
        client.get(queue)


def _quiz_passbacks(lms, school, quiz, count: int, tag: str) -> None:
    """``count`` students who took the quiz twice, their best scores on their way to the LMS."""
    from courseware.models import QuizAttempt
    from tests.factories.marking import _bulk_students

    now = timezone.now()
    students = _bulk_students(school.classroom, count, tag)
    QuizAttempt.objects.bulk_create(
        [
            QuizAttempt(
                assignment=quiz,
                student=student,
                quiz=quiz.quiz,
                number=number,
                started_at=now,
                submitted_at=now,
                score=number,
                max_score=3,
            )
            for student in students
            for number in (1, 2)
        ]
    )
    deployment = lms.registration.deployments.get()
    context, _c = LtiContext.objects.get_or_create(deployment=deployment, id_on_platform="c")
    resource, _c = LtiResourceLink.objects.get_or_create(context=context, id_on_platform="quiz")
    link, _c = LtiAssignmentLink.objects.get_or_create(
        resource_link=resource, defaults={"assignment": quiz}
    )
    LtiScorePost.objects.bulk_create(
        [
            LtiScorePost(
                student=student,
                link=link,
                requested_at=now,
                status="posted",
                score_given="2",
                score_maximum="3",
            )
            for student in students
        ]
    )


def test_the_passback_page_of_a_quiz_takes_as_many_queries_for_30_scores_as_for_5(
    client, lms, school, platform, django_assert_max_num_queries
):
    from courseware.models import AssignmentKind
    from tests.factories import AssignmentFactory

    quiz = AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.QUIZ)
    client.force_login(school.teacher)
    url = reverse("courseware:lti-grade-passback", args=[quiz.pk])
    _quiz_passbacks(lms, school, quiz, 5, "few")
    few = _queries(client, url)
    _quiz_passbacks(lms, school, quiz, 25, "many")
    with django_assert_max_num_queries(few):
        page = client.get(url).content.decode()
    assert page.count("best of 2 attempts") == 30
    client.force_login(school.school_admin)
    admin_list = client.get(reverse("admin:courseware_ltiscorepost_changelist"))
    assert admin_list.status_code == 200
    assert "Student few 00000" in admin_list.content.decode()
    assert quiz.title in admin_list.content.decode()


def test_the_passback_page_keeps_names_hidden_under_anonymous_marking(
    client, lms, school, platform
):
    from courseware.models import Assignment

    Assignment.objects.filter(pk=lms.assignment.pk).update(anonymous_marking=True)
    _passbacks(lms, school, 5, "anon")
    client.force_login(school.teacher)
    page = client.get(reverse("courseware:lti-grade-passback", args=[lms.assignment.pk]))
    names = list(
        Submission.objects.filter(assignment=lms.assignment).values_list(
            "student__display_name", flat=True
        )
    )
    assert page.status_code == 200
    assert len(names) == 5
    assert page.content.count(b"<tr>") == 6  # the heading and the five grades
    assert not any(name.encode() in page.content for name in names)


def test_the_admin_registers_a_platform_with_an_active_deployment(client, school, lms, platform):
    client.force_login(school.school_admin)
    url = reverse("admin:lti_tool_ltiregistration_add")
    box = re.search(rb'<input[^>]*name="deployments-0-is_active"[^>]*>', client.get(url).content)
    assert b"checked" in box.group(0)
    response = client.post(
        url,
        {
            "name": "Canvas",
            "uuid": "6f1c2f4e-8a51-4c1e-9a59-0c7f7cbd8a11",
            "issuer": "https://canvas.instructure.com",
            "client_id": "10000000000001",
            "audience": "",
            "auth_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
            "token_url": "https://sso.canvaslms.com/login/oauth2/token",
            "keyset_url": "https://sso.canvaslms.com/api/lti/security/jwks",
            "is_active": "on",
            "public_key": "",
            "private_key": "",
            "deployments-TOTAL_FORMS": "1",
            "deployments-INITIAL_FORMS": "0",
            "deployments-MIN_NUM_FORMS": "0",
            "deployments-MAX_NUM_FORMS": "1000",
            "deployments-0-deployment_id": "12:abc",
            "deployments-0-is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    registration = LtiRegistration.objects.get(client_id="10000000000001")
    assert registration.deployments.get().is_active


def test_an_lms_url_typed_without_a_scheme_is_taken_as_https(client, school, lms, platform):
    client.force_login(school.school_admin)
    response = client.post(
        reverse("admin:lti_tool_ltiregistration_add"),
        {
            "name": "Moodle",
            "uuid": "0b8f3c52-5d0e-4d47-9a8e-3c1f2b7c9d10",
            "issuer": "https://moodle.example.org",
            "client_id": "moodle-client",
            "audience": "",
            "auth_url": "moodle.example.org/mod/lti/auth.php",
            "token_url": "moodle.example.org/mod/lti/token.php",
            "keyset_url": "moodle.example.org/mod/lti/certs.php",
            "is_active": "on",
            "public_key": "",
            "private_key": "",
            "deployments-TOTAL_FORMS": "0",
            "deployments-INITIAL_FORMS": "0",
            "deployments-MIN_NUM_FORMS": "0",
            "deployments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    registration = LtiRegistration.objects.get(client_id="moodle-client")
    assert registration.auth_url == "https://moodle.example.org/mod/lti/auth.php"
    assert registration.keyset_url == "https://moodle.example.org/mod/lti/certs.php"
