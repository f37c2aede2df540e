"""Teaching services: join codes, teachers, assignments, extensions and quizzes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courseware.models import AssignmentKind, Membership, MembershipRole, QuizAnswer, QuizAttempt
from courseware.models.teaching import RetiredJoinCode
from courseware.services.teaching import (
    JOIN_CODE_ALPHABET,
    AttemptAlreadySubmitted,
    assignment_create,
    assignment_restore,
    assignment_update,
    assignment_withdraw,
    classroom_archive,
    classroom_join,
    classroom_join_code_regenerate,
    classroom_join_code_set_enabled,
    classroom_restore,
    classroom_teacher_add,
    classroom_teacher_remove,
    extension_grant,
    extension_revoke,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from tests.factories import (
    AssignmentFactory,
    ClassroomFactory,
    EssayPromptFactory,
    ExtensionFactory,
    MembershipFactory,
    StudentFactory,
    TeacherFactory,
    course_quiz,
    course_reading,
)

pytestmark = pytest.mark.django_db


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Join codes ---------------------------------------------------------------------------------


def test_a_student_joins_by_code_typed_loosely_and_joining_twice_changes_nothing():
    classroom = ClassroomFactory()
    student = StudentFactory()
    typed = " " + classroom.join_code[:4].lower() + "-" + classroom.join_code[4:] + " "
    membership, joined = classroom_join(user=student, code=typed)
    assert joined
    assert (membership.classroom, membership.role) == (classroom, MembershipRole.STUDENT)
    again, joined_again = classroom_join(user=student, code=classroom.join_code)
    assert (again.pk, joined_again) == (membership.pk, False)


def test_a_replaced_code_says_it_was_replaced():
    classroom = ClassroomFactory()
    old = classroom.join_code
    new = classroom_join_code_regenerate(classroom=classroom, now=timezone.now())
    assert new != old
    assert set(new) <= set(JOIN_CODE_ALPHABET)
    assert RetiredJoinCode.objects.filter(classroom=classroom, code=old).exists()
    with pytest.raises(ValidationError) as error:
        classroom_join(user=StudentFactory(), code=old)
    assert "has been replaced" in _messages(error.value)
    assert error.value.error_dict["code"][0].code == "stale"


def test_a_disabled_code_is_refused_with_a_clear_message_and_works_again_when_enabled():
    classroom = ClassroomFactory()
    student = StudentFactory()
    classroom_join_code_set_enabled(classroom=classroom, enabled=False)
    with pytest.raises(ValidationError) as error:
        classroom_join(user=student, code=classroom.join_code)
    assert "switched off" in _messages(error.value)
    assert not Membership.objects.filter(user=student).exists()
    classroom_join_code_set_enabled(classroom=classroom, enabled=True)
    assert classroom_join(user=student, code=classroom.join_code)[1]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the join code"),
        ("ZZZZZZZZ", "No class has the code ZZZZZZZZ"),
        ("HSCMHA0O", "never contain 0, O, 1, I or L"),
    ],
)
def test_an_unknown_code_says_so(code, message):
    ClassroomFactory()
    with pytest.raises(ValidationError) as error:
        classroom_join(user=StudentFactory(), code=code)
    assert message in _messages(error.value)


def test_an_archived_class_takes_no_new_students_and_comes_back_when_restored():
    classroom = ClassroomFactory()
    classroom_archive(classroom=classroom, now=timezone.now())
    with pytest.raises(ValidationError, match="archived"):
        classroom_join(user=StudentFactory(), code=classroom.join_code)
    classroom_restore(classroom=classroom)
    assert classroom_join(user=StudentFactory(), code=classroom.join_code)[1]


# --- Teachers -----------------------------------------------------------------------------------


def test_co_teachers_are_added_and_removed_and_students_cannot_teach():
    classroom = ClassroomFactory()
    first, second = TeacherFactory(), TeacherFactory()
    classroom_teacher_add(classroom=classroom, teacher=first)
    classroom_teacher_add(classroom=classroom, teacher=second)
    assert set(
        classroom.memberships.filter(role=MembershipRole.TEACHER).values_list("user", flat=True)
    ) == {first.pk, second.pk}
    classroom_teacher_remove(classroom=classroom, teacher=second)
    assert not classroom.memberships.filter(user=second).exists()

    with pytest.raises(ValidationError, match="student account"):
        classroom_teacher_add(classroom=classroom, teacher=StudentFactory())


# --- Assignments --------------------------------------------------------------------------------


def test_each_kind_of_work_is_assigned_from_the_class_course_with_a_default_title():
    classroom = ClassroomFactory()
    now = timezone.now()
    dates = {"opens_at": now, "due_at": now + timedelta(days=7)}
    reading = course_reading(classroom.course, title="Trotsky's Lessons of October")
    prompt = EssayPromptFactory(course=classroom.course)
    quiz = course_quiz(classroom.course)
    for kind, target in (
        (AssignmentKind.READING, reading),
        (AssignmentKind.ESSAY, prompt),
        (AssignmentKind.QUIZ, quiz),
    ):
        assignment = assignment_create(
            classroom=classroom, kind=kind, target=target, by=None, **dates
        )
        assert assignment.target == target
        assert assignment.title == target.title


def test_content_of_another_course_or_of_the_wrong_kind_is_refused():
    classroom = ClassroomFactory()
    elsewhere = course_reading(ClassroomFactory().course)
    now = timezone.now()
    for kind, target in (
        (AssignmentKind.READING, elsewhere),
        (AssignmentKind.ESSAY, course_reading(classroom.course)),
    ):
        with pytest.raises(ValidationError) as error:
            assignment_create(
                classroom=classroom,
                kind=kind,
                target=target,
                by=None,
                opens_at=now,
                due_at=now + timedelta(days=1),
            )
        assert "target" in error.value.error_dict


def test_dates_in_the_wrong_order_are_field_errors():
    classroom = ClassroomFactory()
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        assignment_create(
            classroom=classroom,
            kind=AssignmentKind.READING,
            target=course_reading(classroom.course),
            by=None,
            opens_at=now,
            due_at=now - timedelta(hours=1),
        )
    assert "due_at" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        assignment_create(
            classroom=classroom,
            kind=AssignmentKind.READING,
            target=course_reading(classroom.course),
            by=None,
            opens_at=now,
            due_at=now + timedelta(days=2),
            cutoff_at=now + timedelta(days=1),
        )
    assert list(error.value.error_dict) == ["cutoff_at"]
    assert not classroom.assignments.exists()


def test_the_target_may_change_until_a_student_has_work_then_only_dates_and_text_may():
    classroom = ClassroomFactory()
    student = StudentFactory()
    MembershipFactory(classroom=classroom, user=student)
    assignment = AssignmentFactory(classroom=classroom, kind=AssignmentKind.QUIZ)
    other_quiz = course_quiz(classroom.course)

    assignment = assignment_update(assignment=assignment, target=other_quiz)
    assert assignment.quiz == other_quiz

    quiz_attempt_start(assignment=assignment, student=student, now=timezone.now())
    with pytest.raises(ValidationError) as error:
        assignment_update(assignment=assignment, target=course_quiz(classroom.course))
    assert "cannot change" in _messages(error.value)
    assignment.refresh_from_db()
    assert assignment.quiz == other_quiz

    later = assignment.due_at + timedelta(days=3)
    assignment = assignment_update(
        assignment=assignment, target=other_quiz, due_at=later, instructions="New instructions"
    )
    assert (assignment.due_at, assignment.instructions) == (later, "New instructions")


def test_the_kind_of_an_assignment_never_changes():
    assignment = AssignmentFactory()
    with pytest.raises(TypeError):
        assignment_update(assignment=assignment, kind=AssignmentKind.QUIZ)


def test_withdrawing_keeps_student_work_and_restoring_brings_it_back():
    classroom = ClassroomFactory()
    student = StudentFactory()
    MembershipFactory(classroom=classroom, user=student)
    assignment = AssignmentFactory(classroom=classroom, kind=AssignmentKind.QUIZ)
    attempt = quiz_attempt_start(assignment=assignment, student=student, now=timezone.now())

    assignment_withdraw(assignment=assignment, now=timezone.now())
    assert assignment.withdrawn_at is not None
    assert QuizAttempt.objects.filter(pk=attempt.pk).exists()
    assignment_restore(assignment=assignment)
    assert assignment.withdrawn_at is None
    assert list(assignment.quiz_attempts.all()) == [attempt]


# --- Extensions ---------------------------------------------------------------------------------


def test_an_extension_is_for_a_student_of_the_class_and_later_than_the_due_date():
    classroom = ClassroomFactory()
    student = StudentFactory()
    MembershipFactory(classroom=classroom, user=student)
    assignment = AssignmentFactory(classroom=classroom)

    with pytest.raises(ValidationError) as error:
        extension_grant(
            assignment=assignment,
            student=StudentFactory(),
            due_at=assignment.due_at + timedelta(days=1),
            by=TeacherFactory(),
        )
    assert "student" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        extension_grant(
            assignment=assignment, student=student, due_at=assignment.due_at, by=TeacherFactory()
        )
    assert "due_at" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        extension_grant(
            assignment=assignment,
            student=student,
            due_at=assignment.due_at + timedelta(days=2),
            cutoff_at=assignment.due_at + timedelta(days=1),
            by=TeacherFactory(),
        )
    assert "cutoff_at" in error.value.error_dict


def test_a_second_extension_replaces_the_first_and_revoking_removes_it():
    classroom = ClassroomFactory()
    student = StudentFactory()
    MembershipFactory(classroom=classroom, user=student)
    first = ExtensionFactory(assignment=AssignmentFactory(classroom=classroom), student=student)
    second = extension_grant(
        assignment=first.assignment,
        student=student,
        due_at=first.due_at + timedelta(days=1),
        reason="Still unwell",
        by=TeacherFactory(),
    )
    assert second.pk == first.pk
    assert second.reason == "Still unwell"
    extension_revoke(extension=second)
    assert not first.assignment.extensions.exists()


# --- Quizzes ------------------------------------------------------------------------------------


@pytest.fixture
def quiz_setup():
    classroom = ClassroomFactory()
    student = StudentFactory()
    MembershipFactory(classroom=classroom, user=student)
    assignment = AssignmentFactory(classroom=classroom, kind=AssignmentKind.QUIZ)
    questions = list(assignment.quiz.questions.prefetch_related("choices"))
    return assignment, student, questions


def _answers(questions, *, correct: int):
    """Answer the first ``correct`` questions right and the rest wrong."""
    return {
        q.pk: next(c.pk for c in q.choices.all() if c.is_correct == (i < correct))
        for i, q in enumerate(questions)
    }


def test_a_quiz_is_marked_on_submission(quiz_setup):
    assignment, student, questions = quiz_setup
    attempt = quiz_attempt_start(assignment=assignment, student=student, now=timezone.now())
    attempt = quiz_attempt_submit(
        attempt=attempt, answers=_answers(questions, correct=2), now=timezone.now()
    )
    assert (attempt.score, attempt.max_score) == (2, 3)
    assert attempt.submitted_at is not None
    assert attempt.answers.filter(is_correct=True).count() == 2


def test_a_second_submission_of_the_same_attempt_changes_nothing(quiz_setup):
    assignment, student, questions = quiz_setup
    attempt = quiz_attempt_start(assignment=assignment, student=student, now=timezone.now())
    quiz_attempt_submit(attempt=attempt, answers=_answers(questions, correct=3), now=timezone.now())
    with pytest.raises(AttemptAlreadySubmitted):
        quiz_attempt_submit(
            attempt=attempt, answers=_answers(questions, correct=0), now=timezone.now()
        )
    attempt.refresh_from_db()
    assert attempt.score == 3
    assert QuizAnswer.objects.filter(attempt=attempt).count() == 3


def test_starting_twice_resumes_and_the_attempt_limit_is_kept(quiz_setup):
    assignment, student, questions = quiz_setup
    now = timezone.now()
    first = quiz_attempt_start(assignment=assignment, student=student, now=now)
    assert quiz_attempt_start(assignment=assignment, student=student, now=now).pk == first.pk
    quiz_attempt_submit(attempt=first, answers=_answers(questions, correct=1), now=now)
    with pytest.raises(ValidationError, match="used all 1"):
        quiz_attempt_start(assignment=assignment, student=student, now=now)

    assignment = assignment_update(assignment=assignment, max_attempts=2)
    second = quiz_attempt_start(assignment=assignment, student=student, now=now)
    assert second.number == 2


def test_an_incomplete_or_foreign_answer_is_refused_and_nothing_is_saved(quiz_setup):
    assignment, student, questions = quiz_setup
    attempt = quiz_attempt_start(assignment=assignment, student=student, now=timezone.now())
    answers = _answers(questions, correct=3)
    answers.pop(questions[0].pk)
    # An answer to question 2 given with a choice of question 3.
    answers[questions[1].pk] = questions[2].choices.all()[0].pk
    with pytest.raises(ValidationError) as error:
        quiz_attempt_submit(attempt=attempt, answers=answers, now=timezone.now())
    assert set(error.value.error_dict) == {
        f"question_{questions[0].pk}",
        f"question_{questions[1].pk}",
    }
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    assert not attempt.answers.exists()


def test_a_quiz_closes_at_its_cutoff_except_for_a_student_with_an_extension(quiz_setup):
    assignment, student, questions = quiz_setup
    assignment = assignment_update(assignment=assignment, cutoff_at=assignment.due_at)
    after = assignment.cutoff_at + timedelta(seconds=1)
    with pytest.raises(ValidationError, match="closed"):
        quiz_attempt_start(assignment=assignment, student=student, now=after)

    attempt = quiz_attempt_start(assignment=assignment, student=student, now=assignment.due_at)
    with pytest.raises(ValidationError, match="closed"):
        quiz_attempt_submit(attempt=attempt, answers=_answers(questions, correct=3), now=after)

    ExtensionFactory(assignment=assignment, student=student)
    attempt = quiz_attempt_submit(
        attempt=attempt, answers=_answers(questions, correct=3), now=after
    )
    assert attempt.score == 3


def test_only_students_of_the_class_take_its_live_quizzes(quiz_setup):
    assignment, student, _questions = quiz_setup
    with pytest.raises(ValidationError, match="Only students"):
        quiz_attempt_start(assignment=assignment, student=StudentFactory(), now=timezone.now())
    assignment_withdraw(assignment=assignment, now=timezone.now())
    with pytest.raises(ValidationError):
        quiz_attempt_start(assignment=assignment, student=student, now=timezone.now())
