"""Setting an essay in one screen, and copying a class's work to another class."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courseware.models import (
    Assignment,
    AssignmentDraft,
    AssignmentKind,
    EssayPrompt,
    Event,
    MembershipRole,
    NotificationKind,
    QuizAttempt,
    Rubric,
    Submission,
)
from courseware.services.setting import classroom_work_copy, essay_task_set
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


def test_a_draft_assignment_is_kept_unseen_and_untold_until_it_is_set(client, school):
    reading = course_reading(school.classroom.course)
    client.force_login(school.teacher)
    url = reverse("courseware:essay-set", args=[school.classroom.pk])
    response = client.post(url, essay_post("draft", **new_question(readings=[reading.pk])))
    draft = AssignmentDraft.objects.get()
    assert response["Location"] == draft.get_absolute_url()
    # Nothing a student could see or be told about exists yet.
    assert not Assignment.objects.exists() and not EssayPrompt.objects.exists()
    assert not Event.objects.exists()
    assert (draft.max_words, list(draft.readings.all())) == (1200, [reading])
    assert draft.anonymous_marking and draft.late_penalty_percent_per_day == 5
    teacher_page = client.get(school.classroom.get_absolute_url()).content.decode()
    assert draft.get_absolute_url() in teacher_page and "Why did Stalin win?" in teacher_page

    client.force_login(school.student)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Why did Stalin win?" not in client.get(reverse("courseware:dashboard")).content.decode()
    assert (
        "Why did Stalin win?"
        not in client.get(school.classroom.get_absolute_url()).content.decode()
    )


def test_a_draft_is_reopened_edited_and_set_and_only_then_is_work_set(client, school):
    client.force_login(school.teacher)
    url = reverse("courseware:essay-set", args=[school.classroom.pk])
    client.post(url, essay_post("draft", **new_question()))
    draft = AssignmentDraft.objects.get()
    page = client.get(draft.get_absolute_url())
    assert page.context["task"]["question"].value() == new_question()["question"]
    assert page.context["dates"]["anonymous_marking"].value() is True

    edited = new_question(question="Why did Trotsky lose?", max_words="900")
    client.post(draft.get_absolute_url(), essay_post("draft", **edited))
    draft.refresh_from_db()
    assert (draft.question, draft.max_words) == ("Why did Trotsky lose?", 900)
    assert AssignmentDraft.objects.count() == 1 and not Event.objects.exists()

    response = client.post(draft.get_absolute_url(), essay_post("set", **edited))
    assignment = Assignment.objects.get()
    assert response["Location"] == assignment.get_absolute_url()
    assert assignment.prompt.question == "Why did Trotsky lose?"
    assert not AssignmentDraft.objects.exists()
    assert Event.objects.filter(kind=NotificationKind.WORK_SET, assignment=assignment).count() == 1


def test_a_draft_is_thrown_away_and_another_class_cannot_reach_it(client, school):
    client.force_login(school.teacher)
    url = reverse("courseware:essay-set", args=[school.classroom.pk])
    client.post(
        url, essay_post("draft", prompt=EssayPromptFactory(course=school.classroom.course).pk)
    )
    draft = AssignmentDraft.objects.get()
    other = ClassroomFactory(course=school.classroom.course, year=school.classroom.year + 1)
    MembershipFactory(classroom=other, user=school.teacher, role=MembershipRole.TEACHER)
    wrong = reverse("courseware:essay-draft", args=[other.pk, draft.pk])
    assert client.get(wrong).status_code == 404
    response = client.post(draft.get_absolute_url(), {"action": "discard"})
    assert response["Location"] == school.classroom.get_absolute_url()
    assert not AssignmentDraft.objects.exists() and not Assignment.objects.exists()


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


def _drafts(school, count):
    prompt = EssayPromptFactory(course=school.classroom.course)
    now = timezone.now()
    for n in range(count):
        essay_task_set(
            classroom=school.classroom,
            by=school.teacher,
            prompt=prompt,
            set_it=False,
            assignment_fields={
                "title": f"Draft {n}",
                "opens_at": now,
                "due_at": now + timedelta(days=n + 1),
            },
        )


def test_the_class_page_lists_drafts_in_queries_that_do_not_grow_with_them(client, school):
    client.force_login(school.teacher)
    url = school.classroom.get_absolute_url()
    _drafts(school, 5)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert len(response.context["drafts"]) == 5
    _drafts(school, 7)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["drafts"]) == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def _built_rubric(*levels, total="") -> dict:
    data = {
        "newrubric-title": "Stalin essay rubric",
        "newrubric-description": "",
        "newrubric-total_marks": total,
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "12",
    }
    for i, name in enumerate(["Argument", "Evidence"]):
        data[f"criteria-{i}-title"] = name
        data[f"criteria-{i}-level_count"] = str(len(levels))
        for n, (title, marks) in enumerate(levels, start=1):
            data[f"criteria-{i}-level_{n}_title"] = title
            data[f"criteria-{i}-level_{n}_marks"] = marks
            data[f"criteria-{i}-level_{n}_descriptor"] = f"{title} work."
    return data


def test_a_rubric_built_on_the_page_is_saved_with_the_essay(client, school):
    client.force_login(school.teacher)
    url = reverse("courseware:essay-set", args=[school.classroom.pk])
    task = new_question(rubric_template="")
    rubric = _built_rubric(("Strong", "5"), ("Sound", "3"), ("Weak", "1"), total="10")
    response = client.post(url, essay_post("set", **task) | rubric)
    assignment = Assignment.objects.get()
    assert response["Location"] == assignment.get_absolute_url()
    built = assignment.prompt.rubric
    assert built.title == "Stalin essay rubric" and built.owner == school.teacher
    assert [c.title for c in built.criteria.order_by("order")] == ["Argument", "Evidence"]
    assert built.criteria.first().levels.count() == 3


@pytest.mark.parametrize(
    ("levels", "total", "message"),
    [
        ((("Weak", "1"), ("Strong", "5")), "", "out of order"),
        ((("Strong", "5"), ("Weak", "1")), "12", "add up to 10"),
    ],
    ids=["levels-out-of-order", "marks-do-not-add-up"],
)
def test_a_bad_rubric_built_on_the_page_writes_nothing(client, school, levels, total, message):
    client.force_login(school.teacher)
    url = reverse("courseware:essay-set", args=[school.classroom.pk])
    post = essay_post("set", **new_question(rubric_template="")) | _built_rubric(
        *levels, total=total
    )
    response = client.post(url, post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not (Rubric.objects.exists() or EssayPrompt.objects.exists())
    assert not (Assignment.objects.exists() or AssignmentDraft.objects.exists())


def test_building_a_rubric_and_picking_one_is_refused(client, school):
    client.force_login(school.teacher)
    url = reverse("courseware:essay-set", args=[school.classroom.pk])
    post = essay_post("set", **new_question()) | _built_rubric(("Strong", "5"), ("Weak", "1"))
    response = client.post(url, post)
    assert response.status_code == 400 and "rubric" in response.context["task"].errors
    assert not Rubric.objects.exists()


def test_add_a_level_on_the_essay_page_opens_the_builder_and_keeps_the_task(client, school):
    client.force_login(school.teacher)
    url = reverse("courseware:essay-set", args=[school.classroom.pk])
    post = essay_post("set", **new_question(rubric_template="")) | _built_rubric(("Strong", "5"))
    response = client.post(url, post | {"add_level": "criteria-0"})
    assert response.status_code == 200
    assert response.context["criteria"].forms[0].level_total == 2
    assert response.context["task"]["question"].value() == new_question()["question"]
    assert not (Rubric.objects.exists() or Assignment.objects.exists())
