"""When work is due: the one place that decides on time, late and closed.

Every page that shows a deadline, every service that accepts work (quiz attempts now, essay
submissions later) and marking's late penalty ask ``deadline_for``. It is a pure function of the
assignment, the student's extension (if any) and the moment asked about, so its rules can be
tested at the exact boundaries:

- before ``opens_at`` the work is not open yet;
- up to and including ``due_at`` it is on time;
- after ``due_at`` and up to and including ``cutoff_at`` it is late, by whole minutes rounded up
  (one second late is one minute late);
- after ``cutoff_at`` it is closed; with no cut-off it never closes;
- an extension replaces the due date and the cut-off for its student. An extension without a
  cut-off of its own keeps the assignment's late window: the cut-off moves with the due date.
  An extension never makes a deadline earlier: if the class's dates later move past it, the
  class's dates win, and an assignment without a cut-off stays without one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from courseware.models import Assignment, Extension

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_HOUR = 60


class DeadlineState(StrEnum):
    NOT_OPEN = "not_open"
    ON_TIME = "on_time"
    LATE = "late"
    CLOSED = "closed"


@dataclass(frozen=True)
class Deadline:
    """An assignment's dates as they apply to one student, and where ``now`` falls in them."""

    state: DeadlineState
    opens_at: datetime
    due_at: datetime
    cutoff_at: datetime | None
    extended: bool
    minutes_late: int

    @property
    def accepts_work(self) -> bool:
        """Work is accepted from opening until the cut-off (late work included)."""
        return self.state in (DeadlineState.ON_TIME, DeadlineState.LATE)

    @property
    def is_late(self) -> bool:
        return self.state == DeadlineState.LATE

    @property
    def is_closed(self) -> bool:
        return self.state == DeadlineState.CLOSED

    @property
    def is_open(self) -> bool:
        return self.state != DeadlineState.NOT_OPEN


def effective_dates(
    *, assignment: Assignment, extension: Extension | None
) -> tuple[datetime, datetime | None]:
    """The due date and cut-off that apply to a student, extension included."""
    if extension is None:
        return assignment.due_at, assignment.cutoff_at
    due_at = max(extension.due_at, assignment.due_at)
    if assignment.cutoff_at is None:
        return due_at, None
    if extension.cutoff_at is not None:
        cutoff_at = extension.cutoff_at
    else:
        cutoff_at = due_at + (assignment.cutoff_at - assignment.due_at)
    return due_at, max(cutoff_at, assignment.cutoff_at, due_at)


def deadline_for(*, assignment: Assignment, extension: Extension | None, now: datetime) -> Deadline:
    """Where ``now`` falls for this student: not open, on time, late (by how much) or closed."""
    due_at, cutoff_at = effective_dates(assignment=assignment, extension=extension)
    minutes_late = 0
    if now < assignment.opens_at:
        state = DeadlineState.NOT_OPEN
    elif now <= due_at:
        state = DeadlineState.ON_TIME
    elif cutoff_at is None or now <= cutoff_at:
        state = DeadlineState.LATE
        minutes_late = math.ceil((now - due_at) / timedelta(minutes=1))
    else:
        state = DeadlineState.CLOSED
        minutes_late = math.ceil((now - due_at) / timedelta(minutes=1))
    return Deadline(
        state=state,
        opens_at=assignment.opens_at,
        due_at=due_at,
        cutoff_at=cutoff_at,
        extended=extension is not None,
        minutes_late=minutes_late,
    )


def format_moment(value: datetime) -> str:
    """A moment as the whole site writes it, in the school's time zone: "Sun 22 Nov 2026,
    9:05 AM". Written directly: the queue formats thousands and Django's date filter is slow."""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    noon = "AM" if local.hour < 12 else "PM"
    return f"{local:%a} {local.day} {local:%b %Y}, {hour}:{local:%M} {noon}"


def late_penalty_percent(*, assignment: Assignment, minutes_late: int) -> Decimal:
    """The percentage taken off a mark for lateness.

    Work up to ``late_grace_minutes`` late costs nothing. Beyond that, each started unit
    (``late_penalty_unit``: a day or an hour, counted from the due time) costs
    ``late_penalty_percent_per_day``; the mark kept never falls below
    ``late_penalty_floor_percent``, so the penalty is capped at ``100 - floor``.
    """
    if minutes_late <= 0 or minutes_late <= assignment.late_grace_minutes:
        return Decimal(0)
    unit_minutes = MINUTES_PER_HOUR if assignment.late_penalty_unit == "hour" else MINUTES_PER_DAY
    units_late = math.ceil(minutes_late / unit_minutes)
    penalty = assignment.late_penalty_percent_per_day * units_late
    cap = Decimal(100) - assignment.late_penalty_floor_percent
    return max(Decimal(0), min(penalty, cap))
