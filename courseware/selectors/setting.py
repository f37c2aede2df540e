"""Reads for setting work: a class's draft assignments, and extra quiz attempts granted."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from courseware.models import AssignmentDraft, Classroom


def drafts_for_classroom(*, classroom: Classroom) -> QuerySet[AssignmentDraft]:
    """A class's draft assignments, last changed first, for its teachers."""
    return (
        AssignmentDraft.objects.filter(classroom=classroom)
        .select_related("prompt", "rubric")
        .prefetch_related("readings")
    )


def draft_get(*, classroom: Classroom, pk: int) -> AssignmentDraft:
    """A draft of this class (404 for another class's): who may see it is the caller's check."""
    return get_object_or_404(
        AssignmentDraft.objects.select_related("classroom__course", "prompt", "rubric"),
        classroom=classroom,
        pk=pk,
    )
