"""Quiz authoring: the rules a written quiz must meet, versions, marking each kind of question."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courseware.models import Assignment, AssignmentKind, QuestionKind, Quiz, QuizAnswer
from courseware.services.quizzes import (
    QuestionSpec,
    QuizChoiceSpec,
    QuizSpec,
    quiz_author,
    quiz_duplicate,
    quiz_import,
    quiz_move,
    quiz_spec_of,
    quiz_to_json,
    quiz_update,
    true_false_choices,
)
from courseware.services.teaching import quiz_attempt_start, quiz_attempt_submit
from tests.factories import AssignmentFactory, ReadingFactory, UnitFactory

pytestmark = pytest.mark.django_db

C = QuizChoiceSpec


def five_questions(reading_slug: str = "") -> tuple[QuestionSpec, ...]:
    return (
        QuestionSpec(
            QuestionKind.SINGLE,
            "Who led the Left Opposition?",
            points=2,
            feedback="Trotsky led it from 1923.",
            evidence=f"[[{reading_slug}#p-1]]" if reading_slug else "",
            choices=(C("Stalin"), C("Trotsky", True), C("Bukharin")),
        ),
        QuestionSpec(
            QuestionKind.MULTIPLE,
            "Who formed the Troika?",
            choices=(C("Stalin", True), C("Zinoviev", True), C("Kamenev", True), C("Trotsky")),
        ),
        QuestionSpec(
            QuestionKind.TRUE_FALSE,
            "Trotsky was expelled from the party in 1927.",
            choices=true_false_choices(True),
        ),
        QuestionSpec(
            QuestionKind.SHORT,
            "Which policy did Stalin set against permanent revolution?",
            points=3,
            accepted=("Socialism in One Country", "socialism in one state"),
        ),
        QuestionSpec(
            QuestionKind.SINGLE,
            "When did Lenin die?",
            choices=(C("1922"), C("1924", True)),
        ),
    )


def spec(**overrides) -> QuizSpec:
    fields = {"title": "The struggle for power", "questions": five_questions()} | overrides
    return QuizSpec(**fields)


def test_a_quiz_is_written_with_every_kind_of_question_and_its_evidence(school):
    reading = ReadingFactory()
    unit = UnitFactory(course=school.classroom.course)
    quiz = quiz_author(
        unit=unit, spec=spec(questions=five_questions(reading.slug)), by=school.teacher
    )
    questions = list(quiz.questions.order_by("order"))
    assert [q.kind for q in questions] == ["single", "multiple", "true_false", "short", "single"]
    assert questions[0].evidence.reading == reading and questions[0].evidence.number == 1
    assert quiz.total_points == 8
    assert quiz_spec_of(quiz=quiz) == spec(questions=five_questions(reading.slug))


@pytest.mark.parametrize(
    ("question", "field", "message"),
    [
        (QuestionSpec("single", "Q", choices=(C("a"), C("b"))), "choices", "Mark the correct"),
        (QuestionSpec("multiple", "Q", choices=(C("a"), C("b"))), "choices", "Mark the correct"),
        (
            QuestionSpec("single", "Q", choices=(C("Trotsky", True), C(" trotsky "))),
            "choices",
            "given twice",
        ),
        (
            QuestionSpec("single", "Q", choices=(C("a", True), C("b", True))),
            "choices",
            "exactly one correct",
        ),
        (QuestionSpec("single", "Q", choices=(C("a", True),)), "choices", "at least two"),
        (QuestionSpec("true_false", "Q", choices=()), "choices", "true or false"),
        (QuestionSpec("short", "Q"), "accepted", "at least one accepted"),
        (QuestionSpec("short", "Q", accepted=("Koba", "koba")), "accepted", "given twice"),
        (QuestionSpec("single", " ", choices=(C("a", True), C("b"))), "text", "Write"),
        (QuestionSpec("single", "Q", points=0, choices=(C("a", True), C("b"))), "points", "1"),
        (
            QuestionSpec("single", "Q", evidence="p-12", choices=(C("a", True), C("b"))),
            "evidence",
            "[[reading-slug#p-12]]",
        ),
        (
            QuestionSpec("single", "Q", evidence="[[nowhere#p-3]]", choices=(C("a", True), C("b"))),
            "evidence",
            "no paragraph",
        ),
    ],
)
def test_a_bad_question_gets_a_field_error_and_nothing_is_written(question, field, message):
    unit = UnitFactory()
    good = five_questions()[0]
    with pytest.raises(ValidationError) as caught:
        quiz_author(unit=unit, spec=spec(questions=(good, question)), by=None)
    errors = caught.value.message_dict
    assert list(errors) == [f"questions.1.{field}"]
    assert message.lower() in errors[f"questions.1.{field}"][0].lower()
    assert not Quiz.objects.exists()


def test_editing_an_unattempted_quiz_changes_it_in_place():
    quiz = quiz_author(unit=UnitFactory(), spec=spec(), by=None)
    edited = quiz_update(quiz=quiz, spec=spec(title="Renamed", shuffle=True), by=None)
    assert edited.pk == quiz.pk and edited.version == 1
    assert Quiz.objects.get(pk=quiz.pk).shuffle is True


def _take(assignment, student, answers_for):
    attempt = quiz_attempt_start(assignment=assignment, student=student, now=timezone.now())
    questions = list((attempt.quiz).questions.prefetch_related("choices").order_by("order"))
    return quiz_attempt_submit(attempt=attempt, answers=answers_for(questions), now=timezone.now())


def _right_answers(questions):
    answers = {}
    for question in questions:
        correct = [c.pk for c in question.choices.all() if c.is_correct]
        if question.kind == QuestionKind.SHORT:
            answers[question.pk] = "  SOCIALISM in one   country "
        elif question.kind == QuestionKind.MULTIPLE:
            answers[question.pk] = correct
        else:
            answers[question.pk] = correct[0]
    return answers


def test_each_kind_is_marked_and_points_add_up(school):
    quiz = quiz_author(unit=UnitFactory(course=school.classroom.course), spec=spec(), by=None)
    assignment = AssignmentFactory(
        classroom=school.classroom, kind=AssignmentKind.QUIZ, target=quiz
    )
    attempt = _take(assignment, school.student, _right_answers)
    assert (attempt.score, attempt.max_score) == (8, 8)


def test_multiple_choice_is_right_only_with_exactly_the_correct_ones_ticked(school):
    quiz = quiz_author(unit=UnitFactory(course=school.classroom.course), spec=spec(), by=None)
    assignment = AssignmentFactory(
        classroom=school.classroom, kind=AssignmentKind.QUIZ, target=quiz
    )

    def two_of_three(questions):
        answers = _right_answers(questions)
        multiple = questions[1]
        answers[multiple.pk] = answers[multiple.pk][:2]
        answers[questions[3].pk] = "permanent revolution"
        return answers

    attempt = _take(assignment, school.student, two_of_three)
    assert attempt.score == 8 - 1 - 3
    wrong = QuizAnswer.objects.filter(attempt=attempt, is_correct=False)
    assert sorted(a.question.kind for a in wrong) == ["multiple", "short"]
    assert {a.text for a in wrong if a.text} == {"permanent revolution"}


def test_editing_an_attempted_quiz_makes_a_version_and_keeps_recorded_scores(school):
    quiz = quiz_author(unit=UnitFactory(course=school.classroom.course), spec=spec(), by=None)
    assignment = AssignmentFactory(
        classroom=school.classroom, kind=AssignmentKind.QUIZ, target=quiz
    )
    attempt = _take(assignment, school.student, _right_answers)
    questions = five_questions()
    harder = (questions[0].__class__(**{**questions[0].__dict__, "points": 10}), *questions[1:])
    version = quiz_update(quiz=quiz, spec=spec(questions=harder), by=school.teacher)

    assert version.pk != quiz.pk and version.version == 2 and version.previous == quiz
    assert Assignment.objects.get(pk=assignment.pk).quiz == version
    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score, attempt.quiz_id) == (8, 8, quiz.pk)
    assert quiz.questions.get(order=1).points == 2
    with pytest.raises(ValidationError):
        quiz_update(quiz=quiz, spec=spec(), by=None)  # only the latest version is edited


def test_an_attempt_in_progress_is_finished_on_the_version_it_started(school):
    quiz = quiz_author(unit=UnitFactory(course=school.classroom.course), spec=spec(), by=None)
    assignment = AssignmentFactory(
        classroom=school.classroom,
        kind=AssignmentKind.QUIZ,
        target=quiz,
    )
    Assignment.objects.filter(pk=assignment.pk).update(max_attempts=2)
    assignment.refresh_from_db()
    _take(assignment, school.student, _right_answers)
    started = quiz_attempt_start(assignment=assignment, student=school.student, now=timezone.now())
    quiz_update(quiz=quiz, spec=spec(title="Second version"), by=None)
    questions = list(quiz.questions.prefetch_related("choices").order_by("order"))
    done = quiz_attempt_submit(
        attempt=started, answers=_right_answers(questions), now=timezone.now()
    )
    assert done.quiz_id == quiz.pk and done.score == 8


def test_duplicate_copies_questions_not_attempts_and_move_reorders(school):
    unit = UnitFactory(course=school.classroom.course)
    first = quiz_author(unit=unit, spec=spec(title="First"), by=None)
    second = quiz_author(unit=unit, spec=spec(title="Second"), by=None)
    copy = quiz_duplicate(quiz=first, by=school.teacher)
    assert copy.title == "First (copy)" and copy.questions.count() == 5
    assert not copy.attempts.exists()
    quiz_move(quiz=copy, up=True)
    titles = list(Quiz.objects.current().filter(unit=unit).values_list("title", flat=True))
    assert titles == ["First", "First (copy)", "Second"]
    quiz_move(quiz=first, up=False)
    titles = list(Quiz.objects.current().filter(unit=unit).values_list("title", flat=True))
    assert titles == ["First (copy)", "First", "Second"]
    assert second.pk


def test_export_then_import_gives_the_same_quiz():
    reading = ReadingFactory()
    quiz = quiz_author(
        unit=UnitFactory(), spec=spec(questions=five_questions(reading.slug)), by=None
    )
    data = quiz_to_json(quiz=quiz)
    assert data["format"] == "lectern-quiz" and data["questions"][2]["answer"] is True
    again = quiz_import(unit=UnitFactory(), data=data, by=None)
    assert quiz_spec_of(quiz=again) == quiz_spec_of(quiz=quiz)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ([], "non_field_errors"),
        ({"title": "T", "questions": "no"}, "questions"),
        ({"title": "T", "questions": [{"type": "single", "text": "Q", "points": "2"}]}, None),
        ({"title": "T", "format": "moodle", "questions": []}, "format"),
    ],
)
def test_a_malformed_import_is_refused_and_writes_nothing(data, key):
    with pytest.raises(ValidationError) as caught:
        quiz_import(unit=UnitFactory(), data=data, by=None)
    if key:
        assert key in caught.value.message_dict
    assert not Quiz.objects.exists()


def test_time_limit_and_attempts_are_checked():
    with pytest.raises(ValidationError) as caught:
        quiz_author(unit=UnitFactory(), spec=spec(max_attempts=0, time_limit_minutes=0), by=None)
    assert {"max_attempts", "time_limit_minutes"} <= set(caught.value.message_dict)


def test_an_attempt_over_the_time_limit_is_still_marked(school):
    quiz = quiz_author(
        unit=UnitFactory(course=school.classroom.course), spec=spec(time_limit_minutes=5), by=None
    )
    assignment = AssignmentFactory(
        classroom=school.classroom, kind=AssignmentKind.QUIZ, target=quiz
    )
    attempt = quiz_attempt_start(
        assignment=assignment, student=school.student, now=timezone.now() - timedelta(hours=1)
    )
    questions = list(quiz.questions.prefetch_related("choices").order_by("order"))
    done = quiz_attempt_submit(
        attempt=attempt, answers=_right_answers(questions), now=timezone.now()
    )
    assert done.score == 8
