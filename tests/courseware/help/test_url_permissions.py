"""Every help URL against every role (``tests.conftest.ROLES``).

The request is the student's, about an essay of ``classroom``. Only that student and the class's
teacher see it: the school admin (who does not teach the class), the other class's people and
anyone else get a 404, the same as for a missing request. The student may read but not answer
(403).
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import HelpRequest, HelpStatus
from courseware.services import help as services
from tests.conftest import ROLES

LOGIN = "login"


def _expect(admin, teacher, other_teacher, student, other_student, anonymous=LOGIN) -> dict:
    return dict(
        zip(ROLES, [admin, teacher, other_teacher, student, other_student, anonymous], strict=True)
    )


@pytest.fixture
def help_request(school, help_world):
    return services.help_request_ask(
        assignment=help_world.essay, student=school.student, text="Help", now=timezone.now()
    )


GETS = [
    (
        "courseware:assignment-help",
        lambda s, w, h: {"pk": w.essay.pk},
        _expect(404, 302, 404, 200, 404),
    ),
    ("courseware:help-detail", lambda s, w, h: {"pk": h.pk}, _expect(404, 200, 404, 200, 404)),
    (
        "courseware:classroom-help",
        lambda s, w, h: {"pk": s.classroom.pk},
        _expect(404, 200, 404, 404, 404),
    ),
]

POSTS = [
    (
        "courseware:assignment-help",
        lambda s, w, h: {"pk": w.essay.pk},
        {"text": "Another question"},
        _expect(404, 302, 404, 302, 404),  # the teacher is sent to the class's list
        "student",
    ),
    (
        "courseware:help-reply",
        lambda s, w, h: {"pk": h.pk},
        {"text": "An answer"},
        _expect(404, 302, 404, 403, 404),
        "teacher",
    ),
    (
        "courseware:help-resolve",
        lambda s, w, h: {"pk": h.pk},
        {},
        _expect(404, 302, 404, 403, 404),
        "teacher",
    ),
]


def _check(response, want):
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs", "expected"), GETS, ids=[g[0] for g in GETS])
def test_get_answers_each_role(
    client, school, help_world, help_request, role, name, kwargs, expected
):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    _check(
        client.get(reverse(name, kwargs=kwargs(school, help_world, help_request))), expected[role]
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "data", "expected", "actor"), POSTS, ids=[p[0] for p in POSTS]
)
def test_post_answers_each_role(
    client, school, help_world, help_request, role, name, kwargs, data, expected, actor
):
    """Only ``actor`` changes anything; everyone else is refused (or redirected) unchanged."""
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs(school, help_world, help_request))
    _check(client.post(url, data), expected[role])
    changed = (
        help_request.replies.exists()
        or HelpRequest.objects.filter(status=HelpStatus.RESOLVED).exists()
        or HelpRequest.objects.count() > 1
    )
    assert changed == (role == actor)


def test_a_forbidden_request_and_a_missing_one_look_the_same(client, school, help_request):
    client.force_login(school.other_student)
    forbidden = client.get(reverse("courseware:help-detail", args=[help_request.pk]))
    missing = client.get(reverse("courseware:help-detail", args=[help_request.pk + 1000]))
    assert forbidden.status_code == missing.status_code == 404
