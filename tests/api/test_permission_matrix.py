"""Every API endpoint × every role: the status each gets, and lists that show nobody anything
that is not theirs.

Roles (``tests.conftest.ROLES``): a school admin; the teacher and a student of ``classroom``;
the teacher and a student of ``other_classroom``; anonymous. Every object addressed below
belongs to ``classroom`` (or its course) unless its name says ``other``. Outside the class it is
a 404, the same as a missing object; a member who may see it but not change it gets a 403;
anonymous gets a 401.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from courseware.models import AssignmentKind
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db


def _expect(admin, teacher, other_teacher, student, other_student, anonymous=401) -> dict:
    results = [admin, teacher, other_teacher, student, other_student, anonymous]
    return dict(zip(ROLES, results, strict=True))


EVERYONE = _expect(200, 200, 200, 200, 200)
# The class's members see it; outsiders get a 404.
MEMBERS = _expect(200, 200, 404, 200, 404)
# Those who run the class: its teachers and school admins.
MANAGERS = _expect(200, 200, 404, 403, 404)
# What only school admins do.
ADMINS = _expect(200, 403, 404, 403, 404)
# Content of the shared course: teachers see all content; both students are enrolled in it.
CONTENT = EVERYONE
# Content of a course nobody here studies: teachers see it, students get a 404.
OTHER_CONTENT = _expect(200, 200, 200, 404, 404)
AUTHORS = _expect(200, 200, 200, 403, 403)


def _when(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def _all_correct(o) -> dict:
    questions = o.quiz.quiz.questions.prefetch_related("choices")
    return {
        "answers": [
            {"question": q.pk, "choice": next(c.pk for c in q.choices.all() if c.is_correct)}
            for q in questions
        ]
    }


RUBRIC = {
    "title": "Source analysis",
    "criteria": [
        {
            "title": "Use of evidence",
            "levels": [
                {"title": "High", "descriptor": "Precise.", "marks": "5"},
                {"title": "Low", "descriptor": "General.", "marks": "1"},
            ],
        }
    ],
}


QUIZ = {
    "title": "Check on the succession",
    "questions": [
        {
            "type": "single",
            "text": "Who led the Left Opposition?",
            "choices": [{"text": "Trotsky", "correct": True}, {"text": "Stalin"}],
        },
        {"type": "true_false", "text": "Lenin died in 1924.", "answer": True},
        {"type": "short", "text": "Stalin's nickname?", "accepted": ["Koba"]},
    ],
}


def _unit(o) -> dict:
    return {
        "course": o.course.pk,
        "title": "Socialism in one country",
        "readings": [{"reading": o.text.pk}],
    }


def _prompt(o) -> dict:
    return {"title": "Why Stalin?", "question": "Why?", "max_words": 900, "rubric": o.rubric.pk}


def _reading(o) -> dict:
    return {"title": "Since Lenin Died", "kind": "primary", "text": "Trotsky wrote at length."}


def _essay(o) -> dict:
    return {"prompt": o.prompt.pk, "opens_at": _when(0), "due_at": _when(7)}


def _draft(o) -> int:
    """A draft assignment of ``classroom``, made for the row that addresses it."""
    from courseware.services.setting import essay_task_set

    return essay_task_set(
        classroom=o.school.classroom,
        by=o.school.teacher,
        prompt=o.prompt,
        set_it=False,
        assignment_fields={"opens_at": timezone.now(), "due_at": timezone.now()},
    ).draft.pk


# Creating content: every author (school-wide), never a student.
AUTHORS_CREATE = _expect(201, 201, 201, 403, 403)

# id, method, url, body, expected status per role
MATRIX = [
    # --- classes
    ("classes-list", "get", lambda o: "/api/v1/classes/", None, EVERYONE),
    (
        "classes-create",
        "post",
        lambda o: "/api/v1/classes/",
        lambda o: {"name": "12 History Z", "course": o.course.pk, "year": 2026},
        _expect(201, 403, 403, 403, 403),
    ),
    (
        "classes-retrieve",
        "get",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/",
        None,
        MEMBERS,
    ),
    (
        "classes-roster",
        "get",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/roster/",
        None,
        MANAGERS,
    ),
    (
        "classes-enrol",
        "post",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/enrol/",
        lambda o: {
            "csv": "username,email,first_name,last_name\nnew.kid,new.kid@example.org,New,Kid\n",
            "dry_run": True,
        },
        ADMINS,
    ),
    (
        "classes-archive",
        "post",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/archive/",
        None,
        ADMINS,
    ),
    (
        "classes-restore",
        "post",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/restore/",
        None,
        ADMINS,
    ),
    (
        "classes-join-code",
        "put",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/join-code/",
        lambda o: {"enabled": False},
        MANAGERS,
    ),
    (
        "classes-join-code-regenerate",
        "post",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/join-code/regenerate/",
        None,
        MANAGERS,
    ),
    (
        "classes-teachers-add",
        "post",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/teachers/",
        lambda o: {"teacher": o.new_teacher.pk},
        ADMINS,
    ),
    (
        "classes-teachers-remove",
        "delete",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/teachers/{o.school.teacher.pk}/",
        None,
        ADMINS,
    ),
    (
        "classes-join",
        "post",
        lambda o: "/api/v1/classes/join/",
        lambda o: {"code": o.school.classroom.join_code},
        # The class's own student is in it already (200); the other student joins (201).
        _expect(403, 403, 403, 200, 201),
    ),
    # --- assignments
    ("assignments-list", "get", lambda o: "/api/v1/assignments/", None, EVERYONE),
    (
        "assignments-create",
        "post",
        lambda o: "/api/v1/assignments/",
        lambda o: {
            "classroom": o.school.classroom.pk,
            "kind": AssignmentKind.READING,
            "target": o.text.pk,
            "opens_at": _when(0),
            "due_at": _when(7),
        },
        _expect(201, 201, 404, 403, 404),
    ),
    (
        "assignments-retrieve",
        "get",
        lambda o: f"/api/v1/assignments/{o.reading.pk}/",
        None,
        MEMBERS,
    ),
    (
        "assignments-retrieve-withdrawn",
        "get",
        lambda o: f"/api/v1/assignments/{o.withdrawn.pk}/",
        None,
        _expect(200, 200, 404, 404, 404),
    ),
    (
        "assignments-retrieve-not-open",
        "get",
        lambda o: f"/api/v1/assignments/{o.not_open.pk}/",
        None,
        _expect(200, 200, 404, 404, 404),
    ),
    (
        "assignments-update",
        "patch",
        lambda o: f"/api/v1/assignments/{o.reading.pk}/",
        lambda o: {"instructions": "Read sections 1 and 2."},
        MANAGERS,
    ),
    (
        "assignments-withdraw",
        "post",
        lambda o: f"/api/v1/assignments/{o.reading.pk}/withdraw/",
        None,
        MANAGERS,
    ),
    (
        "assignments-restore",
        "post",
        lambda o: f"/api/v1/assignments/{o.withdrawn.pk}/restore/",
        None,
        _expect(200, 200, 404, 404, 404),
    ),
    (
        "assignments-extensions-list",
        "get",
        lambda o: f"/api/v1/assignments/{o.reading.pk}/extensions/",
        None,
        MANAGERS,
    ),
    (
        "assignments-extensions-grant",
        "post",
        lambda o: f"/api/v1/assignments/{o.essay.pk}/extensions/",
        lambda o: {"student": o.school.student.pk, "due_at": _when(20)},
        _expect(201, 201, 404, 403, 404),
    ),
    (
        "assignments-extensions-revoke",
        "delete",
        lambda o: f"/api/v1/assignments/{o.reading.pk}/extensions/{o.extension.pk}/",
        None,
        _expect(204, 204, 404, 403, 404),
    ),
    (
        "assignments-quiz-attempt-start",
        "post",
        lambda o: f"/api/v1/assignments/{o.quiz.pk}/quiz-attempts/",
        None,
        # The student resumes the attempt in progress; teachers do not take quizzes.
        _expect(403, 403, 404, 200, 404),
    ),
    # --- quiz attempts
    ("quiz-attempts-list", "get", lambda o: "/api/v1/quiz-attempts/", None, EVERYONE),
    (
        "quiz-attempts-retrieve",
        "get",
        lambda o: f"/api/v1/quiz-attempts/{o.attempt.pk}/",
        None,
        MEMBERS,
    ),
    (
        "quiz-attempts-submit",
        "post",
        lambda o: f"/api/v1/quiz-attempts/{o.attempt.pk}/submit/",
        _all_correct,
        _expect(403, 403, 404, 200, 404),
    ),
    # --- submissions
    ("submissions-list", "get", lambda o: "/api/v1/submissions/", None, EVERYONE),
    # --- content
    ("courses-list", "get", lambda o: "/api/v1/courses/", None, EVERYONE),
    ("courses-retrieve", "get", lambda o: f"/api/v1/courses/{o.course.pk}/", None, CONTENT),
    (
        "courses-retrieve-other",
        "get",
        lambda o: f"/api/v1/courses/{o.other_course.pk}/",
        None,
        OTHER_CONTENT,
    ),
    ("units-list", "get", lambda o: "/api/v1/units/", None, EVERYONE),
    ("units-retrieve", "get", lambda o: f"/api/v1/units/{o.unit.pk}/", None, CONTENT),
    (
        "units-retrieve-other",
        "get",
        lambda o: f"/api/v1/units/{o.other_unit.pk}/",
        None,
        OTHER_CONTENT,
    ),
    ("readings-list", "get", lambda o: "/api/v1/readings/", None, EVERYONE),
    ("readings-retrieve", "get", lambda o: f"/api/v1/readings/{o.text.pk}/", None, CONTENT),
    (
        "readings-retrieve-other",
        "get",
        lambda o: f"/api/v1/readings/{o.other_text.pk}/",
        None,
        OTHER_CONTENT,
    ),
    (
        "readings-progress",
        "get",
        lambda o: f"/api/v1/readings/{o.text.pk}/progress/",
        None,
        _expect(403, 403, 403, 200, 200),
    ),
    (
        "readings-progress-mark-read",
        "put",
        lambda o: f"/api/v1/readings/{o.text.pk}/progress/",
        lambda o: {"read": True},
        _expect(403, 403, 403, 200, 200),
    ),
    (
        "readings-progress-other",
        "put",
        lambda o: f"/api/v1/readings/{o.other_text.pk}/progress/",
        lambda o: {"read": True},
        _expect(403, 403, 403, 404, 404),
    ),
    ("units-create", "post", lambda o: "/api/v1/units/", _unit, AUTHORS_CREATE),
    (
        "units-update",
        "put",
        lambda o: f"/api/v1/units/{o.unit.pk}/",
        lambda o: {"title": "The succession"},
        AUTHORS,
    ),
    (
        "units-partial-update",
        "patch",
        lambda o: f"/api/v1/units/{o.unit.pk}/",
        lambda o: {"overview": "1924."},
        AUTHORS,
    ),
    (
        "units-partial-update-other",
        "patch",
        lambda o: f"/api/v1/units/{o.other_unit.pk}/",
        lambda o: {"overview": "1924."},
        AUTHORS,
    ),
    ("readings-create", "post", lambda o: "/api/v1/readings/", _reading, AUTHORS_CREATE),
    (
        "readings-update",
        "put",
        lambda o: f"/api/v1/readings/{o.text.pk}/",
        lambda o: {"title": "Renamed", "kind": "secondary"},
        AUTHORS,
    ),
    (
        "readings-update-other",
        "put",
        lambda o: f"/api/v1/readings/{o.other_text.pk}/",
        lambda o: {"title": "Renamed", "kind": "secondary"},
        AUTHORS,
    ),
    ("prompts-list", "get", lambda o: "/api/v1/prompts/", None, EVERYONE),
    (
        "prompts-create",
        "post",
        lambda o: "/api/v1/prompts/",
        lambda o: {**_prompt(o), "course": o.course.pk},
        AUTHORS_CREATE,
    ),
    (
        "prompts-update",
        "put",
        lambda o: f"/api/v1/prompts/{o.prompt.pk}/",
        _prompt,
        AUTHORS,
    ),
    (
        "prompts-partial-update",
        "patch",
        lambda o: f"/api/v1/prompts/{o.prompt.pk}/",
        lambda o: {"guidance": "Two sources."},
        AUTHORS,
    ),
    (
        "prompts-partial-update-other",
        "patch",
        lambda o: f"/api/v1/prompts/{o.other_prompt.pk}/",
        lambda o: {"guidance": "Two sources."},
        AUTHORS,
    ),
    ("prompts-retrieve", "get", lambda o: f"/api/v1/prompts/{o.prompt.pk}/", None, CONTENT),
    (
        "prompts-retrieve-other",
        "get",
        lambda o: f"/api/v1/prompts/{o.other_prompt.pk}/",
        None,
        OTHER_CONTENT,
    ),
    ("rubrics-list", "get", lambda o: "/api/v1/rubrics/", None, EVERYONE),
    ("rubrics-retrieve", "get", lambda o: f"/api/v1/rubrics/{o.rubric.pk}/", None, CONTENT),
    (
        "rubrics-retrieve-other",
        "get",
        lambda o: f"/api/v1/rubrics/{o.other_prompt.rubric_id}/",
        None,
        OTHER_CONTENT,
    ),
    (
        "rubrics-create",
        "post",
        lambda o: "/api/v1/rubrics/",
        lambda o: RUBRIC,
        AUTHORS_CREATE,
    ),
    (
        "rubrics-update",
        "put",
        lambda o: f"/api/v1/rubrics/{o.rubric.pk}/",
        lambda o: RUBRIC,
        # In use by an essay of the class: the edit is a new version.
        _expect(201, 201, 201, 403, 403),
    ),
    (
        "rubrics-duplicate",
        "post",
        lambda o: f"/api/v1/rubrics/{o.rubric.pk}/duplicate/",
        None,
        AUTHORS_CREATE,
    ),
    (
        "rubrics-duplicate-other",
        "post",
        lambda o: f"/api/v1/rubrics/{o.other_prompt.rubric_id}/duplicate/",
        None,
        _expect(201, 201, 201, 403, 403),
    ),
    ("rubrics-templates", "get", lambda o: "/api/v1/rubrics/templates/", None, EVERYONE),
    (
        "classes-copy-work",
        "post",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/copy-work/",
        lambda o: {"target": o.school.other_classroom.pk, "offset_days": 7},
        # Only a school admin may set work in the other class; its teacher cannot copy into it.
        _expect(201, 400, 404, 403, 404),
    ),
    (
        "assignments-attempt-grants",
        "post",
        lambda o: f"/api/v1/assignments/{o.quiz.pk}/attempt-grants/",
        lambda o: {"student": o.school.student.pk},
        _expect(201, 201, 404, 403, 404),
    ),
    # --- setting an essay in one call, and draft assignments (courseware.api.setting)
    (
        "classes-essays",
        "post",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/essays/",
        lambda o: _essay(o),
        _expect(201, 201, 404, 403, 404),
    ),
    # A draft does not exist for anyone who may not set the class's work.
    (
        "classes-drafts-list",
        "get",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/drafts/",
        None,
        _expect(200, 200, 404, 404, 404),
    ),
    (
        "classes-drafts-retrieve",
        "get",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/drafts/{_draft(o)}/",
        None,
        _expect(200, 200, 404, 404, 404),
    ),
    (
        "classes-drafts-update",
        "put",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/drafts/{_draft(o)}/",
        lambda o: _essay(o),
        _expect(200, 200, 404, 404, 404),
    ),
    (
        "classes-drafts-delete",
        "delete",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/drafts/{_draft(o)}/",
        None,
        _expect(204, 204, 404, 404, 404),
    ),
    (
        "classes-drafts-set",
        "post",
        lambda o: f"/api/v1/classes/{o.school.classroom.pk}/drafts/{_draft(o)}/set/",
        None,
        _expect(201, 201, 404, 404, 404),
    ),
    # --- quizzes (courseware.api.quizzes): authors only, since the answers are in them
    ("quizzes-list", "get", lambda o: "/api/v1/quizzes/", None, AUTHORS),
    ("quizzes-retrieve", "get", lambda o: f"/api/v1/quizzes/{o.quiz.quiz_id}/", None, AUTHORS),
    (
        "quizzes-create",
        "post",
        lambda o: "/api/v1/quizzes/",
        lambda o: {**QUIZ, "unit": o.unit.pk},
        AUTHORS_CREATE,
    ),
    (
        "quizzes-update",
        "put",
        lambda o: f"/api/v1/quizzes/{o.quiz.quiz_id}/",
        lambda o: QUIZ,
        # An attempt is in progress: the edit is a new version.
        _expect(201, 201, 201, 403, 403),
    ),
    (
        "quizzes-duplicate",
        "post",
        lambda o: f"/api/v1/quizzes/{o.quiz.quiz_id}/duplicate/",
        None,
        AUTHORS_CREATE,
    ),
    (
        "quizzes-move",
        "post",
        lambda o: f"/api/v1/quizzes/{o.quiz.quiz_id}/move/",
        lambda o: {"to": "down"},
        AUTHORS,
    ),
    (
        "quizzes-statistics",
        "get",
        lambda o: f"/api/v1/quizzes/{o.quiz.quiz_id}/statistics/",
        None,
        AUTHORS,
    ),
    (
        "quizzes-retrieve-missing",
        "get",
        lambda o: "/api/v1/quizzes/999999/",
        None,
        _expect(404, 404, 404, 403, 403),
    ),
    # --- writing process (courseware.api.process): the essay's student and the class's markers.
    (
        "submission-history",
        "get",
        lambda o: f"/api/v1/submissions/{o.submission.pk}/history/",
        None,
        _expect(200, 200, 404, 200, 404),
    ),
    (
        # The essay is handed in for good: its student is told the coach is for drafts.
        "submission-coach",
        "post",
        lambda o: f"/api/v1/submissions/{o.submission.pk}/coach/",
        lambda o: {"text": "A draft."},
        _expect(403, 403, 404, 409, 404),
    ),
    # The feedback response needs a released grade (the essay here is not marked yet): every
    # role gets a 404. The roles on a returned essay are in
    # tests/courseware/process/test_feedback_first.py.
    (
        "submission-feedback-response",
        "get",
        lambda o: f"/api/v1/submissions/{o.submission.pk}/feedback-response/",
        None,
        _expect(404, 404, 404, 404, 404),
    ),
    (
        "submission-feedback-response-write",
        "post",
        lambda o: f"/api/v1/submissions/{o.submission.pk}/feedback-response/",
        lambda o: {"text": "Next time I will quote the sources."},
        _expect(404, 404, 404, 404, 404),
    ),
    # --- marking (courseware.api.marking): markers only; a student sees a grade once released.
    # Grade lists, the gradebook and the student's grades are in
    # tests/courseware/marking/test_permissions.py, a submission by id in
    # tests/courseware/submissions/test_permissions.py.
    (
        "grade-save",
        "put",
        lambda o: f"/api/v1/submissions/{o.submission.pk}/grade/",
        lambda o: {"criteria": [], "overall_comment": "Started.", "revision": 0},
        _expect(200, 200, 404, 404, 404),
    ),
    (
        "grade-retrieve-unmarked",
        "get",
        lambda o: f"/api/v1/submissions/{o.submission.pk}/grade/",
        None,
        _expect(404, 404, 404, 404, 404),
    ),
    # --- accounts
    ("me", "get", lambda o: "/api/v1/me/", None, EVERYONE),
    # --- notifications: everyone has their own; the notification is the student's
    ("notifications-list", "get", lambda o: "/api/v1/notifications/", None, EVERYONE),
    (
        "notifications-read",
        "post",
        lambda o: f"/api/v1/notifications/{o.notification.pk}/read/",
        None,
        _expect(404, 404, 404, 200, 404),
    ),
    ("notifications-read-all", "post", lambda o: "/api/v1/notifications/read-all/", None, EVERYONE),
    (
        "notification-preferences",
        "get",
        lambda o: "/api/v1/me/notification-preferences/",
        None,
        EVERYONE,
    ),
    (
        "notification-preferences-put",
        "put",
        lambda o: "/api/v1/me/notification-preferences/",
        lambda o: {"announcement": "digest"},  # a kind that reaches everyone
        EVERYONE,
    ),
    ("calendar-feeds", "get", lambda o: "/api/v1/me/calendar/", None, EVERYONE),
    (
        "calendar-feeds-issue",
        "post",
        lambda o: "/api/v1/me/calendar/",
        lambda o: {},
        _expect(201, 201, 201, 201, 201),
    ),
    (
        "calendar-feeds-issue-class",
        "post",
        lambda o: "/api/v1/me/calendar/",
        lambda o: {"classroom": o.school.classroom.pk},
        _expect(201, 201, 404, 201, 404),
    ),
    (
        "calendar-feeds-revoke",
        "delete",
        lambda o: "/api/v1/me/calendar/",
        lambda o: {},
        _expect(204, 204, 204, 204, 204),
    ),
    ("announcements-list", "get", lambda o: "/api/v1/announcements/", None, EVERYONE),
    (
        "announcements-retrieve",
        "get",
        lambda o: f"/api/v1/announcements/{o.announcement.pk}/",
        None,
        MEMBERS,
    ),
    (
        "announcements-create",
        "post",
        lambda o: "/api/v1/announcements/",
        lambda o: {"classrooms": [o.school.classroom.pk], "title": "Quiz", "body": "On *Friday*."},
        _expect(201, 201, 404, 403, 403),
    ),
    # --- help requests: private to the student who asked and the class's teachers
    ("help-requests-list", "get", lambda o: "/api/v1/help-requests/", None, EVERYONE),
    (
        "help-requests-retrieve",
        "get",
        lambda o: f"/api/v1/help-requests/{o.help_request.pk}/",
        None,
        _expect(404, 200, 404, 200, 404),
    ),
    (
        "help-requests-create",
        "post",
        lambda o: "/api/v1/help-requests/",
        lambda o: {"assignment": o.essay.pk, "text": "What is a primary source?"},
        # The school admin sees the assignment but is not its student.
        _expect(403, 403, 404, 201, 404),
    ),
    (
        "help-requests-replies",
        "post",
        lambda o: f"/api/v1/help-requests/{o.help_request.pk}/replies/",
        lambda o: {"text": "Come and see me."},
        _expect(404, 201, 404, 403, 404),
    ),
    (
        "help-requests-resolve",
        "post",
        lambda o: f"/api/v1/help-requests/{o.help_request.pk}/resolve/",
        None,
        _expect(404, 200, 404, 403, 404),
    ),
    # --- rosters: school admins only; the import takes a multipart zip, so JSON is a 415 for
    # the one role let through (tests/courseware/rosters/test_api.py sends real exports).
    (
        "rosters-import",
        "post",
        lambda o: "/api/v1/rosters/import/",
        lambda o: {},
        _expect(415, 403, 403, 403, 403),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "expected"), MATRIX, ids=[m[0] for m in MATRIX]
)
def test_endpoint_answers_each_role_as_expected(
    world, api_as, role, name, method, url, body, expected
):
    client = api_as(role)
    response = getattr(client, method)(url(world), body(world) if body else None, format="json")
    assert response.status_code == expected[role], response.content
    if response.status_code == 404:
        assert response.json() == {"detail": "Not found."}
    if response.status_code in (401, 403):
        assert set(response.json()) == {"detail"}
