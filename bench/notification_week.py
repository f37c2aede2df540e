"""E-mails for one class over a simulated school week, and proof that none is sent twice.

Usage: ``python bench/notification_week.py [--students 30]``

A class of ``--students`` students and one teacher. On Monday at 9 am the teacher sets a reading
and an essay due on Friday at 9 am. The schedule runs every 15 minutes all week (reminders and
dispatch, as beat does) and the daily digests at 5 pm, each tick run twice, as two beat
processes would. Four fifths of the class hand the essay in on Thursday (some late, on Friday
afternoon); the teacher marks and releases the grades on Saturday morning. Every e-mail is
caught; it prints the count by kind and the number of duplicates (same person, same
message; goal: 0).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    setup_django()
    from django.core import mail
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()  # locmem e-mail: every message lands in mail.outbox
    from courseware.models import AssignmentKind, Delivery, MembershipRole
    from courseware.services import notifications as services
    from courseware.services.submissions import (
        submission_draft_save,
        submission_start,
        submission_submit,
    )
    from courseware.services.teaching import assignment_create
    from tests.factories import (
        ClassroomFactory,
        EssayPromptFactory,
        MembershipFactory,
        StudentFactory,
        TeacherFactory,
        course_reading,
        essay_text,
        graded,
    )

    def hand_in(assignment, student, *, at):
        submission = submission_start(assignment=assignment, student=student, now=at)
        submission = submission_draft_save(
            submission=submission,
            text=essay_text(50),
            revision=submission.revision,
            by=student,
            now=at,
        )
        submission_submit(
            submission=submission,
            revision=submission.revision,
            honesty_declared=True,
            by=student,
            now=at,
        )
        submission.refresh_from_db()
        return submission

    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    start = datetime.combine(monday, datetime.min.time(), tzinfo=zone).replace(hour=9)
    due = start + timedelta(days=4)  # Friday 9 am (same offset: no DST within a week's work)

    classroom = ClassroomFactory()
    teacher = TeacherFactory()
    MembershipFactory(classroom=classroom, user=teacher, role=MembershipRole.TEACHER)
    students = [StudentFactory() for _ in range(args.students)]
    for student in students:
        MembershipFactory(classroom=classroom, user=student, role=MembershipRole.STUDENT)
    prompt = EssayPromptFactory(course=classroom.course, min_words=5, max_words=400)
    essay = assignment_create(
        classroom=classroom,
        kind=AssignmentKind.ESSAY,
        target=prompt,
        by=teacher,
        opens_at=start,
        due_at=due,
        cutoff_at=due + timedelta(days=3),
    )
    assignment_create(
        classroom=classroom,
        kind=AssignmentKind.READING,
        target=course_reading(classroom.course),
        by=teacher,
        opens_at=start,
        due_at=due,
    )
    handing_in = students[: args.students * 4 // 5]
    hand_in_at = {
        s.pk: start + timedelta(days=3, hours=2 + n % 8) if n % 6 else due + timedelta(hours=7)
        for n, s in enumerate(handing_in)
    }
    submissions = []
    began = time.perf_counter()
    tick = start
    end = start + timedelta(days=7)
    while tick < end:
        for student in handing_in:
            if tick - timedelta(minutes=15) < hand_in_at[student.pk] <= tick:
                submissions.append(hand_in(essay, student, at=hand_in_at[student.pk]))
        if tick == start + timedelta(days=5, hours=1):  # Saturday 10 am: marked and released
            for submission in submissions:
                graded(submission, teacher, release=True, now=tick)
        for _beat in range(2):  # two beat processes
            services.reminders_send(now=tick)
            local = timezone.localtime(tick)
            if local.hour == 17 and local.minute == 0:
                services.digests_send(now=tick)
        tick += timedelta(minutes=15)
    elapsed = time.perf_counter() - began

    kinds = Counter(d.kind for d in Delivery.objects.filter(status="sent"))
    sent = [(tuple(m.to), m.subject) for m in mail.outbox]
    duplicates = sum(n - 1 for n in Counter(sent).values() if n > 1)
    keys = Counter(Delivery.objects.values_list("recipient_id", "key"))
    print(f"class: {args.students} students, 1 teacher; simulated week in {elapsed:.1f}s")
    for kind, count in sorted(kinds.items()):
        print(f"  {kind:<24} {count:>4}")
    print(f"e-mails sent: {len(mail.outbox)} (delivery rows: {sum(kinds.values())})")
    print(
        f"duplicates: {duplicates} (same person and subject); repeated keys: "
        f"{sum(n - 1 for n in keys.values())}"
    )


if __name__ == "__main__":
    main()
