"""Every content URL against every role.

The school's two classes share one course, so both of its students see that course's content;
``other_course`` is taken by neither, so its content is a 404 to students (the same as a missing
object) while teachers and school admins, who author and reuse content, see it. Authoring pages
are 403 to a student who can see the object being edited.
"""

import re

import pytest
from django.urls import reverse

from tests.conftest import ROLES, module_world
from tests.courseware.content.conftest import make_content

LOGIN = "login"
EVERYONE = {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}
AUTHORS = {
    "school_admin": 200,
    "teacher": 200,
    "other_teacher": 200,
    "student": 403,
    "other_student": 403,
    "anonymous": LOGIN,
}
AUTHORS_ONLY_ELSEWHERE = {**AUTHORS, "student": 404, "other_student": 404}
TEACHERS_ONLY = {**EVERYONE, "student": 404, "other_student": 404}


def course(c):
    return {"slug": c.course.slug}


def other_course(c):
    return {"slug": c.other_course.slug}


MATRIX = [
    ("courseware:course-list", lambda c: {}, EVERYONE),
    ("courseware:course-detail", course, EVERYONE),
    ("courseware:course-detail", other_course, TEACHERS_ONLY),
    ("courseware:glossary", course, EVERYONE),
    ("courseware:glossary", other_course, TEACHERS_ONLY),
    ("courseware:people", course, EVERYONE),
    ("courseware:people", other_course, TEACHERS_ONLY),
    ("courseware:timeline", course, EVERYONE),
    ("courseware:timeline", other_course, TEACHERS_ONLY),
    (
        "courseware:unit-detail",
        lambda c: {"course_slug": c.course.slug, "slug": c.unit.slug},
        EVERYONE,
    ),
    (
        "courseware:unit-detail",
        lambda c: {"course_slug": c.other_course.slug, "slug": c.other_unit.slug},
        TEACHERS_ONLY,
    ),
    ("courseware:unit-create", lambda c: {"course_slug": c.course.slug}, AUTHORS),
    (
        "courseware:unit-create",
        lambda c: {"course_slug": c.other_course.slug},
        AUTHORS_ONLY_ELSEWHERE,
    ),
    (
        "courseware:unit-edit",
        lambda c: {"course_slug": c.course.slug, "slug": c.unit.slug},
        AUTHORS,
    ),
    (
        "courseware:unit-edit",
        lambda c: {"course_slug": c.other_course.slug, "slug": c.other_unit.slug},
        AUTHORS_ONLY_ELSEWHERE,
    ),
    ("courseware:reading-list", lambda c: {}, EVERYONE),
    ("courseware:reading-create", lambda c: {}, AUTHORS),
    ("courseware:reading-detail", lambda c: {"slug": c.reading.slug}, EVERYONE),
    ("courseware:reading-detail", lambda c: {"slug": c.other_reading.slug}, TEACHERS_ONLY),
    ("courseware:reading-edit", lambda c: {"slug": c.reading.slug}, AUTHORS),
    ("courseware:reading-edit", lambda c: {"slug": c.other_reading.slug}, AUTHORS_ONLY_ELSEWHERE),
    (
        "courseware:reading-progress",
        lambda c: {"slug": c.reading.slug},
        {**dict.fromkeys(ROLES, 405), "anonymous": LOGIN},
    ),
    (
        "courseware:prompt-detail",
        lambda c: {"course_slug": c.course.slug, "slug": c.prompt.slug},
        EVERYONE,
    ),
    (
        "courseware:prompt-detail",
        lambda c: {"course_slug": c.other_course.slug, "slug": c.other_prompt.slug},
        TEACHERS_ONLY,
    ),
    ("courseware:prompt-create", lambda c: {"course_slug": c.course.slug}, AUTHORS),
    (
        "courseware:prompt-create",
        lambda c: {"course_slug": c.other_course.slug},
        AUTHORS_ONLY_ELSEWHERE,
    ),
    (
        "courseware:prompt-edit",
        lambda c: {"course_slug": c.course.slug, "slug": c.prompt.slug},
        AUTHORS,
    ),
    (
        "courseware:prompt-edit",
        lambda c: {"course_slug": c.other_course.slug, "slug": c.other_prompt.slug},
        AUTHORS_ONLY_ELSEWHERE,
    ),
    ("courseware:rubric-list", lambda c: {}, EVERYONE),
    ("courseware:rubric-create", lambda c: {}, AUTHORS),
    ("courseware:rubric-detail", lambda c: {"pk": c.rubric.pk}, EVERYONE),
    ("courseware:rubric-detail", lambda c: {"pk": c.other_rubric.pk}, TEACHERS_ONLY),
    ("courseware:rubric-edit", lambda c: {"pk": c.rubric.pk}, AUTHORS),
    ("courseware:rubric-edit", lambda c: {"pk": c.other_rubric.pk}, AUTHORS_ONLY_ELSEWHERE),
    ("courseware:search", lambda c: {}, EVERYONE),
    # Quiz authoring: the answers are on these pages, so to a student a quiz is missing.
    *(
        (f"courseware:quiz-{page}", unit_of, TEACHERS_ONLY)
        for page in ("create", "import")
        for unit_of in (
            lambda c: {"course_slug": c.course.slug, "slug": c.unit.slug},
            lambda c: {"course_slug": c.other_course.slug, "slug": c.other_unit.slug},
        )
    ),
    *(
        (f"courseware:quiz-{page}", quiz_of, TEACHERS_ONLY)
        for page in ("detail", "edit", "export", "statistics")
        for quiz_of in (lambda c: {"pk": c.quiz.pk}, lambda c: {"pk": c.other_quiz.pk})
    ),
]


shared_world, world_copy, school, content = module_world(make_content, name="content")


QUIZ_POSTS_BASE = {
    "school_admin": 302,
    "teacher": 302,
    "other_teacher": 302,
    "anonymous": LOGIN,
}


def _ids():
    seen: dict[str, int] = {}
    ids = []
    for name, _, _ in MATRIX:
        seen[name] = seen.get(name, 0) + 1
        ids.append(f"{name.split(':')[1]}-{seen[name]}")
    return ids


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs", "expected"), MATRIX, ids=_ids())
def test_content_url_answers_each_role_as_expected(
    client, school, content, role, name, kwargs, expected
):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs(content)))
    _check(response, expected[role])


PROGRESS = {
    "school_admin": 403,
    "teacher": 403,
    "other_teacher": 403,
    "student": 302,
    "other_student": 302,
    "anonymous": LOGIN,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("reading", "expected"),
    [("reading", PROGRESS), ("other_reading", {**PROGRESS, "student": 404, "other_student": 404})],
)
def test_marking_read_answers_each_role_as_expected(
    client, school, content, role, reading, expected
):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse("courseware:reading-progress", args=[getattr(content, reading).slug])
    _check(client.post(url, {"action": "read"}), expected[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("rubric", "expected"),
    [
        ("rubric", {**QUIZ_POSTS_BASE, "student": 403, "other_student": 403}),
        ("other_rubric", {**QUIZ_POSTS_BASE, "student": 404, "other_student": 404}),
    ],
)
def test_duplicating_a_rubric_answers_each_role_as_expected(
    client, school, content, role, rubric, expected
):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse("courseware:rubric-duplicate", args=[getattr(content, rubric).pk])
    _check(client.post(url), expected[role])


QUIZ_POSTS = {
    "school_admin": 302,
    "teacher": 302,
    "other_teacher": 302,
    "student": 404,
    "other_student": 404,
    "anonymous": LOGIN,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["duplicate", "move"])
@pytest.mark.parametrize("quiz", ["quiz", "other_quiz"])
def test_quiz_actions_answer_each_role_as_expected(client, school, content, role, action, quiz):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse(f"courseware:quiz-{action}", args=[getattr(content, quiz).pk])
    _check(client.post(url, {"to": "up"}), QUIZ_POSTS[role])


def test_search_within_a_reading_the_student_may_not_open_is_a_404(client, school, content):
    client.force_login(school.student)
    response = client.get(
        reverse("courseware:search"), {"q": "Troika", "reading": content.other_reading.slug}
    )
    assert response.status_code == 404


def test_a_forbidden_reading_and_a_missing_one_look_the_same(client, school, content):
    client.force_login(school.student)
    forbidden = client.get(reverse("courseware:reading-detail", args=[content.other_reading.slug]))
    missing = client.get(reverse("courseware:reading-detail", args=["no-such-reading"]))
    assert forbidden.status_code == missing.status_code == 404
    assert _without_csrf_token(forbidden.content) == _without_csrf_token(missing.content)


def _without_csrf_token(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def _check(response, want):
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want
