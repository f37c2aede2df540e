"""The originality API against every role, and what it answers."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from courseware.models import OriginalityReport
from courseware.services.originality import originality_report_set_visibility
from tests.conftest import ROLES

TEACHERS = {"school_admin": 200, "teacher": 200, "other_teacher": 404, "other_student": 404}
ENDPOINTS = [
    ("api-originality-report", "get", {**TEACHERS, "student": 404}, 200),
    (
        "api-originality-check",
        "post",
        {**TEACHERS, "school_admin": 202, "teacher": 202, "student": 404},
        404,
    ),
]


@pytest.mark.parametrize("shown", [False, True], ids=["hidden", "shown"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "expected", "student_when_shown"), ENDPOINTS)
def test_originality_endpoint_answers_each_role(
    school, essay_world, role, shown, name, method, expected, student_when_shown
):
    if shown:
        originality_report_set_visibility(report=essay_world.report, visible=True)
    client = APIClient()
    user = school.user_for(role)
    if user is not None:
        client.force_authenticate(user)
    url = reverse(name, kwargs={"version": "v1", "pk": essay_world.submission.pk, "number": 1})
    runs = OriginalityReport.objects.count()
    response = getattr(client, method)(url)
    if role == "anonymous":
        assert response.status_code == 401
    else:
        want = student_when_shown if (role == "student" and shown) else expected[role]
        assert response.status_code == want
    if response.status_code != 202:
        assert OriginalityReport.objects.count() == runs


def test_the_report_lists_its_classified_matches_with_their_sources(school, essay_world):
    client = APIClient()
    client.force_authenticate(school.teacher)
    url = reverse(
        "api-originality-report",
        kwargs={"version": "v1", "pk": essay_world.submission.pk, "number": 1},
    )
    data = client.get(url).json()
    assert data["status"] == "done" and data["run"] == 1
    kinds = {m["kind"]: m for m in data["matches"]}
    assert kinds["unattributed"]["reading"] == essay_world.reading.slug
    assert kinds["unattributed"]["paragraph"] == 2
    assert kinds["quoted_cited"]["cited"] == f"{essay_world.reading.slug}#p-3"
