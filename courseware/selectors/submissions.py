"""Reads for essay submissions: who may see which, and the joins each page needs.

A submission is visible to its student, the teachers of its class and school admins
(``permissions.can_view_submission``); anyone else gets a 404, the same as for a missing one.
Every page's query count is decided here and does not grow with the number of versions,
readings or citations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.permissions import is_school_admin
from courseware import permissions
from courseware.models import (
    Assignment,
    AssignmentKind,
    EssayPrompt,
    Extension,
    Membership,
    MembershipRole,
    Paragraph,
    Reading,
    Submission,
    SubmissionVersion,
    UnitReading,
)
from courseware.selectors.indexed import in_subquery
from courseware.timing import Deadline, deadline_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def _get_or_404(queryset: QuerySet, **lookup):
    """The one object matching, or a 404 that says nothing about why: a missing object and a
    forbidden one must look the same."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise Http404
    return found


_SUBMISSION_JOINS = (
    "student",
    "assignment__classroom__course",
    "assignment__prompt",
)


def citable_readings(*, assignment: Assignment) -> QuerySet[Reading]:
    """Readings an essay for this assignment may cite: the prompt's readings and those set for
    the units of the class's course (what a student of the class may open)."""
    prompt_readings = EssayPrompt.readings.through.objects.filter(
        essayprompt_id=assignment.prompt_id
    ).values("reading_id")
    unit_readings = UnitReading.objects.filter(
        unit__course_id=assignment.classroom.course_id
    ).values("reading_id")
    return Reading.objects.filter(Q(pk__in=prompt_readings) | Q(pk__in=unit_readings))


def essay_assignment_get_for_student(
    *, user: User | AnonymousUser, pk: int, now: datetime
) -> Assignment:
    """An essay assignment the user writes as a student of its class: live and open; 404 for
    anything else, missing or not theirs alike."""
    assignment = _get_or_404(
        Assignment.objects.select_related("classroom__course", "prompt").filter(
            kind=AssignmentKind.ESSAY, withdrawn_at__isnull=True, opens_at__lte=now
        ),
        pk=pk,
    )
    if not permissions.can_write_essay(user, assignment):
        raise Http404
    return assignment


def submission_of(*, assignment: Assignment, student: User) -> Submission | None:
    """The student's submission for the assignment, if they have started one."""
    return (
        Submission.objects.select_related(*_SUBMISSION_JOINS)
        .filter(assignment=assignment, student=student)
        .first()
    )


def submission_get_for(*, user: User | AnonymousUser, pk: int) -> Submission:
    """A submission the user may see; 404 when missing or not theirs alike."""
    if not user.is_authenticated:
        raise Http404
    submission = _get_or_404(Submission.objects.select_related(*_SUBMISSION_JOINS), pk=pk)
    if not permissions.can_view_submission(user, submission):
        raise Http404
    return submission


def submissions_for_user(*, user: User | AnonymousUser) -> QuerySet[Submission]:
    """Every submission the user may see, by the rule ``permissions.can_view_submission``
    applies to one: their own, every one in a class they teach, every one for a school admin.
    Drafts' texts are left out: a list never shows them."""
    if not (user.is_authenticated and user.is_active):
        return Submission.objects.none()
    submissions = (
        Submission.objects.select_related(*_SUBMISSION_JOINS)
        .defer("draft_text")
        .order_by("assignment", "student")
    )
    if is_school_admin(user):
        return submissions
    taught = Membership.objects.filter(user=user, role=MembershipRole.TEACHER)
    # Both sides on submission's own indexed columns (student_id, assignment_id), so PostgreSQL
    # combines two index scans instead of reading every submission.
    taught_assignments = Assignment.objects.filter(
        classroom__in=taught.values("classroom_id")
    ).values("pk")
    return submissions.filter(Q(student=user) | in_subquery("assignment_id", taught_assignments))


def submission_versions(*, submission: Submission) -> list[SubmissionVersion]:
    """A submission's versions, newest first, without their texts (one query)."""
    return list(submission.versions.defer("text").order_by("-number"))


def submission_version_get(*, submission: Submission, number: int) -> SubmissionVersion:
    """One version of a submission the user may already see; 404 if it has no such version."""
    return _get_or_404(SubmissionVersion.objects, submission=submission, number=number)


def student_extension(*, assignment: Assignment, student: User) -> Extension | None:
    return Extension.objects.filter(assignment=assignment, student=student).first()


def essay_deadline(*, assignment: Assignment, student: User, now: datetime) -> Deadline:
    """The assignment's dates as they apply to the student, extension included."""
    extension = student_extension(assignment=assignment, student=student)
    return deadline_for(assignment=assignment, extension=extension, now=now)


@dataclass
class EditorPage:
    """Everything the essay editor shows, in a fixed number of queries."""

    submission: Submission
    assignment: Assignment
    prompt: EssayPrompt
    deadline: Deadline
    readings: list[Reading]
    versions: list[SubmissionVersion]
    editable: bool


def editor_page(*, submission: Submission, now: datetime) -> EditorPage:
    """The editor for a submission: the prompt, the student's dates, the prompt's readings
    (for the side panel) and the versions handed in so far."""
    assignment = submission.assignment
    readings = list(
        assignment.prompt.readings.only("slug", "title", "author", "kind").order_by("title")
    )
    return EditorPage(
        submission=submission,
        assignment=assignment,
        prompt=assignment.prompt,
        deadline=essay_deadline(assignment=assignment, student=submission.student, now=now),
        readings=readings,
        versions=submission_versions(submission=submission),
        editable=submission.is_editable,
    )


def reading_for_citing(*, submission: Submission, slug: str) -> tuple[Reading, list[Paragraph]]:
    """A reading the essay may cite, with its paragraphs in order (two queries); 404 for a
    reading it may not cite."""
    reading = _get_or_404(
        citable_readings(assignment=submission.assignment).only(
            "slug", "title", "author", "citation"
        ),
        slug=slug,
    )
    paragraphs = list(
        reading.paragraphs.only("number", "text", "page", "kind", "reading_id").order_by("number")
    )
    return reading, paragraphs
