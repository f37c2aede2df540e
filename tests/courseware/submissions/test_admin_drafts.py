"""The Django admin does not show a student's draft unless an admin reveals it with the support
action, which is recorded in the submission's history."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from tests.factories import essay_assignment, submission_for

pytestmark = pytest.mark.django_db

DRAFT = "My unfinished thoughts on the Thirteenth Party Congress."


def test_a_draft_is_hidden_until_revealed_and_the_reveal_is_recorded(client, school):
    submission = submission_for(essay_assignment(school.classroom), school.student, text=DRAFT)
    client.force_login(school.school_admin)
    page = reverse("admin:courseware_submission_change", args=[submission.pk])
    html = client.get(page).content.decode()
    assert DRAFT not in html and "Private to the student" in html
    assert not LogEntry.objects.filter(object_id=str(submission.pk)).exists()

    changelist = reverse("admin:courseware_submission_changelist")
    response = client.post(
        changelist, {"action": "reveal_draft", "_selected_action": [submission.pk]}
    )
    assert response.status_code == 302
    assert DRAFT in client.get(page).content.decode()
    entry = LogEntry.objects.get(object_id=str(submission.pk))
    assert entry.user == school.school_admin and "Revealed the draft" in entry.get_change_message()
