"""Class announcements: Markdown sanitised like essays, to one or more classes, shown on the
class page and the dashboard, each member told once as their preferences say."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from courseware.models import Announcement, MembershipRole, Notification, NotificationKind
from courseware.services import notifications as services
from tests.factories import MembershipFactory, StudentFactory

BODY = "Bring your **notes** on Cliff.\n\n<script>alert('x')</script>\n\n[ok](javascript:alert(1))"


@pytest.fixture
def two_classes(school):
    MembershipFactory(
        classroom=school.other_classroom, user=school.teacher, role=MembershipRole.TEACHER
    )
    both = StudentFactory()
    for classroom in (school.classroom, school.other_classroom):
        MembershipFactory(classroom=classroom, user=both, role=MembershipRole.STUDENT)
    return both


def test_posting_to_two_classes_tells_each_member_once(school, two_classes):
    services.announcement_post(
        author=school.teacher,
        classrooms=[school.classroom, school.other_classroom],
        title="Excursion",
        body=BODY,
        now=timezone.now(),
    )
    services.events_dispatch_ready(now=timezone.now())
    told = sorted(
        Notification.objects.filter(kind=NotificationKind.ANNOUNCEMENT).values_list(
            "recipient", flat=True
        )
    )
    expected = [school.student, school.other_student, school.other_teacher, two_classes]
    assert told == sorted(u.pk for u in expected)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in expected)


def test_only_a_teacher_of_every_class_may_post_and_nothing_is_half_posted(school):
    with pytest.raises(ValidationError) as refused:
        services.announcement_post(
            author=school.teacher,
            classrooms=[school.classroom, school.other_classroom],
            title="Hi",
            body="Hello",
            now=timezone.now(),
        )
    assert "classrooms" in refused.value.message_dict
    assert not Announcement.objects.exists()


def test_announcement_is_rendered_sanitised_on_its_page_class_page_and_dashboard(client, school):
    announcement = services.announcement_post(
        author=school.teacher,
        classrooms=[school.classroom],
        title="Excursion",
        body=BODY,
        now=timezone.now(),
    )
    client.force_login(school.student)
    page = client.get(reverse("courseware:announcement-detail", args=[announcement.pk]))
    html = page.content.decode()
    assert "<strong>notes</strong>" in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    detail = reverse("courseware:announcement-detail", args=[announcement.pk])
    assert detail in client.get(school.classroom.get_absolute_url()).content.decode()
    assert detail in client.get(reverse("courseware:dashboard")).content.decode()
    client.force_login(school.other_student)
    assert detail not in client.get(reverse("courseware:dashboard")).content.decode()


def test_the_form_posts_and_refuses_an_empty_message(client, school):
    client.force_login(school.teacher)
    url = reverse("courseware:announcement-create")
    empty = client.post(url, {"classrooms": [school.classroom.pk], "title": "Hi", "body": " "})
    assert empty.status_code == 400
    assert not Announcement.objects.exists()
    other = client.post(
        url, {"classrooms": [school.other_classroom.pk], "title": "Hi", "body": "Hello"}
    )
    assert other.status_code == 400
    posted = client.post(url, {"classrooms": [school.classroom.pk], "title": "Hi", "body": "Hello"})
    assert posted.status_code == 302
    assert Announcement.objects.get().classrooms.get() == school.classroom
