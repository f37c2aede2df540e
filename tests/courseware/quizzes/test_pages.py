"""Quiz authoring pages: one form for the whole quiz, errors beside their fields, statistics."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import AssignmentKind, QuestionKind, Quiz
from courseware.services.quizzes import QuestionSpec, QuizChoiceSpec, QuizSpec, quiz_author
from courseware.services.teaching import quiz_attempt_start, quiz_attempt_submit
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    StudentFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def management(total: int, initial: int = 0) -> dict:
    return {
        "questions-TOTAL_FORMS": str(total),
        "questions-INITIAL_FORMS": str(initial),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "100",
    }


def question(n: int, **fields) -> dict:
    base = {"kind": "single", "text": f"Question {n}", "points": "1", "choices": "a\n*b"}
    return {f"questions-{n}-{key}": value for key, value in (base | fields).items()}


def quiz_post(*questions: dict, **fields) -> dict:
    data = {"title": "Check", "max_attempts": "2"} | fields | management(len(questions))
    for row in questions:
        data |= row
    return data


def test_a_teacher_writes_a_quiz_of_five_kinds_in_one_post(client, school):
    unit = UnitFactory(course=school.classroom.course)
    client.force_login(school.teacher)
    url = reverse("courseware:quiz-create", args=[unit.course.slug, unit.slug])
    response = client.post(
        url,
        quiz_post(
            question(0),
            question(1, kind="multiple", choices="*x\n*y\nz"),
            question(2, kind="true_false", choices="", true_false="false"),
            question(3, kind="short", choices="", accepted="Koba\nJoseph Stalin", points="3"),
            question(4, feedback="Shown after.", ORDER="0"),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    quiz = Quiz.objects.get()
    kinds = list(quiz.questions.order_by("order").values_list("kind", flat=True))
    assert kinds == ["single", "single", "multiple", "true_false", "short"]  # ORDER 0 first
    assert quiz.max_attempts == 2 and quiz.total_points == 7


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"choices": "a\nb"}, "choices", "Mark the correct answer"),
        ({"choices": "*Trotsky\ntrotsky"}, "choices", "given twice"),
        ({"kind": "true_false", "choices": ""}, "true_false", "true or false"),
        ({"kind": "short", "choices": ""}, "accepted", "accepted answer"),
        ({"evidence": "[[missing#p-4]]"}, "evidence", "no paragraph"),
    ],
)
def test_a_bad_question_is_shown_beside_its_field_and_nothing_is_saved(
    client, school, fields, field, message
):
    unit = UnitFactory(course=school.classroom.course)
    client.force_login(school.teacher)
    url = reverse("courseware:quiz-create", args=[unit.course.slug, unit.slug])
    response = client.post(url, quiz_post(question(0), question(1, **fields)))
    assert response.status_code == 400
    form = response.context["questions"].forms[1]
    assert message in " ".join(form.errors[field])
    assert not response.context["questions"].forms[0].errors
    assert not Quiz.objects.exists()


def test_add_a_question_without_javascript_comes_back_with_one_more_form(client, school):
    unit = UnitFactory(course=school.classroom.course)
    client.force_login(school.teacher)
    url = reverse("courseware:quiz-create", args=[unit.course.slug, unit.slug])
    response = client.post(url, quiz_post(question(0)) | {"add_question": "1"})
    assert response.status_code == 200
    assert len(response.context["questions"].forms) == 2
    assert response.context["questions"].forms[0]["text"].value() == "Question 0"
    assert not Quiz.objects.exists()


def _spec(n: int = 3) -> QuizSpec:
    return QuizSpec(
        title="Stats",
        questions=tuple(
            QuestionSpec(
                QuestionKind.SINGLE,
                f"Q{i}",
                choices=(
                    QuizChoiceSpec("right", True),
                    QuizChoiceSpec("wrong"),
                    QuizChoiceSpec("other"),
                ),
            )
            for i in range(n)
        ),
    )


def test_statistics_show_facility_and_the_most_chosen_wrong_answer_in_fixed_queries(
    client, school, django_assert_max_num_queries
):
    quiz = quiz_author(unit=UnitFactory(course=school.classroom.course), spec=_spec(), by=None)
    assignment = AssignmentFactory(
        classroom=school.classroom, kind=AssignmentKind.QUIZ, target=quiz
    )
    questions = list(quiz.questions.prefetch_related("choices").order_by("order"))
    students = [StudentFactory() for _ in range(12)]
    for number, student in enumerate(students):
        MembershipFactory(classroom=school.classroom, user=student, role="student")
        attempt = quiz_attempt_start(assignment=assignment, student=student, now=timezone.now())
        answers = {}
        for question in questions:
            by_text = {c.text: c.pk for c in question.choices.all()}
            # Question 0: everyone right; the others: a third right, "wrong" chosen most.
            pick = "right" if question.order == 1 or number % 3 == 0 else "wrong"
            if question.order == 3 and number % 3 == 1:
                pick = "other"
            answers[question.pk] = by_text[pick]
        quiz_attempt_submit(attempt=attempt, answers=answers, now=timezone.now())
    client.force_login(school.teacher)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("courseware:quiz-statistics", args=[quiz.pk]))
    stats = response.context["stats"]
    assert stats.attempts == 12
    assert [row.facility_percent for row in stats.questions] == [100, 33, 33]
    assert stats.questions[0].most_chosen_wrong is None
    assert stats.questions[1].most_chosen_wrong == ("wrong", 8)
    assert stats.questions[2].most_chosen_wrong == ("wrong", 4) or stats.questions[
        2
    ].most_chosen_wrong == ("other", 4)
    assert sum(count for _label, count in stats.bands) == 12
    # A teacher of another class sees none of this class's attempts.
    client.force_login(school.other_teacher)
    response = client.get(reverse("courseware:quiz-statistics", args=[quiz.pk]))
    assert response.context["stats"].attempts == 0


def test_export_downloads_the_documented_json_and_import_reads_it(client, school):
    quiz = quiz_author(unit=UnitFactory(course=school.classroom.course), spec=_spec(2), by=None)
    client.force_login(school.teacher)
    exported = client.get(reverse("courseware:quiz-export", args=[quiz.pk]))
    data = json.loads(exported.content)
    assert data["format"] == "lectern-quiz" and len(data["questions"]) == 2
    unit = UnitFactory(course=school.classroom.course)
    url = reverse("courseware:quiz-import", args=[unit.course.slug, unit.slug])
    assert client.post(url, {"text": "{not json"}).status_code == 400
    data["questions"][0]["choices"][0]["correct"] = False
    refused = client.post(url, {"text": json.dumps(data)})
    assert refused.status_code == 400 and "questions.0.choices" in refused.content.decode()
    assert Quiz.objects.filter(unit=unit).count() == 0
    data["questions"][0]["choices"][0]["correct"] = True
    assert client.post(url, {"text": json.dumps(data)}).status_code == 302
    assert Quiz.objects.filter(unit=unit).count() == 1


def test_editing_an_attempted_quiz_through_the_page_makes_version_two(client, school):
    quiz = quiz_author(unit=UnitFactory(course=school.classroom.course), spec=_spec(1), by=None)
    assignment = AssignmentFactory(
        classroom=school.classroom, kind=AssignmentKind.QUIZ, target=quiz
    )
    quiz_attempt_start(assignment=assignment, student=school.student, now=timezone.now())
    client.force_login(school.teacher)
    url = reverse("courseware:quiz-edit", args=[quiz.pk])
    page = client.get(url)
    assert "new version" in page.content.decode()
    data = quiz_post(question(0, choices="*right\nwrong\nother", text="Q0 again"), title="Stats")
    data |= management(1, initial=1)
    response = client.post(url, data)
    assert response.status_code == 302
    version = Quiz.objects.get(previous=quiz)
    assert response["Location"] == reverse("courseware:quiz-detail", args=[version.pk])
    assert quiz.questions.get().text == "Q0"


def test_a_student_takes_a_mixed_quiz_with_ticks_and_a_typed_answer(client, school):
    spec = QuizSpec(
        title="Mixed",
        shuffle=True,
        time_limit_minutes=20,
        questions=(
            QuestionSpec(
                QuestionKind.MULTIPLE,
                "Troika?",
                choices=(
                    QuizChoiceSpec("Stalin", True),
                    QuizChoiceSpec("Zinoviev", True),
                    QuizChoiceSpec("Trotsky"),
                ),
            ),
            QuestionSpec(QuestionKind.SHORT, "Stalin's nickname?", points=2, accepted=("Koba",)),
        ),
    )
    quiz = quiz_author(unit=UnitFactory(course=school.classroom.course), spec=spec, by=None)
    assignment = AssignmentFactory(
        classroom=school.classroom, kind=AssignmentKind.QUIZ, target=quiz
    )
    client.force_login(school.student)
    start = client.post(reverse("courseware:quiz-start", args=[assignment.pk]))
    page = client.get(start["Location"])
    assert "Time limit: 20 minutes" in page.content.decode()
    multiple, short = quiz.questions.order_by("order")
    ticks = [c.pk for c in multiple.choices.all() if c.is_correct]
    done = client.post(
        start["Location"], {f"question_{multiple.pk}": ticks, f"question_{short.pk}": "  koba "}
    )
    assert done.status_code == 302
    result = client.get(done["Location"])
    attempt = result.context["attempt"]
    assert (attempt.score, attempt.max_score) == (3, 3)
    assert "koba" in result.content.decode()
