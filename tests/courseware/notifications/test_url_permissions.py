"""Every notifications URL that names an object, against every role.

Roles (``tests.conftest.ROLES``): a school admin; the teacher and a student of ``classroom``;
the teacher and a student of ``other_classroom``; an anonymous visitor. The notification and the
calendar feed are the student's; the announcement is to ``classroom``. Somebody else's object is
a 404, the same as a missing one. Calendar feeds and unsubscribe links answer their token, not a
session: anyone holding one gets the same answer.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import Notification, NotificationKind
from courseware.services import notifications as services
from tests.conftest import ROLES

LOGIN = "login"


def _expect(admin, teacher, other_teacher, student, other_student, anonymous=LOGIN) -> dict:
    return dict(
        zip(ROLES, [admin, teacher, other_teacher, student, other_student, anonymous], strict=True)
    )


@pytest.fixture
def objects(school):
    now = timezone.now()
    announcement = services.announcement_post(
        author=school.teacher,
        classrooms=[school.classroom],
        title="Trip",
        body="*Bring* notes",
        now=now,
    )
    services.events_dispatch_ready(now=now)
    notification = Notification.objects.get(
        recipient=school.student, kind=NotificationKind.ANNOUNCEMENT
    )
    feed = services.calendar_feed_issue(user=school.student, now=now)
    revoked = services.calendar_feed_issue(user=school.other_student, now=now)
    services.calendar_feed_revoke(feed=revoked, now=now)
    token = services.unsubscribe_token(user=school.student, kinds=[NotificationKind.WORK_SET])
    return {
        "announcement": announcement,
        "notification": notification,
        "feed": feed,
        "revoked": revoked,
        "token": token,
    }


GETS = [
    (
        "courseware:announcement-detail",
        lambda o: {"pk": o["announcement"].pk},
        _expect(200, 200, 404, 200, 404),
    ),
    ("courseware:calendar-feed", lambda o: {"token": o["feed"].token}, dict.fromkeys(ROLES, 200)),
    (
        "courseware:calendar-feed",
        lambda o: {"token": o["revoked"].token},
        dict.fromkeys(ROLES, 404),
    ),
    (
        "courseware:notifications-unsubscribe",
        lambda o: {"token": o["token"]},
        dict.fromkeys(ROLES, 200),
    ),
]

POSTS = [
    (
        "courseware:notification-open",
        lambda o: {"pk": o["notification"].pk},
        _expect(404, 404, 404, 302, 404),
    ),
    ("courseware:notification-read-all", lambda o: {}, _expect(302, 302, 302, 302, 302)),
]


def _check(response, want):
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "expected"), GETS, ids=[f"{g[0]}-{i}" for i, g in enumerate(GETS)]
)
def test_get_answers_each_role(client, school, objects, role, name, kwargs, expected):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    _check(client.get(reverse(name, kwargs=kwargs(objects))), expected[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs", "expected"), POSTS, ids=[p[0] for p in POSTS])
def test_post_answers_each_role(client, school, objects, role, name, kwargs, expected):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    _check(client.post(reverse(name, kwargs=kwargs(objects))), expected[role])


def test_only_the_owner_opening_a_notification_marks_it_read(client, school, objects):
    client.force_login(school.other_student)
    client.post(reverse("courseware:notification-open", args=[objects["notification"].pk]))
    objects["notification"].refresh_from_db()
    assert objects["notification"].read_at is None
    client.force_login(school.student)
    response = client.post(
        reverse("courseware:notification-open", args=[objects["notification"].pk])
    )
    assert response["Location"] == reverse(
        "courseware:announcement-detail", args=[objects["announcement"].pk]
    )
    objects["notification"].refresh_from_db()
    assert objects["notification"].read_at is not None
