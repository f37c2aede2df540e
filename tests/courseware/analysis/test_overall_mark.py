"""Source-analysis tasks set without a rubric: one overall mark out of a maximum the teacher
chose, marked on the marking page and through the API, released and shown in the gradebook."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.exports import gradebook_table
from courseware.models import Assignment, Grade, Rubric, Scaffold, SubmissionStatus
from courseware.selectors.content import latest_rubrics
from courseware.selectors.marking import gradebook
from courseware.services import analysis as services
from courseware.services.marking import grade_release, grade_save
from courseware.services.submissions import submission_start
from tests.courseware.analysis.conftest import answers_for
from tests.factories import criterion_marks


def _dates():
    now = timezone.now()
    return {"opens_at": now - timedelta(days=1), "due_at": now + timedelta(days=7)}


def _set(school, analysis, max_mark="20") -> Assignment:
    return services.analysis_task_set(
        classroom=school.classroom,
        by=school.teacher,
        reading=analysis.reading,
        scaffold=Scaffold.OPCVL,
        max_mark=max_mark,
        assignment_fields={"title": "OPCVL, one mark", **_dates()},
    )


def _handed_in(school, analysis, assignment):
    submission = submission_start(assignment=assignment, student=school.student, now=timezone.now())
    services.analysis_answers_submit(
        submission=submission,
        answers=answers_for(analysis.reading),
        revision=0,
        honesty_declared=True,
        by=school.student,
        now=timezone.now(),
    )
    return submission


def test_a_task_set_without_a_rubric_is_marked_out_of_the_teachers_maximum(school, analysis):
    task = _set(school, analysis).analysis_task
    assert task.is_overall_mark and task.max_mark == Decimal("20.00")
    # Its one-mark rubric is not offered to anyone as a rubric to pick.
    assert not latest_rubrics().filter(pk=task.rubric_id).exists()
    assert latest_rubrics().filter(pk=analysis.rubric.pk).exists()


@pytest.mark.parametrize("max_mark", [None, "", "0", "-3", "abc", "1000.5", "2.555"])
def test_without_a_rubric_a_bad_or_missing_maximum_is_a_field_error(school, analysis, max_mark):
    before = (Assignment.objects.count(), Rubric.objects.count())
    with pytest.raises(ValidationError) as refused:
        _set(school, analysis, max_mark=max_mark)
    assert "max_mark" in refused.value.message_dict
    assert (Assignment.objects.count(), Rubric.objects.count()) == before


def test_marked_with_one_mark_released_and_in_the_gradebook(school, analysis):
    assignment = _set(school, analysis)
    submission = _handed_in(school, analysis, assignment)
    grade = grade_save(
        submission=submission,
        by=school.teacher,
        criteria=[],
        overall_mark=Decimal("14.5"),
        overall_comment="Sharp on purpose; limitation thin.",
        ready=True,
        now=timezone.now(),
    )
    assert (grade.raw_mark, grade.max_mark, grade.final_mark) == (
        Decimal("14.5"),
        Decimal("20"),
        Decimal("14.5"),
    )
    grade_release(submission=submission, by=school.teacher, now=timezone.now())
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    book = gradebook(classroom=school.classroom)
    [index] = [i for i, c in enumerate(book.columns) if c.assignment.pk == assignment.pk]
    assert book.columns[index].out_of == Decimal("20")
    [row] = [r for r in book.rows if r.student.pk == school.student.pk]
    assert row.cells[index].mark == Decimal("14.5") and row.cells[index].counted
    table = gradebook_table(book)
    assert "OPCVL, one mark (out of 20)" in table.header
    student_line = next(line for line in table.rows if line[0] == school.student.name)
    assert student_line[table.header.index("OPCVL, one mark (out of 20)")] == Decimal("14.5")


@pytest.mark.parametrize("mark", ["20.01", "-1", "3.333"])
def test_a_mark_outside_0_to_the_maximum_is_refused_and_nothing_changes(school, analysis, mark):
    assignment = _set(school, analysis)
    submission = _handed_in(school, analysis, assignment)
    grade_save(
        submission=submission,
        by=school.teacher,
        criteria=[],
        overall_mark=Decimal(12),
        now=timezone.now(),
    )
    with pytest.raises(ValidationError) as refused:
        grade_save(
            submission=submission,
            by=school.teacher,
            criteria=[],
            overall_mark=Decimal(mark),
            ready=True,
            now=timezone.now(),
        )
    assert "overall_mark" in refused.value.message_dict
    grade = Grade.objects.get(submission=submission)
    assert (grade.raw_mark, grade.status, grade.revision) == (Decimal(12), "draft", 1)


def test_a_task_with_a_rubric_takes_no_overall_mark(school, analysis):
    submission = _handed_in(school, analysis, analysis.task)
    with pytest.raises(ValidationError) as refused:
        grade_save(
            submission=submission,
            by=school.teacher,
            criteria=criterion_marks(analysis.rubric),
            overall_mark=Decimal(5),
            now=timezone.now(),
        )
    assert "overall_mark" in refused.value.message_dict
    assert not Grade.objects.filter(submission=submission).exists()


def test_the_mark_page_has_a_number_field_and_a_bad_mark_is_a_400(client, school, analysis):
    assignment = _set(school, analysis)
    submission = _handed_in(school, analysis, assignment)
    client.force_login(school.teacher)
    url = reverse("courseware:mark-submission", args=[submission.pk])
    page = client.get(url).content.decode()
    assert 'name="overall_mark"' in page and 'max="20.00"' in page
    assert 'name="level-' not in page  # no rubric grid
    refused = client.post(url, {"overall_mark": "21", "revision": 0, "action": "ready"})
    assert refused.status_code == 400
    assert "The mark must be from 0 to 20." in refused.content.decode()
    assert 'value="21"' in refused.content.decode()  # what was typed stays
    assert not Grade.objects.filter(submission=submission).exists()
    saved = client.post(
        url,
        {"overall_mark": "17", "overall_comment": "Good.", "revision": 0, "action": "ready"},
    )
    assert saved.status_code == 302
    grade = Grade.objects.get(submission=submission)
    assert (grade.final_mark, grade.max_mark, grade.status) == (Decimal(17), Decimal(20), "ready")
    assert 'value="17.00"' in client.get(url).content.decode()


def test_the_set_page_takes_a_maximum_instead_of_a_rubric(client, school, analysis):
    client.force_login(school.teacher)
    url = reverse("courseware:analysis-set", args=[school.classroom.pk])
    form = {
        "reading": analysis.reading.pk,
        "scaffold": "opcvl",
        "rubric_template": "",
        "set-title": "No rubric",
        "set-opens_at": "2026-01-05T09:00",
        "set-due_at": "2026-01-12T09:00",
        "set-late_penalty_percent_per_day": "0",
        "set-late_penalty_floor_percent": "0",
    }
    missing = client.post(url, form)
    assert missing.status_code == 400
    assert "give the mark it is out of" in missing.content.decode()
    assert not Assignment.objects.filter(title="No rubric").exists()
    response = client.post(url, {**form, "max_mark": "20"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Assignment.objects.get(title="No rubric").analysis_task.max_mark == Decimal(20)


def test_the_api_sets_a_task_with_max_mark_and_marks_it_with_overall_mark(school, analysis):
    api = APIClient()
    api.force_authenticate(school.teacher)
    response = api.post(
        f"/api/v1/classes/{school.classroom.pk}/analysis-tasks/",
        {
            "reading": analysis.reading.pk,
            "scaffold": "opcvl",
            "max_mark": "20",
            "title": "API one mark",
            "opens_at": (timezone.now() - timedelta(days=1)).isoformat(),
            "due_at": (timezone.now() + timedelta(days=7)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["max_mark"] == "20.00"
    assignment = Assignment.objects.get(pk=response.json()["id"])
    submission = _handed_in(school, analysis, assignment)
    url = f"/api/v1/submissions/{submission.pk}/grade/"
    bad = api.put(url, {"criteria": [], "overall_mark": 25, "revision": 0}, format="json")
    assert bad.status_code == 400 and "overall_mark" in bad.json()
    good = api.put(url, {"criteria": [], "overall_mark": "18", "revision": 0}, format="json")
    assert good.status_code == 200, good.json()
    assert (good.json()["final_mark"], good.json()["max_mark"]) == ("18.00", "20.00")
