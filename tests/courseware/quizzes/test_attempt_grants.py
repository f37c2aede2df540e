"""The attempts a quiz assignment allows are a limit, not a suggestion: a student at it cannot
start another, on the page or through the API, until a teacher grants one more."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.models import AssignmentKind, Quiz, QuizAttempt
from courseware.services.teaching import (
    quiz_attempt_grant,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from tests.factories import AssignmentFactory, course_quiz

pytestmark = pytest.mark.django_db


def _used_up(school):
    """A one-attempt quiz the class's student has made their one attempt at."""
    quiz = AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.QUIZ, max_attempts=1)
    attempt = quiz_attempt_start(assignment=quiz, student=school.student, now=timezone.now())
    questions = list(quiz.quiz.questions.prefetch_related("choices"))
    answers = {q.pk: q.choices.all()[0].pk for q in questions}
    quiz_attempt_submit(attempt=attempt, answers=answers, now=timezone.now())
    return quiz


def test_a_student_at_the_limit_is_refused_on_the_page_with_a_clear_message(client, school):
    quiz = _used_up(school)
    client.force_login(school.student)
    page = client.get(quiz.get_absolute_url()).content.decode()
    assert "You have used all your attempts." in page
    assert reverse("courseware:quiz-start", args=[quiz.pk]) not in page
    response = client.post(reverse("courseware:quiz-start", args=[quiz.pk]), follow=True)
    assert "You have used all 1 of your attempts" in response.content.decode()
    assert QuizAttempt.objects.filter(assignment=quiz).count() == 1


def test_a_student_at_the_limit_gets_a_409_from_the_api(school):
    quiz = _used_up(school)
    api = APIClient()
    api.force_authenticate(school.student)
    response = api.post(f"/api/v1/assignments/{quiz.pk}/quiz-attempts/", format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "no_attempts_left"
    assert "used all 1 of your attempts" in response.json()["detail"]


def test_a_teacher_grants_one_more_attempt_from_the_quiz_page(client, school):
    quiz = _used_up(school)
    client.force_login(school.teacher)
    page = client.get(quiz.get_absolute_url()).content.decode()
    assert reverse("courseware:quiz-attempt-grant", args=[quiz.pk]) in page
    response = client.post(
        reverse("courseware:quiz-attempt-grant", args=[quiz.pk]), {"student": school.student.pk}
    )
    assert response.status_code == 302
    second = quiz_attempt_start(assignment=quiz, student=school.student, now=timezone.now())
    assert second.number == 2
    quiz.refresh_from_db()
    assert quiz.max_attempts == 1  # the class's limit is unchanged


def test_a_grant_shows_on_the_student_s_page_as_an_attempt_left(client, school):
    quiz = _used_up(school)
    quiz_attempt_grant(assignment=quiz, student=school.student, by=school.teacher)
    client.force_login(school.student)
    response = client.get(quiz.get_absolute_url())
    assert response.context["work"].attempts_left == 1
    assert reverse("courseware:quiz-start", args=[quiz.pk]) in response.content.decode()


def test_an_attempt_cannot_be_granted_to_someone_outside_the_class(school):
    quiz = _used_up(school)
    with pytest.raises(ValidationError):
        quiz_attempt_grant(assignment=quiz, student=school.other_student, by=school.teacher)
    with pytest.raises(ValidationError):
        quiz_attempt_start(assignment=quiz, student=school.student, now=timezone.now())


def test_the_api_grants_an_attempt_and_answers_what_the_student_may_make(school):
    quiz = _used_up(school)
    api = APIClient()
    api.force_authenticate(school.teacher)
    url = f"/api/v1/assignments/{quiz.pk}/attempt-grants/"
    response = api.post(url, {"student": school.student.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {
        "student": school.student.pk,
        "extra_attempts": 1,
        "attempts_allowed": 2,
    }
    refused = api.post(url, {"student": school.other_student.pk}, format="json")
    assert refused.status_code == 400 and "student" in refused.json()


def test_setting_a_quiz_takes_its_authored_attempts_unless_told_otherwise(client, school):
    quiz = course_quiz(school.classroom.course)
    Quiz.objects.filter(pk=quiz.pk).update(max_attempts=3)
    quiz.refresh_from_db()
    default = AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.QUIZ, target=quiz)
    assert default.max_attempts == 3
    client.force_login(school.teacher)
    url = reverse("courseware:assignment-create", args=[school.classroom.pk, "quiz"])
    form = client.get(url, {"target": quiz.pk}).context["form"]
    assert form["max_attempts"].value() == 3 and form["target"].value() == quiz.pk


def test_the_granted_attempt_counts_in_the_attempt_heading(client, school):
    quiz = _used_up(school)
    quiz_attempt_grant(assignment=quiz, student=school.student, by=school.teacher)
    attempt = quiz_attempt_start(assignment=quiz, student=school.student, now=timezone.now())
    client.force_login(school.student)
    page = client.get(reverse("courseware:quiz-attempt", args=[attempt.pk])).content.decode()
    assert "Attempt 2 of 2" in page
