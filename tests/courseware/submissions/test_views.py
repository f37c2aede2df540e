"""Essay pages: starting, the editor (and its form when JavaScript is off), handing in, the
receipt and versions, and the teacher's read-only view."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import Submission, SubmissionStatus, SubmissionVersion
from courseware.services.submissions import submission_draft_save
from courseware.services.teaching import assignment_update
from courseware.timing import format_moment
from tests.courseware.submissions.xss import XSS_PAYLOADS, assert_inert
from tests.factories import (
    course_reading,
    essay_assignment,
    essay_text,
    submission_for,
    submitted_submission,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def essay(school):
    return essay_assignment(school.classroom, min_words=10, max_words=30)


@pytest.fixture
def student(client, school):
    client.force_login(school.student)
    return client


def _write_url(essay):
    return reverse("courseware:essay-write", args=[essay.pk])


def _essay_article(html: str) -> str:
    return re.search(r'<article class="essay-body[^"]*">(.*?)</article>', html, re.S).group(1)


# --- Starting and writing -----------------------------------------------------------------------


def test_a_student_starts_an_essay_from_the_question(student, essay):
    page = student.get(_write_url(essay))
    assert page.status_code == 200
    assert "Start writing" in page.content.decode()
    assert essay.prompt.question in page.content.decode()
    assert not Submission.objects.exists()
    started = student.post(_write_url(essay))
    assert started.status_code == 302
    assert started["Location"] == _write_url(essay)
    editor = student.get(_write_url(essay))
    assert 'id="essay-text"' in editor.content.decode()
    assert Submission.objects.count() == 1


def test_start_writing_on_the_assignment_page_opens_the_editor_in_one_press(student, essay):
    page = student.get(essay.get_absolute_url()).content.decode()
    start_form = re.search(r'<form method="post" action="([^"]+)" class="essay-start">', page)
    assert start_form, "the assignment page offers Start writing as a form, not a link"
    assert start_form.group(1) == _write_url(essay)
    assert "Start writing</button>" in page
    editor = student.post(start_form.group(1), follow=True)
    assert 'id="essay-text"' in editor.content.decode()
    assert Submission.objects.filter(assignment=essay).count() == 1


def test_the_editor_shows_the_draft_its_revision_and_the_live_count(student, essay, school):
    submission_for(essay, school.student, text="Stalin held the apparatus. [[x#p-1]]")
    html = student.get(_write_url(essay)).content.decode()
    assert "Stalin held the apparatus. [[x#p-1]]</textarea>" in html
    assert 'data-revision="1"' in html
    assert '<span id="word-count-number">4</span>' in html
    assert 'data-min-words="10"' in html and 'data-max-words="30"' in html
    assert "Saved at" in html
    assert 'aria-live="polite"' in html


def test_the_editor_costs_a_fixed_number_of_queries(student, school, django_assert_max_num_queries):
    readings = [course_reading(school.classroom.course) for _ in range(8)]
    essay = essay_assignment(
        school.classroom, min_words=1, allow_resubmission=True, readings=readings
    )
    submission = submitted_submission(essay, school.student)
    for n in range(6):
        submission = submission_draft_save(
            submission=submission,
            text=f"Revision {n}.",
            revision=submission.revision,
            by=school.student,
            now=timezone.now(),
        )
    with django_assert_max_num_queries(10):
        response = student.get(_write_url(essay))
    html = response.content.decode()
    assert html.count('class="reading-open') == 8


def test_the_form_without_javascript_saves_the_draft(student, essay, school):
    submission = submission_for(essay, school.student)
    response = student.post(
        reverse("courseware:submission-draft-save", args=[submission.pk]),
        {"text": "Saved by the button.", "revision": 0},
    )
    assert response.status_code == 302
    assert Submission.objects.get(pk=submission.pk).draft_text == "Saved by the button."


def test_line_breaks_posted_by_a_browser_form_are_the_same_text(student, essay, school):
    submission = submission_for(essay, school.student, text="First line.\n\nSecond line.")
    student.post(
        reverse("courseware:submission-draft-save", args=[submission.pk]),
        {"text": "First line.\r\n\r\nSecond line.", "revision": 0},
    )
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.draft_text, stored.revision) == ("First line.\n\nSecond line.", 1)


def test_a_stale_form_save_shows_both_texts_and_overwrites_nothing(student, essay, school):
    submission = submission_for(essay, school.student, text="From the other tab.")
    response = student.post(
        reverse("courseware:submission-draft-save", args=[submission.pk]),
        {"text": "From this tab.", "revision": 0},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "From this tab.</textarea>" in html  # the writer's text stays in the editor
    assert "From the other tab.</textarea>" in html  # the newer text is offered
    assert 'name="revision" value="1"' in html  # saving again now is the explicit choice
    assert Submission.objects.get(pk=submission.pk).draft_text == "From the other tab."


def test_the_editor_redirects_to_the_receipt_once_handed_in_for_good(student, essay, school):
    submission = submitted_submission(essay, school.student)
    response = student.get(_write_url(essay))
    assert response.status_code == 302
    assert response["Location"] == submission.get_absolute_url()


# --- Handing in ---------------------------------------------------------------------------------


def test_handing_in_shows_a_receipt_in_school_time(student, essay, school):
    submission = submission_for(essay, school.student)
    text = essay_text(12)
    response = student.post(
        reverse("courseware:submission-submit", args=[submission.pk]),
        {"text": text, "revision": 0, "honesty": "on"},
        follow=True,
    )
    assert response.redirect_chain == [(submission.get_absolute_url(), 302)]
    html = response.content.decode()
    version = SubmissionVersion.objects.get()
    assert "Handed in: version 1, 12 words." in html
    assert version.short_hash in html
    local = timezone.localtime(version.submitted_at)
    # The site's one date-time format, in the school's zone, which the tooltip names.
    assert local.strftime("%Y") in html and re.search(
        r'title="AE[DS]T">\w{3} \d{1,2} \w{3} \d{4}, \d{1,2}:\d{2} [AP]M</time>', html
    )
    assert format_moment(version.submitted_at) in html
    assert "On time" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": essay_text(12), "revision": 0}, "your own work"),
        ({"text": essay_text(40), "revision": 0, "honesty": "on"}, "the limit is 30"),
        ({"text": essay_text(3), "revision": 0, "honesty": "on"}, "at least 10"),
    ],
    ids=["no-honesty", "too-long", "too-short"],
)
def test_a_refused_hand_in_says_why_and_keeps_the_text(student, essay, school, data, message):
    submission = submission_for(essay, school.student)
    response = student.post(reverse("courseware:submission-submit", args=[submission.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert data["text"] + "</textarea>" in html
    assert not SubmissionVersion.objects.exists()


def test_after_the_cut_off_the_editor_says_so_and_refuses(student, school):
    now = timezone.now()
    essay = essay_assignment(
        school.classroom,
        min_words=1,
        opens_at=now - timedelta(days=5),
        due_at=now - timedelta(days=2),
        cutoff_at=now + timedelta(hours=1),
    )
    submission = submission_for(essay, school.student, text="Nearly finished.")
    assignment_update(assignment=essay, cutoff_at=now - timedelta(minutes=1))
    html = student.get(_write_url(essay)).content.decode()
    assert "The cut-off has passed" in html
    assert re.search(r'<button type="submit" id="submit-essay" disabled>', html)
    response = student.post(
        reverse("courseware:submission-submit", args=[submission.pk]),
        {"text": "Nearly finished.", "revision": 1, "honesty": "on"},
    )
    assert response.status_code == 400
    assert "can no longer be handed in" in response.content.decode()
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.DRAFT


def test_a_late_hand_in_records_and_shows_the_minutes(student, school):
    now = timezone.now()
    essay = essay_assignment(
        school.classroom,
        min_words=1,
        opens_at=now - timedelta(days=5),
        due_at=now - timedelta(minutes=90, seconds=30),
    )
    submission = submission_for(essay, school.student, text="Late but here.")
    student.post(
        reverse("courseware:submission-submit", args=[submission.pk]),
        {"text": "Late but here.", "revision": 1, "honesty": "on"},
    )
    version = SubmissionVersion.objects.get()
    assert version.late_minutes in (91, 92)  # a second may pass while the test runs
    html = student.get(submission.get_absolute_url()).content.decode()
    assert f"{version.late_minutes} minutes late" in html


# --- After handing in ---------------------------------------------------------------------------


def test_the_receipt_lists_every_version_and_offers_a_revision_when_allowed(student, school):
    essay = essay_assignment(school.classroom, min_words=1, allow_resubmission=True)
    submission = submitted_submission(essay, school.student, text="First version.")
    student.post(
        reverse("courseware:submission-submit", args=[submission.pk]),
        {"text": "Second, better version.", "revision": submission.revision, "honesty": "on"},
    )
    html = student.get(submission.get_absolute_url()).content.decode()
    assert "Version 1</a>" in html and "Version 2</a>" in html
    assert "Revise and hand in a new version" in html
    assert "Second, better version." in _essay_article(html)
    version_one = student.get(reverse("courseware:submission-version", args=[submission.pk, 1]))
    assert "First version." in _essay_article(version_one.content.decode())


def test_the_versions_page_costs_a_fixed_number_of_queries(
    client, school, django_assert_max_num_queries
):
    essay = essay_assignment(school.classroom, min_words=1, allow_resubmission=True)
    submission = submission_for(essay, school.student)
    for n in range(10):
        client.force_login(school.student)
        client.post(
            reverse("courseware:submission-submit", args=[submission.pk]),
            {"text": f"Version {n}.", "revision": n, "honesty": "on"},
        )
    assert SubmissionVersion.objects.count() == 10
    client.force_login(school.teacher)
    with django_assert_max_num_queries(8):
        response = client.get(submission.get_absolute_url())
    assert response.content.decode().count("<code>") == 10


def test_the_teacher_reads_the_handed_in_text_with_paragraph_numbers_not_the_draft(client, school):
    essay = essay_assignment(school.classroom, min_words=1, allow_resubmission=True)
    submission = submitted_submission(essay, school.student, text="Handed in.\n\nSecond point.")
    submission_draft_save(
        submission=submission,
        text="Private draft in progress.",
        revision=submission.revision,
        by=school.student,
        now=timezone.now(),
    )
    client.force_login(school.teacher)
    html = client.get(submission.get_absolute_url()).content.decode()
    assert school.student.name in html
    assert '<p id="v1-p-1" class="essay-paragraph">Handed in.</p>' in html
    assert '<p id="v1-p-2" class="essay-paragraph">Second point.</p>' in html
    assert "Private draft in progress." not in html
    assert "Drafts are private" in html


@pytest.mark.parametrize("viewer", ["teacher", "student"])
def test_scripts_in_a_handed_in_essay_are_inert_on_its_pages(client, school, viewer):
    essay = essay_assignment(school.classroom, min_words=1, max_words=10_000)
    text = "\n\n".join(XSS_PAYLOADS)
    submission = submitted_submission(essay, school.student, text=text)
    client.force_login(getattr(school, viewer))
    for url in (
        submission.get_absolute_url(),
        reverse("courseware:submission-version", args=[submission.pk, 1]),
    ):
        assert_inert(_essay_article(client.get(url).content.decode()))
