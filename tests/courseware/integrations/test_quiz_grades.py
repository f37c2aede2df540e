"""Quiz scores to the LMS (AGS): handing in an attempt sends the student's best submitted attempt
to the placement's line item, on the line item's scale and exactly; a worse later attempt never
lowers it; a failure is kept, shown to the teacher and retried."""

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import AssignmentKind, LtiAssignmentLink, LtiScorePost, ScorePostStatus
from courseware.services import integrations as services
from courseware.services.teaching import quiz_attempt_start, quiz_attempt_submit
from tests.courseware.integrations.helpers import launch_placement, link_course
from tests.factories import AssignmentFactory, course_quiz, submitted_submission


@pytest.fixture
def teacher(client, lms, school, platform):
    return link_course(client, platform, lms, school)


def _quiz(school, *, questions: int = 4, max_attempts: int = 3):
    return AssignmentFactory(
        classroom=school.classroom,
        kind=AssignmentKind.QUIZ,
        target=course_quiz(school.classroom.course, questions=questions),
        max_attempts=max_attempts,
    )


def _hand_in(capture, quiz, student, *, right: int):
    """The student takes the quiz, answering its first ``right`` questions correctly, and hands
    it in; what is queued on commit runs."""
    answers = {}
    for n, question in enumerate(quiz.quiz.questions.order_by("order", "pk")):
        choice = question.choices.filter(is_correct=n < right).first()
        answers[question.pk] = choice.pk
    with capture(execute=True):
        attempt = quiz_attempt_start(assignment=quiz, student=student, now=timezone.now())
        attempt = quiz_attempt_submit(attempt=attempt, answers=answers, now=timezone.now())
    assert attempt.score == right
    return attempt


def _sent(platform) -> list[tuple]:
    return [(s["scoreGiven"], s["scoreMaximum"]) for s in platform.scores]


def test_a_handed_in_attempt_goes_to_the_line_item_on_its_scale(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    quiz = _quiz(school)
    lineitem = platform.add_lineitem(score_maximum=100, label="Quiz")
    student = launch_placement(client, platform, lms, school, quiz, lineitem=lineitem)
    _hand_in(django_capture_on_commit_callbacks, quiz, student, right=3)  # 3 of 4
    [score] = platform.scores
    assert score["lineitem"] == lineitem
    assert score["userId"] == lms.student.sub
    assert (score["scoreGiven"], score["scoreMaximum"]) == (75, 100)
    assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
    post = LtiScorePost.objects.get(link__assignment=quiz)
    assert (post.student, post.submission) == (student, None)
    assert post.status == ScorePostStatus.POSTED
    assert (post.score_given, post.score_maximum) == ("75", "100")


def test_a_score_that_is_not_exact_on_the_scale_is_sent_as_the_exact_fraction(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    quiz = _quiz(school, questions=3)
    lineitem = platform.add_lineitem(score_maximum=100, label="Quiz")
    student = launch_placement(client, platform, lms, school, quiz, lineitem=lineitem)
    _hand_in(django_capture_on_commit_callbacks, quiz, student, right=2)
    assert _sent(platform) == [(2, 3)]  # not 66.67 of 100


def test_a_better_attempt_raises_the_lms_score_and_a_worse_one_does_not_lower_it(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    quiz = _quiz(school)
    lineitem = platform.add_lineitem(score_maximum=20, label="Quiz")
    student = launch_placement(client, platform, lms, school, quiz, lineitem=lineitem)
    _hand_in(django_capture_on_commit_callbacks, quiz, student, right=1)
    _hand_in(django_capture_on_commit_callbacks, quiz, student, right=3)
    assert _sent(platform) == [(5, 20), (15, 20)]
    _hand_in(django_capture_on_commit_callbacks, quiz, student, right=0)
    # The best attempt is sent again: the LMS never sees the worse one.
    assert _sent(platform) == [(5, 20), (15, 20), (15, 20)]
    post = LtiScorePost.objects.get(link__assignment=quiz)
    assert (post.status, post.score_given) == (ScorePostStatus.POSTED, "15")
    assert LtiScorePost.objects.filter(link__assignment=quiz).count() == 1


def test_without_a_line_item_from_the_launch_one_is_made_on_the_quizs_maximum(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    quiz = _quiz(school, questions=5)
    student = launch_placement(client, platform, lms, school, quiz, lineitem=None)
    _hand_in(django_capture_on_commit_callbacks, quiz, student, right=2)
    [item] = platform.lineitems.values()
    assert item["scoreMaximum"] == 5
    assert item["resourceId"] == f"lectern-assignment-{quiz.pk}"
    assert _sent(platform) == [(2, 5)]
    assert LtiAssignmentLink.objects.get(assignment=quiz).lineitem_url == item["id"]


def test_a_failed_post_is_kept_shown_to_the_teacher_and_retried(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    quiz = _quiz(school)
    lineitem = platform.add_lineitem(score_maximum=4, label="Quiz")
    student = launch_placement(client, platform, lms, school, quiz, lineitem=lineitem)
    student.display_name = "Quinn Quizzer"
    student.save()
    platform.fail_scores = 1
    _hand_in(django_capture_on_commit_callbacks, quiz, student, right=4)
    post = LtiScorePost.objects.get(link__assignment=quiz)
    assert (post.status, post.attempts) == (ScorePostStatus.FAILED, 1)
    assert "503" in post.last_error
    assert platform.scores == []

    client.force_login(teacher)
    detail = client.get(reverse("courseware:assignment-detail", args=[quiz.pk]))
    assert b"could not be sent to the LMS gradebook" in detail.content
    url = reverse("courseware:lti-grade-passback", args=[quiz.pk])
    page = client.get(url)
    assert b"Quinn Quizzer" in page.content
    assert b"The LMS answered 503." in page.content

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("courseware:lti-grade-passback-retry", args=[quiz.pk]))
    post.refresh_from_db()
    assert post.status == ScorePostStatus.POSTED
    assert _sent(platform) == [(4, 4)]
    page = client.get(url).content.decode()
    assert "4 / 4" in page and "best of 1 attempt" in page
    detail = client.get(reverse("courseware:assignment-detail", args=[quiz.pk]))
    assert b"LMS gradebook: 1 sent, 0 waiting" in detail.content


def test_the_schedule_sends_the_best_attempt_as_it_is_when_it_sends(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    quiz = _quiz(school)
    lineitem = platform.add_lineitem(score_maximum=4, label="Quiz")
    student = launch_placement(client, platform, lms, school, quiz, lineitem=lineitem)
    platform.fail_scores = 2
    _hand_in(django_capture_on_commit_callbacks, quiz, student, right=1)
    _hand_in(django_capture_on_commit_callbacks, quiz, student, right=2)
    assert platform.scores == []
    assert services.lti_score_posts_send_due(now=timezone.now()) == 1
    assert _sent(platform) == [(2, 4)]


def test_a_student_without_an_lms_account_is_skipped_not_failed(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    quiz = _quiz(school)
    lineitem = platform.add_lineitem(score_maximum=4, label="Quiz")
    launch_placement(client, platform, lms, school, quiz, lineitem=lineitem)
    _hand_in(django_capture_on_commit_callbacks, quiz, school.student, right=2)
    post = LtiScorePost.objects.get(link__assignment=quiz, student=school.student)
    assert post.status == ScorePostStatus.SKIPPED
    assert post.last_error == "The student has no account in this LMS."
    assert platform.scores == []


def test_a_quiz_without_a_handed_in_attempt_is_skipped(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    quiz = _quiz(school)
    lineitem = platform.add_lineitem(score_maximum=4, label="Quiz")
    student = launch_placement(client, platform, lms, school, quiz, lineitem=lineitem)
    quiz_attempt_start(assignment=quiz, student=student, now=timezone.now())  # not handed in
    with django_capture_on_commit_callbacks(execute=True):
        [post] = services.lti_quiz_score_post_queue(
            assignment=quiz, student=student, now=timezone.now()
        )
    post.refresh_from_db()
    assert post.status == ScorePostStatus.SKIPPED
    assert post.last_error == "No attempt at the quiz has been handed in."
    assert platform.scores == []


def test_a_quiz_without_an_lms_placement_queues_nothing(
    lms, school, platform, django_capture_on_commit_callbacks
):
    quiz = _quiz(school)
    _hand_in(django_capture_on_commit_callbacks, quiz, school.student, right=2)
    assert not LtiScorePost.objects.exists()
    assert platform.scores == []


def test_an_essay_handed_in_waits_for_its_grade(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    lineitem = platform.add_lineitem(score_maximum=10)
    student = launch_placement(client, platform, lms, school, lms.assignment, lineitem=lineitem)
    with django_capture_on_commit_callbacks(execute=True):
        submitted_submission(lms.assignment, student)
    assert not LtiScorePost.objects.exists()
    assert platform.scores == []


def test_the_passback_page_lists_quiz_rows_by_student_for_the_teacher(
    client, lms, school, platform, teacher, django_capture_on_commit_callbacks
):
    quiz = _quiz(school)
    lineitem = platform.add_lineitem(score_maximum=4, label="Quiz")
    student = launch_placement(client, platform, lms, school, quiz, lineitem=lineitem)
    student.display_name = "Quinn Quizzer"
    student.save()
    _hand_in(django_capture_on_commit_callbacks, quiz, student, right=1)
    _hand_in(django_capture_on_commit_callbacks, quiz, student, right=3)
    _hand_in(django_capture_on_commit_callbacks, quiz, school.student, right=2)
    url = reverse("courseware:lti-grade-passback", args=[quiz.pk])
    client.force_login(teacher)
    page = client.get(url).content.decode()
    assert page.count("<tr>") == 3  # the heading and one row per student
    assert "Quinn Quizzer" in page and school.student.name in page
    assert "3 / 4" in page and "best of 2 attempts" in page
    assert "The student has no account in this LMS." in page
    client.force_login(school.other_teacher)
    assert client.get(url).status_code == 404
    client.force_login(student)
    assert client.get(url).status_code == 404
