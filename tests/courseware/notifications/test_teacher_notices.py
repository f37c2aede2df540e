"""Teachers hear of an essay the originality check flags (once per version) and of quiz
hand-ins, as their preferences say."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from courseware.models import (
    AssignmentKind,
    Event,
    Frequency,
    Notification,
    NotificationKind,
)
from courseware.services import notifications as services
from courseware.services.originality import originality_report_request, originality_report_run
from courseware.services.teaching import quiz_attempt_start, quiz_attempt_submit
from tests.courseware.originality.conftest import make_essay_world
from tests.factories import AssignmentFactory, ExtensionFactory

pytestmark = pytest.mark.django_db


def deliver(now=None) -> int:
    return services.events_dispatch_ready(now=now or timezone.now() + timedelta(seconds=1))


def flagged_events():
    return Event.objects.filter(kind=NotificationKind.ORIGINALITY_FLAGGED)


# --- Originality -------------------------------------------------------------------------------


def test_a_flagged_check_tells_the_class_teachers_without_naming_the_student(school):
    world = make_essay_world(school)  # a quarter of the essay copied from the reading
    assert world.report.score >= 20
    [event] = flagged_events()
    assert event.submission == world.submission
    deliver()
    [notice] = Notification.objects.filter(kind=NotificationKind.ORIGINALITY_FLAGGED)
    assert notice.recipient == school.teacher
    assert school.student.name not in notice.title
    assert f"{world.report.score}%" in notice.title
    assert notice.url == world.report.get_absolute_url()
    # Teachers get it in their digest by default, not straight away.
    assert not [m for m in mail.outbox if school.teacher.email in m.to]


def test_a_recheck_that_stays_flagged_tells_nobody_again(school):
    world = make_essay_world(school)
    deliver()
    again = originality_report_request(version=world.version, now=timezone.now())
    originality_report_run(report_id=again.pk)
    again.refresh_from_db()
    assert again.run == 2 and again.score == world.report.score
    assert flagged_events().count() == 1
    deliver()
    assert Notification.objects.filter(kind=NotificationKind.ORIGINALITY_FLAGGED).count() == 1


@override_settings(LECTERN_ORIGINALITY_FLAG_PERCENT=100)
def test_a_check_under_the_threshold_without_peer_overlap_tells_nobody(school):
    make_essay_world(school)
    assert not flagged_events().exists()


def test_a_teacher_who_wants_flags_straight_away_is_emailed_once(school):
    services.notification_preferences_set(
        user=school.teacher,
        frequencies={NotificationKind.ORIGINALITY_FLAGGED: Frequency.IMMEDIATELY},
    )
    make_essay_world(school)
    mail.outbox.clear()
    deliver()
    deliver()
    [email] = [m for m in mail.outbox if school.teacher.email in m.to]
    assert email.subject.startswith("Originality check flagged an essay on")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_unflagged_version_then_a_flagged_one_tells_of_the_flagged_one(school):
    with override_settings(LECTERN_ORIGINALITY_FLAG_PERCENT=100):
        world = make_essay_world(school)
    assert not flagged_events().exists()
    # The threshold is lowered and the teacher re-checks: now it crosses into flagged.
    again = originality_report_request(version=world.version, now=timezone.now())
    originality_report_run(report_id=again.pk)
    [event] = flagged_events()
    assert event.data["run"] == 2


# --- Quiz hand-ins -----------------------------------------------------------------------------


def _all_correct(attempt) -> dict:
    return {
        question.pk: next(c.pk for c in question.choices.all() if c.is_correct)
        for question in attempt.assignment.quiz.questions.prefetch_related("choices")
    }


def _take(assignment, student, now):
    attempt = quiz_attempt_start(assignment=assignment, student=student, now=now)
    return quiz_attempt_submit(attempt=attempt, answers=_all_correct(attempt), now=now)


def test_a_quiz_hand_in_tells_the_class_teachers_in_their_digest(school):
    now = timezone.now()
    quiz = AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.QUIZ)
    deliver()
    mail.outbox.clear()
    _take(quiz, school.student, now)
    [event] = Event.objects.filter(kind=NotificationKind.HANDED_IN)
    assert event.assignment == quiz and event.subject == school.student
    assert event.data == {"late": False, "attempt": 1}
    deliver()
    [notice] = Notification.objects.filter(kind=NotificationKind.HANDED_IN)
    assert notice.recipient == school.teacher
    assert notice.url == quiz.get_absolute_url()
    assert not mail.outbox  # digest by default
    assert services.digests_send(now=timezone.now() + timedelta(seconds=2)) == 1
    [digest] = mail.outbox
    assert digest.to == [school.teacher.email]
    assert quiz.title in digest.body


def test_a_late_quiz_is_marked_late_unless_the_student_has_an_extension(school):
    now = timezone.now()
    quiz = AssignmentFactory(
        classroom=school.classroom,
        kind=AssignmentKind.QUIZ,
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(days=1),
    )
    _take(quiz, school.student, now)
    [event] = Event.objects.filter(kind=NotificationKind.HANDED_IN)
    assert event.data["late"] is True

    other = AssignmentFactory(
        classroom=school.classroom,
        kind=AssignmentKind.QUIZ,
        opens_at=now - timedelta(days=3),
        due_at=now - timedelta(days=1),
    )
    ExtensionFactory(assignment=other, student=school.student, due_at=now + timedelta(days=1))
    _take(other, school.student, now)
    extended = Event.objects.get(kind=NotificationKind.HANDED_IN, assignment=other)
    assert extended.data["late"] is False


def test_a_teacher_who_turned_hand_ins_off_gets_no_email_but_sees_it_in_lectern(school):
    services.notification_preferences_set(
        user=school.teacher, frequencies={NotificationKind.HANDED_IN: Frequency.OFF}
    )
    quiz = AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.QUIZ)
    _take(quiz, school.student, timezone.now())
    deliver()
    mail.outbox.clear()
    assert Notification.objects.filter(
        recipient=school.teacher, kind=NotificationKind.HANDED_IN
    ).exists()
    assert services.digests_send(now=timezone.now() + timedelta(seconds=2)) == 0
    assert not mail.outbox
