"""The dashboards answer "what now": a teacher's marking, deadlines and hand-ins; a student's
returned essays with their marks, and quiz scores among their grades."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import AssignmentKind, MembershipRole
from courseware.services.marking import marking_reveal_names
from courseware.services.teaching import assignment_create, quiz_attempt_start, quiz_attempt_submit
from tests.factories import (
    MembershipFactory,
    StudentFactory,
    course_quiz,
    course_reading,
    essay_assignment,
    submitted_submission,
)
from tests.factories.marking import graded

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _students(classroom, count: int) -> list:
    students = []
    for _ in range(count):
        student = StudentFactory()
        MembershipFactory(classroom=classroom, user=student, role=MembershipRole.STUDENT)
        students.append(student)
    return students


# --- The teacher's dashboard -----------------------------------------------------------------


def test_the_teacher_sees_how_many_essays_each_assignment_has_to_mark(client, school):
    first = essay_assignment(school.classroom, title="The succession")
    second = essay_assignment(school.classroom, title="Why Stalin won")
    finished = essay_assignment(school.classroom, title="All marked")
    students = [school.student, *_students(school.classroom, 3)]
    for student in students:
        submitted_submission(first, student)
    graded(first.submissions.get(student=students[0]), school.teacher)  # finished: not to mark
    graded(first.submissions.get(student=students[1]), school.teacher, ready=False)  # in progress
    submitted_submission(second, students[0])
    graded(submitted_submission(finished, students[0]), school.teacher, release=True)
    theirs = essay_assignment(school.other_classroom, title="Not my class")
    submitted_submission(theirs, school.other_student)

    client.force_login(school.teacher)
    response = client.get(reverse("courseware:dashboard"))
    rows = {row.assignment.title: row.count for row in response.context["teaching"].to_mark}
    assert rows == {"The succession": 3, "Why Stalin won": 1}
    page = _page(response)
    assert f"{reverse('courseware:marking-queue', args=[first.pk])}?show=to_mark" in page
    assert "3 essays to mark" in page and "1 essay to mark" in page
    assert "Not my class" not in page


def test_the_teacher_sees_what_is_due_in_the_next_seven_days_in_date_order(client, school):
    now = timezone.now()
    course = school.classroom.course
    reading = course_reading(course)

    def assign(title: str, days: float, kind=AssignmentKind.READING, target=reading):
        return assignment_create(
            classroom=school.classroom,
            kind=kind,
            target=target,
            by=school.teacher,
            title=title,
            opens_at=now - timedelta(days=3),
            due_at=now + timedelta(days=days),
        )

    assign("Read by Friday", 6)
    assign("Read tomorrow", 1)
    assign("Already due", -1)
    assign("Next month", 30)
    quiz = assign("Quiz soon", 2, AssignmentKind.QUIZ, course_quiz(course, questions=1))
    attempt = quiz_attempt_start(assignment=quiz, student=school.student, now=now)
    question = quiz.quiz.questions.get()
    correct = question.choices.get(is_correct=True)
    quiz_attempt_submit(attempt=attempt, answers={question.pk: correct.pk}, now=now)
    _students(school.classroom, 2)

    client.force_login(school.teacher)
    response = client.get(reverse("courseware:dashboard"))
    upcoming = response.context["teaching"].upcoming
    assert [a.title for a in upcoming] == ["Read tomorrow", "Quiz soon", "Read by Friday"]
    assert (upcoming[1].done, upcoming[1].students) == (1, 3)
    assert "1 of 3 students have taken it" in _page(response)


def test_recent_hand_ins_come_newest_first_and_keep_anonymous_names_hidden(client, school):
    now = timezone.now()
    named = essay_assignment(school.classroom, title="Named")
    anonymous = essay_assignment(school.classroom, title="Anonymous", anonymous_marking=True)
    older, newer = _students(school.classroom, 2)
    older.display_name, newer.display_name = "Olive Older", "Nina Newer"
    older.save()
    newer.save()
    submitted_submission(named, older, at=now - timedelta(hours=5))
    submitted_submission(named, newer, at=now - timedelta(hours=1))
    hidden = submitted_submission(anonymous, school.student, at=now - timedelta(minutes=5))

    client.force_login(school.teacher)
    response = client.get(reverse("courseware:dashboard"))
    recent = response.context["teaching"].recent
    assert [hand_in.label for hand_in in recent] == ["", "Nina Newer", "Olive Older"]
    page = _page(response)
    assert school.student.name not in page
    assert reverse("courseware:mark-submission", args=[hidden.pk]) in page

    marking_reveal_names(assignment=anonymous, by=school.teacher, now=now)
    response = client.get(reverse("courseware:dashboard"))
    assert response.context["teaching"].recent[0].label == school.student.name


def test_a_student_and_an_admin_who_teaches_nothing_get_no_teaching_overview(client, school):
    client.force_login(school.student)
    assert "teaching" not in client.get(reverse("courseware:dashboard")).context
    client.force_login(school.school_admin)
    teaching = client.get(reverse("courseware:dashboard")).context["teaching"]
    assert (teaching.to_mark, teaching.upcoming, teaching.recent) == ([], [], [])


# --- The student's dashboard and grades ------------------------------------------------------


def test_the_returned_card_shows_when_it_was_returned_and_the_mark(client, school):
    returned = essay_assignment(school.classroom, title="Returned essay")
    marked = essay_assignment(school.classroom, title="Marked, not released")
    released_at = timezone.now() - timedelta(days=1)
    grade = graded(
        submitted_submission(returned, school.student),
        school.teacher,
        band=1,
        release=True,
        now=released_at,
    )
    graded(submitted_submission(marked, school.student), school.teacher, band=0)

    client.force_login(school.student)
    response = client.get(reverse("courseware:dashboard"))
    sections = {s["id"]: s["items"] for s in response.context["sections"]}
    [work] = sections["returned"]
    assert work.released_grade == grade
    page = _page(response)
    returned_at = timezone.localtime(grade.released_at).strftime("%Y-%m-%dT%H:%M:%S")
    assert f'datetime="{returned_at}' in page
    expected = f"Mark {grade.final_mark.normalize():f} / {grade.max_mark.normalize():f}"
    assert expected in page
    assert reverse("courseware:feedback", args=[grade.submission_id]) in page
    [done] = [w for w in sections["done"] if w.assignment == marked]
    assert done.released_grade is None
    assert page.count('class="returned-mark"') == 1


def test_your_grades_shows_each_quizs_best_score(client, school):
    now = timezone.now()
    quiz_content = course_quiz(school.classroom.course, questions=2)
    quiz = assignment_create(
        classroom=school.classroom,
        kind=AssignmentKind.QUIZ,
        target=quiz_content,
        by=school.teacher,
        title="Reading check",
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=1),
        max_attempts=2,
    )
    questions = list(quiz_content.questions.prefetch_related("choices").order_by("order"))
    for right in (1, 2):
        attempt = quiz_attempt_start(assignment=quiz, student=school.student, now=now)
        answers = {
            q.pk: next(c for c in q.choices.all() if c.is_correct == (n < right)).pk
            for n, q in enumerate(questions)
        }
        quiz_attempt_submit(attempt=attempt, answers=answers, now=now)

    client.force_login(school.student)
    response = client.get(reverse("courseware:my-grades"))
    [result] = response.context["quiz_results"]
    assert (result.best.score, result.best.max_score, result.attempts) == (2, 2, 2)
    page = _page(response)
    assert "Reading check" in page and "2 / 2" in page and "(100%)" in page
    assert "best of 2 attempts" in page
    client.force_login(school.other_student)
    assert client.get(reverse("courseware:my-grades")).context["quiz_results"] == []
