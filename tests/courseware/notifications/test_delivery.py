"""Events recorded by the services become notifications and e-mails, each sent once."""

from collections import Counter
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from courseware.models import (
    Delivery,
    DeliveryStatus,
    Event,
    Frequency,
    Notification,
    NotificationKind,
)
from courseware.services import notifications as services
from courseware.services.teaching import extension_grant
from tests.factories import AssignmentFactory, essay_assignment, graded, submitted_submission


def addressed(outbox=None) -> list[str]:
    """Every address mailed, once per message (so a duplicate shows twice)."""
    return [
        address for message in (mail.outbox if outbox is None else outbox) for address in message.to
    ]


def deliver(now=None) -> int:
    return services.events_dispatch_ready(now=now or timezone.now() + timedelta(seconds=1))


def test_work_set_tells_each_student_in_app_and_by_email_once(klass):
    assignment = AssignmentFactory(classroom=klass.classroom, by=klass.teacher)
    [event] = Event.objects.filter(kind=NotificationKind.WORK_SET)
    assert event.assignment == assignment

    assert deliver() == 3
    assert sorted(addressed()) == sorted(s.email for s in klass.students)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        s.pk for s in klass.students
    }
    # Run again, and dispatch the one event again: nothing more goes out.
    assert deliver() == 0
    assert services.event_dispatch(event_id=event.pk, now=timezone.now()) == 0
    assert len(mail.outbox) == 3
    assert Notification.objects.count() == 3


def test_work_set_to_open_later_is_announced_when_it_opens(klass):
    now = timezone.now()
    AssignmentFactory(
        classroom=klass.classroom, opens_at=now + timedelta(days=2), due_at=now + timedelta(days=9)
    )
    assert deliver(now) == 0
    assert not Notification.objects.exists()
    assert deliver(now + timedelta(days=2, seconds=1)) == 3


def test_withdrawn_work_tells_nobody(klass):
    now = timezone.now()
    assignment = AssignmentFactory(
        classroom=klass.classroom, opens_at=now + timedelta(days=1), due_at=now + timedelta(days=9)
    )
    assignment.withdrawn_at = now
    assignment.save()
    assert deliver(now + timedelta(days=2)) == 0
    assert not Notification.objects.exists()


def test_email_has_text_html_and_one_click_unsubscribe_headers(klass):
    AssignmentFactory(classroom=klass.classroom)
    deliver()
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "<!doctype html>" in html
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith("<http") and "/notifications/unsubscribe/" in link
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link.strip("<>") in message.body
    assert link.strip("<>").replace("&", "&amp;") in html or link.strip("<>") in html


def test_unsubscribe_link_turns_that_kind_off_but_keeps_in_app(klass):
    student = klass.students[0]
    AssignmentFactory(classroom=klass.classroom)
    deliver()
    token = services.unsubscribe_token(user=student, kinds=[NotificationKind.WORK_SET])
    services.notifications_unsubscribe(token=token)
    mail.outbox.clear()
    AssignmentFactory(classroom=klass.classroom)
    deliver()
    assert student.email not in addressed()
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(recipient=student).count() == 2


def test_a_forged_unsubscribe_token_is_refused(klass):
    token = services.unsubscribe_token(user=klass.students[0], kinds=[NotificationKind.WORK_SET])
    with pytest.raises(services.BadUnsubscribeLink):
        services.notifications_unsubscribe(token=token[:-2] + "xx")


def test_preference_off_sends_no_email_and_digest_sends_one_daily(klass):
    off, digest, _now = klass.students
    services.notification_preferences_set(
        user=off, frequencies={NotificationKind.WORK_SET: Frequency.OFF}
    )
    services.notification_preferences_set(
        user=digest, frequencies={NotificationKind.WORK_SET: Frequency.DIGEST}
    )
    AssignmentFactory(classroom=klass.classroom, title="First")
    AssignmentFactory(classroom=klass.classroom, title="Second")
    deliver()
    assert Counter(addressed()) == {_now.email: 2}
    mail.outbox.clear()

    later = timezone.now() + timedelta(hours=1)
    assert services.digests_send(now=later) == 1
    [message] = mail.outbox
    assert message.to == [digest.email]
    assert "First" in message.body and "Second" in message.body
    # A second run the same day (another beat, a retry) sends nothing more.
    assert services.digests_send(now=later + timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 1


def test_a_crashed_and_retried_task_sends_each_email_once(klass):
    """The worker dies right after the mail server took the second message, before it could
    record that: the retried task sends the rest, and not that one again."""
    AssignmentFactory(classroom=klass.classroom)
    [event] = Event.objects.all()
    real_send = EmailMultiAlternatives.send
    calls = []

    def send_then_crash(message, *args, **kwargs):
        result = real_send(message, *args, **kwargs)
        calls.append(message.to)
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        return result

    with mock.patch.object(EmailMultiAlternatives, "send", send_then_crash):
        with pytest.raises(RuntimeError):
            services.event_dispatch(event_id=event.pk, now=timezone.now())
    assert len(mail.outbox) == 2

    # The task is retried (acks_late), twice over for good measure.
    services.event_dispatch(event_id=event.pk, now=timezone.now())
    services.events_dispatch_ready(now=timezone.now())
    assert sorted(addressed()) == sorted(s.email for s in klass.students)
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2
    # The one whose send was not recorded stays "sending": never sent twice.
    assert Delivery.objects.filter(status=DeliveryStatus.SENDING).count() == 1


def test_a_refused_send_is_retried_by_a_later_run(klass):
    AssignmentFactory(classroom=klass.classroom)
    [event] = Event.objects.all()
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=OSError("no server")):
        assert services.event_dispatch(event_id=event.pk, now=timezone.now()) == 0
    assert Delivery.objects.filter(status=DeliveryStatus.FAILED).count() == 3
    Notification.objects.update(emailed_at=None)
    assert services.event_dispatch(event_id=event.pk, now=timezone.now()) == 3
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 3


def test_delivery_is_unique_per_person_and_key(klass):
    from django.db import IntegrityError, transaction

    now = timezone.now()
    student = klass.students[0]
    Delivery.objects.create(
        recipient=student, key="event:1", kind="x", subject="s", status="sent", created_at=now
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            recipient=student, key="event:1", kind="x", subject="s", status="sent", created_at=now
        )


def test_hand_in_release_and_resubmission_tell_the_right_people(klass):
    student = klass.students[0]
    assignment = essay_assignment(klass.classroom, allow_resubmission=True)
    deliver()
    mail.outbox.clear()

    submission = submitted_submission(assignment, student)
    deliver()
    [handed_in] = Notification.objects.filter(kind=NotificationKind.HANDED_IN)
    assert handed_in.recipient == klass.teacher
    assert handed_in.url == f"/assignments/{assignment.pk}/marking/"
    assert mail.outbox == []  # teachers hear of hand-ins in their daily digest

    graded(submission, klass.teacher, release=True)
    deliver()
    [released] = Notification.objects.filter(kind=NotificationKind.FEEDBACK_RELEASED)
    assert released.recipient == student
    assert addressed() == [student.email]


def test_resubmission_request_tells_the_student_once_without_an_extension_notice(klass):
    from courseware.services.marking import grade_release

    student = klass.students[0]
    assignment = essay_assignment(klass.classroom, allow_resubmission=True)
    submission = submitted_submission(assignment, student)
    graded(submission, klass.teacher)
    grade_release(
        submission=submission,
        by=klass.teacher,
        now=timezone.now(),
        resubmission=True,
        resubmit_by=assignment.due_at + timedelta(days=3),
    )
    deliver()
    kinds = set(Notification.objects.filter(recipient=student).values_list("kind", flat=True))
    assert NotificationKind.RESUBMISSION_REQUESTED in kinds
    assert NotificationKind.EXTENSION_GRANTED not in kinds


def test_extension_granted_tells_that_student_of_the_new_date(klass):
    student = klass.students[1]
    assignment = AssignmentFactory(classroom=klass.classroom)
    deliver()
    mail.outbox.clear()
    extension_grant(
        assignment=assignment,
        student=student,
        due_at=assignment.due_at + timedelta(days=2),
        by=klass.teacher,
    )
    deliver()
    [notification] = Notification.objects.filter(kind=NotificationKind.EXTENSION_GRANTED)
    assert notification.recipient == student
    local = timezone.localtime(assignment.due_at + timedelta(days=2))
    assert local.strftime("%B") in notification.title and str(local.day) in notification.title
    assert addressed() == [student.email]


def test_teacher_digest_counts_hand_ins_and_late_ones_per_class(klass):
    now = timezone.now()
    assignment = essay_assignment(
        klass.classroom,
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(hours=1),
        cutoff_at=now + timedelta(days=2),
        title="The Lessons of October",
    )
    for student in klass.students[:2]:
        submitted_submission(assignment, student, at=now)
    deliver(now + timedelta(seconds=1))
    mail.outbox.clear()
    assert services.digests_send(now=now + timedelta(minutes=1)) == 1
    [message] = mail.outbox
    assert message.to == [klass.teacher.email]
    assert "The Lessons of October — 2 hand-ins, 2 late" in message.body


def test_event_is_delivered_when_its_transaction_commits(klass, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        AssignmentFactory(classroom=klass.classroom)
    assert len(mail.outbox) == 3


def test_work_whose_opening_moves_earlier_is_announced_when_it_now_opens(klass):
    from courseware.services.teaching import assignment_update

    now = timezone.now()
    assignment = AssignmentFactory(
        classroom=klass.classroom, opens_at=now + timedelta(days=5), due_at=now + timedelta(days=9)
    )
    assignment_update(assignment=assignment, opens_at=now + timedelta(days=1))
    assert deliver(now + timedelta(days=1, seconds=1)) == 3


def test_the_schedule_finishes_the_emails_of_a_task_that_failed_half_way(klass):
    AssignmentFactory(classroom=klass.classroom)
    [event] = Event.objects.all()
    real_send = EmailMultiAlternatives.send
    calls = []

    def fail_on_the_second(message, *args, **kwargs):
        calls.append(message.to)
        if len(calls) == 2:
            raise RuntimeError("bug")
        return real_send(message, *args, **kwargs)

    now = timezone.now()
    with mock.patch.object(EmailMultiAlternatives, "send", fail_on_the_second):
        with pytest.raises(RuntimeError):
            services.event_dispatch(event_id=event.pk, now=now)
    assert len(mail.outbox) == 1
    assert services.events_dispatch_ready(now=now + timedelta(minutes=1)) == 0  # too soon
    assert services.events_dispatch_ready(now=now + timedelta(minutes=11)) == 1
    assert services.events_dispatch_ready(now=now + timedelta(minutes=30)) == 0
    # The second e-mail was claimed when the send failed: it is not sent (at most once).
    assert len(mail.outbox) == 2
    assert len(set(addressed())) == 2
