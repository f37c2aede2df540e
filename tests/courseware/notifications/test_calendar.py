"""Private calendar feeds: valid iCalendar of a person's deadlines (extensions applied), a
teacher's classes', or one class's; stable UIDs; revocable."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from courseware.services import notifications as services
from courseware.services.teaching import assignment_update, assignment_withdraw, extension_grant
from tests.factories import AssignmentFactory


def _events(client, feed) -> dict:
    response = client.get(reverse("courseware:calendar-feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def work(klass):
    now = timezone.now().replace(microsecond=0)
    first = AssignmentFactory(classroom=klass.classroom, due_at=now + timedelta(days=3))
    second = AssignmentFactory(classroom=klass.classroom, due_at=now + timedelta(days=5))
    return first, second


def test_student_feed_lists_their_due_dates_with_extensions(client, klass, work):
    first, second = work
    student = klass.students[0]
    extension_grant(
        assignment=first, student=student, due_at=first.due_at + timedelta(days=2), by=klass.teacher
    )
    feed = services.calendar_feed_issue(user=student, now=timezone.now())
    events = _events(client, feed)
    assert set(events) == {f"assignment-{first.pk}@lectern", f"assignment-{second.pk}@lectern"}
    extended = events[f"assignment-{first.pk}@lectern"]
    assert extended["DTSTART"].dt == first.due_at + timedelta(days=2)
    assert extended["DTSTART"].dt.utcoffset() == timedelta(0)
    assert "DTSTAMP" in extended
    # Another student of the class sees the class's date.
    other = services.calendar_feed_issue(user=klass.students[1], now=timezone.now())
    assert _events(client, other)[f"assignment-{first.pk}@lectern"]["DTSTART"].dt == first.due_at


def test_a_moved_date_keeps_the_uid_and_withdrawn_work_drops_out(client, klass, work):
    first, second = work
    feed = services.calendar_feed_issue(user=klass.teacher, now=timezone.now())
    new_due = first.due_at + timedelta(days=1)
    assignment_update(assignment=first, due_at=new_due)
    assignment_withdraw(assignment=second, now=timezone.now())
    events = _events(client, feed)
    assert list(events) == [f"assignment-{first.pk}@lectern"]
    assert events[f"assignment-{first.pk}@lectern"]["DTSTART"].dt == new_due


def test_a_class_feed_lists_only_that_class(client, klass, work, school):
    # The school's teacher teaches another class too.
    from courseware.models import MembershipRole
    from tests.factories import MembershipFactory

    MembershipFactory(classroom=klass.classroom, user=school.teacher, role=MembershipRole.TEACHER)
    elsewhere = AssignmentFactory(classroom=school.classroom)
    everything = services.calendar_feed_issue(user=school.teacher, now=timezone.now())
    one_class = services.calendar_feed_issue(
        user=school.teacher, classroom=klass.classroom, now=timezone.now()
    )
    assert f"assignment-{elsewhere.pk}@lectern" in _events(client, everything)
    assert set(_events(client, one_class)) == {f"assignment-{a.pk}@lectern" for a in work}


def test_reissuing_a_feed_stops_the_old_link(client, klass, work):
    student = klass.students[0]
    old = services.calendar_feed_issue(user=student, now=timezone.now())
    new = services.calendar_feed_issue(user=student, now=timezone.now())
    assert client.get(reverse("courseware:calendar-feed", args=[old.token])).status_code == 404
    assert _events(client, new)


def test_a_feed_of_a_class_one_is_not_in_is_refused(klass, school):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.calendar_feed_issue(
            user=school.student, classroom=klass.classroom, now=timezone.now()
        )


def test_calendar_page_issues_and_revokes(client, klass):
    student = klass.students[0]
    client.force_login(student)
    client.post(reverse("courseware:calendar-feeds"))
    page = client.get(reverse("courseware:calendar-feeds"))
    url = page.context["personal_url"]
    assert url.endswith(".ics")
    assert client.get(url.removeprefix("http://testserver")).status_code == 200
    client.post(reverse("courseware:calendar-feeds"), {"action": "revoke"})
    assert client.get(url.removeprefix("http://testserver")).status_code == 404
    assert client.post(reverse("courseware:calendar-feeds"), {"classroom": "x"}).status_code == 400


def test_feed_query_count_does_not_grow_with_assignments(
    client, klass, django_assert_max_num_queries
):
    student = klass.students[0]
    for _n in range(20):
        AssignmentFactory(classroom=klass.classroom)
    feed = services.calendar_feed_issue(user=student, now=timezone.now())
    with django_assert_max_num_queries(5):
        events = _events(client, feed)
    assert len(events) == 20
