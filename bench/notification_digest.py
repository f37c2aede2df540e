"""Time the daily digests for a 1,000-student school.

Usage: ``python bench/notification_digest.py [--classes 40] [--size 25]``

``--classes`` classes of ``--size`` students (1,000 by default), one teacher each. Every class
has an essay set (through the services, so each student has a work-set notification) and every
student has chosen the daily digest for it; every student has handed in (one hand-in event and
teacher notification each, written in bulk). It then times ``digests_send``: one digest per
student and one per teacher, each grouped, rendered (text and HTML) and recorded before it is
sent. A second run the same day must send nothing. Set ``DATABASE_URL`` for PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=40)
    parser.add_argument("--size", type=int, default=25)
    args = parser.parse_args()
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    vendor = setup_django()
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    from accounts.models import Role, User
    from courseware.models import (
        AssignmentKind,
        Event,
        Frequency,
        Membership,
        MembershipRole,
        Notification,
        NotificationKind,
        NotificationPreference,
    )
    from courseware.services import notifications as services
    from courseware.services.teaching import assignment_create
    from tests.factories import ClassroomFactory, EssayPromptFactory, TeacherFactory

    now = timezone.now()
    tag = int(time.time())
    setup = time.perf_counter()
    assignments = []
    for c in range(args.classes):
        classroom = ClassroomFactory()
        teacher = TeacherFactory()
        Membership.objects.create(classroom=classroom, user=teacher, role=MembershipRole.TEACHER)
        students = User.objects.bulk_create(
            User(
                username=f"d{tag}-{c}-{n}",
                email=f"d{tag}-{c}-{n}@example.org",
                role=Role.STUDENT,
                display_name=f"Student {c}-{n}",
            )
            for n in range(args.size)
        )
        Membership.objects.bulk_create(
            Membership(classroom=classroom, user=s, role=MembershipRole.STUDENT) for s in students
        )
        NotificationPreference.objects.bulk_create(
            NotificationPreference(
                user=s, kind=NotificationKind.WORK_SET, frequency=Frequency.DIGEST
            )
            for s in students
        )
        assignment = assignment_create(
            classroom=classroom,
            kind=AssignmentKind.ESSAY,
            target=EssayPromptFactory(course=classroom.course),
            by=teacher,
            opens_at=now,
            due_at=now + timezone.timedelta(days=7),
        )
        assignments.append((assignment, teacher, students))
    services.events_dispatch_ready(now=now)
    for assignment, teacher, students in assignments:
        events = Event.objects.bulk_create(
            Event(
                kind=NotificationKind.HANDED_IN,
                occurred_at=now,
                deliver_after=now,
                dispatched_at=now,
                actor=s,
                classroom_id=assignment.classroom_id,
                assignment=assignment,
                data={"late": n % 5 == 0},
            )
            for n, s in enumerate(students)
        )
        title = f"Handed in: {assignment.title}"
        Notification.objects.bulk_create(
            Notification(
                recipient=teacher,
                event=e,
                kind=NotificationKind.HANDED_IN,
                title=title,
                url=f"/assignments/{assignment.pk}/marking/",
                created_at=now,
            )
            for e in events
        )
    mail.outbox.clear()
    setup = time.perf_counter() - setup

    later = now + timezone.timedelta(minutes=5)
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        sent = services.digests_send(now=later)
        elapsed = time.perf_counter() - began
    again = services.digests_send(now=later + timezone.timedelta(minutes=1))
    people = args.classes * (args.size + 1)
    print(
        f"{vendor}: {args.classes} classes × {args.size} students ({people} people); "
        f"setup {setup:.1f}s"
    )
    print(
        f"digests sent: {sent} ({len(mail.outbox)} e-mails) in {elapsed:.2f}s "
        f"= {1000 * elapsed / max(sent, 1):.1f} ms per digest, {len(queries)} queries"
    )
    print(f"second run the same day: {again} sent")


if __name__ == "__main__":
    main()
