"""API lists show each role exactly what is theirs, filter as documented, and cost a fixed
number of queries however many rows they hold."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    essay_assignment,
    submitted_submission,
)

pytestmark = pytest.mark.django_db


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_assignment_lists_hold_only_what_each_role_may_see(world, api_as):
    mine = {world.reading.pk, world.essay.pk, world.quiz.pk}
    theirs = {world.other_reading.pk, world.other_essay.pk, world.other_quiz.pk}
    hidden_from_students = {world.withdrawn.pk, world.not_open.pk}
    assert _ids(api_as("school_admin").get("/api/v1/assignments/")) == (
        mine | theirs | hidden_from_students
    )
    assert _ids(api_as("teacher").get("/api/v1/assignments/")) == mine | hidden_from_students
    assert _ids(api_as("student").get("/api/v1/assignments/")) == mine
    assert _ids(api_as("other_teacher").get("/api/v1/assignments/")) == theirs
    assert _ids(api_as("other_student").get("/api/v1/assignments/")) == theirs


def test_class_lists_hold_only_the_users_classes(world, api_as):
    school = world.school
    both = {school.classroom.pk, school.other_classroom.pk}
    assert _ids(api_as("school_admin").get("/api/v1/classes/")) == both
    for role, classroom in [
        ("teacher", school.classroom),
        ("student", school.classroom),
        ("other_teacher", school.other_classroom),
        ("other_student", school.other_classroom),
    ]:
        rows = api_as(role).get("/api/v1/classes/").json()["results"]
        assert [row["id"] for row in rows] == [classroom.pk]
        assert rows[0]["my_role"] == ("teacher" if "teacher" in role else "student")


def test_submission_and_attempt_lists_hold_only_the_users_or_their_classes(world, api_as):
    assert _ids(api_as("teacher").get("/api/v1/submissions/")) == {world.submission.pk}
    assert _ids(api_as("student").get("/api/v1/submissions/")) == {world.submission.pk}
    assert _ids(api_as("other_student").get("/api/v1/submissions/")) == {world.other_submission.pk}
    assert _ids(api_as("school_admin").get("/api/v1/submissions/")) == {
        world.submission.pk,
        world.other_submission.pk,
    }
    assert _ids(api_as("teacher").get("/api/v1/quiz-attempts/")) == {world.attempt.pk}
    assert _ids(api_as("other_student").get("/api/v1/quiz-attempts/")) == {world.other_attempt.pk}


def test_content_lists_hold_a_students_courses_only(world, api_as):
    teacher_courses = _ids(api_as("teacher").get("/api/v1/courses/"))
    assert {world.course.pk, world.other_course.pk} <= teacher_courses
    assert _ids(api_as("student").get("/api/v1/courses/")) == {world.course.pk}
    student_readings = _ids(api_as("student").get("/api/v1/readings/"))
    assert world.text.pk in student_readings
    assert world.other_text.pk not in student_readings
    assert world.other_prompt.pk not in _ids(api_as("student").get("/api/v1/prompts/"))
    assert world.other_prompt.rubric_id not in _ids(api_as("student").get("/api/v1/rubrics/"))
    assert world.other_unit.pk not in _ids(api_as("student").get("/api/v1/units/"))


def test_a_draft_is_never_in_a_list(world, api_as):
    rows = api_as("teacher").get("/api/v1/submissions/").json()["results"]
    assert rows and all("text" not in row and "draft_text" not in row for row in rows)


def test_names_are_hidden_from_markers_while_marking_is_anonymous(world, api_as):
    essay = essay_assignment(world.school.classroom, anonymous_marking=True)
    hidden = submitted_submission(essay, world.school.student)
    rows = {
        row["id"]: row
        for row in api_as("teacher")
        .get(f"/api/v1/submissions/?assignment={essay.pk}")
        .json()["results"]
    }
    assert rows[hidden.pk]["student"] is None
    assert rows[hidden.pk]["student_name"] is None
    own = api_as("student").get(f"/api/v1/submissions/?assignment={essay.pk}").json()
    assert own["results"][0]["student"] == world.school.student.pk


# --- Filters -------------------------------------------------------------------------------------


def test_assignments_filter_by_class_kind_due_range_and_withdrawn(world, api_as):
    admin = api_as("school_admin")
    url = "/api/v1/assignments/"
    classroom = world.school.classroom.pk
    assert _ids(admin.get(url, {"classroom": classroom, "kind": "quiz"})) == {world.quiz.pk}
    assert _ids(admin.get(url, {"classroom": classroom, "withdrawn": "true"})) == {
        world.withdrawn.pk
    }
    later = (world.not_open.due_at - timedelta(hours=1)).isoformat()
    assert _ids(admin.get(url, {"classroom": classroom, "due_after": later})) == {world.not_open.pk}
    soon = (timezone.now() + timedelta(days=8)).isoformat()
    assert world.not_open.pk not in _ids(admin.get(url, {"due_before": soon}))
    bad = admin.get(url, {"kind": "poem", "due_after": "next tuesday"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"kind", "due_after"}


def test_readings_filter_by_kind_unit_and_course(world, api_as):
    teacher = api_as("teacher")
    assert _ids(teacher.get("/api/v1/readings/", {"unit": world.unit.pk})) == {world.text.pk}
    assert _ids(teacher.get("/api/v1/readings/", {"course": world.other_course.pk})) == {
        world.other_text.pk
    }
    assert _ids(teacher.get("/api/v1/readings/", {"kind": "primary"})) == set()


def test_submissions_filter_by_assignment_and_status(world, api_as):
    admin = api_as("school_admin")
    assert _ids(admin.get("/api/v1/submissions/", {"assignment": world.essay.pk})) == {
        world.submission.pk
    }
    assert _ids(admin.get("/api/v1/submissions/", {"status": "draft"})) == set()
    assert len(_ids(admin.get("/api/v1/submissions/", {"status": "submitted"}))) == 2


def test_lists_are_paginated(world, api_as):
    body = api_as("school_admin").get("/api/v1/assignments/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(body["results"])


def test_moments_with_any_iso_offset_filter_without_a_crash(world, api_as):
    """PostgreSQL refuses offsets beyond ±16 hours, which ISO 8601 allows: they are read in
    UTC; a moment beyond the calendar's range in UTC is a 400."""
    admin = api_as("school_admin")
    far = admin.get("/api/v1/assignments/", {"due_before": "0173-10-22T09:07:50-20:40"})
    assert far.status_code == 200
    assert far.json()["count"] == 0
    edge = admin.get("/api/v1/assignments/", {"due_after": "0001-01-01T00:00:00+20:00"})
    assert edge.status_code == 400
    assert list(edge.json()) == ["due_after"]
