"""The source-analysis API: setting a task, saving answers with the revision check, handing in."""

from rest_framework.test import APIClient

from courseware.models import Assignment
from tests.courseware.analysis.conftest import answers_for


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_a_teacher_sets_a_custom_task_and_lists_it(school, analysis):
    api = _api(school.teacher)
    response = api.post(
        f"/api/v1/classes/{school.classroom.pk}/analysis-tasks/",
        {
            "reading": analysis.reading.pk,
            "scaffold": "custom",
            "prompts": ["Who wrote it?", "Why then?"],
            "paragraph_from": 1,
            "paragraph_to": 2,
            "rubric_template": "ib-opcvl",
            "title": "Two questions",
            "opens_at": "2026-01-05T09:00:00Z",
            "due_at": "2026-01-12T09:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [f["label"] for f in body["fields"]] == ["Who wrote it?", "Why then?"]
    assert (body["paragraph_from"], body["paragraph_to"]) == (1, 2)
    listed = api.get(f"/api/v1/classes/{school.classroom.pk}/analysis-tasks/").json()
    assert {task["title"] for task in listed} == {"Carr on the Troika", "Two questions"}


def test_a_reading_of_another_course_is_a_field_error_and_nothing_is_set(school, analysis):
    from tests.factories import ReadingFactory

    before = Assignment.objects.count()
    response = _api(school.teacher).post(
        f"/api/v1/classes/{school.classroom.pk}/analysis-tasks/",
        {
            "reading": ReadingFactory().pk,
            "scaffold": "opcvl",
            "rubric": analysis.rubric.pk,
            "opens_at": "2026-01-05T09:00:00Z",
            "due_at": "2026-01-12T09:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "reading" in response.json()
    assert Assignment.objects.count() == before


def test_the_generic_assignment_endpoint_does_not_set_analysis_tasks(school, analysis):
    response = _api(school.teacher).post(
        "/api/v1/assignments/",
        {
            "classroom": school.classroom.pk,
            "kind": "analysis",
            "target": analysis.reading.pk,
            "opens_at": "2026-01-05T09:00:00Z",
            "due_at": "2026-01-12T09:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "kind" in response.json()


def test_answers_save_with_revisions_and_a_stale_save_gets_the_newer_answers(school, analysis):
    api = _api(school.student)
    url = f"/api/v1/analysis-tasks/{analysis.task.pk}/answers/"
    assert api.get(url).status_code == 404  # not started
    first = api.put(url, {"answers": {"origin": "Carr."}, "revision": 0}, format="json")
    assert first.status_code == 200
    assert first.json()["revision"] == 1
    assert first.json()["answers"]["origin"] == "Carr."
    assert first.json()["answers"]["purpose"] == ""
    stale = api.put(url, {"answers": {"origin": "Older tab."}, "revision": 0}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale"
    assert stale.json()["answers"]["origin"] == "Carr."
    assert stale.json()["revision"] == 1


def test_bad_answers_are_refused_with_a_clear_error(school, analysis):
    api = _api(school.student)
    url = f"/api/v1/analysis-tasks/{analysis.task.pk}/answers/"
    for body in (
        {"answers": {"nope": "x"}, "revision": 0},
        {"answers": {"origin": 3}, "revision": 0},
        {"answers": "origin", "revision": 0},
        {"answers": {}, "revision": "0"},
        {"answers": {}, "revision": 0, "extra": 1},
    ):
        response = api.put(url, body, format="json")
        assert response.status_code == 400, body
        assert response.json()


def test_handing_in_through_the_api(school, analysis):
    api = _api(school.student)
    url = f"/api/v1/analysis-tasks/{analysis.task.pk}/answers/"
    saved = api.put(url, {"answers": answers_for(analysis.reading), "revision": 0}, format="json")
    submit = f"{url}submit/"
    refused = api.post(submit, {"revision": 1, "honesty_declared": False}, format="json")
    assert refused.status_code == 400
    version = api.post(submit, {"revision": 1, "honesty_declared": True}, format="json")
    assert version.status_code == 201
    assert version.json()["number"] == 1
    again = api.post(submit, {"revision": 1, "honesty_declared": True}, format="json")
    assert again.status_code == 200  # a double click hands in once
    mine = api.get(url).json()
    assert mine["status"] == "submitted"
    assert mine["submission"] == saved.json()["submission"]
