"""Grade passback (AGS): queueing a released grade or a quiz score for the LMS and sending it."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import requests
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from lti_tool.models import (
    LtiRegistration,
    LtiUser,
)
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade as LtiGrade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector

from accounts.models import User
from courseware import lti, permissions
from courseware.models import (
    Assignment,
    AssignmentKind,
    LtiAssignmentLink,
    LtiScorePost,
    QuizAttempt,
    ScorePostStatus,
    Submission,
)

logger = logging.getLogger(__name__)


RESOURCE_ID = "lectern-assignment-{pk}"
LINEITEM_TAG = "lectern"


class ScorePostFailed(Exception):
    """A grade cannot be sent to the LMS as it is; the passback is recorded as failed."""


# --- Grade passback (AGS) ------------------------------------------------------------------------


def lti_score_post_queue(*, submission: Submission, now: datetime) -> list[LtiScorePost]:
    """Ask for the submission's grade to be sent to every LMS placement of its assignment, in the
    caller's transaction; the sending happens once that commits."""
    return _queue(
        assignment_id=submission.assignment_id,
        student_id=submission.student_id,
        submission=submission,
        now=now,
    )


def lti_quiz_score_post_queue(
    *, assignment: Assignment, student: User, now: datetime
) -> list[LtiScorePost]:
    """Ask for the student's quiz score (their best submitted attempt, read when it is sent) to be
    sent to every LMS placement of the quiz, in the caller's transaction."""
    return _queue(assignment_id=assignment.pk, student_id=student.pk, submission=None, now=now)


def _queue(
    *, assignment_id: int, student_id: int, submission: Submission | None, now: datetime
) -> list[LtiScorePost]:
    posts = []
    for link in LtiAssignmentLink.objects.filter(assignment_id=assignment_id):
        post, _created = LtiScorePost.objects.update_or_create(
            link=link,
            student_id=student_id,
            defaults={
                "submission": submission,
                "status": ScorePostStatus.PENDING,
                "requested_at": now,
                "attempts": 0,
            },
        )
        posts.append(post)
        transaction.on_commit(lambda pk=post.pk: _enqueue(pk))
    return posts


def _enqueue(post_id: int) -> None:
    from courseware.tasks import lti_score_post  # tasks import this module

    try:
        lti_score_post.delay(post_id)
    except Exception:
        logger.exception("Grade passback %s not queued; the schedule will send it", post_id)


def score_on_scale(
    *, final_mark: Decimal, max_mark: Decimal, scale: Decimal | None
) -> tuple[Decimal, Decimal]:
    """(scoreGiven, scoreMaximum) for a mark out of ``max_mark`` on a line item out of ``scale``.

    The mark goes on the line item's own scale when that is exact (17 of 20 on a 100 scale is 85
    of 100); when it is not (17 of 23 on 100 is 73.913…), the exact fraction is sent as the mark
    and its maximum (the rubric's or the quiz's), which the LMS scales itself, rather than a
    rounded number.
    """
    if scale and scale > 0:
        scaled = Fraction(final_mark) * Fraction(scale) / Fraction(max_mark)
        denominator = scaled.denominator
        for prime in (2, 5):
            while denominator % prime == 0:
                denominator //= prime
        if denominator == 1:
            exact = Decimal(scaled.numerator) / Decimal(scaled.denominator)
            if exact == Fraction(exact) == scaled:
                return exact.normalize(), Decimal(scale).normalize()
    return final_mark.normalize(), max_mark.normalize()


def _json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number without changing its value (integral ones stay integers)."""
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    if Decimal(repr(number)) != value:
        raise ScorePostFailed(f"{value} cannot be sent exactly")
    return number


def _connector(registration: LtiRegistration) -> ServiceConnector:
    return ServiceConnector(lti.registration_for(registration), requests_session=lti.http_session())


def _lineitem(*, link: LtiAssignmentLink, ags: AssignmentsGradesService, max_marks: Decimal):
    if link.lineitem_url:
        return ags.get_lineitem(link.lineitem_url)
    assignment = link.assignment
    lineitem = ags.find_or_create_lineitem(
        LineItem()
        .set_label(assignment.title)
        .set_score_maximum(float(max_marks))
        .set_resource_id(RESOURCE_ID.format(pk=assignment.pk))
        .set_resource_link_id(link.resource_link.id_on_platform)
        .set_tag(LINEITEM_TAG),
        find_by="resource_id",
    )
    LtiAssignmentLink.objects.filter(pk=link.pk).update(lineitem_url=lineitem.get_id())
    return lineitem


def _score(post: LtiScorePost) -> tuple[Decimal, Decimal] | str:
    """The mark to send and what it is out of, as they are now, or why there is none.

    An essay or a source analysis sends its released grade; a quiz its best submitted attempt
    (the highest score, the earliest of equal ones), as the gradebook shows it, so a worse later
    attempt never lowers what the LMS has.
    """
    if post.link.assignment.kind == AssignmentKind.QUIZ:
        best = (
            QuizAttempt.objects.filter(
                assignment_id=post.link.assignment_id,
                student_id=post.student_id,
                submitted_at__isnull=False,
            )
            .order_by("-score", "number")
            .first()
        )
        if best is None:
            return _("No attempt at the quiz has been handed in.")
        if not best.max_score:
            return _("The quiz is worth no points.")
        return Decimal(best.score or 0), Decimal(best.max_score)
    grade = getattr(post.submission, "grade", None)
    if grade is None or grade.released_at is None or not grade.max_mark:
        return _("The grade is not released.")
    return grade.final_mark, grade.max_mark


@transaction.atomic
def lti_score_post_send(*, post_id: int, now: datetime, force: bool = False) -> LtiScorePost | None:
    """Send one score to the LMS as it is now. A failure is recorded on the row, which the
    teacher sees and the task retries (its status is ``FAILED``)."""
    post = (
        LtiScorePost.objects.select_for_update(of=("self",))
        .select_related(
            "submission__grade",
            "link__assignment",
            "link__resource_link__context__deployment__registration",
        )
        .filter(pk=post_id)
        .first()
    )
    if post is None or (
        not force and post.status in (ScorePostStatus.POSTED, ScorePostStatus.SKIPPED)
    ):
        return post
    score = _score(post)
    context = post.link.resource_link.context
    registration = context.deployment.registration
    lti_user = (
        LtiUser.objects.filter(registration=registration, auth_user=post.student_id)
        .order_by("pk")
        .first()
    )
    if isinstance(score, str):
        return _finish(post, ScorePostStatus.SKIPPED, score)
    if lti_user is None:
        return _finish(post, ScorePostStatus.SKIPPED, _("The student has no account in this LMS."))
    mark, out_of = score
    try:
        if not context.lineitems_url and not post.link.lineitem_url:
            raise ScorePostFailed(_("The LMS gave no gradebook (AGS) endpoint for this course."))
        ags = AssignmentsGradesService(
            _connector(registration),
            {
                "scope": lti.AGS_SCOPES,
                "lineitems": context.lineitems_url,
                "lineitem": post.link.lineitem_url,
            },
        )
        lineitem = _lineitem(link=post.link, ags=ags, max_marks=out_of)
        scale = lineitem.get_score_maximum()
        given, maximum = score_on_scale(
            final_mark=mark, max_mark=out_of, scale=Decimal(str(scale)) if scale else None
        )
        score = (
            LtiGrade()
            .set_score_given(_json_number(given))
            .set_score_maximum(_json_number(maximum))
            .set_timestamp(now.isoformat())
            .set_activity_progress("Completed")
            .set_grading_progress("FullyGraded")
            .set_user_id(lti_user.sub)
        )
        ags.put_grade(score, lineitem)
    except (LtiException, LtiServiceException, requests.RequestException, ScorePostFailed) as err:
        post.status = ScorePostStatus.FAILED
        post.attempts += 1
        post.last_error = _describe(err)[:1000]
        post.save(update_fields=["status", "attempts", "last_error"])
        logger.warning("Grade passback %s failed: %s", post.pk, post.last_error)
        return post
    post.score_given = format(given, "f")
    post.score_maximum = format(maximum, "f")
    post.posted_at = now
    return _finish(post, ScorePostStatus.POSTED, "")


def _describe(error: Exception) -> str:
    response = getattr(error, "response", None)
    if response is not None and hasattr(response, "status_code"):
        return _("The LMS answered %(status)s.") % {"status": response.status_code}
    return str(error) or error.__class__.__name__


def _finish(post: LtiScorePost, status: str, message: str) -> LtiScorePost:
    post.status = status
    post.last_error = message
    post.attempts += 1
    post.save()
    return post


def lti_score_posts_send_due(*, now: datetime) -> int:
    """Send every pending or failed score (the schedule's sweep); returns how many went."""
    sent = 0
    ids = LtiScorePost.objects.filter(
        status__in=[ScorePostStatus.PENDING, ScorePostStatus.FAILED]
    ).values_list("pk", flat=True)
    for post_id in list(ids):
        post = lti_score_post_send(post_id=post_id, now=now)
        sent += post is not None and post.status == ScorePostStatus.POSTED
    return sent


@transaction.atomic
def lti_score_posts_retry(*, assignment: Assignment, by: User, now: datetime) -> int:
    """A marker sends the assignment's failed scores again now."""
    if not permissions.can_view_grade_passback(by, assignment.classroom):
        raise PermissionDenied
    posts = list(
        LtiScorePost.objects.filter(
            link__assignment=assignment,
            status__in=[ScorePostStatus.FAILED, ScorePostStatus.PENDING],
        )
    )
    for post in posts:
        post.status = ScorePostStatus.PENDING
        post.save(update_fields=["status"])
        transaction.on_commit(lambda pk=post.pk: _enqueue(pk))
    return len(posts)
