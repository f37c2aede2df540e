"""Setting an essay in one API call, and the class's draft assignments."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courseware.models import (
    Assignment,
    AssignmentDraft,
    EssayPrompt,
    Event,
    NotificationKind,
    Rubric,
)

pytestmark = pytest.mark.django_db


def _when(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


RUBRIC = {
    "title": "Succession essay",
    "total_marks": "10",
    "criteria": [
        {
            "title": "Argument",
            "levels": [
                {"title": "Strong", "descriptor": "Sustained.", "marks": "5"},
                {"title": "Weak", "descriptor": "Asserted.", "marks": "1"},
            ],
        },
        {
            "title": "Evidence",
            "levels": [
                {"title": "Strong", "descriptor": "Precise.", "marks": "5"},
                {"title": "Weak", "descriptor": "General.", "marks": "1"},
            ],
        },
    ],
}


def essay_body(world, **more) -> dict:
    return {
        "question": {
            "title": "Why did Stalin win?",
            "question": "Why did Stalin, not Trotsky, win the struggle for power?",
            "min_words": 600,
            "max_words": 1200,
            "readings": [world.text.pk],
        },
        "rubric_definition": RUBRIC,
        "opens_at": _when(0),
        "due_at": _when(7),
        "cutoff_at": _when(9),
        "late_penalty_percent_per_day": "5",
        "anonymous_marking": True,
        "allow_resubmission": True,
    } | more


def url(world) -> str:
    return f"/api/v1/classes/{world.school.classroom.pk}/essays/"


def test_one_call_sets_an_essay_with_a_new_question_and_rubric(api_as, world):
    prompts, rubrics = EssayPrompt.objects.count(), Rubric.objects.count()
    response = api_as("teacher").post(url(world), essay_body(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["draft"] is None
    assignment = Assignment.objects.get(pk=body["assignment"]["id"])
    assert assignment.anonymous_marking and assignment.allow_resubmission
    assert list(assignment.prompt.readings.all()) == [world.text]
    assert assignment.prompt.rubric.title == "Succession essay"
    assert assignment.prompt.rubric.criteria.count() == 2
    assert (EssayPrompt.objects.count(), Rubric.objects.count()) == (prompts + 1, rubrics + 1)
    assert Event.objects.filter(kind=NotificationKind.WORK_SET, assignment=assignment).exists()


def test_a_draft_is_kept_from_students_until_it_is_set(api_as, world):
    teacher = api_as("teacher")
    response = teacher.post(url(world), essay_body(world, draft=True), format="json")
    assert response.status_code == 201, response.content
    draft_id = response.json()["draft"]["id"]
    assert response.json()["assignment"] is None
    assert not Assignment.objects.filter(title="Why did Stalin win?").exists()
    drafts = f"/api/v1/classes/{world.school.classroom.pk}/drafts/"
    listed = teacher.get(drafts).json()
    assert [d["id"] for d in listed["results"]] == [draft_id]
    assert listed["results"][0]["question"]["readings"] == [world.text.pk]

    student = api_as("student")
    assert student.get(drafts).status_code == 404
    assert student.get(f"{drafts}{draft_id}/").status_code == 404
    titles = [a["title"] for a in student.get("/api/v1/assignments/").json()["results"]]
    assert "Why did Stalin win?" not in titles

    changed = essay_body(world, title="Stalin's victory", due_at=_when(8))
    replaced = teacher.put(f"{drafts}{draft_id}/", changed, format="json")
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["draft"]["title"] == "Stalin's victory"
    assert not Event.objects.filter(assignment__title="Stalin's victory").exists()

    set_it = teacher.post(f"{drafts}{draft_id}/set/", format="json")
    assert set_it.status_code == 201, set_it.content
    assignment = Assignment.objects.get(pk=set_it.json()["assignment"]["id"])
    assert assignment.title == "Stalin's victory"
    assert Event.objects.filter(kind=NotificationKind.WORK_SET, assignment=assignment).count() == 1
    assert not AssignmentDraft.objects.filter(pk=draft_id).exists()
    titles = [a["title"] for a in student.get("/api/v1/assignments/").json()["results"]]
    assert "Stalin's victory" in titles


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"question": None}, "prompt"),
        ({"rubric_template": "ap-dbq"}, "rubric"),
        ({"due_at": _when(-3)}, "due_at"),
        ({"rubric_definition": RUBRIC | {"total_marks": "12"}}, "rubric_definition.total_marks"),
        (
            {
                "rubric_definition": RUBRIC
                | {
                    "criteria": [
                        RUBRIC["criteria"][0] | {"levels": RUBRIC["criteria"][0]["levels"][::-1]}
                    ]
                }
            },
            "rubric_definition.criteria.0",
        ),
        ({"prompt": 10**9, "question": None, "rubric_definition": None}, "prompt"),
    ],
    ids=["no-question", "two-rubrics", "due-before-open", "total", "levels-reversed", "no-prompt"],
)
def test_bad_input_is_a_field_error_and_writes_nothing(api_as, world, change, field):
    body = essay_body(world) | change
    body = {key: value for key, value in body.items() if value is not None}
    counts = (Assignment.objects.count(), EssayPrompt.objects.count(), Rubric.objects.count())
    response = api_as("teacher").post(url(world), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert counts == (
        Assignment.objects.count(),
        EssayPrompt.objects.count(),
        Rubric.objects.count(),
    )
    assert not AssignmentDraft.objects.exists()


def test_an_earlier_prompt_of_another_course_is_refused(api_as, world):
    body = essay_body(world, prompt=world.other_prompt.pk)
    del body["question"], body["rubric_definition"]
    response = api_as("teacher").post(url(world), body, format="json")
    assert response.status_code == 400 and "prompt" in response.json()


def test_the_draft_list_does_not_grow_in_queries_with_drafts(
    api_as, world, django_assert_num_queries
):
    teacher = api_as("teacher")
    drafts = f"/api/v1/classes/{world.school.classroom.pk}/drafts/"

    def add(count):
        for n in range(count):
            body = essay_body(world, draft=True, title=f"Draft {n}")
            assert teacher.post(url(world), body, format="json").status_code == 201

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add(5)
    with CaptureQueriesContext(connection) as few:
        assert teacher.get(drafts).json()["count"] == 5
    add(7)
    with CaptureQueriesContext(connection) as many:
        assert teacher.get(drafts).json()["count"] == 12
    assert len(many.captured_queries) == len(few.captured_queries)
