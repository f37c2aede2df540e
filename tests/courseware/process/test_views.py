"""The writing-process pages and API: who sees an essay's history (its student and the class's
teachers; nobody else), what they see (the same evidence), the marking page's replay, the
queue's quiet indicator and the originality report's process section, at a fixed query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.models import WritingAccommodation
from courseware.services.submissions import submission_submit
from tests.conftest import ROLES, module_world
from tests.courseware.process.conftest import COPIED, make_process_world, save
from tests.factories import MembershipFactory, StudentFactory, submission_for

LOGIN = "login"
OUTSIDE = "The kulaks were hoarding grain in the winter of 1927, or so the Politburo claimed."
T0 = timezone.now().replace(microsecond=0) - timedelta(hours=2)


def _paste(text):
    return {"kind": "paste", "at": 1000, "chars": len(text), "text": text}


def make_world(school):
    """The school's student types, pastes from the reading and from elsewhere, hands in."""
    world = make_process_world(school)
    submission = world.submission
    save(submission, "Stalin won. ", now=T0, events=[{"kind": "type", "at": 0, "chars": 12}])
    save(
        submission,
        "Stalin won. " + COPIED,
        now=T0 + timedelta(minutes=1),
        events=[_paste(COPIED)],
        sent_at=1000,
    )
    save(
        submission,
        "Stalin won. " + COPIED + "\n\n" + OUTSIDE,
        now=T0 + timedelta(minutes=2),
        events=[_paste(OUTSIDE)],
        sent_at=1000,
    )
    submission.refresh_from_db()
    submission_submit(
        submission=submission,
        revision=submission.revision,
        honesty_declared=True,
        by=school.student,
        now=T0 + timedelta(minutes=3),
    )
    submission.refresh_from_db()
    return world


shared_world, world_copy, school, world = module_world(make_world)

PAGES = {"school_admin": 200, "teacher": 200, "other_teacher": 404, "student": 200}
MATRIX = [
    ("courseware:writing-process", "get", None, {**PAGES, "other_student": 404}),
    (
        "courseware:writing-accommodation",
        "post",
        {"on": "1"},
        {"school_admin": 302, "teacher": 302, "other_teacher": 404, "student": 404},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "data", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_process_pages_answer_each_role(client, school, world, role, name, method, data, expected):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs={"pk": world.submission.pk})
    response = client.get(url) if method == "get" else client.post(url, data)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        return
    assert response.status_code == expected.get(role, 404)
    if method == "post":
        made = WritingAccommodation.objects.filter(student=school.student).exists()
        assert made == (expected.get(role, 404) == 302)


API = {"school_admin": 200, "teacher": 200, "other_teacher": 404, "student": 200}


@pytest.mark.parametrize("role", ROLES)
def test_the_history_api_answers_each_role(school, world, role):
    client = APIClient()
    user = school.user_for(role)
    if user is not None:
        client.force_authenticate(user)
    response = client.get(f"/api/v1/submissions/{world.submission.pk}/history/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == API.get(role, 404)
    if response.status_code == 404:
        assert response.json() == {"detail": "Not found."}


def test_the_teacher_and_the_student_see_the_same_labelled_pastes(school, world):
    bodies = []
    for user in (school.teacher, school.student):
        client = APIClient()
        client.force_authenticate(user)
        bodies.append(client.get(f"/api/v1/submissions/{world.submission.pk}/history/").json())
    teacher, student = bodies
    assert teacher["pastes"] == student["pastes"]
    assert [p["label"] for p in teacher["pastes"]] == [
        "Pasted from succession-notes ¶2 without quotation/citation.",
        f"Pasted from elsewhere ({len(OUTSIDE)} characters).",
    ]
    assert len(teacher["steps"]) == 3
    assert teacher["base"] == ""


def test_a_teacher_never_sees_a_draft_written_after_the_hand_in(school, world):
    world.submission.refresh_from_db()
    from courseware.services.submissions import submission_request_resubmission

    submission_request_resubmission(submission=world.submission)
    save(world.submission, "A private new draft.", now=T0 + timedelta(minutes=10))
    client = APIClient()
    client.force_authenticate(school.teacher)
    teacher = client.get(f"/api/v1/submissions/{world.submission.pk}/history/").json()
    client.force_authenticate(school.student)
    student = client.get(f"/api/v1/submissions/{world.submission.pk}/history/").json()
    assert len(teacher["steps"]) == 3
    assert len(student["steps"]) == 4


def test_the_marking_page_shows_the_process_and_the_replay(client, school, world):
    client.force_login(school.teacher)
    response = client.get(reverse("courseware:mark-submission", args=[world.submission.pk]))
    html = response.content.decode()
    assert 'id="replay-scrubber"' in html and 'type="range"' in html
    assert "without quotation/citation" in html
    assert reverse("api-submission-history", args=["v1", world.submission.pk]) in html


def test_the_originality_report_has_a_process_section(client, school, world):
    client.force_login(school.teacher)
    url = reverse("courseware:originality-report", args=[world.submission.pk, 1])
    html = client.get(url).content.decode()
    assert 'id="process-heading"' in html
    assert "Pasted from elsewhere" in html


def test_an_accommodation_stops_bursts_being_flagged(client, school, world):
    client.force_login(school.teacher)
    url = reverse("courseware:writing-accommodation", args=[world.submission.pk])
    response = client.post(url, {"on": "1", "note": "Dictation software"})
    assert response.status_code == 302
    assert WritingAccommodation.objects.get(student=school.student).note == "Dictation software"
    assert client.post(url, {"on": "maybe"}).status_code == 400
    client.post(url, {"on": "0"})
    assert not WritingAccommodation.objects.filter(student=school.student).exists()


def test_the_marking_queue_shows_a_quiet_indicator(client, school, world):
    client.force_login(school.teacher)
    html = client.get(reverse("courseware:marking-queue", args=[world.assignment.pk])).content
    # The reading pasted without quotation marks is for the report; the outside paste counts.
    assert b'class="meta process-indicator"' in html
    assert b"process: 1<" in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _more_essays(school, world, count, tag):
    for i in range(count):
        student = StudentFactory(username=f"{tag}{i}")
        MembershipFactory(classroom=school.classroom, user=student, role="student")
        submission = submission_for(world.assignment, student)
        for n in range(3):
            save(
                submission,
                f"Essay {i} draft {n}. " + OUTSIDE * (n + 1),
                events=[_paste(OUTSIDE)],
                sent_at=1000,
            )
        submission.refresh_from_db()
        submission_submit(
            submission=submission,
            revision=submission.revision,
            honesty_declared=True,
            by=student,
            now=timezone.now(),
        )


def test_process_pages_take_the_same_queries_for_a_longer_history_and_more_essays(
    client, school, world
):
    client.force_login(school.teacher)
    pk = world.submission.pk
    urls = [
        reverse("courseware:writing-process", args=[pk]),
        f"/api/v1/submissions/{pk}/history/",
        reverse("courseware:marking-queue", args=[world.assignment.pk]),
    ]
    before = [_queries(client, url) for url in urls]
    _more_essays(school, world, 6, "more")
    world.submission.refresh_from_db()
    assert [_queries(client, url) for url in urls] == before
