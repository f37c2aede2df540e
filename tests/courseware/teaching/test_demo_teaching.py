"""The demo classes get a reading, two essays (one open, one past due) and a quiz, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courseware.demo import demo_seed
from courseware.demo_teaching import demo_assignments_seed
from courseware.models import Assignment, AssignmentKind, Classroom, Reading

pytestmark = pytest.mark.django_db


def test_each_demo_class_gets_work_of_each_kind_and_an_essay_past_due():
    demo_seed()
    now = timezone.now()
    for classroom in Classroom.objects.all():
        kinds = sorted(classroom.assignments.values_list("kind", flat=True))
        assert kinds == sorted([*AssignmentKind.values, AssignmentKind.ESSAY]), classroom
        essays = classroom.assignments.filter(kind=AssignmentKind.ESSAY)
        assert essays.filter(due_at__lt=now, cutoff_at__gt=now).count() == 1
        assert essays.filter(due_at__gt=now).count() == 1
    reading = Assignment.objects.filter(kind=AssignmentKind.READING).first()
    assert reading.reading.slug == "cliff-lessons-of-october"
    assert reading.created_by is not None


def test_seeding_again_later_changes_no_dates():
    demo_seed()
    before = list(Assignment.objects.order_by("pk").values())
    assert demo_assignments_seed(now=timezone.now() + timedelta(days=30)) == []
    demo_seed()
    assert list(Assignment.objects.order_by("pk").values()) == before


def test_a_kind_whose_content_is_missing_is_skipped(monkeypatch):
    demo_seed()
    Assignment.objects.filter(kind=AssignmentKind.READING).delete()
    monkeypatch.setattr(
        "courseware.demo_teaching.assignable_readings", lambda course: Reading.objects.none()
    )
    assert demo_assignments_seed() == []
    assert not Assignment.objects.filter(kind=AssignmentKind.READING).exists()
