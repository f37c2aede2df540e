"""A student asks the class's teachers for help; they are told, reply (the student is told)
and resolve. Nobody else takes part."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from courseware.models import (
    Event,
    Frequency,
    HelpRequest,
    HelpStatus,
    Notification,
    NotificationKind,
)
from courseware.selectors.help import help_requests_for_classroom
from courseware.services import help as services
from courseware.services.notifications import events_dispatch_ready, notification_preferences_set

pytestmark = pytest.mark.django_db


def deliver():
    return events_dispatch_ready(now=timezone.now() + timedelta(seconds=1))


def ask(school, assignment, text="I do not follow the second source.", reference=""):
    return services.help_request_ask(
        assignment=assignment,
        student=school.student,
        text=text,
        reference=reference,
        now=timezone.now(),
    )


@pytest.mark.parametrize("kind", ["reading", "essay", "quiz"])
def test_a_question_tells_only_the_class_teachers_straight_away(school, help_world, kind):
    Notification.objects.all().delete()
    assignment = getattr(help_world, kind)
    help_request = ask(school, assignment)
    assert help_request.status == HelpStatus.OPEN
    deliver()
    [notice] = Notification.objects.filter(kind=NotificationKind.HELP_REQUESTED)
    assert notice.recipient == school.teacher
    assert school.student.name in notice.title and assignment.title in notice.title
    assert notice.url == help_request.get_absolute_url()
    [email] = [m for m in mail.outbox if "help" in m.subject]
    assert email.to == [school.teacher.email]
    assert "I do not follow the second source." in email.body


def test_a_paragraph_reference_is_kept_with_or_without_brackets(school, help_world):
    slug = help_world.text.slug
    first = ask(school, help_world.essay, reference=f"[[{slug}#p-2]]")
    second = ask(school, help_world.reading, reference=f"{slug}#p-1")
    assert (first.paragraph.reading, first.paragraph.number) == (help_world.text, 2)
    assert second.paragraph.number == 1


@pytest.mark.parametrize(
    ("text", "reference", "field"),
    [
        ("", "", "text"),
        ("   ", "", "text"),
        ("x" * 2001, "", "text"),
        ("Help", "not a reference", "reference"),
        ("Help", "[[nowhere#p-1]]", "reference"),
        ("Help", "[[{text}#p-99]]", "reference"),
        ("Help", "[[{stranger}#p-1]]", "reference"),
    ],
)
def test_bad_questions_are_refused_and_change_nothing(school, help_world, text, reference, field):
    reference = reference.format(text=help_world.text.slug, stranger=help_world.stranger.slug)
    with pytest.raises(ValidationError) as refused:
        ask(school, help_world.essay, text=text, reference=reference)
    assert field in refused.value.message_dict
    assert not HelpRequest.objects.exists()
    assert not Event.objects.filter(kind=NotificationKind.HELP_REQUESTED).exists()


@pytest.mark.parametrize("asker", ["teacher", "other_student", "school_admin"])
def test_only_a_student_of_the_class_may_ask(school, help_world, asker):
    with pytest.raises(ValidationError):
        services.help_request_ask(
            assignment=help_world.essay,
            student=getattr(school, asker),
            text="Help",
            now=timezone.now(),
        )
    assert not HelpRequest.objects.exists()


def test_a_reply_tells_the_student_and_resolving_takes_it_off_the_open_list(school, help_world):
    help_request = ask(school, help_world.essay)
    deliver()
    mail.outbox.clear()
    now = timezone.now()
    services.help_request_reply(
        help_request=help_request, by=school.teacher, text="Look at ¶3.", now=now
    )
    deliver()
    [notice] = Notification.objects.filter(kind=NotificationKind.HELP_ANSWERED)
    assert notice.recipient == school.student
    assert notice.url == help_request.get_absolute_url()
    assert [m.to for m in mail.outbox] == [[school.student.email]]
    assert list(help_requests_for_classroom(classroom=school.classroom)) == [help_request]

    services.help_request_resolve(help_request=help_request, by=school.teacher, now=now)
    help_request.refresh_from_db()
    assert help_request.status == HelpStatus.RESOLVED and help_request.resolved_by == school.teacher
    assert list(help_requests_for_classroom(classroom=school.classroom)) == []
    assert list(help_requests_for_classroom(classroom=school.classroom, show="resolved")) == [
        help_request
    ]
    services.help_request_reopen(help_request=help_request, by=school.teacher)
    assert list(help_requests_for_classroom(classroom=school.classroom)) == [help_request]


def test_a_student_who_turned_answers_off_is_not_emailed(school, help_world):
    notification_preferences_set(
        user=school.student, frequencies={NotificationKind.HELP_ANSWERED: Frequency.OFF}
    )
    help_request = ask(school, help_world.essay)
    services.help_request_reply(
        help_request=help_request, by=school.teacher, text="Yes.", now=timezone.now()
    )
    deliver()
    assert Notification.objects.filter(recipient=school.student).exists()
    assert school.student.email not in [a for m in mail.outbox for a in m.to]


@pytest.mark.parametrize("who", ["other_teacher", "student", "school_admin"])
def test_only_the_class_teachers_reply_or_resolve(school, help_world, who):
    help_request = ask(school, help_world.essay)
    by = getattr(school, who)
    with pytest.raises(ValidationError):
        services.help_request_reply(help_request=help_request, by=by, text="Hi", now=timezone.now())
    with pytest.raises(ValidationError):
        services.help_request_resolve(help_request=help_request, by=by, now=timezone.now())
    help_request.refresh_from_db()
    assert help_request.status == HelpStatus.OPEN and not help_request.replies.exists()
