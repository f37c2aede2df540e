"""The notifications API: bad input is a clear 400 that changes nothing; lists keep their
query count as they grow."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.models import NotificationPreference
from courseware.services import notifications as services
from tests.factories import AssignmentFactory


@pytest.fixture
def api(klass):
    client = APIClient()
    client.force_authenticate(klass.students[0])
    return client


def test_bad_preferences_are_refused_and_change_nothing(api):
    url = "/api/v1/me/notification-preferences/"
    assert api.put(url, {"work_set": "hourly"}, format="json").status_code == 400
    assert api.put(url, {"no_such_kind": "off"}, format="json").status_code == 400
    assert not NotificationPreference.objects.exists()
    response = api.put(url, {"due_soon": "off"}, format="json")
    assert response.status_code == 200
    assert response.json()["due_soon"] == "off"
    assert response.json()["work_set"] == "immediately"


def test_reissuing_the_feed_url_gives_a_new_one_and_the_old_stops(api):
    old = api.post("/api/v1/me/calendar/", {}, format="json").json()["url"]
    new = api.post("/api/v1/me/calendar/", {}, format="json").json()["url"]
    assert old != new
    assert api.get(old.removeprefix("http://testserver")).status_code == 404
    assert api.get(new.removeprefix("http://testserver")).status_code == 200
    assert api.get("/api/v1/me/calendar/").json()["personal"] == new


def test_notifications_list_and_mark_read(api, klass, django_assert_max_num_queries):
    for _n in range(30):
        AssignmentFactory(classroom=klass.classroom)
    services.events_dispatch_ready(now=timezone.now())
    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/notifications/?unread=true")
    body = response.json()
    assert body["count"] == 30
    first = body["results"][0]["id"]
    assert api.post(f"/api/v1/notifications/{first}/read/").json()["read_at"]
    assert api.get("/api/v1/notifications/?unread=true").json()["count"] == 29
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 29}


def test_announcements_list_query_count_does_not_grow(api, klass, django_assert_max_num_queries):
    for n in range(20):
        services.announcement_post(
            author=klass.teacher,
            classrooms=[klass.classroom],
            title=f"N{n}",
            body="x",
            now=timezone.now(),
        )
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/announcements/")
    assert response.json()["count"] == 20
    assert response.json()["results"][0]["classrooms"] == [klass.classroom.pk]


def test_an_announcement_without_a_body_is_a_400(klass):
    client = APIClient()
    client.force_authenticate(klass.teacher)
    response = client.post(
        "/api/v1/announcements/",
        {"classrooms": [klass.classroom.pk], "title": "Hi", "body": "   "},
        format="json",
    )
    assert response.status_code == 400


def test_preferences_list_and_take_only_the_kinds_that_reach_the_person(api, klass):
    """A student is not offered teachers' news, and cannot set it; what is stored for it stays."""
    url = "/api/v1/me/notification-preferences/"
    NotificationPreference.objects.create(
        user=klass.students[0], kind="handed_in", frequency="immediately"
    )
    listed = api.get(url).json()
    assert "help_answered" in listed and "announcement" in listed
    assert not {"handed_in", "originality_flagged", "help_requested"} & set(listed)
    response = api.put(url, {"handed_in": "off", "due_soon": "off"}, format="json")
    assert response.status_code == 400
    assert "handed_in" in response.json()
    assert not NotificationPreference.objects.filter(kind="due_soon").exists()
    assert NotificationPreference.objects.get(kind="handed_in").frequency == "immediately"
    teacher = APIClient()
    teacher.force_authenticate(klass.teacher)
    listed = teacher.get(url).json()
    assert {"handed_in", "originality_flagged", "help_requested", "announcement"} <= set(listed)
    assert "work_set" not in listed
    assert teacher.put(url, {"help_requested": "digest"}, format="json").status_code == 200
