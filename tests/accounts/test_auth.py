"""Logging in, signing up, passwords and login limits."""

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import Role, User
from tests.factories import PASSWORD, StudentFactory, TeacherFactory

pytestmark = pytest.mark.django_db

LOGIN_ERROR = "The username and/or password you specified are not correct."


def _login(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


@pytest.mark.parametrize("field", ["username", "email"])
def test_student_logs_in_by_username_or_email_and_lands_on_dashboard(client, field):
    student = StudentFactory()
    response = _login(client, getattr(student, field))
    assert response.status_code == 302
    assert response["Location"] == reverse("courseware:dashboard")
    assert client.get(reverse("courseware:dashboard")).context["user"] == student


def test_email_login_ignores_case(client):
    student = StudentFactory(email="Ava.Chen@Example.org")
    assert student.email == "ava.chen@example.org"
    assert _login(client, "AVA.CHEN@example.ORG").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(client):
    StudentFactory(username="known")
    wrong_password = _login(client, "known", "not-the-password")
    unknown_user = _login(client, "nobody-here", "not-the-password")
    for response in (wrong_password, unknown_user):
        assert response.status_code == 200
        assert LOGIN_ERROR in response.content.decode()
        assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_are_rate_limited(client):
    StudentFactory(username="target")
    statuses = [_login(client, "target", f"guess-{n}").status_code for n in range(6)]
    assert statuses[:5] == [200] * 5
    # allauth answers the sixth failure inside five minutes with "too many attempts".
    response = _login(client, "target", PASSWORD)
    assert response.status_code in {200, 429}
    assert "_auth_user_id" not in client.session


def test_signup_creates_a_student_whatever_role_is_posted(client):
    response = client.post(
        reverse("account_signup"),
        {
            "username": "newkid",
            "email": "newkid@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "display_name": "New Kid",
            "role": Role.TEACHER,
            "is_staff": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newkid")
    assert (user.role, user.is_staff, user.display_name) == (Role.STUDENT, False, "New Kid")


def test_signup_with_a_taken_email_is_a_field_error_and_creates_nothing(client):
    StudentFactory(email="taken@example.org")
    before = User.objects.count()
    response = client.post(
        reverse("account_signup"),
        {
            "username": "someoneelse",
            "email": "TAKEN@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert User.objects.count() == before


def test_password_reset_emails_a_link_and_stays_silent_about_unknown_addresses(client):
    student = StudentFactory()
    known = client.post(reverse("account_reset_password"), {"email": student.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "ghost@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    reset_mails = [m for m in mail.outbox if student.email in m.to]
    assert len(reset_mails) == 1
    assert "/accounts/password/reset/key/" in reset_mails[0].body


def test_emails_name_the_site_lectern_not_the_host(client):
    student = StudentFactory()
    client.post(reverse("account_reset_password"), {"email": student.email})
    (reset_mail,) = [m for m in mail.outbox if student.email in m.to]
    assert reset_mail.subject.startswith("[Lectern] ")
    assert "Lectern" in reset_mail.body
    assert "testserver" not in reset_mail.subject
    assert "from testserver" not in reset_mail.body.lower()


def test_password_change_takes_effect(client):
    student = StudentFactory()
    client.force_login(student)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "brand-new-phrase-9",
            "password2": "brand-new-phrase-9",
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("brand-new-phrase-9")


def test_logout_is_a_post_and_ends_the_session(client):
    client.force_login(StudentFactory())
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_admin_login_locks_out_after_five_failures(client):
    admin_user = User.objects.create_superuser("boss", "boss@example.org", PASSWORD)
    url = reverse("admin:login")
    for n in range(5):
        client.post(url, {"username": "boss", "password": f"wrong-{n}"})
    locked = client.post(url, {"username": "boss", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert admin_user.role == Role.ADMIN


def test_site_login_is_not_locked_by_axes(client):
    """Axes guards only the admin login; the site login relies on allauth's limits."""
    teacher = TeacherFactory()
    for n in range(3):
        _login(client, teacher.username, f"wrong-{n}")
    assert _login(client, teacher.username).status_code == 302


def test_email_is_unique_regardless_of_case():
    StudentFactory(email="dup@example.org")
    with pytest.raises(IntegrityError):
        User.objects.create(username="dup2", email="DUP@example.org")


def test_a_school_admin_must_be_staff():
    with pytest.raises(IntegrityError):
        User.objects.create(username="notstaff", email="x@example.org", role=Role.ADMIN)
