"""Every URL against every role: who gets the page, who is sent to log in, who gets a 404.

This file holds the site's own URLs (home, accounts, admin); each area's URLs are in its own
matrix (``tests/courseware/*/test_*permissions.py``, ``tests/api/test_permission_matrix.py``).

Roles: a school admin; the teacher and a student of ``classroom``; the teacher and a student of
``other_classroom``; and an anonymous visitor. A class a user may not see is a 404.
"""

import re

import pytest
from django.urls import reverse

from tests.conftest import ROLES

LOGIN = "login"  # a redirect to the login page

# url name, kwargs builder, expected result per role (status code or LOGIN)
MATRIX = [
    ("home", lambda s: {}, dict.fromkeys(ROLES, 200)),
    ("healthz", lambda s: {}, dict.fromkeys(ROLES, 200)),
    ("account_login", lambda s: {}, {**dict.fromkeys(ROLES, 302), "anonymous": 200}),
    ("account_signup", lambda s: {}, {**dict.fromkeys(ROLES, 302), "anonymous": 200}),
    ("account_reset_password", lambda s: {}, dict.fromkeys(ROLES, 200)),
    (
        "account_change_password",
        lambda s: {},
        {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN},
    ),
    ("accounts:profile", lambda s: {}, {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}),
    # Sign in with Google and Microsoft. Not configured here, so the providers' own pages are a
    # 404 for everyone; configured, they are tested in tests/accounts/test_social_sign_in.py.
    (
        "socialaccount_connections",
        lambda s: {},
        {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN},
    ),
    ("socialaccount_login_cancelled", lambda s: {}, dict.fromkeys(ROLES, 200)),
    ("socialaccount_login_error", lambda s: {}, dict.fromkeys(ROLES, 401)),
    # Without a sign-in under way there is nothing to sign up with: back to the login page.
    ("socialaccount_signup", lambda s: {}, dict.fromkeys(ROLES, 302)),
    *(
        (name, lambda s: {}, dict.fromkeys(ROLES, 404))
        for name in [
            "google_login",
            "google_callback",
            "google_login_by_token",
            "microsoft_login",
            "microsoft_callback",
        ]
    ),
    # The school's sign-in domains and listed teachers: school admins, in the Django admin.
    *(
        (
            f"admin:{model}_changelist",
            lambda s: {},
            {**dict.fromkeys(ROLES, "admin-login"), "school_admin": 200},
        )
        for model in [
            "accounts_signindomain",
            "accounts_listedteacher",
            "socialaccount_socialaccount",
            "socialaccount_socialapp",
            # What OneRoster imports brought in (the import pages: tests/courseware/rosters).
            "courseware_rosterimport",
            "courseware_rosteruser",
            "courseware_rosterclass",
            "courseware_rosterenrolment",
        ]
    ),
    # Notifications: everyone signed in has their own; posting announcements is for teachers.
    *(
        (name, lambda s: {}, {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN})
        for name in [
            "courseware:notification-list",
            "courseware:notification-unread",
            "courseware:notification-preferences",
            "courseware:calendar-feeds",
        ]
    ),
    (
        "courseware:announcement-create",
        lambda s: {},
        {
            "school_admin": 200,
            "teacher": 200,
            "other_teacher": 200,
            "student": 403,
            "other_student": 403,
            "anonymous": LOGIN,
        },
    ),
    (
        "admin:index",
        lambda s: {},
        {**dict.fromkeys(ROLES, "admin-login"), "school_admin": 200},
    ),
    # Students' work, grades and originality reports: staff only, like the rest of the admin.
    *(
        (
            f"admin:courseware_{model}_changelist",
            lambda s: {},
            {**dict.fromkeys(ROLES, "admin-login"), "school_admin": 200},
        )
        for model in [
            "submission",
            "submissionversion",
            "grade",
            "gradechange",
            "inlinecomment",
            "commentbankentry",
            "markingreveal",
            "originalityreport",
            # Who was told what: e-mails sent, notifications, the events behind them.
            "delivery",
            "notification",
            "event",
        ]
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_url_answers_each_role_as_expected(client, school, role, name, kwargs, expected):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs(school))
    response = client.get(url)
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif want == "admin-login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    else:
        assert response.status_code == want


def test_a_missing_class_and_a_forbidden_class_look_the_same(client, school):
    client.force_login(school.student)
    forbidden = client.get(reverse("courseware:classroom-detail", args=[school.other_classroom.pk]))
    missing = client.get(reverse("courseware:classroom-detail", args=[999_999]))
    assert forbidden.status_code == missing.status_code == 404
    assert _without_csrf_token(forbidden.content) == _without_csrf_token(missing.content)


def _without_csrf_token(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
