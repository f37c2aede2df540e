from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Role, User
from courseware.models import (
    Assignment,
    Classroom,
    Course,
    Extension,
    Grade,
    GradeChange,
    Membership,
    MembershipRole,
    OriginalityReport,
    QuizAttempt,
    ReadingProgress,
    Submission,
    SubmissionVersion,
)

pytestmark = pytest.mark.django_db


def _snapshot() -> dict:
    """Every row the demo touches, with every column: a second run must leave all equal."""
    return {
        "users": list(User.objects.order_by("pk").values()),
        "courses": list(Course.objects.order_by("pk").values()),
        "classes": list(Classroom.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        **{
            model.__name__: list(model.objects.order_by("pk").values())
            for model in (
                Assignment,
                Extension,
                Submission,
                SubmissionVersion,
                Grade,
                GradeChange,
                OriginalityReport,
                QuizAttempt,
                ReadingProgress,
            )
        },
    }


def test_seed_demo_makes_the_demo_school_and_prints_logins():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert User.objects.filter(role=Role.ADMIN, is_staff=True).count() == 1
    assert User.objects.filter(role=Role.TEACHER).count() == 2
    assert User.objects.filter(role=Role.STUDENT).count() == 12
    assert Classroom.objects.count() == 2
    for classroom in Classroom.objects.all():
        assert classroom.memberships.filter(role=MembershipRole.TEACHER).count() == 1
        assert classroom.memberships.filter(role=MembershipRole.STUDENT).count() == 6
    printed = out.getvalue()
    for user in User.objects.all():
        assert user.username in printed
        assert user.check_password("lectern-demo")
    assert "lectern-demo" in printed


def test_running_seed_demo_twice_changes_nothing(demo, django_capture_on_commit_callbacks):
    first = _snapshot()
    assert first["Submission"] and first["Grade"] and first["QuizAttempt"]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert _snapshot() == first


def test_seed_demo_sends_the_demo_people_no_email(django_capture_on_commit_callbacks):
    """Their notices are in the app; the console (where the logins are printed) gets no mail."""
    from django.core import mail

    from courseware.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert Notification.objects.exists()
    assert mail.outbox == []
