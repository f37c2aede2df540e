"""An essay handed in by the school's student, ready to be marked by the class's teacher."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courseware.models import Assignment, Submission
from tests.factories import essay_assignment, essay_text, submitted_submission


@dataclass
class Essay:
    assignment: Assignment
    submission: Submission


def late_essay_assignment(classroom, *, late_by: timedelta, **fields) -> Assignment:
    """An essay assignment whose due date was ``late_by`` ago (so work handed in now is that
    late), penalised 10% a day down to half the mark unless ``fields`` say otherwise."""
    now = timezone.now()
    return essay_assignment(
        classroom,
        opens_at=now - late_by - timedelta(days=5),
        due_at=now - late_by,
        late_penalty_percent_per_day=fields.pop("per_day", Decimal(10)),
        late_penalty_floor_percent=fields.pop("floor", Decimal(50)),
        **fields,
    )


def make_essay(school) -> Essay:
    """An essay set in the school's class and handed in by its student."""
    assignment = essay_assignment(school.classroom, min_words=10, max_words=400)
    submission = submitted_submission(
        assignment, school.student, text=essay_text(60, marker="Trotsky")
    )
    return Essay(assignment=assignment, submission=submission)


@pytest.fixture
def essay(school) -> Essay:
    return make_essay(school)
