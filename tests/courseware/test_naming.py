"""Anonymous marking is decided in one place (``courseware.selectors.naming``): every page that
names a student of an anonymously marked assignment shows a pseudonym until names are revealed."""

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.selectors.marking import pseudonyms_for
from courseware.services.marking import marking_reveal_names
from tests.factories import essay_assignment, submitted_submission
from tests.factories.originality import run_latest_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous_essay(school):
    assignment = essay_assignment(school.classroom, min_words=5, anonymous_marking=True)
    submission = submitted_submission(assignment, school.student)
    run_latest_report(submission)
    return assignment, submission


def _pages(assignment, submission):
    return [
        reverse("courseware:assignment-detail", args=[assignment.pk]),
        reverse("courseware:submission-detail", args=[submission.pk]),
        reverse("courseware:submission-version", args=[submission.pk, 1]),
        reverse("courseware:originality-report", args=[submission.pk, 1]),
    ]


def test_pages_show_a_pseudonym_not_the_name_before_the_reveal(client, school, anonymous_essay):
    assignment, submission = anonymous_essay
    name = school.student.name
    pseudonym = pseudonyms_for(assignment_id=assignment.pk, student_ids=[school.student.pk])[
        school.student.pk
    ]
    client.force_login(school.teacher)
    for url in _pages(assignment, submission):
        html = client.get(url).content.decode()
        assert name not in html, url
        assert pseudonym in html, url


def test_pages_show_the_name_after_the_reveal(client, school, anonymous_essay):
    assignment, submission = anonymous_essay
    marking_reveal_names(assignment=assignment, by=school.teacher, now=timezone.now())
    client.force_login(school.teacher)
    for url in _pages(assignment, submission):
        assert school.student.name in client.get(url).content.decode(), url


def test_granting_an_extension_names_the_student_by_pseudonym_before_the_reveal(
    client, school, anonymous_essay
):
    """The extension form shown again after an error, and the message after a grant."""
    assignment, _submission = anonymous_essay
    name = school.student.name
    url = reverse("courseware:extension-grant", args=[assignment.pk])
    client.force_login(school.teacher)
    refused = client.post(url, {"student": school.student.pk, "due_at": "not a date"})
    assert refused.status_code == 400
    assert name not in refused.content.decode()
    granted = client.post(
        url,
        {"student": school.student.pk, "due_at": "2030-03-09T09:00", "reason": "Illness"},
        follow=True,
    )
    assert granted.status_code == 200
    page = granted.content.decode()
    assert "has an extension to" in page
    assert name not in page
