"""Factories for source-analysis tasks, made through the services as teachers set them."""

from datetime import timedelta

from django.utils import timezone

from courseware.models import Assignment, Classroom, Reading, Scaffold
from courseware.services.analysis import analysis_task_set
from tests.factories.content import RubricFactory, reading_text
from tests.factories.teaching import course_reading

__all__ = ["analysis_assignment", "analysis_reading"]


def analysis_reading(classroom: Classroom, *, paragraphs: int = 6) -> Reading:
    """A reading of the class's course with ``paragraphs`` paragraphs."""
    return course_reading(classroom.course, text=reading_text(paragraphs))


def analysis_assignment(
    classroom: Classroom,
    *,
    reading: Reading | None = None,
    scaffold: str = Scaffold.OPCVL,
    rubric=None,
    by=None,
    **task,
) -> Assignment:
    """An OPCVL task (unless ``scaffold`` says) on a reading of the class's course, open since
    yesterday and due in a week."""
    now = timezone.now()
    dates = {
        "opens_at": task.pop("opens_at", now - timedelta(days=1)),
        "due_at": task.pop("due_at", now + timedelta(days=7)),
        "title": task.pop("title", ""),
    }
    return analysis_task_set(
        classroom=classroom,
        by=by,
        reading=reading or analysis_reading(classroom),
        scaffold=scaffold,
        rubric=rubric or RubricFactory(),
        assignment_fields={**dates, **task.pop("assignment_fields", {})},
        **task,
    )
