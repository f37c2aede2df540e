"""Every source-analysis URL and API endpoint against every role.

Roles (``tests.conftest.ROLES``): a school admin; the teacher and a student of ``classroom``;
the teacher and a student of ``other_classroom``; an anonymous visitor. The task is set in
``classroom`` and ``school.student`` has started answering it. A task or answers a user may not
see are a 404; answers they may see but not write are a 403; an anonymous visitor is sent to log
in (pages) or answered 401 (API).
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.services.analysis import analysis_answers_save
from courseware.services.submissions import submission_start
from tests.conftest import ROLES, module_world
from tests.courseware.analysis.conftest import answers_for
from tests.factories import analysis_assignment

LOGIN = "login"
SETTERS = {
    "school_admin": 200,
    "teacher": 200,
    "other_teacher": 404,
    "student": 404,
    "other_student": 404,
}
STUDENT_ONLY = {
    "school_admin": 404,
    "teacher": 404,
    "other_teacher": 404,
    "student": 200,
    "other_student": 404,
}
CLASS_VIEWERS = {**SETTERS, "student": 200}


def setters(success):
    return {**SETTERS, "school_admin": success, "teacher": success}


def writer_only(success):
    """The student writes; others who may see the task are refused; the rest do not see it."""
    return {
        "school_admin": 403,
        "teacher": 403,
        "other_teacher": 404,
        "student": success,
        "other_student": 404,
    }


def make_task(school):
    task = analysis_assignment(school.classroom, by=school.teacher)
    submission = submission_start(assignment=task, student=school.student, now=timezone.now())
    submission = analysis_answers_save(
        submission=submission,
        answers={"origin": "Carr."},
        revision=0,
        by=school.student,
        now=timezone.now(),
    )
    return task, submission


shared_world, world_copy, school, task_world = module_world(make_task, name="task_world")


def _fields(task):
    return {f"field-{key}": text for key, text in answers_for(task.reading).items()}


# name, method, kwargs builder, POST data builder, expected per role
PAGES = [
    ("courseware:analysis-list", "get", lambda t, s: {"pk": t.classroom_id}, None, SETTERS),
    ("courseware:analysis-set", "get", lambda t, s: {"pk": t.classroom_id}, None, SETTERS),
    (
        "courseware:analysis-set",
        "post",
        lambda t, s: {"pk": t.classroom_id},
        lambda t, s: {},
        setters(400),
    ),
    ("courseware:analysis-write", "get", lambda t, s: {"pk": t.pk}, None, STUDENT_ONLY),
    (
        "courseware:analysis-write",
        "post",
        lambda t, s: {"pk": t.pk},
        lambda t, s: {},
        {**STUDENT_ONLY, "student": 302},
    ),
    (
        "courseware:analysis-save",
        "post",
        lambda t, s: {"pk": s.pk},
        lambda t, s: {**_fields(t), "revision": s.revision},
        writer_only(302),
    ),
    (
        "courseware:analysis-submit",
        "post",
        lambda t, s: {"pk": s.pk},
        lambda t, s: {**_fields(t), "revision": s.revision, "honesty": "on"},
        writer_only(302),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "kwargs", "data", "expected"),
    PAGES,
    ids=[f"{p[1]}-{p[0]}" for p in PAGES],
)
def test_analysis_page_answers_each_role_as_expected(
    client, school, task_world, role, name, method, kwargs, data, expected
):
    task, submission = task_world
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs(task, submission))
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, data(task, submission))
    want = LOGIN if role == "anonymous" else expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want


# id, method, path builder, body builder, expected per role
ENDPOINTS = [
    (
        "list-tasks",
        "get",
        lambda t, s: f"/api/v1/classes/{t.classroom_id}/analysis-tasks/",
        None,
        SETTERS,
    ),
    (
        "set-task-bad",
        "post",
        lambda t, s: f"/api/v1/classes/{t.classroom_id}/analysis-tasks/",
        lambda t, s: {},
        setters(400),
    ),
    ("get-task", "get", lambda t, s: f"/api/v1/analysis-tasks/{t.pk}/", None, CLASS_VIEWERS),
    (
        "get-answers",
        "get",
        lambda t, s: f"/api/v1/analysis-tasks/{t.pk}/answers/",
        None,
        writer_only(200),
    ),
    (
        "put-answers",
        "put",
        lambda t, s: f"/api/v1/analysis-tasks/{t.pk}/answers/",
        lambda t, s: {"answers": {"origin": "Carr, 1959."}, "revision": s.revision},
        writer_only(200),
    ),
    (
        "submit-answers",
        "post",
        lambda t, s: f"/api/v1/analysis-tasks/{t.pk}/answers/submit/",
        lambda t, s: {
            "answers": answers_for(t.reading),
            "revision": s.revision,
            "honesty_declared": True,
        },
        writer_only(201),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [e[1:] for e in ENDPOINTS],
    ids=[e[0] for e in ENDPOINTS],
)
def test_analysis_endpoint_answers_each_role_as_expected(
    school, task_world, role, method, path, body, expected
):
    task, submission = task_world
    api = APIClient()
    user = school.user_for(role)
    if user is not None:
        api.force_authenticate(user)
    response = getattr(api, method)(
        path(task, submission), body(task, submission) if body else None, format="json"
    )
    want = 401 if role == "anonymous" else expected[role]
    assert response.status_code == want, response.content
    assert response["Content-Type"].startswith("application/json")


def test_a_missing_and_a_forbidden_task_look_the_same(client, school, task_world):
    task, _submission = task_world
    client.force_login(school.other_student)
    forbidden = client.get(reverse("courseware:analysis-write", args=[task.pk]))
    missing = client.get(reverse("courseware:analysis-write", args=[999_999]))
    assert forbidden.status_code == missing.status_code == 404
    api = APIClient()
    api.force_authenticate(school.other_student)
    assert (
        api.get(f"/api/v1/analysis-tasks/{task.pk}/").json()
        == api.get("/api/v1/analysis-tasks/999999/").json()
    )


def test_an_essay_is_not_answered_on_the_analysis_page(client, school, task_world):
    from tests.factories import essay_assignment

    essay = essay_assignment(school.classroom)
    client.force_login(school.student)
    assert client.get(reverse("courseware:analysis-write", args=[essay.pk])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_lists_tasks_for_school_admins_only(client, school, task_world, role):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("admin:courseware_analysistask_changelist"))
    if role == "school_admin":
        assert response.status_code == 200
        assert task_world[0].title.encode() in response.content
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
