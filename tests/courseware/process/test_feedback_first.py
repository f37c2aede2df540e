"""Feedback first: on an assignment that asks for it, a student reads the comments and writes a
short response before the mark is shown (on the feedback page, in their grades and the PDF)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from courseware.models import FeedbackResponse
from courseware.services.process import process_settings_set
from tests.conftest import ROLES, module_world
from tests.factories import graded, submitted_submission


def make_world(school):
    from tests.factories import essay_assignment

    assignment = essay_assignment(school.classroom, min_words=5, max_words=400)
    process_settings_set(assignment=assignment, coach_checks=3, feedback_first=True)
    submission = submitted_submission(
        assignment, school.student, text="Stalin won because he ran the party apparatus well."
    )
    grade = graded(
        submission, school.teacher, overall_comment="Use the sources more.", release=True
    )
    return {"assignment": assignment, "submission": submission, "grade": grade}


shared_world, world_copy, school, world = module_world(make_world)

PLAN = "Next time I will quote the sources and cite each paragraph I use."


def test_the_student_reads_the_comments_before_the_mark(client, school, world):
    client.force_login(school.student)
    url = reverse("courseware:feedback", args=[world["submission"].pk])
    html = client.get(url).content.decode()
    assert "Use the sources more." in html
    assert 'class="final-mark"' not in html
    assert "Your response and action plan" in html
    assert reverse("courseware:feedback-pdf", args=[world["submission"].pk]) not in html
    grades = client.get(reverse("courseware:my-grades")).content.decode()
    assert "Read the feedback first" in grades
    pdf = client.get(reverse("courseware:feedback-pdf", args=[world["submission"].pk]))
    assert pdf.status_code == 302


def test_after_responding_the_mark_is_shown_with_the_response(client, school, world):
    client.force_login(school.student)
    response_url = reverse("courseware:feedback-response", args=[world["submission"].pk])
    assert client.post(response_url, {"text": PLAN}).status_code == 302
    html = client.get(reverse("courseware:feedback", args=[world["submission"].pk])).content
    assert b'class="final-mark"' in html
    assert PLAN.encode() in html
    assert b"Read the feedback first" not in client.get(reverse("courseware:my-grades")).content
    client.force_login(school.teacher)
    teacher_view = client.get(reverse("courseware:feedback", args=[world["submission"].pk]))
    assert PLAN.encode() in teacher_view.content


def test_a_too_short_response_is_refused_with_a_message(client, school, world):
    client.force_login(school.student)
    url = reverse("courseware:feedback-response", args=[world["submission"].pk])
    response = client.post(url, {"text": "ok"})
    assert response.status_code == 400
    assert b"at least 20 characters" in response.content
    assert not FeedbackResponse.objects.exists()


def test_without_feedback_first_the_mark_is_shown_at_once(client, school, world):
    process_settings_set(assignment=world["assignment"], coach_checks=3, feedback_first=False)
    client.force_login(school.student)
    html = client.get(reverse("courseware:feedback", args=[world["submission"].pk])).content
    assert b'class="final-mark"' in html


RESPONSE = {"school_admin": 404, "teacher": 404, "other_teacher": 404, "student": 302}


@pytest.mark.parametrize("role", ROLES)
def test_the_response_url_answers_each_role(client, school, world, role):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse("courseware:feedback-response", args=[world["submission"].pk])
    response = client.post(url, {"text": PLAN})
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        return
    assert response.status_code == RESPONSE.get(role, 404)
    assert FeedbackResponse.objects.exists() == (role == "student")


# --- The mark stays hidden everywhere the student reads it ----------------------------------------


def _api(user):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(user)
    return api


def test_the_grade_api_withholds_the_mark_from_the_student_until_they_respond(school, world):
    url = f"/api/v1/submissions/{world['submission'].pk}/grade/"
    body = _api(school.student).get(url).json()
    assert body["mark_withheld"] is True
    assert body["final_mark"] is None and body["raw_mark"] is None
    assert body["overall_comment"] == "Use the sources more."
    assert all(row["marks"] is None and row["level"] is None for row in body["criteria"])
    mine = _api(school.student).get("/api/v1/me/grades/").json()["results"]
    assert [(g["mark_withheld"], g["final_mark"]) for g in mine] == [(True, None)]
    teacher = _api(school.teacher).get(url).json()
    assert teacher["mark_withheld"] is False and teacher["final_mark"] is not None

    from django.utils import timezone

    from courseware.services.process import feedback_response_write

    feedback_response_write(
        submission=world["submission"],
        version_number=world["grade"].version.number,
        text=PLAN,
        by=school.student,
        now=timezone.now(),
    )
    body = _api(school.student).get(url).json()
    assert body["mark_withheld"] is False
    assert body["final_mark"] == str(world["grade"].final_mark.quantize(Decimal("0.01")))
    mine = _api(school.student).get("/api/v1/me/grades/").json()["results"]
    assert mine[0]["final_mark"] is not None


def test_the_submission_page_withholds_the_mark_until_the_student_responds(client, school, world):
    client.force_login(school.student)
    url = reverse("courseware:submission-detail", args=[world["submission"].pk])
    html = client.get(url).content.decode()
    assert "Read the feedback first" in html
    assert reverse("courseware:feedback-pdf", args=[world["submission"].pk]) not in html
    client.post(
        reverse("courseware:feedback-response", args=[world["submission"].pk]), {"text": PLAN}
    )
    html = client.get(url).content.decode()
    assert "Read the feedback first" not in html
    assert reverse("courseware:feedback-pdf", args=[world["submission"].pk]) in html


@pytest.mark.parametrize("feedback_first", [True, False])
def test_the_release_notice_promises_the_mark_only_without_feedback_first(
    school, world, feedback_first, mailoutbox
):
    from django.utils import timezone

    from courseware.models import Delivery, Event, Notification, NotificationKind
    from courseware.services.notifications import event_dispatch

    process_settings_set(
        assignment=world["assignment"], coach_checks=3, feedback_first=feedback_first
    )
    event = Event.objects.get(
        kind=NotificationKind.FEEDBACK_RELEASED, submission=world["submission"]
    )
    Event.objects.filter(pk=event.pk).update(dispatched_at=None)
    Notification.objects.filter(event=event).delete()
    Delivery.objects.all().delete()
    event_dispatch(event_id=event.pk, now=timezone.now())
    notice = Notification.objects.get(event=event, recipient=school.student)
    [message] = [m for m in mailoutbox if school.student.email in m.to]
    assert ("write your response" in notice.title) == feedback_first
    assert ("with feedback and a mark" in message.body) == (not feedback_first)
    assert ("your mark is shown once you have" in message.body) == feedback_first


# --- The API --------------------------------------------------------------------------------------

POST_STATUS = {
    "school_admin": 403,
    "teacher": 403,
    "other_teacher": 404,
    "student": 201,
    "other_student": 404,
    "anonymous": 401,
}


def _api_as(school, role):
    from rest_framework.test import APIClient

    api = APIClient()
    user = school.user_for(role)
    if user is not None:
        api.force_authenticate(user)
    return api


@pytest.mark.parametrize("role", ROLES)
def test_the_api_lets_only_the_student_write_their_response(school, world, role):
    url = f"/api/v1/submissions/{world['submission'].pk}/feedback-response/"
    response = _api_as(school, role).post(url, {"text": PLAN}, format="json")
    assert response.status_code == POST_STATUS[role]
    assert FeedbackResponse.objects.exists() == (role == "student")
    if role == "student":
        body = response.json()
        assert (body["text"], body["version"]) == (PLAN, world["grade"].version.number)


READ_STATUS = {
    "school_admin": 200,
    "teacher": 200,
    "other_teacher": 404,
    "student": 200,
    "other_student": 404,
    "anonymous": 401,
}


@pytest.mark.parametrize("role", ROLES)
def test_the_student_and_the_class_teachers_read_the_response(school, world, role):
    url = f"/api/v1/submissions/{world['submission'].pk}/feedback-response/"
    before = _api_as(school, role).get(url)
    assert before.status_code == (401 if role == "anonymous" else 404)
    if READ_STATUS[role] == 200:
        assert before.json()["code"] == "not_written"
    _api_as(school, "student").post(url, {"text": PLAN}, format="json")
    after = _api_as(school, role).get(url)
    assert after.status_code == READ_STATUS[role]
    if after.status_code == 200:
        assert after.json()["text"] == PLAN


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"text": "ok"}, "text"),
        ({"text": 12}, "text"),
        ({}, "text"),
        ({"text": "x" * 2001}, "text"),
    ],
)
def test_a_bad_response_is_a_field_error_and_changes_nothing(school, world, payload, field):
    url = f"/api/v1/submissions/{world['submission'].pk}/feedback-response/"
    response = _api_as(school, "student").post(url, payload, format="json")
    assert response.status_code == 400
    assert "text" in response.json()
    assert not FeedbackResponse.objects.exists()


def test_a_second_response_keeps_the_first(school, world):
    url = f"/api/v1/submissions/{world['submission'].pk}/feedback-response/"
    api = _api_as(school, "student")
    assert api.post(url, {"text": PLAN}, format="json").status_code == 201
    again = api.post(url, {"text": PLAN + " And read more."}, format="json")
    assert (again.status_code, again.json()["text"]) == (200, PLAN)
    assert FeedbackResponse.objects.count() == 1


@pytest.mark.parametrize("page", ["courseware:dashboard", "courseware:classroom-detail"])
def test_the_work_lists_withhold_the_mark_until_the_student_responds(client, school, world, page):
    client.force_login(school.student)
    args = [school.classroom.pk] if page == "courseware:classroom-detail" else []
    url = reverse(page, args=args)
    grade = world["grade"]
    mark = f"Mark {grade.final_mark.normalize():f} / {grade.max_mark.normalize():f}"
    html = client.get(url).content.decode()
    assert "Read the feedback first" in html
    assert mark not in html
    response_url = reverse("courseware:feedback-response", args=[world["submission"].pk])
    assert client.post(response_url, {"text": PLAN}).status_code == 302
    html = client.get(url).content.decode()
    assert mark in html
    assert "Read the feedback first" not in html
