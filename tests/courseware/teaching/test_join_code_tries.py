"""Wrong join codes: ten tries a quarter of an hour, on the page and in the API alike."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from courseware.models import Membership
from courseware.services.teaching import JOIN_CODE_WRONG_TRIES, classroom_join
from tests.factories import ClassroomFactory, StudentFactory

pytestmark = pytest.mark.django_db

WRONG = "ZZZZ2222"


def _refusal_code(student, code) -> str:
    with pytest.raises(ValidationError) as error:
        classroom_join(user=student, code=code)
    return error.value.error_dict["code"][0].code


def test_after_ten_wrong_codes_even_the_right_one_is_refused_for_a_while():
    classroom = ClassroomFactory()
    student = StudentFactory()
    for _ in range(JOIN_CODE_WRONG_TRIES):
        assert _refusal_code(student, WRONG) == "unknown"
    assert _refusal_code(student, classroom.join_code) == "too_many_tries"
    assert not Membership.objects.filter(user=student).exists()
    # Once the window has passed (its counter expires), the right code works.
    cache.clear()
    membership, joined = classroom_join(user=student, code=classroom.join_code)
    assert joined and membership.classroom == classroom


def test_the_count_is_each_persons_own_and_a_mistyped_code_counts_once():
    classroom = ClassroomFactory()
    careless, other = StudentFactory(), StudentFactory()
    for _ in range(JOIN_CODE_WRONG_TRIES - 1):
        _refusal_code(careless, WRONG)
    # Nine wrong: the tenth try may still be the right code.
    assert classroom_join(user=careless, code=classroom.join_code)[1]
    for _ in range(JOIN_CODE_WRONG_TRIES):
        _refusal_code(careless, WRONG)
    assert classroom_join(user=other, code=classroom.join_code)[1]


def test_the_join_form_answers_429_with_the_reason(client):
    classroom = ClassroomFactory()
    student = StudentFactory()
    client.force_login(student)
    url = reverse("courseware:classroom-join")
    for _ in range(JOIN_CODE_WRONG_TRIES):
        assert client.post(url, {"code": WRONG}).status_code == 400
    response = client.post(url, {"code": classroom.join_code})
    assert response.status_code == 429
    assert "Too many codes that did not work" in response.content.decode()
    assert not Membership.objects.filter(user=student).exists()


def test_the_api_answers_429_with_a_json_body(client):
    classroom = ClassroomFactory()
    student = StudentFactory()
    client.force_login(student)
    url = "/api/v1/classes/join/"
    for _ in range(JOIN_CODE_WRONG_TRIES):
        assert client.post(url, {"code": WRONG}, content_type="application/json").status_code == 400
    response = client.post(url, {"code": classroom.join_code}, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_tries"
    assert "Too many codes that did not work" in response.json()["detail"]
    assert not Membership.objects.filter(user=student).exists()
