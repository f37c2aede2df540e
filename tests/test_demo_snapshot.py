"""The tests' kept copy of the demo school gives back exactly the rows the seed made."""

import pytest
from django.db import transaction

from courseware.models import ReportStatus, Submission
from tests import demo_snapshot

pytestmark = pytest.mark.django_db


def _everything() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in demo_snapshot._tables()
    }


def _seed_then_undo(**kwargs) -> dict[str, list[dict]]:
    with transaction.atomic():
        logins = demo_snapshot.seeded_demo(**kwargs)
        rows = _everything()
        transaction.set_rollback(True)
    return logins, rows


def test_a_restored_demo_school_has_the_seeds_rows_and_logins(monkeypatch):
    monkeypatch.setattr(demo_snapshot, "_kept", {})
    seeded_logins, seeded = _seed_then_undo()
    assert demo_snapshot._kept, "the first seed of the process is kept"
    assert Submission.objects.count() == 0  # rolled back: the next call restores

    restored_logins, restored = _seed_then_undo()

    assert restored_logins == seeded_logins
    assert restored == seeded
    assert sum(map(len, seeded.values())) > 1000
    # The originality checks the hand-ins queued ran before the rows were kept.
    assert seeded["courseware.OriginalityReport"]
    assert {row["status"] for row in seeded["courseware.OriginalityReport"]} == {ReportStatus.DONE}


def test_a_database_that_is_not_empty_is_seeded_for_real(monkeypatch, school):
    monkeypatch.setattr(demo_snapshot, "_kept", {})
    demo_snapshot.seeded_demo(with_work=False)
    assert demo_snapshot._kept == {}
    assert Submission.objects.filter(assignment__classroom=school.classroom).count() == 0
