"""Staff look up e-mail deliveries and notifications in the admin: read-only, filterable by
kind, status and person, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courseware.models import Delivery, DeliveryStatus, Notification, NotificationKind
from courseware.services import notifications as services

pytestmark = pytest.mark.django_db


def _deliveries(people, *, kind, status, n=0):
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(
            recipient=person,
            key=f"test:{kind}:{n}:{i}",
            kind=kind,
            subject=f"{kind} for {person.username}",
            status=status,
            created_at=now - timedelta(minutes=i),
        )
        for i, person in enumerate(people)
    )


def _rows(response) -> list[str]:
    return [str(obj) for obj in response.context["cl"].result_list]


def test_deliveries_filter_by_kind_status_and_person(client, school):
    people = [school.student, school.other_student, school.teacher]
    _deliveries(people, kind=NotificationKind.DUE_SOON, status=DeliveryStatus.SENT)
    _deliveries(people[:1], kind=NotificationKind.WORK_SET, status=DeliveryStatus.FAILED, n=1)
    client.force_login(school.school_admin)
    url = reverse("admin:courseware_delivery_changelist")
    assert len(_rows(client.get(url))) == 4
    assert len(_rows(client.get(url, {"kind": "due_soon"}))) == 3
    failed = client.get(url, {"status": "failed"})
    assert len(_rows(failed)) == 1 and b"Work set" in failed.content
    mine = client.get(url, {"recipient__id__exact": school.student.pk})
    assert len(_rows(mine)) == 2
    assert len(_rows(client.get(url, {"q": school.teacher.email}))) == 1


def test_the_delivery_list_costs_the_same_queries_for_5_rows_as_for_50(client, school):
    client.force_login(school.school_admin)
    url = reverse("admin:courseware_delivery_changelist")
    people = [school.student, school.other_student, school.teacher, school.other_teacher]
    _deliveries([*people, school.school_admin], kind="due_soon", status="sent")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(1, 10):
        _deliveries([*people, school.school_admin], kind="work_set", status="sent", n=n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(_rows(response)) == 50
    assert len(many) == len(few)


def test_notifications_filter_by_kind_read_and_person(client, school):
    now = timezone.now()
    services.announcement_post(
        author=school.school_admin,
        classrooms=[school.classroom],
        title="Trip",
        body="Notes",
        now=now,
    )
    services.events_dispatch_ready(now=now)
    client.force_login(school.school_admin)
    url = reverse("admin:courseware_notification_changelist")
    assert _rows(client.get(url, {"kind": "announcement"})) == ["Announcement: Trip"] * 2
    assert _rows(client.get(url, {"kind": "work_set"})) == []
    services.notification_mark_read(
        notification=Notification.objects.get(recipient=school.student), now=now
    )
    assert len(_rows(client.get(url, {"read_at__isempty": "1"}))) == 1
    response = client.get(url, {"recipient__id__exact": school.teacher.pk})
    assert [n.recipient for n in response.context["cl"].result_list] == [school.teacher]


def test_the_admin_cannot_add_change_or_delete_what_was_sent(client, school):
    _deliveries([school.student], kind="due_soon", status="sent")
    delivery = Delivery.objects.get()
    client.force_login(school.school_admin)
    assert client.get(reverse("admin:courseware_delivery_add")).status_code == 403
    page = client.get(reverse("admin:courseware_delivery_change", args=[delivery.pk]))
    assert page.status_code == 200 and b'type="submit" value="Save"' not in page.content
    client.post(
        reverse("admin:courseware_delivery_change", args=[delivery.pk]),
        {"status": "failed", "subject": "x"},
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert (
        client.get(reverse("admin:courseware_delivery_delete", args=[delivery.pk])).status_code
        == 403
    )
