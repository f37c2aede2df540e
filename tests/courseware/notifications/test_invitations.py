"""New accounts made by CSV enrolment or in the admin are invited to set a password through
allauth's reset link, which expires."""

import re
from datetime import datetime, timedelta
from unittest import mock

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courseware.models import Event, NotificationKind
from courseware.services import notifications as services
from courseware.services.teaching import classroom_enrol_csv
from tests.factories import StudentFactory

CSV = "username,email,first_name,last_name,display_name\nava,ava@school.example,Ava,Chen,\n"


def _link(message) -> str:
    return re.search(r"http://\S+/accounts/password/reset/key/\S+", message.body).group(0)


def test_csv_enrolment_invites_each_new_account_once(klass, client):
    classroom_enrol_csv(classroom=klass.classroom, text=CSV, by=klass.teacher)
    services.events_dispatch_ready(now=timezone.now())
    services.events_dispatch_ready(now=timezone.now())
    [message] = mail.outbox
    assert message.to == ["ava@school.example"]
    assert klass.classroom.name in message.body
    assert "List-Unsubscribe" not in message.extra_headers  # not news one opts out of

    # The link is allauth's: it lets Ava set a password and then log in.
    path = _link(message).removeprefix("http://127.0.0.1:8000")
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(
        form_url, {"password1": "a long new passphrase", "password2": "a long new passphrase"}
    )
    assert response.status_code == 302
    assert User.objects.get(username="ava").check_password("a long new passphrase")


def test_an_existing_student_enrolled_by_csv_gets_no_invitation(klass):
    existing = StudentFactory()
    classroom_enrol_csv(
        classroom=klass.classroom,
        text=f"username,email,first_name,last_name,display_name\n"
        f"{existing.username},{existing.email},A,B,\n",
    )
    assert klass.classroom.memberships.filter(user=existing).exists()
    assert not Event.objects.filter(kind=NotificationKind.INVITATION).exists()


def _opened_at(path: str, client, later: timedelta):
    """The set-a-password page for ``path`` opened ``later`` from now."""
    # The token generator's clock is naive local time.
    moment = datetime.now() + later  # noqa: DTZ005
    with mock.patch(
        "django.contrib.auth.tokens.PasswordResetTokenGenerator._now", return_value=moment
    ):
        return client.get(path, follow=True)


def _can_set_password(response) -> bool:
    """The page offers the new-password form (a bad or expired link says so instead)."""
    assert response.status_code == 200
    return not response.context.get("token_fail") and b'name="password1"' in response.content


def test_an_invitation_link_works_for_a_week_then_expires(klass, client):
    classroom_enrol_csv(classroom=klass.classroom, text=CSV)
    services.events_dispatch_ready(now=timezone.now())
    assert "for 7 days" in mail.outbox[0].body
    path = _link(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    assert _can_set_password(_opened_at(path, client, timedelta(days=6, hours=23)))
    client.logout()
    assert not _can_set_password(_opened_at(path, client, timedelta(days=7, hours=1)))


def _reset_link(client, user) -> str:
    client.post(reverse("account_reset_password"), {"email": user.email})
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    return re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body).group(0)


def test_a_password_reset_link_works_for_an_hour_not_a_week(klass, client):
    student = klass.students[0]
    path = "/" + _reset_link(client, student).split("/", 3)[3]
    assert _can_set_password(_opened_at(path, client, timedelta(minutes=50)))
    client.logout()
    assert not _can_set_password(_opened_at(path, client, timedelta(hours=2)))


def test_a_reset_token_is_not_an_invitation_token(klass):
    from accounts.tokens import ResetOrInvitationTokenGenerator, invitation_token_generator

    student = klass.students[0]
    reset = ResetOrInvitationTokenGenerator().make_token(student)
    invitation = invitation_token_generator.make_token(student)
    assert reset != invitation
    assert not invitation_token_generator.check_token(student, reset)
    assert invitation_token_generator.check_token(student, invitation)


def test_an_account_made_in_the_admin_without_a_password_is_invited(klass, client, school):
    client.force_login(school.school_admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newteacher",
            "email": "new@school.example",
            "display_name": "New Teacher",
            "role": "teacher",
            "usable_password": "false",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    services.events_dispatch_ready(now=timezone.now())
    assert [m.to for m in mail.outbox] == [["new@school.example"]]
