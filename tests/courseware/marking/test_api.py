"""The grades API: teachers save and release, students read only what is released; bad input
is a clear JSON error that changes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.pagination import PageNumberPagination
from rest_framework.test import APIClient

from courseware.models import CriterionGrade, Grade, GradeChange, Submission
from tests.factories import (
    RubricFactory,
    criterion_marks,
    essay_assignment,
    graded,
    rubric_criteria,
    submitted_submission,
)


def _snapshot(submission):
    return (
        list(Grade.objects.filter(submission=submission).values()),
        list(CriterionGrade.objects.filter(grade__submission=submission).values()),
        GradeChange.objects.filter(grade__submission=submission).count(),
        Submission.objects.get(pk=submission.pk).status,
    )


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(rubric, **extra):
    return {
        "criteria": [
            {"criterion": m.criterion_id, "level": m.level_id} for m in criterion_marks(rubric)
        ],
        **extra,
    }


def test_a_teacher_saves_a_grade_and_gets_the_computed_marks(school, essay):
    url = reverse("api-grade", args=["v1", essay.submission.pk])
    response = _api(school.teacher).put(
        url,
        _body(essay.assignment.prompt.rubric, overall_comment="Good", revision=0),
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert Decimal(body["raw_mark"]) == Decimal(10) and body["status"] == "draft"
    assert body["revision"] == 1 and len(body["criteria"]) == 2


def test_a_student_reads_their_grade_only_once_released(school, essay):
    graded(essay.submission, school.teacher)
    url = reverse("api-grade", args=["v1", essay.submission.pk])
    assert _api(school.student).get(url).status_code == 404
    _api(school.teacher).post(reverse("api-grade-release", args=["v1", essay.submission.pk]))
    response = _api(school.student).get(url)
    assert response.status_code == 200
    assert response.json()["overall_comment"] == "Well argued."
    mine = _api(school.student).get(reverse("api-my-grades", args=["v1"])).json()
    assert mine["count"] == 1
    assert [g["submission"] for g in mine["results"]] == [essay.submission.pk]


def test_my_grades_come_a_page_at_a_time_in_fixed_queries(
    school, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(PageNumberPagination, "page_size", 4)  # read once, at import
    for _ in range(6):
        submission = submitted_submission(
            essay_assignment(school.classroom, min_words=1, max_words=50), school.student
        )
        graded(submission, school.teacher, release=True)
    graded(
        submitted_submission(
            essay_assignment(school.other_classroom, min_words=1, max_words=50),
            school.other_student,
        ),
        school.other_teacher,
        release=True,
    )
    client = _api(school.student)
    url = reverse("api-my-grades", args=["v1"])
    with django_assert_max_num_queries(4):  # user, count, page, criteria
        first = client.get(url).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (6, 4, None)
    second = client.get(first["next"]).json()
    assert (len(second["results"]), second["next"]) == (2, None)
    mine = Submission.objects.filter(student=school.student).values_list("pk", flat=True)
    seen = [g["submission"] for g in first["results"] + second["results"]]
    assert sorted(seen) == sorted(mine)


@pytest.mark.parametrize(
    "change",
    [
        "another_rubric",
        "marks_too_high",
        "marks_below_band",
        "marks_not_a_number",
        "marks_boolean",
        "level_as_string",
        "criteria_not_a_list",
    ],
)
def test_bad_grade_input_is_a_400_that_changes_nothing(school, essay, change):
    graded(essay.submission, school.teacher, ready=False)
    before = _snapshot(essay.submission)
    rubric = essay.assignment.prompt.rubric
    body = _body(rubric)
    first = body["criteria"][0]
    if change == "another_rubric":
        first["level"] = rubric_criteria(RubricFactory())[0].levels_top[0].pk
    elif change == "marks_too_high":
        first["marks"] = 6
    elif change == "marks_below_band":
        first["marks"] = "1.5"
    elif change == "marks_not_a_number":
        first["marks"] = "lots"
    elif change == "marks_boolean":
        first["marks"] = True
    elif change == "level_as_string":
        first["level"] = str(first["level"])
    else:
        body["criteria"] = "all of them"
    response = _api(school.teacher).put(
        reverse("api-grade", args=["v1", essay.submission.pk]), body, format="json"
    )
    assert response.status_code == 400
    assert response.json()  # a message saying what is wrong
    assert _snapshot(essay.submission) == before


def test_a_stale_revision_is_a_409_with_the_current_revision(school, essay):
    grade = graded(essay.submission, school.teacher, ready=False)
    response = _api(school.teacher).put(
        reverse("api-grade", args=["v1", essay.submission.pk]),
        _body(essay.assignment.prompt.rubric, overall_comment="Old tab", revision=0),
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["revision"] == grade.revision
    assert Grade.objects.get(pk=grade.pk).overall_comment == "Well argued."


def test_a_release_by_a_teacher_of_another_class_is_a_404_and_changes_nothing(school, essay):
    graded(essay.submission, school.teacher)
    before = _snapshot(essay.submission)
    other = _api(school.other_teacher)
    assert (
        other.post(reverse("api-grade-release", args=["v1", essay.submission.pk])).status_code
        == 404
    )
    assert (
        other.post(reverse("api-assignment-release", args=["v1", essay.assignment.pk])).status_code
        == 404
    )
    assert _snapshot(essay.submission) == before


def test_releasing_an_unfinished_grade_is_a_409(school, essay):
    graded(essay.submission, school.teacher, ready=False)
    response = _api(school.teacher).post(
        reverse("api-grade-release", args=["v1", essay.submission.pk]), {}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "not_ready"


def test_an_inline_comment_on_a_passage_that_is_not_there_is_a_400(school, essay):
    response = _api(school.teacher).post(
        reverse("api-inline-comments", args=["v1", essay.submission.pk]),
        {"paragraph": 1, "start": 0, "end": 4, "quote": "Nope", "text": "Hmm"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "not_found"
    assert not Grade.objects.exists()


def test_the_comment_bank_is_searched_with_the_criterions_comments_first(school):
    api = _api(school.teacher)
    url = reverse("api-comment-bank", args=["v1"])
    api.post(url, {"text": "Cite the paragraph each time.", "criterion_tag": "Use of sources"})
    api.post(url, {"text": "Cite and explain.", "criterion_tag": "Communication"})
    api.post(url, {"text": "Good structure.", "criterion_tag": "Communication"})
    found = api.get(url, {"q": "cite", "criterion": "Use of sources"}).json()
    assert [e["text"] for e in found] == ["Cite the paragraph each time.", "Cite and explain."]
    assert _api(school.other_teacher).get(url).json() == []
