"""Work set in the demo classes: a reading, an essay and a quiz, so every dashboard has something.

Seeding is idempotent and defensive: a class that already has work of a kind set from the same
reading, prompt or quiz is left alone (its dates are never moved on a second run), and a kind
whose course content has not been loaded is skipped.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from courseware.models import Assignment, AssignmentKind, Classroom, MembershipRole
from courseware.selectors.teaching import (
    assignable_prompts,
    assignable_quizzes,
    assignable_readings,
)
from courseware.services.teaching import assignment_create

DEMO_PEOPLE = Path(settings.BASE_DIR) / "fixtures" / "demo_people.json"

# Preferred content by slug; the first assignable item stands in when a slug is not there.
DEMO_READING = "cliff-lessons-of-october"


def _demo_classrooms() -> list[Classroom]:
    people = json.loads(DEMO_PEOPLE.read_text(encoding="utf-8"))
    codes = [class_data["join_code"] for class_data in people["classes"]]
    return list(Classroom.objects.filter(join_code__in=codes).select_related("course"))


def _school_day(now: datetime, days: int, hour: int = 9) -> datetime:
    """``hour`` o'clock, school time, ``days`` days from today: deadlines as a teacher sets them."""
    day = timezone.localdate(now) + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _plans(classroom: Classroom, now: datetime) -> list[dict]:
    course = classroom.course
    readings = assignable_readings(course=course)
    reading = readings.filter(slug=DEMO_READING).first() or readings.first()
    prompt = assignable_prompts(course=course).first()
    quiz = assignable_quizzes(course=course).first()
    plans = []
    if reading is not None:
        plans.append(
            {
                "kind": AssignmentKind.READING,
                "target": reading,
                "instructions": "Read closely and note where Cliff argues from evidence and "
                "where from conviction. Mark it read when you are done.",
                "opens_at": _school_day(now, -2),
                "due_at": _school_day(now, 2),
            }
        )
    if prompt is not None:
        plans.append(
            {
                "kind": AssignmentKind.ESSAY,
                "target": prompt,
                "instructions": "Cite at least two of the course readings by paragraph.",
                "opens_at": _school_day(now, -1),
                "due_at": _school_day(now, 14),
                "cutoff_at": _school_day(now, 17),
                "late_penalty_percent_per_day": Decimal(5),
                "late_penalty_floor_percent": Decimal(50),
            }
        )
    if quiz is not None:
        plans.append(
            {
                "kind": AssignmentKind.QUIZ,
                "target": quiz,
                "instructions": "A quick check before Thursday's discussion. Two attempts.",
                "opens_at": _school_day(now, -1),
                "due_at": _school_day(now, 5),
                "cutoff_at": _school_day(now, 7),
                "max_attempts": 2,
            }
        )
    return plans


_TARGET_FIELD = {
    AssignmentKind.READING: "reading",
    AssignmentKind.ESSAY: "prompt",
    AssignmentKind.QUIZ: "quiz",
}


@transaction.atomic
def demo_assignments_seed(*, now: datetime | None = None) -> list[Assignment]:
    """Set the demo work in each demo class that does not have it yet; return what was made."""
    now = now or timezone.now()
    created = []
    for classroom in _demo_classrooms():
        teacher = (
            classroom.memberships.filter(role=MembershipRole.TEACHER)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        for plan in _plans(classroom, now):
            kind = plan["kind"]
            if classroom.assignments.filter(
                kind=kind, **{_TARGET_FIELD[kind]: plan["target"]}
            ).exists():
                continue
            created.append(
                assignment_create(classroom=classroom, by=teacher.user if teacher else None, **plan)
            )
    return created
