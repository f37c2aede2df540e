"""Factories for essay submissions, made through the submission services as students make them."""

from django.utils import timezone

from courseware.models import Assignment, AssignmentKind, Classroom, Submission
from courseware.services.submissions import (
    submission_draft_save,
    submission_start,
    submission_submit,
)
from tests.factories.content import EssayPromptFactory
from tests.factories.teaching import AssignmentFactory

__all__ = ["essay_assignment", "essay_text", "submission_for", "submitted_submission"]


def essay_text(words: int, *, marker: str = "") -> str:
    """An essay of exactly ``words`` words (the marker counts as one), in paragraphs of 50."""
    body = [marker] if marker else []
    body += [f"word{n}" for n in range(words - len(body))]
    paragraphs = [" ".join(body[i : i + 50]) for i in range(0, len(body), 50)]
    return "\n\n".join(paragraphs)


def essay_assignment(
    classroom: Classroom,
    *,
    min_words: int = 10,
    max_words: int = 200,
    readings=(),
    **fields,
) -> Assignment:
    """An essay assignment of the class on a new prompt of its course with these word limits
    (open since yesterday and due in a week unless ``fields`` say otherwise)."""
    prompt = EssayPromptFactory(
        course=classroom.course,
        min_words=min_words,
        max_words=max_words,
        readings=list(readings),
    )
    return AssignmentFactory(
        classroom=classroom, kind=AssignmentKind.ESSAY, target=prompt, **fields
    )


def submission_for(assignment: Assignment, student, *, text: str = "") -> Submission:
    """The student's submission, with ``text`` saved as its draft if given."""
    now = timezone.now()
    submission = submission_start(assignment=assignment, student=student, now=now)
    if text:
        submission = submission_draft_save(
            submission=submission, text=text, revision=submission.revision, by=student, now=now
        )
    return submission


def submitted_submission(
    assignment: Assignment, student, *, text: str | None = None, at=None
) -> Submission:
    """The student's submission handed in once (at ``at``, now by default)."""
    words = max(assignment.prompt.min_words, 1)
    submission = submission_for(assignment, student, text=text or essay_text(words))
    submission_submit(
        submission=submission,
        revision=submission.revision,
        honesty_declared=True,
        by=student,
        now=at or timezone.now(),
    )
    submission.refresh_from_db()
    return submission
