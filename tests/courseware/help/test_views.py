"""The help pages: a student asks and reads the answer, a teacher lists, replies and resolves.
Text is shown escaped; bad input is a 400 that changes nothing; the class's list costs the same
queries whatever its length."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courseware.models import HelpRequest, HelpStatus, Membership, MembershipRole
from courseware.services import help as services
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_a_student_asks_from_the_assignment_and_reads_the_answer(client, school, help_world):
    client.force_login(school.student)
    page = client.get(reverse("courseware:assignment-detail", args=[help_world.essay.pk]))
    ask_url = reverse("courseware:assignment-help", args=[help_world.essay.pk])
    assert ask_url.encode() in page.content
    response = client.post(
        ask_url,
        {
            "text": "What does <script>alert(1)</script> mean here?",
            "reference": f"[[{help_world.text.slug}#p-2]]",
        },
    )
    help_request = HelpRequest.objects.get()
    assert response["Location"] == help_request.get_absolute_url()
    page = client.get(help_request.get_absolute_url())
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
    assert b"<script>alert(1)" not in page.content
    assert f'href="{help_world.text.get_absolute_url()}#p-2"'.encode() in page.content
    assert b"Send reply" not in page.content  # a student does not answer

    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:help-reply", args=[help_request.pk]),
        {"text": "It is a *quotation*.", "resolve": "1"},
    )
    assert response.status_code == 302
    help_request.refresh_from_db()
    assert help_request.status == HelpStatus.RESOLVED

    client.force_login(school.student)
    page = client.get(help_request.get_absolute_url())
    assert b"It is a *quotation*." in page.content and b"Resolved" in page.content
    listing = client.get(ask_url)
    assert help_request.get_absolute_url().encode() in listing.content


@pytest.mark.parametrize(
    "data",
    [{"text": ""}, {"text": "x" * 2001}, {"text": "Help", "reference": "[[no-such#p-1]]"}],
)
def test_a_bad_question_is_a_400_with_the_error_and_nothing_is_saved(
    client, school, help_world, data
):
    client.force_login(school.student)
    response = client.post(reverse("courseware:assignment-help", args=[help_world.quiz.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not HelpRequest.objects.exists()


def test_an_empty_reply_is_a_400_and_changes_nothing(client, school, help_world):
    help_request = services.help_request_ask(
        assignment=help_world.essay, student=school.student, text="Help", now=timezone.now()
    )
    client.force_login(school.teacher)
    response = client.post(reverse("courseware:help-reply", args=[help_request.pk]), {"text": ""})
    assert response.status_code == 400
    assert not help_request.replies.exists()


def test_a_teacher_opening_the_ask_page_is_sent_to_the_class_list(client, school, help_world):
    client.force_login(school.teacher)
    response = client.get(reverse("courseware:assignment-help", args=[help_world.essay.pk]))
    assert response["Location"] == reverse("courseware:classroom-help", args=[school.classroom.pk])
    page = client.get(reverse("courseware:classroom-detail", args=[school.classroom.pk]))
    assert response["Location"].encode() in page.content


def _requests(school, help_world, count: int) -> None:
    now = timezone.now()
    assignments = [help_world.reading, help_world.essay, help_world.quiz]
    for n in range(count):
        student = StudentFactory()
        Membership.objects.create(
            classroom=school.classroom, user=student, role=MembershipRole.STUDENT
        )
        help_request = services.help_request_ask(
            assignment=assignments[n % 3],
            student=student,
            text=f"Question {n}",
            reference=f"{help_world.text.slug}#p-1" if n % 2 else "",
            now=now - timedelta(minutes=n),
        )
        services.help_request_reply(
            help_request=help_request, by=school.teacher, text="See me", now=now
        )


def test_the_class_list_costs_the_same_queries_for_5_requests_as_for_20(client, school, help_world):
    client.force_login(school.teacher)
    url = reverse("courseware:classroom-help", args=[school.classroom.pk])
    _requests(school, help_world, 5)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    assert page.content.count(b'<th scope="row">') == 5
    _requests(school, help_world, 15)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.content.count(b'<th scope="row">') == 20
    assert len(many) == len(few)


def test_the_class_list_shows_open_requests_oldest_first_and_resolved_on_asking(
    client, school, help_world
):
    now = timezone.now()
    older = services.help_request_ask(
        assignment=help_world.essay,
        student=school.student,
        text="Older",
        now=now - timedelta(hours=2),
    )
    newer = services.help_request_ask(
        assignment=help_world.quiz, student=school.student, text="Newer", now=now
    )
    done = services.help_request_ask(
        assignment=help_world.quiz, student=school.student, text="Done", now=now
    )
    services.help_request_resolve(help_request=done, by=school.teacher, now=now)
    client.force_login(school.teacher)
    url = reverse("courseware:classroom-help", args=[school.classroom.pk])
    assert list(client.get(url).context["help_requests"]) == [older, newer]
    assert list(client.get(url, {"show": "resolved"}).context["help_requests"]) == [done]
    assert len(client.get(url, {"show": "all"}).context["help_requests"]) == 3
    assert list(client.get(url, {"show": "junk"}).context["help_requests"]) == [older, newer]


def test_the_assignment_page_links_its_open_requests_to_the_class_list_filtered_to_it(
    client, school, help_world
):
    now = timezone.now()
    for text in ("One", "Two"):
        services.help_request_ask(
            assignment=help_world.essay, student=school.student, text=text, now=now
        )
    done = services.help_request_ask(
        assignment=help_world.essay, student=school.student, text="Done", now=now
    )
    services.help_request_resolve(help_request=done, by=school.teacher, now=now)
    services.help_request_ask(
        assignment=help_world.quiz, student=school.student, text="Other", now=now
    )
    link = (
        reverse("courseware:classroom-help", args=[school.classroom.pk])
        + f"?assignment={help_world.essay.pk}"
    )
    client.force_login(school.teacher)
    page = client.get(reverse("courseware:assignment-detail", args=[help_world.essay.pk]))
    assert f'<a href="{link}">2 open help requests</a>'.encode() in page.content
    listing = client.get(link)
    assert [r.text for r in listing.context["help_requests"]] == ["One", "Two"]
    assert f"?show=resolved&amp;assignment={help_world.essay.pk}".encode() in listing.content
    resolved = client.get(link, {"show": "resolved"}).context["help_requests"]
    assert [r.text for r in resolved] == ["Done"]
    # The student (who does not answer) is not shown the count.
    client.force_login(school.student)
    page = client.get(reverse("courseware:assignment-detail", args=[help_world.essay.pk]))
    assert b"open help request" not in page.content


@pytest.mark.parametrize("value", ["junk", "-1", "1.5", "other"])
def test_a_bad_or_foreign_assignment_filter_shows_the_whole_class(
    client, school, help_world, value
):
    now = timezone.now()
    for assignment in (help_world.essay, help_world.quiz):
        services.help_request_ask(assignment=assignment, student=school.student, text="Q", now=now)
    if value == "other":
        value = str(help_world.other_essay.pk)
    client.force_login(school.teacher)
    url = reverse("courseware:classroom-help", args=[school.classroom.pk])
    response = client.get(url, {"assignment": value})
    assert response.status_code == 200
    assert response.context["assignment"] is None
    assert len(response.context["help_requests"]) == 2


def test_the_filtered_list_costs_the_same_queries_for_5_requests_as_for_20(
    client, school, help_world
):
    client.force_login(school.teacher)
    url = reverse("courseware:classroom-help", args=[school.classroom.pk])
    query = {"assignment": help_world.essay.pk, "show": "all"}
    _requests(school, help_world, 15)  # 5 about the essay
    with CaptureQueriesContext(connection) as few:
        page = client.get(url, query)
    assert page.content.count(b'<th scope="row">') == 5
    _requests(school, help_world, 45)  # 15 more
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, query)
    assert page.content.count(b'<th scope="row">') == 20
    assert len(many) == len(few)
