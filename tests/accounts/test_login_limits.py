"""Login limits: failures lock the account, not the school's address; the API's token endpoint
shares the form's budget; a client's own X-Forwarded-For never changes who it is."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import BaseThrottle

from tests.factories import PASSWORD, StudentFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
SCHOOL = {"REMOTE_ADDR": "203.0.113.7"}  # one NAT address for the whole school


def test_a_class_of_thirty_signs_in_from_one_address_while_another_account_is_guessed():
    students = [StudentFactory() for _ in range(30)]
    victim = StudentFactory()
    guesser = Client(**SCHOOL)
    login = reverse("account_login")
    for n, student in enumerate(students):
        # Between every two sign-ins, someone behind the same address guesses a password.
        guesser.post(login, {"login": victim.username, "password": f"guess-{n}"})
        client = Client(**SCHOOL)
        response = client.post(login, {"login": student.username, "password": PASSWORD})
        assert response.status_code == 302, student.username
        assert "_auth_user_id" in client.session
    # The guessed account is locked, with a message that says so and how to get in.
    locked = Client(**SCHOOL)
    response = locked.post(login, {"login": victim.username, "password": PASSWORD})
    assert response.status_code != 302
    assert "_auth_user_id" not in locked.session
    html = response.content.decode()
    assert "locked for five minutes" in html and "Reset your password" in html


def test_wrong_passwords_through_the_api_lock_the_account_for_the_form_and_the_api():
    student = StudentFactory()
    api = APIClient(**SCHOOL)
    codes = [
        # A new X-Forwarded-For each time: it must not make a new client.
        api.post(
            TOKEN_URL,
            {"username": student.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(6)
    ]
    assert codes == [400] * 5 + [429]
    right = api.post(TOKEN_URL, {"username": student.username, "password": PASSWORD})
    assert right.status_code == 429
    assert "locked" in right.json()["detail"]
    # By email, the same account: the same lock.
    by_email = APIClient(REMOTE_ADDR="192.0.2.1").post(
        TOKEN_URL, {"username": student.email, "password": PASSWORD}
    )
    assert by_email.status_code == 429
    # And the login form from another address refuses the right password too.
    form = Client(REMOTE_ADDR="192.0.2.2")
    form.post(reverse("account_login"), {"login": student.username, "password": PASSWORD})
    assert "_auth_user_id" not in form.session


def test_the_token_throttle_ignores_a_clients_own_forwarded_for():
    api = APIClient(**SCHOOL)
    codes = [
        api.post(
            TOKEN_URL,
            {"username": f"nobody{n}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(11)
    ]
    assert codes[-1] == 429


def test_behind_a_configured_proxy_the_address_it_forwards_is_the_client(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    api_settings.reload()
    try:
        request = RequestFactory().get(
            "/", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.4", REMOTE_ADDR="10.0.0.1"
        )
        # The balancer appended the address it saw; what the client wrote before it is ignored.
        assert BaseThrottle().get_ident(request) == "198.51.100.4"
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
        api_settings.reload()
