"""Due, late and closed at the exact boundaries, with and without an extension."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from courseware.models import Assignment, Extension
from courseware.timing import DeadlineState, deadline_for, effective_dates, late_penalty_percent

OPENS = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DUE = datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
CUTOFF = DUE + timedelta(days=2)
SECOND = timedelta(seconds=1)


def _assignment(**dates) -> Assignment:
    return Assignment(**{"opens_at": OPENS, "due_at": DUE, "cutoff_at": CUTOFF, **dates})


@pytest.mark.parametrize(
    ("now", "state", "minutes_late"),
    [
        (OPENS - SECOND, DeadlineState.NOT_OPEN, 0),
        (OPENS, DeadlineState.ON_TIME, 0),
        (DUE - SECOND, DeadlineState.ON_TIME, 0),
        (DUE, DeadlineState.ON_TIME, 0),
        (DUE + SECOND, DeadlineState.LATE, 1),
        (DUE + timedelta(minutes=90), DeadlineState.LATE, 90),
        (DUE + timedelta(minutes=90, seconds=1), DeadlineState.LATE, 91),
        (CUTOFF, DeadlineState.LATE, 2 * 24 * 60),
        (CUTOFF + SECOND, DeadlineState.CLOSED, 2 * 24 * 60 + 1),
    ],
    ids=[
        "before-opening",
        "at-opening",
        "just-before-due",
        "exactly-at-due",
        "one-second-after-due",
        "ninety-minutes-late",
        "a-second-into-the-91st-minute",
        "exactly-at-cutoff",
        "one-second-after-cutoff",
    ],
)
def test_where_a_moment_falls_against_the_dates(now, state, minutes_late):
    deadline = deadline_for(assignment=_assignment(), extension=None, now=now)
    assert deadline.state == state
    assert deadline.minutes_late == minutes_late
    assert deadline.accepts_work == (state in {DeadlineState.ON_TIME, DeadlineState.LATE})


def test_without_a_cutoff_late_work_is_accepted_for_ever():
    deadline = deadline_for(
        assignment=_assignment(cutoff_at=None), extension=None, now=DUE + timedelta(days=400)
    )
    assert deadline.state == DeadlineState.LATE
    assert deadline.accepts_work


def test_an_extension_replaces_due_and_cutoff_for_its_student():
    extension = Extension(due_at=DUE + timedelta(days=3), cutoff_at=DUE + timedelta(days=4))
    assignment = _assignment()
    at_new_due = deadline_for(assignment=assignment, extension=extension, now=extension.due_at)
    assert at_new_due.state == DeadlineState.ON_TIME
    assert at_new_due.extended
    after_new_due = deadline_for(
        assignment=assignment, extension=extension, now=extension.due_at + SECOND
    )
    assert (after_new_due.state, after_new_due.minutes_late) == (DeadlineState.LATE, 1)
    at_new_cutoff = deadline_for(
        assignment=assignment, extension=extension, now=extension.cutoff_at
    )
    assert at_new_cutoff.state == DeadlineState.LATE
    after = deadline_for(
        assignment=assignment, extension=extension, now=extension.cutoff_at + SECOND
    )
    assert after.state == DeadlineState.CLOSED


def test_after_the_class_cutoff_a_student_with_an_extension_is_still_on_time():
    extension = Extension(due_at=DUE + timedelta(days=5), cutoff_at=None)
    deadline = deadline_for(assignment=_assignment(), extension=extension, now=CUTOFF + SECOND)
    assert deadline.state == DeadlineState.ON_TIME


def test_an_extension_without_its_own_cutoff_keeps_the_late_window():
    extension = Extension(due_at=DUE + timedelta(days=5), cutoff_at=None)
    due, cutoff = effective_dates(assignment=_assignment(), extension=extension)
    assert due == extension.due_at
    assert cutoff - due == CUTOFF - DUE


def test_an_extension_never_makes_the_dates_earlier():
    # The class's dates moved later after the extension was granted.
    assignment = _assignment(due_at=DUE + timedelta(days=10), cutoff_at=DUE + timedelta(days=12))
    extension = Extension(due_at=DUE + timedelta(days=3), cutoff_at=DUE + timedelta(days=4))
    assert effective_dates(assignment=assignment, extension=extension) == (
        assignment.due_at,
        assignment.cutoff_at,
    )


def test_an_extension_does_not_close_work_that_never_closes():
    extension = Extension(due_at=DUE + timedelta(days=3), cutoff_at=DUE + timedelta(days=4))
    _due, cutoff = effective_dates(assignment=_assignment(cutoff_at=None), extension=extension)
    assert cutoff is None


@pytest.mark.parametrize(
    ("minutes_late", "penalty"),
    [
        (0, Decimal(0)),
        (1, Decimal(10)),  # a started day counts
        (24 * 60, Decimal(10)),
        (24 * 60 + 1, Decimal(20)),
        (3 * 24 * 60, Decimal(30)),
        (10 * 24 * 60, Decimal(60)),  # never more than 100 - floor
    ],
)
def test_late_penalty_is_per_started_day_down_to_the_floor(minutes_late, penalty):
    assignment = _assignment(
        late_penalty_percent_per_day=Decimal(10), late_penalty_floor_percent=Decimal(40)
    )
    assert late_penalty_percent(assignment=assignment, minutes_late=minutes_late) == penalty


@pytest.mark.parametrize(
    ("unit", "grace", "minutes_late", "penalty"),
    [
        ("day", 0, 8, Decimal(10)),  # eight minutes late is a started day
        ("day", 15, 8, Decimal(0)),  # within the grace period
        ("day", 15, 15, Decimal(0)),
        ("day", 15, 16, Decimal(10)),  # past the grace: counted from the due time
        ("hour", 0, 8, Decimal(10)),
        ("hour", 0, 60, Decimal(10)),
        ("hour", 0, 61, Decimal(20)),
        ("hour", 10, 130, Decimal(30)),  # three started hours
        ("hour", 0, 24 * 60, Decimal(60)),  # still never more than 100 - floor
    ],
)
def test_late_penalty_honours_the_grace_period_and_the_teachers_unit(
    unit, grace, minutes_late, penalty
):
    assignment = _assignment(
        late_penalty_percent_per_day=Decimal(10),
        late_penalty_floor_percent=Decimal(40),
        late_penalty_unit=unit,
        late_grace_minutes=grace,
    )
    assert late_penalty_percent(assignment=assignment, minutes_late=minutes_late) == penalty
