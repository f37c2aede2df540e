"""Every teaching URL against every role: who gets the page (or the change), who is refused,
who is sent to log in, and who gets a 404 because the class is not theirs.

Roles (``tests.conftest.ROLES``): a school admin; the teacher and a student of ``classroom``;
the teacher and a student of ``other_classroom``; an anonymous visitor. Every object below
belongs to ``classroom``. A member asking for what only the class's teachers may do gets a 403;
anyone outside the class gets a 404, the same as for an object that does not exist.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import AssignmentKind, MembershipRole
from courseware.services.setting import essay_task_set
from courseware.services.teaching import quiz_attempt_start
from tests.conftest import ROLES, module_world
from tests.factories import (
    AssignmentFactory,
    ClassroomFactory,
    EssayPromptFactory,
    ExtensionFactory,
    MembershipFactory,
    TeacherFactory,
)

LOGIN = "login"


@dataclass
class Objects:
    school: object
    reading: object
    quiz: object
    attempt: object
    extension: object
    new_teacher: object
    essay_prompt: object = None
    parallel: object = None
    draft: object = None


def make_objects(school) -> Objects:
    reading = AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.READING)
    quiz = AssignmentFactory(classroom=school.classroom, kind=AssignmentKind.QUIZ)
    return Objects(
        school=school,
        reading=reading,
        quiz=quiz,
        attempt=quiz_attempt_start(assignment=quiz, student=school.student, now=timezone.now()),
        extension=ExtensionFactory(assignment=reading, student=school.student),
        new_teacher=TeacherFactory(),
        essay_prompt=EssayPromptFactory(course=school.classroom.course),
        parallel=_parallel_class(school),
        draft=_draft(school),
    )


def _draft(school):
    now = timezone.now()
    return essay_task_set(
        classroom=school.classroom,
        by=school.teacher,
        prompt=EssayPromptFactory(course=school.classroom.course),
        set_it=False,
        assignment_fields={"opens_at": now, "due_at": now + timedelta(days=3)},
    ).draft


shared_world, world_copy, school, objects = module_world(make_objects, name="objects")


def _parallel_class(school):
    parallel = ClassroomFactory(course=school.classroom.course)
    MembershipFactory(classroom=parallel, user=school.teacher, role=MembershipRole.TEACHER)
    return parallel


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _expect(admin, teacher, other_teacher, student, other_student, anonymous=LOGIN) -> dict:
    results = [admin, teacher, other_teacher, student, other_student, anonymous]
    return dict(zip(ROLES, results, strict=True))


# Who runs the class: its teachers and school admins.
MANAGE_PAGE = _expect(200, 200, 404, 403, 404)
MANAGE_ACTION = _expect(302, 302, 404, 403, 404)
# What only school admins do.
ADMIN_PAGE = _expect(200, 403, 404, 403, 404)
ADMIN_ACTION = _expect(302, 403, 404, 403, 404)

# url name, method, url kwargs, POST data, expected result per role
MATRIX = [
    ("courseware:dashboard", "get", lambda o: {}, None, _expect(200, 200, 200, 200, 200)),
    (
        "courseware:classroom-create",
        "get",
        lambda o: {},
        None,
        _expect(200, 403, 403, 403, 403),
    ),
    (
        "courseware:classroom-create",
        "post",
        lambda o: {},
        lambda o: {"name": "12 History C", "course": o.school.classroom.course_id, "year": 2026},
        _expect(302, 403, 403, 403, 403),
    ),
    (
        "courseware:classroom-join",
        "post",
        lambda o: {},
        lambda o: {"code": o.school.classroom.join_code},
        _expect(403, 403, 403, 302, 302),
    ),
    (
        "courseware:classroom-detail",
        "get",
        lambda o: {"pk": o.school.classroom.pk},
        None,
        _expect(200, 200, 404, 200, 404),
    ),
    (
        "courseware:classroom-roster",
        "get",
        lambda o: {"pk": o.school.classroom.pk},
        None,
        MANAGE_PAGE,
    ),
    (
        "courseware:classroom-enrol",
        "get",
        lambda o: {"pk": o.school.classroom.pk},
        None,
        ADMIN_PAGE,
    ),
    (
        "courseware:classroom-archive",
        "post",
        lambda o: {"pk": o.school.classroom.pk},
        lambda o: {},
        ADMIN_ACTION,
    ),
    (
        "courseware:classroom-restore",
        "post",
        lambda o: {"pk": o.school.classroom.pk},
        lambda o: {},
        ADMIN_ACTION,
    ),
    (
        "courseware:classroom-join-code-regenerate",
        "post",
        lambda o: {"pk": o.school.classroom.pk},
        lambda o: {},
        MANAGE_ACTION,
    ),
    (
        "courseware:classroom-join-code-enable",
        "post",
        lambda o: {"pk": o.school.classroom.pk},
        lambda o: {},
        MANAGE_ACTION,
    ),
    (
        "courseware:classroom-join-code-disable",
        "post",
        lambda o: {"pk": o.school.classroom.pk},
        lambda o: {},
        MANAGE_ACTION,
    ),
    (
        "courseware:classroom-teacher-add",
        "post",
        lambda o: {"pk": o.school.classroom.pk},
        lambda o: {"teacher": o.new_teacher.pk},
        ADMIN_ACTION,
    ),
    (
        "courseware:classroom-teacher-remove",
        "post",
        lambda o: {"pk": o.school.classroom.pk, "user_pk": o.school.teacher.pk},
        lambda o: {},
        ADMIN_ACTION,
    ),
    ("courseware:essay-set", "get", lambda o: {"pk": o.school.classroom.pk}, None, MANAGE_PAGE),
    (
        "courseware:essay-set",
        "post",
        lambda o: {"pk": o.school.classroom.pk},
        lambda o: {
            "action": "set",
            "prompt": o.essay_prompt.pk,
            "set-opens_at": _local(timezone.now()),
            "set-due_at": _local(timezone.now() + timedelta(days=3)),
            "set-late_penalty_percent_per_day": "0",
            "set-late_penalty_floor_percent": "0",
        },
        MANAGE_ACTION,
    ),
    (
        "courseware:essay-draft",
        "get",
        lambda o: {"pk": o.school.classroom.pk, "draft_pk": o.draft.pk},
        None,
        # A draft does not exist for anyone who may not set the class's work.
        _expect(200, 200, 404, 404, 404),
    ),
    (
        "courseware:essay-draft",
        "post",
        lambda o: {"pk": o.school.classroom.pk, "draft_pk": o.draft.pk},
        lambda o: {
            "action": "draft",
            "prompt": o.essay_prompt.pk,
            "set-opens_at": _local(timezone.now()),
            "set-due_at": _local(timezone.now() + timedelta(days=4)),
            "set-late_penalty_percent_per_day": "0",
            "set-late_penalty_floor_percent": "0",
        },
        _expect(302, 302, 404, 404, 404),
    ),
    ("courseware:work-copy", "get", lambda o: {"pk": o.school.classroom.pk}, None, MANAGE_PAGE),
    (
        "courseware:work-copy",
        "post",
        lambda o: {"pk": o.school.classroom.pk},
        lambda o: {"target": o.parallel.pk, "offset_days": "7"},
        # The school admin may copy to any class of the course; the teacher teaches both.
        MANAGE_ACTION,
    ),
    (
        "courseware:assignment-create",
        "get",
        lambda o: {"pk": o.school.classroom.pk, "kind": "reading"},
        None,
        MANAGE_PAGE,
    ),
    (
        "courseware:assignment-create",
        "post",
        lambda o: {"pk": o.school.classroom.pk, "kind": "reading"},
        lambda o: {
            "target": o.reading.reading_id,
            "opens_at": _local(timezone.now()),
            "due_at": _local(timezone.now() + timedelta(days=3)),
        },
        MANAGE_ACTION,
    ),
    (
        "courseware:assignment-detail",
        "get",
        lambda o: {"pk": o.reading.pk},
        None,
        _expect(200, 200, 404, 200, 404),
    ),
    (
        "courseware:assignment-edit",
        "get",
        lambda o: {"pk": o.reading.pk},
        None,
        MANAGE_PAGE,
    ),
    (
        "courseware:assignment-edit",
        "post",
        lambda o: {"pk": o.reading.pk},
        lambda o: {
            "target": o.reading.reading_id,
            "title": "Moved",
            "opens_at": _local(o.reading.opens_at),
            "due_at": _local(o.reading.due_at + timedelta(days=1)),
        },
        MANAGE_ACTION,
    ),
    (
        "courseware:assignment-withdraw",
        "post",
        lambda o: {"pk": o.reading.pk},
        lambda o: {},
        MANAGE_ACTION,
    ),
    (
        "courseware:assignment-restore",
        "post",
        lambda o: {"pk": o.reading.pk},
        lambda o: {},
        MANAGE_ACTION,
    ),
    (
        "courseware:extension-grant",
        "post",
        lambda o: {"pk": o.reading.pk},
        lambda o: {
            "student": o.school.student.pk,
            "due_at": _local(o.reading.due_at + timedelta(days=5)),
        },
        MANAGE_ACTION,
    ),
    (
        "courseware:extension-revoke",
        "post",
        lambda o: {"pk": o.reading.pk, "extension_pk": o.extension.pk},
        lambda o: {},
        MANAGE_ACTION,
    ),
    (
        "courseware:quiz-attempt-grant",
        "post",
        lambda o: {"pk": o.quiz.pk},
        lambda o: {"student": o.school.student.pk},
        MANAGE_ACTION,
    ),
    (
        "courseware:quiz-start",
        "post",
        lambda o: {"pk": o.quiz.pk},
        lambda o: {},
        _expect(403, 403, 404, 302, 404),
    ),
    (
        "courseware:quiz-attempt",
        "get",
        lambda o: {"pk": o.attempt.pk},
        None,
        _expect(200, 200, 404, 200, 404),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "kwargs", "data", "expected"),
    MATRIX,
    ids=[f"{m[0].split(':')[1]}-{m[1]}" for m in MATRIX],
)
def test_teaching_url_answers_each_role_as_expected(
    client, objects, role, name, method, kwargs, data, expected
):
    user = objects.school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs(objects))
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, data(objects))
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want, response.content.decode()[:2000]
        if want == 302:
            assert not response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "name",
    [
        "courseware:classroom-join-code-regenerate",
        "courseware:assignment-withdraw",
        "courseware:quiz-start",
    ],
)
def test_actions_that_change_things_refuse_get(client, objects, name):
    client.force_login(objects.school.teacher)
    pk = objects.quiz.pk if "quiz" in name or "assignment" in name else objects.school.classroom.pk
    assert client.get(reverse(name, kwargs={"pk": pk})).status_code == 405


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("courseware:assignment-detail", lambda o: {"pk": o.reading.pk}),
        ("courseware:quiz-attempt", lambda o: {"pk": o.attempt.pk}),
        ("courseware:classroom-roster", lambda o: {"pk": o.school.classroom.pk}),
    ],
)
def test_another_class_object_looks_exactly_like_a_missing_one(client, objects, name, kwargs):
    client.force_login(objects.school.other_teacher)
    forbidden = client.get(reverse(name, kwargs=kwargs(objects)))
    missing = client.get(reverse(name, kwargs=dict.fromkeys(kwargs(objects), 999_999)))
    assert forbidden.status_code == missing.status_code == 404
    assert _without_csrf_token(forbidden.content) == _without_csrf_token(missing.content)


def test_a_student_cannot_see_a_withdrawn_or_unopened_assignment(client, objects):
    school = objects.school
    later = AssignmentFactory(
        classroom=school.classroom,
        opens_at=timezone.now() + timedelta(days=1),
        due_at=timezone.now() + timedelta(days=2),
    )
    client.force_login(school.student)
    assert client.get(later.get_absolute_url()).status_code == 404
    client.force_login(school.teacher)
    client.post(reverse("courseware:assignment-withdraw", args=[objects.reading.pk]))
    client.force_login(school.student)
    assert client.get(objects.reading.get_absolute_url()).status_code == 404


def test_an_extension_of_another_assignment_cannot_be_revoked_through_this_one(client, objects):
    client.force_login(objects.school.teacher)
    url = reverse(
        "courseware:extension-revoke",
        kwargs={"pk": objects.quiz.pk, "extension_pk": objects.extension.pk},
    )
    assert client.post(url).status_code == 404
    assert objects.reading.extensions.exists()


def _without_csrf_token(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
