"""Grade passback (AGS): releasing a grade sends it to the LMS line item on the line item's own
scale and exactly; a changed grade is sent again; a failure is kept, shown and retried; the
tool's client assertion is signed with its current key, checked by the LMS against the JWKS."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import AssignmentKind, LtiAssignmentLink, LtiScorePost, ScorePostStatus
from courseware.services import integrations as services
from courseware.services.content import CriterionSpec, LevelSpec
from courseware.services.marking import grade_save
from tests.courseware.integrations.helpers import launch_placement, link_course
from tests.factories import (
    AssignmentFactory,
    EssayPromptFactory,
    RubricFactory,
    criterion_marks,
    graded,
    submitted_submission,
)


@pytest.fixture
def teacher(client, lms, school, platform):
    return link_course(client, platform, lms, school)


def _release(django_capture_on_commit_callbacks, submission, teacher, *, band: int):
    with django_capture_on_commit_callbacks(execute=True):
        return graded(submission, teacher, band=band, release=True)


def test_a_released_grade_goes_to_the_line_item_on_its_scale(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    lineitem = platform.add_lineitem(score_maximum=100)
    student = launch_placement(client, platform, lms, school, lms.assignment, lineitem=lineitem)
    submission = submitted_submission(lms.assignment, student)
    _release(django_capture_on_commit_callbacks, submission, teacher, band=1)  # 4 of 10
    [score] = platform.scores
    assert score["lineitem"] == lineitem
    assert score["userId"] == lms.student.sub
    assert (score["scoreGiven"], score["scoreMaximum"]) == (40, 100)
    assert score["gradingProgress"] == "FullyGraded"
    assert score["activityProgress"] == "Completed"
    post = LtiScorePost.objects.get(submission=submission)
    assert post.status == ScorePostStatus.POSTED
    assert (post.score_given, post.score_maximum) == ("40", "100")


def test_a_mark_that_is_not_exact_on_the_scale_is_sent_as_the_exact_fraction(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    rubric = RubricFactory(
        criteria=[
            CriterionSpec(
                title="Argument",
                levels=(LevelSpec("Strong", "d", 3), LevelSpec("Weak", "d", 1)),
            )
        ]
    )
    prompt = EssayPromptFactory(course=school.classroom.course, rubric=rubric, min_words=1)
    assignment = AssignmentFactory(
        classroom=school.classroom, kind=AssignmentKind.ESSAY, target=prompt
    )
    lineitem = platform.add_lineitem(score_maximum=100)
    student = launch_placement(client, platform, lms, school, assignment, lineitem=lineitem)
    submission = submitted_submission(assignment, student)
    _release(django_capture_on_commit_callbacks, submission, teacher, band=1)  # 1 of 3
    [score] = platform.scores
    # 33.333… of 100 would be rounded; 1 of 3 is exact, and the LMS scales it to its column.
    assert (score["scoreGiven"], score["scoreMaximum"]) == (1, 3)


def test_a_changed_grade_updates_the_lms(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    lineitem = platform.add_lineitem(score_maximum=20)
    student = launch_placement(client, platform, lms, school, lms.assignment, lineitem=lineitem)
    submission = submitted_submission(lms.assignment, student)
    _release(django_capture_on_commit_callbacks, submission, teacher, band=1)
    with django_capture_on_commit_callbacks(execute=True):
        grade_save(
            submission=submission,
            by=teacher,
            criteria=criterion_marks(lms.assignment.prompt.rubric, band=0),
            overall_comment="Re-marked.",
            now=timezone.now(),
        )
    assert [(s["scoreGiven"], s["scoreMaximum"]) for s in platform.scores] == [(8, 20), (20, 20)]
    assert LtiScorePost.objects.get(submission=submission).score_given == "20"


def test_without_a_line_item_from_the_launch_one_is_made_on_the_rubric_scale(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    student = launch_placement(client, platform, lms, school, lms.assignment, lineitem=None)
    submission = submitted_submission(lms.assignment, student)
    _release(django_capture_on_commit_callbacks, submission, teacher, band=0)
    [item] = platform.lineitems.values()
    assert item["scoreMaximum"] == 10
    assert item["resourceId"] == f"lectern-assignment-{lms.assignment.pk}"
    assert platform.scores[0]["scoreGiven"] == 10
    assert LtiAssignmentLink.objects.get(assignment=lms.assignment).lineitem_url == item["id"]


def test_a_failed_post_is_kept_shown_to_the_teacher_and_retried(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    lineitem = platform.add_lineitem(score_maximum=10)
    student = launch_placement(client, platform, lms, school, lms.assignment, lineitem=lineitem)
    submission = submitted_submission(lms.assignment, student)
    platform.fail_scores = 1
    _release(django_capture_on_commit_callbacks, submission, teacher, band=0)
    post = LtiScorePost.objects.get(submission=submission)
    assert post.status == ScorePostStatus.FAILED
    assert post.attempts == 1
    assert "503" in post.last_error
    assert platform.scores == []

    client.force_login(teacher)
    queue = client.get(reverse("courseware:marking-queue", args=[lms.assignment.pk]))
    assert b"could not be sent to the LMS gradebook" in queue.content
    page = client.get(reverse("courseware:lti-grade-passback", args=[lms.assignment.pk]))
    assert b"The LMS answered 503." in page.content

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("courseware:lti-grade-passback-retry", args=[lms.assignment.pk]))
    post.refresh_from_db()
    assert post.status == ScorePostStatus.POSTED
    assert platform.scores[0]["scoreGiven"] == 10


def test_the_schedule_sends_what_failed_and_sending_twice_sends_once(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    lineitem = platform.add_lineitem(score_maximum=10)
    student = launch_placement(client, platform, lms, school, lms.assignment, lineitem=lineitem)
    submission = submitted_submission(lms.assignment, student)
    platform.fail_scores = 1
    _release(django_capture_on_commit_callbacks, submission, teacher, band=0)
    assert services.lti_score_posts_send_due(now=timezone.now()) == 1
    assert services.lti_score_posts_send_due(now=timezone.now()) == 0
    post = LtiScorePost.objects.get(submission=submission)
    services.lti_score_post_send(post_id=post.pk, now=timezone.now())
    assert len(platform.scores) == 1


def test_a_student_without_an_lms_account_is_skipped_not_failed(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    lineitem = platform.add_lineitem(score_maximum=10)
    launch_placement(client, platform, lms, school, lms.assignment, lineitem=lineitem)
    submission = submitted_submission(lms.assignment, school.student)
    _release(django_capture_on_commit_callbacks, submission, teacher, band=0)
    post = LtiScorePost.objects.get(submission=submission)
    assert post.status == ScorePostStatus.SKIPPED
    assert platform.scores == []


def test_a_new_key_signs_and_the_old_stays_published_until_retired(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    old_kids = {key["kid"] for key in client.get("/lti/jwks/").json()["keys"]}
    new_key = services.key_rotate(now=timezone.now())
    jwks = client.get("/lti/jwks/").json()
    assert {key["kid"] for key in jwks["keys"]} == old_kids | {str(new_key)}
    lineitem = platform.add_lineitem(score_maximum=10)
    student = launch_placement(client, platform, lms, school, lms.assignment, lineitem=lineitem)
    submission = submitted_submission(lms.assignment, student)
    # The LMS still has the JWKS from before the rotation: the new key's assertion is refused.
    _release(django_capture_on_commit_callbacks, submission, teacher, band=0)
    post = LtiScorePost.objects.get(submission=submission)
    assert post.status == ScorePostStatus.FAILED
    assert "401" in post.last_error
    platform.tool_jwks = client.get("/lti/jwks/").json()
    services.lti_score_posts_send_due(now=timezone.now())
    post.refresh_from_db()
    assert post.status == ScorePostStatus.POSTED
    retired = services.keys_retire(older_than=timezone.now())
    assert retired == len(old_kids)
    assert [key["kid"] for key in client.get("/lti/jwks/").json()["keys"]] == [str(new_key)]


@pytest.mark.parametrize(
    ("final", "maximum", "scale", "sent"),
    [
        ("17", "20", "100", ("85", "100")),
        ("17", "23", "100", ("17", "23")),
        ("7.5", "10", "4", ("3", "4")),
        ("1", "3", "6", ("2", "6")),
        ("2.25", "9", None, ("2.25", "9")),
        ("0", "10", "100", ("0", "100")),
    ],
)
def test_score_on_scale_is_exact(final, maximum, scale, sent):
    given, top = services.score_on_scale(
        final_mark=Decimal(final),
        max_mark=Decimal(maximum),
        scale=Decimal(scale) if scale else None,
    )
    assert (given, top) == (Decimal(sent[0]), Decimal(sent[1]))


def test_an_lms_that_does_not_answer_in_time_is_a_failure_not_a_hang(
    client, lms, school, platform, teacher, settings, django_capture_on_commit_callbacks
):
    settings.LTI_HTTP_TIMEOUT = 1
    lineitem = platform.add_lineitem(score_maximum=10)
    student = launch_placement(client, platform, lms, school, lms.assignment, lineitem=lineitem)
    submission = submitted_submission(lms.assignment, student)
    platform.slow_scores = 2.0
    _release(django_capture_on_commit_callbacks, submission, teacher, band=0)
    post = LtiScorePost.objects.get(submission=submission)
    assert post.status == ScorePostStatus.FAILED
    assert "timed out" in post.last_error.lower()


def test_a_grade_re_released_after_a_resubmission_updates_the_lms(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    from courseware.services.marking import grade_release
    from courseware.services.submissions import submission_draft_save, submission_submit
    from tests.factories import essay_text

    lineitem = platform.add_lineitem(score_maximum=10)
    student = launch_placement(client, platform, lms, school, lms.assignment, lineitem=lineitem)
    submission = submitted_submission(lms.assignment, student)
    _release(django_capture_on_commit_callbacks, submission, teacher, band=1)
    with django_capture_on_commit_callbacks(execute=True):
        grade_release(submission=submission, by=teacher, now=timezone.now(), resubmission=True)
    submission.refresh_from_db()
    submission = submission_draft_save(
        submission=submission,
        text=essay_text(40, marker="revised"),
        revision=submission.revision,
        by=student,
        now=timezone.now(),
    )
    submission_submit(
        submission=submission,
        revision=submission.revision,
        honesty_declared=True,
        by=student,
        now=timezone.now(),
    )
    submission.refresh_from_db()
    _release(django_capture_on_commit_callbacks, submission, teacher, band=0)
    assert [(s["scoreGiven"], s["scoreMaximum"]) for s in platform.scores] == [(4, 10), (10, 10)]
