"""Bad input gets a clear JSON error with the right status and changes nothing; rates are
limited for anonymous and signed-in clients alike."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from courseware.models import Assignment, AssignmentKind, Extension, QuizAttempt
from courseware.services.teaching import classroom_archive
from tests.factories import EssayPromptFactory, course_reading

pytestmark = pytest.mark.django_db

URL = "/api/v1/assignments/"


def _valid(world, **changes) -> dict:
    now = timezone.now()
    return {
        "classroom": world.school.classroom.pk,
        "kind": AssignmentKind.READING,
        "target": world.text.pk,
        "opens_at": now.isoformat(),
        "due_at": (now + timedelta(days=7)).isoformat(),
        **changes,
    }


@pytest.fixture
def teacher(world, api_as):
    return api_as("teacher")


@pytest.fixture
def unchanged():
    """Asserts that the test's request left every assignment, extension and attempt as it was."""
    before = _snapshot()
    yield
    assert _snapshot() == before


def _snapshot():
    return (
        list(Assignment.objects.order_by("pk").values()),
        list(Extension.objects.order_by("pk").values()),
        list(QuizAttempt.objects.order_by("pk").values()),
    )


def test_malformed_json_is_a_400_naming_the_problem(teacher, unchanged):
    response = teacher.generic("POST", URL, '{"classroom": 1,', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_a_body_that_is_not_an_object_is_a_400(teacher, unchanged):
    response = teacher.post(URL, [1, 2], format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json() or "detail" in response.json()


def test_a_form_encoded_body_is_a_415(teacher, unchanged):
    response = teacher.generic(
        "POST", URL, "classroom=1", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert set(response.json()) == {"detail"}


def test_wrong_types_are_field_errors(world, teacher, unchanged):
    body = _valid(world, classroom="1", target=[1], opens_at=12, allow_resubmission="yes")
    response = teacher.post(URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"classroom", "target", "opens_at", "allow_resubmission"}


def test_unknown_fields_are_rejected_not_ignored(world, teacher, unchanged):
    response = teacher.post(URL, _valid(world, colour="red", due="soon"), format="json")
    assert response.status_code == 400
    assert response.json() == {"colour": ["Unknown field."], "due": ["Unknown field."]}


def test_a_huge_body_is_a_413(world, teacher, settings, unchanged):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps(_valid(world, instructions="x" * 20_000))
    response = teacher.generic("POST", URL, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


def test_another_classs_id_is_a_404(world, teacher, unchanged):
    other = world.school.other_classroom.pk
    assert teacher.post(URL, _valid(world, classroom=other), format="json").status_code == 404
    response = teacher.patch(f"{URL}{world.other_reading.pk}/", {"title": "Mine"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    missing = teacher.patch(f"{URL}999999/", {"title": "Mine"}, format="json")
    assert missing.json() == response.json()


def test_a_student_of_another_class_gets_no_extension(world, teacher, unchanged):
    response = teacher.post(
        f"{URL}{world.reading.pk}/extensions/",
        {
            "student": world.school.other_student.pk,
            "due_at": (timezone.now() + timedelta(days=30)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["student"]


def test_dates_out_of_order_are_refused_by_the_service(world, teacher, unchanged):
    now = timezone.now()
    body = _valid(
        world,
        due_at=(now + timedelta(days=7)).isoformat(),
        cutoff_at=(now + timedelta(days=1)).isoformat(),
    )
    response = teacher.post(URL, body, format="json")
    assert response.status_code == 400
    assert "cutoff_at" in response.json()
    assert response.json()["detail"]


def test_content_of_another_course_cannot_be_set(world, teacher, unchanged):
    response = teacher.post(URL, _valid(world, target=world.other_text.pk), format="json")
    assert response.status_code == 400
    assert "target" in response.json()


def test_what_is_set_cannot_change_once_students_have_work(world, teacher, unchanged):
    new_prompt = EssayPromptFactory(course=world.course)
    response = teacher.patch(f"{URL}{world.essay.pk}/", {"target": new_prompt.pk}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "has_work"
    assert "target" in response.json()


def test_a_target_of_the_wrong_kind_is_a_400(world, teacher, unchanged):
    reading = course_reading(world.course)  # a reading cannot be set as an essay's prompt
    missing = teacher.patch(f"{URL}{world.essay.pk}/", {"target": 999999}, format="json")
    assert missing.status_code == 400
    assert list(missing.json()) == ["target"]
    assert reading.pk


def test_an_archived_class_refuses_changes_with_a_409(world, teacher):
    classroom_archive(classroom=world.school.classroom, now=timezone.now())
    before = _snapshot()
    response = teacher.post(URL, _valid(world), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "archived"
    assert _snapshot() == before


def test_a_quiz_attempt_is_handed_in_once(world, api_as):
    student = api_as("student")
    questions = world.quiz.quiz.questions.prefetch_related("choices")
    answers = [{"question": q.pk, "choice": q.choices.all()[0].pk} for q in questions]
    url = f"/api/v1/quiz-attempts/{world.attempt.pk}/submit/"
    first = student.post(url, {"answers": answers}, format="json")
    assert first.status_code == 200
    assert first.json()["score"] == 0
    again = student.post(url, {"answers": answers}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "submitted"


def test_an_unanswered_quiz_is_a_400_per_question(world, api_as, unchanged):
    response = api_as("student").post(
        f"/api/v1/quiz-attempts/{world.attempt.pk}/submit/", {"answers": []}, format="json"
    )
    assert response.status_code == 400
    assert len([key for key in response.json() if key.startswith("question_")]) == 3


def test_answers_to_another_quizs_questions_are_refused(world, api_as, unchanged):
    strangers = world.other_quiz.quiz.questions.prefetch_related("choices")
    answers = [{"question": q.pk, "choice": q.choices.all()[0].pk} for q in strangers]
    response = api_as("student").post(
        f"/api/v1/quiz-attempts/{world.attempt.pk}/submit/", {"answers": answers}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["answers"]


def test_answers_are_revealed_only_when_the_student_cannot_try_again(world, api_as):
    student = api_as("student")
    detail = student.get(f"/api/v1/quiz-attempts/{world.attempt.pk}/").json()
    assert detail["reveal"] is False
    assert all(c["is_correct"] is None for q in detail["questions"] for c in q["choices"])
    answers = [{"question": q["id"], "choice": q["choices"][0]["id"]} for q in detail["questions"]]
    done = student.post(
        f"/api/v1/quiz-attempts/{world.attempt.pk}/submit/", {"answers": answers}, format="json"
    ).json()
    # One attempt allowed and it is used: nothing left to spoil.
    assert done["reveal"] is True
    assert {c["is_correct"] for q in done["questions"] for c in q["choices"]} == {True, False}


def test_the_same_404_for_a_missing_and_a_hidden_object_everywhere(world, api_as):
    student = api_as("student")
    pairs = [
        (f"/api/v1/classes/{world.school.other_classroom.pk}/", "/api/v1/classes/999999/"),
        (f"/api/v1/assignments/{world.other_quiz.pk}/", "/api/v1/assignments/999999/"),
        (f"/api/v1/quiz-attempts/{world.other_attempt.pk}/", "/api/v1/quiz-attempts/999999/"),
        (f"/api/v1/readings/{world.other_text.pk}/", "/api/v1/readings/999999/"),
        (f"/api/v1/rubrics/{world.other_prompt.rubric_id}/", "/api/v1/rubrics/999999/"),
    ]
    for hidden, missing in pairs:
        a, b = student.get(hidden), student.get(missing)
        assert (a.status_code, a.content) == (b.status_code, b.content) == (404, a.content)


def test_a_huge_id_is_a_404_not_a_crash(world, api_as):
    response = api_as("teacher").get("/api/v1/assignments/99999999999999999999999/")
    assert response.status_code == 404


# --- Throttling ----------------------------------------------------------------------------------


@pytest.fixture
def tight_rates(settings, monkeypatch):
    """Three requests a minute for anonymous and signed-in clients alike."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(rates, "3/min"),
    }
    # DRF's throttles read their rates once, at import; point them at the new settings.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES)


def test_anonymous_clients_are_throttled(db, tight_rates, settings):
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"] = "100/min"  # anon's limit only
    client = APIClient()
    body = {"username": "nobody", "password": "wrong"}
    codes = [client.post("/api/v1/auth/token/", body).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    assert set(client.post("/api/v1/auth/token/", body).json()) == {"detail"}
    # Requests without credentials to what needs them are refused before any throttle counts.
    assert client.get("/api/v1/courses/").status_code == 401


def test_token_users_are_throttled_and_told_when_to_come_back(world, tight_rates):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.school.teacher)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    codes = [client.get("/api/v1/assignments/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/assignments/")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert set(limited.json()) == {"detail"}
    # Another user has a budget of their own.
    other = APIClient()
    other.force_authenticate(world.school.student)
    assert other.get("/api/v1/assignments/").status_code == 200


@pytest.mark.parametrize(
    "bad",
    [{"late_penalty_unit": "week"}, {"late_grace_minutes": -1}, {"late_grace_minutes": 10_081}],
)
def test_bad_late_rules_are_field_errors(world, teacher, unchanged, bad):
    prompt = EssayPromptFactory(course=world.school.classroom.course)
    body = _valid(world, kind=AssignmentKind.ESSAY, target=prompt.pk, **bad)
    response = teacher.post(URL, body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == set(bad)


def test_the_late_rules_are_set_and_read_through_the_api(world, teacher):
    prompt = EssayPromptFactory(course=world.school.classroom.course)
    body = _valid(
        world,
        kind=AssignmentKind.ESSAY,
        target=prompt.pk,
        late_penalty_percent_per_day="2.00",
        late_penalty_unit="hour",
        late_grace_minutes=15,
    )
    created = teacher.post(URL, body, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["late_penalty_unit"], created.json()["late_grace_minutes"]) == (
        "hour",
        15,
    )
    changed = teacher.patch(
        f"{URL}{created.json()['id']}/", {"late_penalty_unit": "day"}, format="json"
    )
    assert changed.status_code == 200
    assignment = Assignment.objects.get(pk=created.json()["id"])
    assert (assignment.late_penalty_unit, assignment.late_grace_minutes) == ("day", 15)
