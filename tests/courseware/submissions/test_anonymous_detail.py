"""A submission fetched by id through the API hides its student from markers under anonymous
marking, until the names are revealed; the student always sees their own."""

from django.utils import timezone
from rest_framework.test import APIClient

from courseware.services.marking import marking_reveal_names
from tests.factories import essay_assignment, submitted_submission


def test_anonymous_submission_detail_hides_the_student_until_revealed(school):
    assignment = essay_assignment(
        school.classroom, min_words=5, max_words=400, anonymous_marking=True
    )
    submission = submitted_submission(assignment, school.student, text="word " * 30)
    url = f"/api/v1/submissions/{submission.pk}/"
    api = APIClient()

    api.force_authenticate(school.teacher)
    assert api.get(url).json()["student"] is None
    api.force_authenticate(school.student)
    assert api.get(url).json()["student"] == school.student.pk

    marking_reveal_names(assignment=assignment, by=school.teacher, now=timezone.now())
    api.force_authenticate(school.teacher)
    assert api.get(url).json()["student"] == school.student.pk
