"""The demo classes get a reading, an essay and a quiz, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courseware.demo import demo_seed
from courseware.demo_teaching import demo_assignments_seed
from courseware.models import Assignment, AssignmentKind, Classroom, Reading
from tests.conftest import shared_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker):
    """The demo school without the students' work, whose essay is already past due."""
    yield from shared_data(django_db_blocker, lambda: demo_seed(with_work=False))


def test_each_demo_class_gets_one_piece_of_work_of_each_kind(demo):
    for classroom in Classroom.objects.all():
        kinds = sorted(classroom.assignments.values_list("kind", flat=True))
        # Source-analysis tasks are not part of the demo's seeded work.
        seeded = [kind for kind in AssignmentKind.values if kind != AssignmentKind.ANALYSIS]
        assert kinds == sorted(seeded), classroom
    reading = Assignment.objects.filter(kind=AssignmentKind.READING).first()
    assert reading.reading.slug == "cliff-lessons-of-october"
    assert reading.created_by is not None


def test_seeding_again_later_changes_no_dates(demo):
    before = list(Assignment.objects.order_by("pk").values())
    assert demo_assignments_seed(now=timezone.now() + timedelta(days=30)) == []
    demo_seed(with_work=False)
    assert list(Assignment.objects.order_by("pk").values()) == before


def test_a_kind_whose_content_is_missing_is_skipped(demo, monkeypatch):
    Assignment.objects.filter(kind=AssignmentKind.READING).delete()
    monkeypatch.setattr(
        "courseware.demo_teaching.assignable_readings", lambda course: Reading.objects.none()
    )
    assert demo_assignments_seed() == []
    assert not Assignment.objects.filter(kind=AssignmentKind.READING).exists()
