"""Setting an essay in one screen, and copying a class's work to another class."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import (
    Assignment,
    AssignmentKind,
    EssayPrompt,
    MembershipRole,
    QuizAttempt,
    Rubric,
    Submission,
)
from courseware.services.setting import classroom_work_copy
from courseware.services.teaching import quiz_attempt_start
from tests.factories import (
    AssignmentFactory,
    ClassroomFactory,
    EssayPromptFactory,
    MembershipFactory,
    RubricFactory,
    course_reading,
)

pytestmark = pytest.mark.django_db


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def essay_post(action="set", **task) -> dict:
    now = timezone.now()
    return {
        "action": action,
        "set-opens_at": _local(now),
        "set-due_at": _local(now + timedelta(days=7)),
        "set-cutoff_at": _local(now + timedelta(days=9)),
        "set-late_penalty_percent_per_day": "5",
        "set-late_penalty_floor_percent": "50",
        "set-anonymous_marking": "on",
        "set-allow_resubmission": "on",
    } | task


def new_question(**more) -> dict:
    return {
        "title": "Why did Stalin win?",
        "question": "Why did Stalin, not Trotsky, win the struggle for power?",
        "guidance": "Use at least two readings.",
        "min_words": "600",
        "max_words": "1200",
        "rubric_template": "hsc-bands",
    } | more


def test_a_new_question_with_a_template_rubric_is_set_in_one_post(client, school):
    reading = course_reading(school.classroom.course)
    client.force_login(school.teacher)
    url = reverse("courseware:essay-set", args=[school.classroom.pk])
    response = client.post(url, essay_post(**new_question(readings=[reading.pk])))
    assignment = Assignment.objects.get(kind=AssignmentKind.ESSAY)
    assert response["Location"] == assignment.get_absolute_url()
    prompt = assignment.prompt
    assert (prompt.min_words, prompt.max_words) == (600, 1200)
    assert list(prompt.readings.all()) == [reading]
    assert prompt.rubric.owner == school.teacher and prompt.rubric.criteria.count() == 4
    assert assignment.anonymous_marking and assignment.allow_resubmission
    assert assignment.late_penalty_percent_per_day == 5


def test_preview_shows_what_students_see_and_saves_nothing(client, school):
    client.force_login(school.teacher)
    url = reverse("courseware:essay-set", args=[school.classroom.pk])
    response = client.post(url, essay_post("preview", **new_question()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What students will see" in page and "600–1200 words" in page
    assert "Knowledge and understanding" in page  # from the template rubric
    assert not EssayPrompt.objects.exists() and not Rubric.objects.exists()


def test_save_as_draft_keeps_the_question_without_setting_it(client, school):
    client.force_login(school.teacher)
    url = reverse("courseware:essay-set", args=[school.classroom.pk])
    response = client.post(url, essay_post("draft", **new_question()))
    prompt = EssayPrompt.objects.get()
    assert response["Location"] == f"{url}?prompt={prompt.pk}"
    assert not Assignment.objects.exists()
    page = client.get(response["Location"])
    assert page.context["task"]["prompt"].value() == str(prompt.pk)


@pytest.mark.parametrize(
    ("task", "dates", "field"),
    [
        (new_question(max_words=""), {}, "max_words"),
        (new_question(rubric_template=""), {}, "rubric"),
        (new_question(min_words="2000"), {}, "min_words"),
        (new_question(), {"set-due_at": _local(timezone.now() - timedelta(days=3))}, "due_at"),
    ],
    ids=["no-limit", "no-rubric", "limits-reversed", "due-before-open"],
)
def test_bad_input_gets_a_field_error_and_writes_nothing(client, school, task, dates, field):
    client.force_login(school.teacher)
    url = reverse("courseware:essay-set", args=[school.classroom.pk])
    response = client.post(url, essay_post(**task) | dates)
    assert response.status_code == 400
    forms = (response.context["task"], response.context["dates"])
    assert any(field in form.errors for form in forms)
    assert not (EssayPrompt.objects.exists() or Rubric.objects.exists())
    assert not Assignment.objects.exists()


def test_an_earlier_question_is_reused_with_one_click(client, school):
    prompt = EssayPromptFactory(course=school.classroom.course)
    client.force_login(school.teacher)
    url = reverse("courseware:essay-set", args=[school.classroom.pk])
    page = client.get(url)
    assert f"?prompt={prompt.pk}" in page.content.decode()
    chosen = client.get(url, {"prompt": prompt.pk})
    assert chosen.context["task"]["prompt"].value() == str(prompt.pk)
    client.post(url, essay_post(prompt=prompt.pk))
    assert Assignment.objects.get().prompt == prompt
    assert EssayPrompt.objects.count() == 1


def test_work_is_copied_with_dates_shifted_and_no_student_work(school):
    source = school.classroom
    essay = AssignmentFactory(
        classroom=source,
        kind=AssignmentKind.ESSAY,
        target=EssayPromptFactory(course=source.course, rubric=RubricFactory()),
        cutoff_at=timezone.now() + timedelta(days=9),
    )
    quiz = AssignmentFactory(classroom=source, kind=AssignmentKind.QUIZ)
    quiz_attempt_start(assignment=quiz, student=school.student, now=timezone.now())
    Submission.objects.create(assignment=essay, student=school.student)
    next_year = ClassroomFactory(course=source.course, year=source.year + 1)
    MembershipFactory(classroom=next_year, user=school.teacher, role=MembershipRole.TEACHER)

    copies = classroom_work_copy(
        source=source, target=next_year, offset=timedelta(days=364), by=school.teacher
    )

    assert len(copies) == 2
    copied_essay = next(a for a in copies if a.kind == AssignmentKind.ESSAY)
    assert copied_essay.prompt == essay.prompt
    assert copied_essay.due_at == essay.due_at + timedelta(days=364)
    assert copied_essay.cutoff_at == essay.cutoff_at + timedelta(days=364)
    assert not Submission.objects.filter(assignment__classroom=next_year).exists()
    assert not QuizAttempt.objects.filter(assignment__classroom=next_year).exists()
    assert Submission.objects.filter(assignment=essay).count() == 1


def test_work_is_not_copied_to_a_class_of_another_course(client, school):
    other = ClassroomFactory()
    AssignmentFactory(classroom=school.classroom)
    with pytest.raises(Exception, match="another course"):
        classroom_work_copy(
            source=school.classroom, target=other, offset=timedelta(0), by=school.teacher
        )
    assert not Assignment.objects.filter(classroom=other).exists()
    # The page offers only classes of the same course the teacher teaches.
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:work-copy", args=[school.classroom.pk]),
        {"target": other.pk, "offset_days": "0"},
    )
    assert response.status_code == 400 and "target" in response.context["form"].errors
