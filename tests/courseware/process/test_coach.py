"""The citation coach: a few self-checks per version that tell the student, in teaching language,
where a quotation lacks marks, cites the wrong paragraph or differs from the source; the teacher
sees that it was used, not what it said. And the assignment's process settings."""

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import CoachCheck, ProcessSettings
from courseware.selectors.process import process_view
from courseware.services.process import coach_check_run, process_settings_set
from tests.conftest import ROLES, module_world
from tests.courseware.process.conftest import make_process_world

shared_world, world_copy, school, world = module_world(make_process_world)

ESSAY = (
    "Stalin won, I argue, through patient control of appointments in the party.\n\n"
    "His rivals had \u201cevery reason to fear Trotsky\u201d [[succession-notes#p-2]], I think.\n\n"
    "Critics called it \u201ca gamble on risings in Paris and London\u201d "
    "[[succession-notes#p-3]] at the time.\n\n"
    "Stalin \u201cbecame synonymous with the policy of socialism in one country\u201d by then.\n\n"
    "Trotsky had directed the October rising and built the Red Army from nothing in the middle "
    "of a civil war.\n\n"
    "So the policy \u201cgave a tired party hope and continuity\u201d [[succession-notes#p-2]]."
)


def _run(world, text=ESSAY):
    return coach_check_run(
        submission=world.submission, text=text, by=world.submission.student, now=timezone.now()
    )


def test_the_coach_explains_each_slip_in_teaching_language(world):
    result = _run(world)
    messages = [note.message for note in result.to_fix]
    assert messages == [
        "The words you quote are not in the paragraph your citation points to. Check which "
        "paragraph they come from and cite that one. They look like [[succession-notes#p-1]].",
        "This quotation differs from the source ([[succession-notes#p-3]]): \u201cparis\u201d for "
        "\u201cberlin\u201d. A quotation gives the source's words exactly; mark words you leave "
        "out with an ellipsis (\u2026) and words you add with [square brackets].",
        "These words are in quotation marks but have no citation. Say where they come from: "
        "add [[succession-notes#p-2]] after the closing quotation mark.",
        "This passage uses the words of [[succession-notes#p-1]] without quotation marks. "
        "Either put the source's words in quotation marks and cite them, or explain the idea "
        "in your own words (and still cite it).",
    ]
    assert [note.excerpt for note in result.good] == ["gave a tired party hope and continuity"]


def test_the_coach_is_limited_per_version_and_the_teacher_sees_only_that_it_ran(world):
    process_settings_set(assignment=world.assignment, coach_checks=2, feedback_first=False)
    _run(world)
    second = _run(world)
    assert (second.checks_used, second.checks_allowed) == (2, 2)
    with pytest.raises(Exception, match="used all 2 citation checks"):
        _run(world)
    assert CoachCheck.objects.filter(submission=world.submission).count() == 2
    view = process_view(submission=world.submission)
    assert len(view.coach_times) == 2
    # What it said is not stored anywhere: only when it ran and how many notes.
    assert set(CoachCheck.objects.values_list("notes", flat=True)) == {4}


def test_the_coach_page_shows_the_notes_to_the_student(client, world, school):
    client.force_login(school.student)
    url = reverse("courseware:citation-coach", args=[world.submission.pk])
    response = client.post(url, {"text": ESSAY, "revision": 0})
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 things to look at" in html
    assert "check 1 of 3 for this version" in html


def test_the_coach_refuses_an_oversized_text_with_a_message_and_counts_nothing(
    client, world, school
):
    client.force_login(school.student)
    url = reverse("courseware:citation-coach", args=[world.submission.pk])
    response = client.post(url, {"text": "x\x00y"})
    assert response.status_code == 400
    assert not CoachCheck.objects.exists()


COACH = {"school_admin": 403, "teacher": 403, "other_teacher": 404, "student": 200}
SETTINGS_GET = {"school_admin": 200, "teacher": 200, "other_teacher": 404, "student": 404}


@pytest.mark.parametrize("role", ROLES)
def test_the_coach_answers_each_role(client, school, world, role):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    response = client.post(
        reverse("courseware:citation-coach", args=[world.submission.pk]), {"text": ESSAY}
    )
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == COACH.get(role, 404)
    assert CoachCheck.objects.count() == (1 if role == "student" else 0)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ROLES)
def test_the_process_settings_answer_each_role(client, school, world, role, method):
    user = school.user_for(role)
    if user is not None:
        client.force_login(user)
    url = reverse("courseware:process-settings", args=[world.assignment.pk])
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, {"coach_checks": "5", "feedback_first": "on"})
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        return
    want = SETTINGS_GET.get(role, 404)
    if method == "post" and want == 200:
        want = 302
    assert response.status_code == want
    saved = ProcessSettings.objects.filter(assignment=world.assignment).first()
    assert (saved is not None and saved.coach_checks == 5) == (want == 302)


def test_bad_settings_get_a_field_error_and_change_nothing(client, school, world):
    client.force_login(school.teacher)
    url = reverse("courseware:process-settings", args=[world.assignment.pk])
    response = client.post(url, {"coach_checks": "11"})
    assert response.status_code == 400
    assert b'aria-invalid="true"' in response.content
    assert not ProcessSettings.objects.filter(assignment=world.assignment).exists()


def test_the_coach_api_gives_the_notes_to_the_writer_and_refuses_after_the_limit(world, school):
    from rest_framework.test import APIClient

    process_settings_set(assignment=world.assignment, coach_checks=1, feedback_first=False)
    client = APIClient()
    client.force_authenticate(school.student)
    url = f"/api/v1/submissions/{world.submission.pk}/coach/"
    first = client.post(url, {"text": ESSAY}, format="json")
    assert first.status_code == 200
    body = first.json()
    assert (body["checks_used"], body["checks_allowed"]) == (1, 1)
    assert sum(1 for note in body["notes"] if not note["good"]) == 4
    again = client.post(url, {"text": ESSAY}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "coach_limit"
    assert client.post(url, {"text": 5}, format="json").status_code == 400
