"""Due-in-24-hours reminders: exact across a daylight-saving change, once per due date, only for
work not done, with extensions applied; and the command cron runs."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from courseware.models import Event, Notification, NotificationKind
from courseware.services import notifications as services
from courseware.services.content import reading_mark_read
from courseware.services.teaching import extension_grant
from tests.factories import AssignmentFactory

SYDNEY = ZoneInfo("Australia/Sydney")


def _reminded(now) -> list[int]:
    services.reminders_send(now=now)
    return sorted(
        Notification.objects.filter(kind=NotificationKind.DUE_SOON).values_list(
            "recipient", flat=True
        )
    )


@override_settings(TIME_ZONE="Australia/Sydney")
def test_due_in_24_hours_is_exact_across_the_start_of_daylight_saving(klass):
    """Sydney's clocks go forward at 2 am on Sunday 5 October 2025. Work due at 9 am that Sunday
    is due in 24 hours from 8 am on Saturday, not from 9 am (which is 23 hours before)."""
    # Arithmetic on UTC times is elapsed time (on a zoned datetime Python does wall-clock).
    due = datetime(2025, 10, 5, 9, 0, tzinfo=SYDNEY).astimezone(UTC)
    day_before = due - timedelta(hours=24)
    assert day_before.astimezone(SYDNEY).hour == 8  # the same wall-clock time would be 9
    assignment = AssignmentFactory(
        classroom=klass.classroom, opens_at=due - timedelta(days=7), due_at=due
    )
    services.events_dispatch_ready(now=due - timedelta(days=6))
    mail.outbox.clear()

    assert _reminded(day_before - timedelta(minutes=1)) == []
    with timezone.override(SYDNEY):
        assert _reminded(day_before) == sorted(s.pk for s in klass.students)
    [message, *_rest] = mail.outbox
    assert assignment.title in message.subject
    assert "Sunday 5 October 2025, 9:00 AM" in message.subject


def test_a_reminder_is_sent_once_however_often_the_schedule_runs(klass):
    now = timezone.now()
    AssignmentFactory(classroom=klass.classroom, due_at=now + timedelta(hours=5))
    services.events_dispatch_ready(now=timezone.now())  # the work-set e-mails
    mail.outbox.clear()
    for minutes in (0, 15, 30, 45):  # the beat schedule, and a second beat process
        services.reminders_send(now=now + timedelta(minutes=minutes))
        services.reminders_send(now=now + timedelta(minutes=minutes))
    assert Event.objects.filter(kind=NotificationKind.DUE_SOON).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in klass.students)


def test_done_work_and_extended_students_are_not_reminded_at_the_class_date(klass):
    now = timezone.now()
    done, extended, waiting = klass.students
    assignment = AssignmentFactory(classroom=klass.classroom, due_at=now + timedelta(hours=5))
    reading_mark_read(student=done, reading=assignment.reading, now=now)
    extension_grant(
        assignment=assignment,
        student=extended,
        due_at=now + timedelta(days=3),
        by=klass.teacher,
    )
    assert _reminded(now) == [waiting.pk]
    # The extended student is reminded a day before their own date.
    assert extended.pk in _reminded(now + timedelta(days=2, hours=1))


def test_a_moved_due_date_reminds_again(klass):
    from courseware.services.teaching import assignment_update

    now = timezone.now()
    assignment = AssignmentFactory(classroom=klass.classroom, due_at=now + timedelta(hours=5))
    services.reminders_send(now=now)
    assignment_update(assignment=assignment, due_at=now + timedelta(hours=30))
    services.reminders_send(now=now + timedelta(hours=7))
    assert Event.objects.filter(kind=NotificationKind.DUE_SOON).count() == 6


@pytest.mark.django_db
def test_notifications_run_command_records_and_sends(klass, capsys):
    AssignmentFactory(classroom=klass.classroom, due_at=timezone.now() + timedelta(hours=3))
    call_command("notifications_run", "--digests")
    out = capsys.readouterr().out
    assert "reminders recorded: 3" in out
    assert "e-mails sent: 6" in out  # the work set, and the reminder
    call_command("notifications_run", "--digests")
    assert "reminders recorded: 0; e-mails sent: 0" in capsys.readouterr().out


def test_beat_schedule_names_registered_tasks():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
