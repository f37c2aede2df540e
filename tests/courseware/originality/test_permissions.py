"""Every originality URL against every role.

Roles (``tests.conftest.ROLES``): a school admin; the teacher and a student of ``classroom``;
the teacher and a student of ``other_classroom``; an anonymous visitor. The essay is
``school.student``'s. The class's teachers and school admins read and run reports; the student
reads their own report only once it is shown to them; to everyone else it is a 404, the same
as a missing report.
"""

import pytest
from django.urls import reverse

from courseware.models import OriginalityReport
from courseware.services.originality import originality_report_set_visibility
from tests.conftest import ROLES, module_world
from tests.courseware.originality.conftest import make_essay_world

LOGIN = "login"

shared_world, world_copy, school, essay_world = module_world(make_essay_world, name="essay_world")

TEACHERS = {"school_admin": 200, "teacher": 200, "other_teacher": 404, "other_student": 404}

# name, method, POST data, expected per role when hidden, expected for the student when shown
MATRIX = [
    ("courseware:originality-report", "get", None, {**TEACHERS, "student": 404}, 200),
    ("courseware:originality-status", "get", None, {**TEACHERS, "student": 404}, 200),
    (
        "courseware:originality-check",
        "post",
        {},
        {**TEACHERS, "school_admin": 302, "teacher": 302, "student": 404},
        404,
    ),
    (
        "courseware:originality-visibility",
        "post",
        {"visible": "1"},
        {**TEACHERS, "school_admin": 302, "teacher": 302, "student": 404},
        404,
    ),
]


def _request(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data)


@pytest.mark.parametrize("shown", [False, True], ids=["hidden", "shown"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "data", "expected", "student_when_shown"),
    MATRIX,
    ids=[f"{m[0]}-{m[1]}" for m in MATRIX],
)
def test_originality_url_answers_each_role(
    client, school, essay_world, role, shown, name, method, data, expected, student_when_shown
):
    if shown:
        originality_report_set_visibility(report=essay_world.report, visible=True)
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs={"pk": essay_world.submission.pk, "number": 1})
    runs_before = OriginalityReport.objects.count()
    response = _request(client, method, url, data)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        return
    want = student_when_shown if (role == "student" and shown) else expected[role]
    assert response.status_code == want
    if want == 404 and method == "post":
        assert OriginalityReport.objects.count() == runs_before


def test_a_student_never_sees_another_students_report_even_when_shown(client, school, essay_world):
    originality_report_set_visibility(report=essay_world.report, visible=True)
    client.force_login(school.other_student)
    url = reverse(
        "courseware:originality-report", kwargs={"pk": essay_world.submission.pk, "number": 1}
    )
    assert client.get(url).status_code == 404


def test_a_missing_version_and_a_hidden_report_look_the_same_to_the_student(
    client, school, essay_world
):
    client.force_login(school.student)
    hidden = client.get(
        reverse(
            "courseware:originality-report", kwargs={"pk": essay_world.submission.pk, "number": 1}
        )
    )
    missing = client.get(
        reverse(
            "courseware:originality-report", kwargs={"pk": essay_world.submission.pk, "number": 9}
        )
    )
    assert hidden.status_code == missing.status_code == 404


def test_get_is_refused_on_the_actions(client, school, essay_world):
    client.force_login(school.teacher)
    url = reverse(
        "courseware:originality-check", kwargs={"pk": essay_world.submission.pk, "number": 1}
    )
    assert client.get(url).status_code == 405
