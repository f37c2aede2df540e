"""The quiz API: write, check, version, list in fixed queries, statistics."""

import pytest

from courseware.models import Quiz
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db

QUIZ = {
    "title": "Check",
    "shuffle": True,
    "time_limit_minutes": 15,
    "questions": [
        {
            "type": "multiple",
            "text": "Who formed the Troika?",
            "points": 2,
            "feedback": "Stalin, Zinoviev and Kamenev.",
            "choices": [
                {"text": "Stalin", "correct": True},
                {"text": "Zinoviev", "correct": True},
                {"text": "Trotsky"},
            ],
        },
        {"type": "true_false", "text": "Lenin died in 1924.", "answer": True},
        {"type": "short", "text": "Stalin's nickname?", "accepted": ["Koba"]},
    ],
}


def test_a_quiz_written_through_the_api_reads_back_the_same(api_as, school):
    unit = UnitFactory(course=school.classroom.course)
    client = api_as("teacher")
    created = client.post("/api/v1/quizzes/", {**QUIZ, "unit": unit.pk}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["format"] == "lectern-quiz" and body["version"] == 1 and body["latest"]
    assert [q["type"] for q in body["questions"]] == ["multiple", "true_false", "short"]
    again = client.get(f"/api/v1/quizzes/{body['id']}/").json()
    assert again == body


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ({"type": "single", "text": "Q", "choices": [{"text": "a"}, {"text": "b"}]}, "choices"),
        (
            {
                "type": "single",
                "text": "Q",
                "choices": [{"text": "A", "correct": True}, {"text": " a "}],
            },
            "choices",
        ),
        ({"type": "short", "text": "Q", "accepted": []}, "accepted"),
        ({"type": "true_false", "text": "Q"}, "choices"),
    ],
)
def test_a_bad_question_is_a_400_naming_it_and_nothing_is_written(api_as, school, question, key):
    unit = UnitFactory(course=school.classroom.course)
    body = {**QUIZ, "unit": unit.pk, "questions": [QUIZ["questions"][0], question]}
    response = api_as("teacher").post("/api/v1/quizzes/", body, format="json")
    assert response.status_code == 400
    assert f"questions.1.{key}" in response.json()
    assert not Quiz.objects.filter(unit=unit).exists()


def test_a_unit_the_user_may_not_see_or_that_is_missing_is_a_400(api_as, school):
    response = api_as("teacher").post("/api/v1/quizzes/", {**QUIZ, "unit": 999999}, format="json")
    assert response.status_code == 400 and "unit" in response.json()


def test_the_list_keeps_its_query_count_however_many_quizzes(
    api_as, school, django_assert_max_num_queries
):
    client = api_as("teacher")
    before = Quiz.objects.count()
    for _ in range(15):
        unit = UnitFactory(course=school.classroom.course)
        client.post("/api/v1/quizzes/", {**QUIZ, "unit": unit.pk}, format="json")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/quizzes/")
    data = response.json()
    assert data["count"] == before + 15
    new = [row for row in data["results"] if row["title"] == QUIZ["title"]]
    assert len(new) == 15
    assert all(row["question_count"] == 3 and row["total_points"] == 4 for row in new)


def test_replacing_an_attempted_quiz_is_a_201_new_version(api_as, world):
    quiz = world.quiz.quiz  # a student has an attempt in progress
    response = api_as("teacher").put(f"/api/v1/quizzes/{quiz.pk}/", QUIZ, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["previous"] == quiz.pk and body["version"] == quiz.version + 1
    old = api_as("teacher").get(f"/api/v1/quizzes/{quiz.pk}/").json()
    assert old["latest"] is False
    refused = api_as("teacher").put(f"/api/v1/quizzes/{quiz.pk}/", QUIZ, format="json")
    assert refused.status_code == 400


def test_statistics_answer_for_the_teachers_classes(api_as, world):
    response = api_as("teacher").get(f"/api/v1/quizzes/{world.quiz.quiz_id}/statistics/")
    assert response.status_code == 200
    body = response.json()
    assert body["attempts"] == 0  # the one attempt is still in progress
    assert len(body["questions"]) == world.quiz.quiz.questions.count()


def test_a_teacher_copies_a_class_s_work_to_a_parallel_class(api_as, world):
    from datetime import timedelta

    from courseware.models import Assignment, MembershipRole
    from tests.factories import ClassroomFactory, MembershipFactory

    source = world.school.classroom
    parallel = ClassroomFactory(course=source.course)
    MembershipFactory(classroom=parallel, user=world.school.teacher, role=MembershipRole.TEACHER)
    response = api_as("teacher").post(
        f"/api/v1/classes/{source.pk}/copy-work/",
        {"target": parallel.pk, "offset_days": 14},
        format="json",
    )
    assert response.status_code == 201, response.content
    live = Assignment.objects.live().filter(classroom=source)
    assert len(response.json()) == live.count()
    copy = Assignment.objects.get(classroom=parallel, prompt=world.essay.prompt)
    assert copy.due_at == world.essay.due_at + timedelta(days=14)
