"""Teaching pages: what each person sees, and how bad input is answered."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from courseware.forms_teaching import EnrolmentConfirmForm, JoinForm
from courseware.models import Assignment, AssignmentKind, Classroom, MembershipRole, QuizAttempt
from courseware.services.content import reading_mark_read
from courseware.services.submissions import submission_return
from courseware.services.teaching import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    classroom_join_code_regenerate,
    classroom_join_code_set_enabled,
    normalise_join_code,
    quiz_attempt_start,
)
from tests.factories import (
    AssignmentFactory,
    CourseFactory,
    EssayPromptFactory,
    ExtensionFactory,
    MembershipFactory,
    StudentFactory,
    TeacherFactory,
    course_quiz,
    course_reading,
    essay_assignment,
    essay_text,
    submission_for,
    submitted_submission,
)

pytestmark = pytest.mark.django_db


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _page(response) -> str:
    return response.content.decode()


# --- Joining by code ----------------------------------------------------------------------------


def test_a_student_joins_by_code_and_lands_on_the_class_page(client, school):
    newcomer = StudentFactory()
    client.force_login(newcomer)
    response = client.post(
        reverse("courseware:classroom-join"), {"code": school.classroom.join_code.lower()}
    )
    assert response.status_code == 302
    assert response["Location"] == school.classroom.get_absolute_url()
    assert school.classroom.memberships.filter(user=newcomer, role=MembershipRole.STUDENT).exists()
    assert "You have joined" in _page(client.get(response["Location"]))


@pytest.mark.parametrize(
    ("make_stale", "message"),
    [
        (
            lambda c: classroom_join_code_regenerate(classroom=c, now=timezone.now()),
            "has been replaced by a new one",
        ),
        (
            lambda c: classroom_join_code_set_enabled(classroom=c, enabled=False),
            "by code is switched off",
        ),
    ],
    ids=["stale", "disabled"],
)
def test_a_stale_or_disabled_code_is_refused_on_the_dashboard(client, school, make_stale, message):
    code = school.classroom.join_code
    make_stale(school.classroom)
    newcomer = StudentFactory()
    client.force_login(newcomer)
    response = client.post(reverse("courseware:classroom-join"), {"code": code})
    assert response.status_code == 400
    assert message in _page(response)
    assert 'aria-invalid="true"' in _page(response)
    assert not newcomer.memberships.exists()


# --- The student dashboard ----------------------------------------------------------------------


def test_the_dashboard_groups_work_by_what_needs_doing_next(client, school):
    now = timezone.now()
    classroom = school.classroom

    def make(title, **dates):
        return AssignmentFactory(classroom=classroom, title=title, **dates)

    make("Overdue one", opens_at=now - timedelta(days=5), due_at=now - timedelta(hours=2),
         cutoff_at=now + timedelta(days=1))  # fmt: skip
    make("Soon one", opens_at=now - timedelta(days=1), due_at=now + timedelta(hours=30))
    make("Later one", opens_at=now - timedelta(days=1), due_at=now + timedelta(days=9))
    read = make("Read one", opens_at=now - timedelta(days=1), due_at=now + timedelta(days=2))
    reading_mark_read(student=school.student, reading=read.reading)
    make("Missed one", opens_at=now - timedelta(days=9), due_at=now - timedelta(days=3),
         cutoff_at=now - timedelta(days=1))  # fmt: skip
    make("Not open yet", opens_at=now + timedelta(days=1), due_at=now + timedelta(days=3))
    AssignmentFactory(classroom=school.other_classroom, title="Someone else's")

    client.force_login(school.student)
    response = client.get(reverse("courseware:dashboard"))
    sections = {
        s["id"]: [w.assignment.title for w in s["items"]] for s in response.context["sections"]
    }
    assert sections == {
        "overdue": ["Overdue one"],
        "due_soon": ["Soon one"],
        "to_do": ["Later one"],
        "done": ["Read one"],
        "returned": [],
    }
    assert [w.assignment.title for w in response.context["closed"]] == ["Missed one"]
    page = _page(response)
    assert "Not open yet" not in page
    assert "Someone else" not in page
    assert "Returned" in page


def test_a_withdrawn_assignment_leaves_the_dashboard_and_comes_back_with_the_work(client, school):
    quiz = AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.QUIZ, title="Check")
    attempt = quiz_attempt_start(assignment=quiz, student=school.student, now=timezone.now())
    client.force_login(school.teacher)
    client.post(reverse("courseware:assignment-withdraw", args=[quiz.pk]))
    client.force_login(school.student)
    assert "Check" not in _page(client.get(reverse("courseware:dashboard")))
    client.force_login(school.teacher)
    client.post(reverse("courseware:assignment-restore", args=[quiz.pk]))
    client.force_login(school.student)
    assert "Check" in _page(client.get(reverse("courseware:dashboard")))
    assert QuizAttempt.objects.filter(pk=attempt.pk).exists()


def test_an_extension_shows_on_the_students_dashboard_with_the_new_date(client, school):
    assignment = AssignmentFactory(
        classroom=school.classroom, due_at=datetime(2030, 3, 9, 13, 0, tzinfo=UTC)
    )
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:extension-grant", args=[assignment.pk]),
        {"student": school.student.pk, "due_at": "2030-03-12T09:00", "reason": "Illness"},
    )
    assert response.status_code == 302
    client.force_login(school.student)
    page = _page(client.get(reverse("courseware:dashboard")))
    assert "extended" in page
    assert "Tue 12 Mar 2030, 9:00 AM" in page  # 9 am in Sydney, as typed


def test_an_extension_earlier_than_the_due_date_is_a_field_error(client, school):
    assignment = AssignmentFactory(classroom=school.classroom)
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:extension-grant", args=[assignment.pk]),
        {"student": school.student.pk, "due_at": _local(assignment.due_at - timedelta(days=1))},
    )
    assert response.status_code == 400
    assert "later than the class" in _page(response)
    assert not assignment.extensions.exists()


# --- Times --------------------------------------------------------------------------------------


def test_dates_are_stored_in_utc_and_shown_in_sydney_time(client, school):
    AssignmentFactory(
        classroom=school.classroom,
        title="Summer",
        opens_at=datetime(2030, 3, 1, 0, 0, tzinfo=UTC),
        due_at=datetime(2030, 3, 9, 13, 0, tzinfo=UTC),  # midnight in Sydney (AEDT, UTC+11)
    )
    client.force_login(school.teacher)
    page = _page(client.get(school.classroom.get_absolute_url()))
    assert 'Sun 10 Mar 2030</span> <span class="when-time">12:00 AM' in page
    assert 'datetime="2030-03-10T00:00:00+11:00"' in page


def _create_reading(client, school, **fields):
    reading = course_reading(school.classroom.course)
    client.force_login(school.teacher)
    return client.post(
        reverse("courseware:assignment-create", args=[school.classroom.pk, "reading"]),
        {"target": reading.pk, **fields},
    )


def test_dates_typed_either_side_of_daylight_saving_are_read_in_the_local_offset(client, school):
    # Daylight saving starts in Sydney at 2 am on Sunday 4 October 2026.
    response = _create_reading(
        client, school, opens_at="2026-10-03T09:00", due_at="2026-10-05T09:00"
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.opens_at == datetime(2026, 10, 2, 23, 0, tzinfo=UTC)  # AEST, UTC+10
    assert assignment.due_at == datetime(2026, 10, 4, 22, 0, tzinfo=UTC)  # AEDT, UTC+11
    assert assignment.due_at - assignment.opens_at == timedelta(hours=47)


@pytest.mark.parametrize(
    "local_time",
    ["2026-10-04T02:30", "2026-04-05T02:30"],
    ids=["skipped-when-daylight-saving-starts", "repeated-when-it-ends"],
)
def test_a_local_time_that_does_not_exist_or_happens_twice_is_a_field_error(
    client, school, local_time
):
    response = _create_reading(client, school, opens_at="2026-03-01T09:00", due_at=local_time)
    assert response.status_code == 400
    assert "ambiguous or it may not exist" in _page(response)
    assert not Assignment.objects.exists()


# --- Assigning and editing ----------------------------------------------------------------------


def test_a_cutoff_before_the_due_date_is_a_field_error_and_nothing_is_assigned(client, school):
    response = _create_reading(
        client,
        school,
        opens_at="2030-03-01T09:00",
        due_at="2030-03-09T09:00",
        cutoff_at="2030-03-08T09:00",
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"cutoff_at": ["The cut-off must be on or after the due date."]}
    assert not Assignment.objects.exists()


def test_only_the_class_course_content_is_offered_and_accepted(client, school):
    course_reading(school.classroom.course, title="Carr on the Troika")
    theirs = course_reading(CourseFactory(), title="Deutscher on Kronstadt")
    client.force_login(school.teacher)
    url = reverse("courseware:assignment-create", args=[school.classroom.pk, "reading"])
    page = _page(client.get(url))
    assert "Carr on the Troika" in page
    assert "Deutscher on Kronstadt" not in page
    response = client.post(
        url, {"target": theirs.pk, "opens_at": "2030-03-01T09:00", "due_at": "2030-03-02T09:00"}
    )
    assert response.status_code == 400
    assert "target" in response.context["form"].errors
    assert not Assignment.objects.exists()


def test_a_teacher_sets_an_essay_with_its_rules(client, school):
    prompt = EssayPromptFactory(course=school.classroom.course)
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:assignment-create", args=[school.classroom.pk, "essay"]),
        {
            "target": prompt.pk,
            "instructions": "Use two sources.",
            "opens_at": "2030-03-01T09:00",
            "due_at": "2030-03-09T09:00",
            "cutoff_at": "2030-03-12T09:00",
            "late_penalty_percent_per_day": "5",
            "late_penalty_floor_percent": "50",
            "allow_resubmission": "on",
            "anonymous_marking": "on",
        },
    )
    assert response.status_code == 302
    essay = Assignment.objects.get(kind=AssignmentKind.ESSAY)
    assert (essay.prompt, essay.title, essay.late_penalty_percent_per_day) == (
        prompt,
        prompt.title,
        5,
    )
    assert essay.allow_resubmission and essay.anonymous_marking
    assert essay.created_by == school.teacher


def test_a_teacher_chooses_a_per_hour_late_penalty_with_a_grace_period(client, school):
    prompt = EssayPromptFactory(course=school.classroom.course)
    client.force_login(school.teacher)
    url = reverse("courseware:assignment-create", args=[school.classroom.pk, "essay"])
    form = client.get(url).content.decode()
    assert 'name="late_penalty_unit"' in form and 'name="late_grace_minutes"' in form
    fields = {
        "target": prompt.pk,
        "opens_at": "2030-03-01T09:00",
        "due_at": "2030-03-09T09:00",
        "late_penalty_percent_per_day": "2",
        "late_penalty_floor_percent": "50",
        "late_penalty_unit": "hour",
        "late_grace_minutes": "15",
    }
    refused = client.post(url, {**fields, "late_penalty_unit": "fortnight"})
    assert refused.status_code == 400
    assert not Assignment.objects.filter(kind=AssignmentKind.ESSAY).exists()
    assert client.post(url, fields).status_code == 302
    essay = Assignment.objects.get(kind=AssignmentKind.ESSAY)
    assert (essay.late_penalty_unit, essay.late_grace_minutes) == ("hour", 15)
    detail = client.get(essay.get_absolute_url()).content.decode()
    assert "per started hour late" in detail and "15 minutes" in detail


def test_once_a_student_has_work_the_quiz_cannot_be_swapped_but_dates_can_move(client, school):
    quiz = AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.QUIZ)
    quiz_attempt_start(assignment=quiz, student=school.student, now=timezone.now())
    other = course_quiz(school.classroom.course)
    url = reverse("courseware:assignment-edit", args=[quiz.pk])
    client.force_login(school.teacher)
    page = _page(client.get(url))
    assert "Students have already started" in page

    fields = {
        "opens_at": _local(quiz.opens_at),
        "due_at": _local(quiz.due_at + timedelta(days=2)),
        "max_attempts": "2",
    }
    response = client.post(url, {**fields, "target": other.pk})
    assert response.status_code == 400
    assert "cannot change" in _page(response)
    quiz.refresh_from_db()
    assert quiz.quiz != other

    response = client.post(url, {**fields, "target": quiz.quiz_id})
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert _local(quiz.due_at) == fields["due_at"]
    assert quiz.max_attempts == 2


# --- Quizzes ------------------------------------------------------------------------------------


def test_a_student_takes_a_quiz_sees_the_result_and_cannot_hand_it_in_twice(client, school):
    assignment = AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.QUIZ)
    questions = list(assignment.quiz.questions.prefetch_related("choices"))
    client.force_login(school.student)

    response = client.post(reverse("courseware:quiz-start", args=[assignment.pk]))
    attempt_url = response["Location"]
    page = _page(client.get(attempt_url))
    assert page.count("<fieldset") == len(questions)
    assert page.count("<legend>") == len(questions)

    # Leaving a question out is refused and saves nothing.
    first = {f"question_{questions[0].pk}": questions[0].choices.all()[1].pk}
    response = client.post(attempt_url, first)
    assert response.status_code == 400
    assert "Choose an answer to this question." in _page(response)

    right = {
        f"question_{q.pk}": next(c.pk for c in q.choices.all() if c.is_correct) for q in questions
    }
    wrong = {
        f"question_{q.pk}": next(c.pk for c in q.choices.all() if not c.is_correct)
        for q in questions
    }
    assert client.post(attempt_url, right).status_code == 302
    result = _page(client.get(attempt_url))
    assert "<strong>3</strong> out of 3" in result
    assert "Trotsky led it (question 1)." in result  # explanations once no attempt is left

    # The same form sent again: nothing changes, and the student is told why.
    response = client.post(attempt_url, wrong, follow=True)
    assert "already handed in" in _page(response)
    assert QuizAttempt.objects.get().score == 3

    # One attempt allowed: no second start.
    response = client.post(reverse("courseware:quiz-start", args=[assignment.pk]), follow=True)
    assert "used all 1 of your attempts" in _page(response)
    assert QuizAttempt.objects.count() == 1


def test_a_quiz_past_its_cutoff_cannot_be_started(client, school):
    now = timezone.now()
    assignment = AssignmentFactory(
        classroom=school.classroom,
        kind=AssignmentKind.QUIZ,
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(days=2),
        cutoff_at=now - timedelta(days=1),
    )
    client.force_login(school.student)
    assert "This quiz is closed." in _page(client.get(assignment.get_absolute_url()))
    response = client.post(reverse("courseware:quiz-start", args=[assignment.pk]), follow=True)
    assert "closed at its cut-off" in _page(response)
    assert not QuizAttempt.objects.exists()

    ExtensionFactory(assignment=assignment, student=school.student, due_at=now + timedelta(days=1))
    response = client.post(reverse("courseware:quiz-start", args=[assignment.pk]))
    assert response.status_code == 302
    assert QuizAttempt.objects.count() == 1


# --- Classes for admins and teachers ------------------------------------------------------------


def test_a_school_admin_creates_a_class_with_its_teachers(client, school):
    teacher = TeacherFactory()
    client.force_login(school.school_admin)
    response = client.post(
        reverse("courseware:classroom-create"),
        {
            "name": "12 Modern History C",
            "course": school.classroom.course_id,
            "year": 2026,
            "term": "Term 4",
            "teachers": [teacher.pk],
        },
    )
    classroom = Classroom.objects.get(name="12 Modern History C")
    assert response["Location"] == classroom.get_absolute_url()
    client.force_login(teacher)
    assert "12 Modern History C" in _page(client.get(reverse("courseware:dashboard")))


def test_a_class_name_used_twice_in_a_year_is_refused(client, school):
    client.force_login(school.school_admin)
    response = client.post(
        reverse("courseware:classroom-create"),
        {"name": school.classroom.name, "course": school.classroom.course_id, "year": 2026},
    )
    assert response.status_code == 400
    assert Classroom.objects.filter(name=school.classroom.name).count() == 1


def test_an_archived_class_leaves_the_lists_and_stops_changing(client, school):
    client.force_login(school.school_admin)
    client.post(reverse("courseware:classroom-archive", args=[school.classroom.pk]))
    dashboard = client.get(reverse("courseware:dashboard"))
    assert school.classroom not in dashboard.context["classrooms"]
    assert school.classroom in dashboard.context["archived_classrooms"]

    client.force_login(school.teacher)
    assert school.classroom.name not in _page(client.get(reverse("courseware:dashboard")))
    page = _page(client.get(school.classroom.get_absolute_url()))
    assert "archived" in page
    assert "Assign a reading" not in page
    response = client.post(
        reverse("courseware:classroom-join-code-regenerate", args=[school.classroom.pk]),
        follow=True,
    )
    assert "is archived" in _page(response)


def test_the_class_page_shows_its_teacher_the_join_code_work_and_who_has_done_it(client, school):
    MembershipFactory(classroom=school.classroom)
    assignment = AssignmentFactory(classroom=school.classroom, title="Carr on the Troika")
    reading_mark_read(student=school.student, reading=assignment.reading)
    client.force_login(school.teacher)
    response = client.get(school.classroom.get_absolute_url())
    page = _page(response)
    assert school.classroom.join_code in page
    assert "Carr on the Troika" in page
    [row] = response.context["assignments"]
    assert row.done_count == 1
    assert "1/2" in page


def test_an_admin_adds_and_removes_a_co_teacher(client, school):
    co_teacher = TeacherFactory()
    client.force_login(school.school_admin)
    client.post(
        reverse("courseware:classroom-teacher-add", args=[school.classroom.pk]),
        {"teacher": co_teacher.pk},
    )
    assert school.classroom.memberships.filter(
        user=co_teacher, role=MembershipRole.TEACHER
    ).exists()
    client.post(
        reverse("courseware:classroom-teacher-remove", args=[school.classroom.pk, co_teacher.pk])
    )
    assert not school.classroom.memberships.filter(user=co_teacher).exists()


# --- Bulk enrolment -----------------------------------------------------------------------------


def _upload(client, classroom, content: bytes):
    return client.post(
        reverse("courseware:classroom-enrol", args=[classroom.pk]),
        {"file": SimpleUploadedFile("students.csv", content, content_type="text/csv")},
    )


def test_bulk_enrolment_previews_every_row_then_imports_on_confirm(client, school):
    client.force_login(school.school_admin)
    content = (
        "\ufeffusername,email,first_name,last_name\n"
        "ava.chen,ava.chen@students.example,Ava,Chen\n"
        f"{school.other_student.username},{school.other_student.email},Other,Student\n"
    ).encode()
    preview = _upload(client, school.classroom, content)
    assert preview.status_code == 200
    page = _page(preview)
    assert "New account" in page and "Existing student" in page
    assert "Forgot your password?" in page
    assert not User.objects.filter(username="ava.chen").exists()  # a preview changes nothing

    payload = preview.context["confirm_form"]["payload"].value()
    response = client.post(
        reverse("courseware:classroom-enrol", args=[school.classroom.pk]), {"payload": payload}
    )
    assert response.status_code == 302
    assert (
        school.classroom.memberships.filter(
            user__username__in=["ava.chen", school.other_student.username]
        ).count()
        == 2
    )
    roster = _page(client.get(response["Location"]))
    assert "2 students enrolled, 1 of them with new accounts" in roster


def test_a_semicolon_file_shows_per_row_messages_and_imports_nothing(client, school):
    client.force_login(school.school_admin)
    content = b"username;email;first_name;last_name\nava;ava@s.example;Ava;Chen\n"
    response = _upload(client, school.classroom, content)
    assert response.status_code == 400
    page = _page(response)
    assert "nothing has been imported" in page
    assert "separated by semicolons" in page
    assert "confirm_form" not in response.context
    assert not User.objects.filter(username="ava").exists()


def test_a_tampered_confirmation_imports_nothing(client, school):
    client.force_login(school.school_admin)
    payload = EnrolmentConfirmForm.sign("username,email,first_name,last_name\nava,a@s.ex,Ava,C\n")
    response = client.post(
        reverse("courseware:classroom-enrol", args=[school.classroom.pk]),
        {"payload": payload[:-3] + "xyz"},
    )
    assert response.status_code == 400
    assert "upload the file again" in _page(response)
    assert not User.objects.filter(username="ava").exists()


# --- Essays -------------------------------------------------------------------------------------


def test_essays_move_from_to_do_to_done_to_returned_on_the_dashboard(client, school):
    drafted = essay_assignment(school.classroom, title="Drafted")
    handed_in = essay_assignment(school.classroom, title="Handed in")
    returned = essay_assignment(school.classroom, title="Marked")
    submission_for(drafted, school.student, text=essay_text(12))
    submitted_submission(handed_in, school.student)
    submission_return(submission=submitted_submission(returned, school.student))

    client.force_login(school.student)
    response = client.get(reverse("courseware:dashboard"))
    sections = {
        s["id"]: [w.assignment.title for w in s["items"]] for s in response.context["sections"]
    }
    assert sections["to_do"] == ["Drafted"]
    assert sections["done"] == ["Handed in"]
    assert sections["returned"] == ["Marked"]
    page = _page(response)
    assert "12 words" in page


def test_the_teacher_sees_who_has_handed_in_an_essay(client, school):
    essay = essay_assignment(school.classroom)
    MembershipFactory(classroom=school.classroom)
    submission = submitted_submission(essay, school.student)
    client.force_login(school.teacher)
    [row] = client.get(school.classroom.get_absolute_url()).context["assignments"]
    assert row.done_count == 1
    page = _page(client.get(essay.get_absolute_url()))
    assert f'href="{submission.get_absolute_url()}"' in page


def test_once_an_essay_is_started_its_prompt_cannot_be_swapped(client, school):
    essay = essay_assignment(school.classroom)
    submission_for(essay, school.student, text=essay_text(12))
    other = EssayPromptFactory(course=school.classroom.course)
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:assignment-edit", args=[essay.pk]),
        {
            "target": other.pk,
            "opens_at": _local(essay.opens_at),
            "due_at": _local(essay.due_at),
            "late_penalty_percent_per_day": "0",
            "late_penalty_floor_percent": "0",
        },
    )
    assert response.status_code == 400
    assert "cannot change" in _page(response)
    essay.refresh_from_db()
    assert essay.prompt != other


def test_the_join_code_hint_shows_no_code_a_class_could_have():
    """An example code in the hint could be a real class's code (the demo class's once was)."""
    hint = str(JoinForm().fields["code"].help_text)
    code_shaped = re.compile(rf"[{JOIN_CODE_ALPHABET}]{{{JOIN_CODE_LENGTH}}}")
    for word in re.findall(r"[\w-]+", hint):
        assert not code_shaped.fullmatch(normalise_join_code(word)), word
