"""Factories for marking, made through the marking services as teachers mark."""

from django.utils import timezone

from courseware.models import Criterion, Grade, Rubric, Submission
from courseware.services.marking import CriterionMark, grade_release, grade_save

__all__ = ["criterion_marks", "graded", "rubric_criteria"]


def rubric_criteria(rubric: Rubric) -> list[Criterion]:
    """A rubric's criteria in order, each with its levels highest first in ``levels_top``."""
    criteria = list(rubric.criteria.prefetch_related("levels").order_by("order"))
    for criterion in criteria:
        criterion.levels_top = sorted(criterion.levels.all(), key=lambda lv: -lv.marks)
    return criteria


def criterion_marks(rubric: Rubric, *, band: int = 0, comment: str = "") -> list[CriterionMark]:
    """Every criterion at the ``band``-th level from the top (0 is the highest)."""
    return [
        CriterionMark(
            criterion_id=c.pk,
            level_id=c.levels_top[min(band, len(c.levels_top) - 1)].pk,
            comment=comment,
        )
        for c in rubric_criteria(rubric)
    ]


def graded(
    submission: Submission,
    by,
    *,
    band: int = 0,
    ready: bool = True,
    release: bool = False,
    overall_comment: str = "Well argued.",
    now=None,
) -> Grade:
    """The submission marked at ``band`` on every criterion, ready (and released) as asked."""
    now = now or timezone.now()
    rubric = submission.assignment.prompt.rubric
    grade = grade_save(
        submission=submission,
        by=by,
        criteria=criterion_marks(rubric, band=band),
        overall_comment=overall_comment,
        ready=ready,
        now=now,
    )
    if release:
        grade = grade_release(submission=submission, by=by, now=now)
    grade.refresh_from_db()
    return grade
