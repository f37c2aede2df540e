"""Every LTI URL against every role (``tests.conftest.ROLES``).

What an LMS is given (JWKS, login initiation, launch) answers anyone the same: the launch and
login are refused without a valid LMS request. The pages a launch leads to need a sign-in and a
launch in the person's session (404 without one). A class's LMS page, roster sync and grade
passback are for those who run or mark the class; anyone else gets a 404, as for a missing class.
"""

import pytest
from django.urls import reverse

from courseware.models import AssignmentKind
from tests.conftest import ROLES
from tests.factories import AssignmentFactory

LOGIN = "login"


def _expect(admin, teacher, other_teacher, student, other_student, anonymous=LOGIN) -> dict:
    return dict(
        zip(ROLES, [admin, teacher, other_teacher, student, other_student, anonymous], strict=True)
    )


CLASS = lambda s, lms: {"pk": s.classroom.pk}  # noqa: E731
ASSIGNMENT = lambda s, lms: {"pk": lms.assignment.pk}  # noqa: E731
QUIZ = lambda s, lms: {  # noqa: E731
    "pk": AssignmentFactory(classroom=s.classroom, kind=AssignmentKind.QUIZ).pk
}
NONE = lambda s, lms: {}  # noqa: E731

GETS = [
    ("courseware:lti-jwks", NONE, dict.fromkeys(ROLES, 200)),
    ("courseware:lti-login", NONE, dict.fromkeys(ROLES, 400)),
    ("courseware:lti-launch", NONE, dict.fromkeys(ROLES, 405)),
    ("courseware:lti-link-class", NONE, _expect(404, 404, 404, 404, 404)),
    ("courseware:lti-not-linked", NONE, _expect(200, 200, 200, 200, 200)),
    # Only an account a first LMS launch made (no password) may be joined to an existing one.
    ("courseware:lti-link-account", NONE, _expect(404, 404, 404, 404, 404)),
    ("courseware:lti-deep-link", NONE, _expect(404, 404, 404, 404, 404)),
    ("courseware:lti-classroom", CLASS, _expect(200, 200, 404, 404, 404)),
    ("courseware:lti-roster-sync", CLASS, _expect(405, 405, 405, 405, 405)),
    ("courseware:lti-grade-passback", ASSIGNMENT, _expect(200, 200, 404, 404, 404)),
    ("courseware:lti-grade-passback", QUIZ, _expect(200, 200, 404, 404, 404)),
    ("courseware:lti-grade-passback-retry", ASSIGNMENT, _expect(405, 405, 405, 405, 405)),
]

POSTS = [
    ("courseware:lti-login", NONE, dict.fromkeys(ROLES, 400)),
    ("courseware:lti-launch", NONE, dict.fromkeys(ROLES, 400)),
    ("courseware:lti-link-class", NONE, _expect(404, 404, 404, 404, 404)),
    ("courseware:lti-deep-link", NONE, _expect(404, 404, 404, 404, 404)),
    ("courseware:lti-link-account", NONE, _expect(404, 404, 404, 404, 404)),
    ("courseware:lti-roster-sync", CLASS, _expect(302, 302, 404, 404, 404)),
    ("courseware:lti-grade-passback-retry", ASSIGNMENT, _expect(302, 302, 404, 404, 404)),
    ("courseware:lti-grade-passback-retry", QUIZ, _expect(302, 302, 404, 404, 404)),
]


def _check(response, want):
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "expected"), GETS, ids=[f"{g[0]}-{i}" for i, g in enumerate(GETS)]
)
def test_get_answers_each_role(client, school, lms, role, name, kwargs, expected):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    _check(client.get(reverse(name, kwargs=kwargs(school, lms))), expected[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "expected"), POSTS, ids=[f"{p[0]}-{i}" for i, p in enumerate(POSTS)]
)
def test_post_answers_each_role(client, school, lms, role, name, kwargs, expected):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    _check(client.post(reverse(name, kwargs=kwargs(school, lms))), expected[role])


def test_a_missing_class_and_a_forbidden_class_look_the_same(client, school):
    client.force_login(school.other_teacher)
    forbidden = client.get(reverse("courseware:lti-classroom", args=[school.classroom.pk]))
    missing = client.get(reverse("courseware:lti-classroom", args=[999_999]))
    assert forbidden.status_code == missing.status_code == 404
