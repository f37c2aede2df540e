"""The submissions API: autosave with a revision check, handing in, and clear error bodies."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.models import Submission, SubmissionVersion
from courseware.services.submissions import (
    MAX_ESSAY_WORDS,
    submission_draft_save,
    submission_submit,
)
from courseware.services.teaching import assignment_update
from tests.courseware.submissions.xss import XSS_PAYLOADS, assert_inert
from tests.factories import (
    ReadingFactory,
    course_reading,
    essay_assignment,
    essay_text,
    reading_text,
    submission_for,
    submitted_submission,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def essay(school):
    return essay_assignment(school.classroom, min_words=10, max_words=30)


@pytest.fixture
def submission(essay, school):
    return submission_for(essay, school.student)


@pytest.fixture
def api(school):
    client = APIClient()
    client.force_authenticate(school.student)
    return client


def _draft(submission):
    return f"/api/v1/submissions/{submission.pk}/draft/"


def _submit(submission):
    return f"/api/v1/submissions/{submission.pk}/submit/"


# --- Starting -----------------------------------------------------------------------------------


def test_a_student_starts_their_essay_once(api, essay):
    url = f"/api/v1/assignments/{essay.pk}/submission/"
    assert api.get(url).status_code == 404
    created = api.post(url)
    again = api.post(url)
    assert (created.status_code, again.status_code) == (201, 200)
    assert created.json()["id"] == again.json()["id"] == api.get(url).json()["id"]
    assert created.json() | {"id": 0} == {
        "id": 0,
        "assignment": essay.pk,
        "student": created.json()["student"],
        "status": "draft",
        "revision": 0,
        "draft_saved_at": None,
        "word_count": 0,
        "current_version": 0,
        "submitted_at": None,
        "late_minutes": 0,
        "editable": True,
    }


def test_starting_after_the_cut_off_is_refused_with_a_reason(api, school):
    now = timezone.now()
    essay = essay_assignment(
        school.classroom,
        opens_at=now - timedelta(days=9),
        due_at=now - timedelta(days=2),
        cutoff_at=now - timedelta(days=1),
    )
    response = api.post(f"/api/v1/assignments/{essay.pk}/submission/")
    assert response.status_code == 409
    assert response.json()["code"] == "closed"
    assert "cut-off" in response.json()["detail"]
    assert not Submission.objects.exists()


# --- Autosave -----------------------------------------------------------------------------------


def test_an_autosave_answers_the_new_revision_time_and_word_count(api, submission):
    response = api.put(
        _draft(submission), {"text": "Stalin held the apparatus.", "revision": 0}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"revision", "saved_at", "word_count"}
    assert (body["revision"], body["word_count"]) == (1, 4)
    assert body["saved_at"].endswith(("+10:00", "+11:00"))  # shown in the school's zone
    draft = api.get(_draft(submission)).json()
    assert (draft["text"], draft["revision"]) == ("Stalin held the apparatus.", 1)


def test_a_stale_autosave_gets_409_with_the_newer_text(api, submission):
    api.put(_draft(submission), {"text": "From the laptop.", "revision": 0}, format="json")
    response = api.put(
        _draft(submission), {"text": "From the phone.", "revision": 0}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale"
    assert (body["text"], body["revision"], body["word_count"]) == ("From the laptop.", 1, 3)
    assert body["saved_at"]
    assert "overwritten" in body["detail"]
    assert Submission.objects.get(pk=submission.pk).draft_text == "From the laptop."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": 123, "revision": 0}, "text"),
        ({"text": ["a"], "revision": 0}, "text"),
        ({"text": None, "revision": 0}, "text"),
        ({"text": "a", "revision": "0"}, "revision"),
        ({"text": "a", "revision": 1.5}, "revision"),
        ({"text": "a", "revision": True}, "revision"),
        ({"text": "a", "revision": -1}, "revision"),
        ({"text": "a"}, "revision"),
        ({"revision": 0}, "text"),
        ({"text": "a\x00b", "revision": 0}, "text"),
    ],
)
def test_wrong_types_are_refused_by_field_and_change_nothing(api, submission, body, field):
    response = api.put(_draft(submission), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Submission.objects.get(pk=submission.pk).revision == 0


@pytest.mark.parametrize(
    "raw",
    [b'{"text": "a", "revision": 0', b"not json", b"[1, 2]", b'"text"', b""],
    ids=["truncated", "not-json", "a-list", "a-string", "empty"],
)
def test_malformed_json_is_a_400_with_a_detail(api, submission, raw):
    response = api.generic("PUT", _draft(submission), raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()
    assert Submission.objects.get(pk=submission.pk).revision == 0


def test_a_draft_over_50000_words_is_413_with_a_message(api, submission):
    text = "word " * (MAX_ESSAY_WORDS + 1)
    response = api.put(_draft(submission), {"text": text, "revision": 0}, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "50,000 words" in response.json()["detail"]
    assert Submission.objects.get(pk=submission.pk).revision == 0


def test_a_body_larger_than_the_server_accepts_is_413(api, submission, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.put(_draft(submission), {"text": "x" * 2000, "revision": 0}, format="json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


def test_another_students_submission_is_404(school, submission):
    other = APIClient()
    other.force_authenticate(school.other_student)
    response = other.put(_draft(submission), {"text": "Mine now.", "revision": 0}, format="json")
    assert response.status_code == 404
    assert Submission.objects.get(pk=submission.pk).draft_text == ""


def test_without_credentials_the_answer_is_401(submission):
    response = APIClient().put(_draft(submission), {"text": "a", "revision": 0}, format="json")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_saved_draft_costs_a_fixed_number_of_queries(api, submission):
    """A draft of 40 paragraphs costs what a draft of one costs: nothing is done per paragraph."""
    counts = []
    for revision, text in enumerate([essay_text(20), essay_text(2000)]):
        with CaptureQueriesContext(connection) as queries:
            response = api.put(
                _draft(submission), {"text": text, "revision": revision}, format="json"
            )
        assert response.status_code == 200, response.content
        assert response.json()["word_count"] == len(text.split())
        counts.append(len(queries.captured_queries))
    submission.refresh_from_db()
    assert submission.draft_text == essay_text(2000)
    # 8, and 4 for the writing history: its savepoint and release, its row read and written.
    assert counts[0] == counts[1] <= 12


# --- Handing in ---------------------------------------------------------------------------------


def test_handing_in_twice_makes_one_version(api, submission):
    api.put(_draft(submission), {"text": essay_text(12), "revision": 0}, format="json")
    body = {"revision": 1, "honesty_declared": True}
    first = api.post(_submit(submission), body, format="json")
    second = api.post(_submit(submission), body, format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert first.json()["number"] == 1
    assert first.json()["word_count"] == 12
    assert len(first.json()["sha256"]) == 64
    assert SubmissionVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("words", "honesty", "status", "code", "field"),
    [
        (12, False, 400, "honesty", "honesty"),
        (5, True, 400, "too_short", "text"),
        (31, True, 400, "too_long", "text"),
    ],
)
def test_refusals_say_why_and_hand_nothing_in(api, submission, words, honesty, status, code, field):
    api.put(_draft(submission), {"text": essay_text(words), "revision": 0}, format="json")
    response = api.post(
        _submit(submission), {"revision": 1, "honesty_declared": honesty}, format="json"
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()[field]
    assert not SubmissionVersion.objects.exists()


def test_handing_in_a_stale_revision_is_409_with_the_newer_text(api, submission):
    api.put(_draft(submission), {"text": essay_text(12), "revision": 0}, format="json")
    api.put(_draft(submission), {"text": essay_text(14), "revision": 1}, format="json")
    response = api.post(
        _submit(submission), {"revision": 1, "honesty_declared": True}, format="json"
    )
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["text"]) == ("stale", essay_text(14))


def test_after_the_cut_off_the_api_refuses_with_a_clear_message(api, school):
    now = timezone.now()
    essay = essay_assignment(
        school.classroom,
        min_words=1,
        opens_at=now - timedelta(days=9),
        due_at=now - timedelta(days=2),
        cutoff_at=now + timedelta(minutes=5),
    )
    submission = submission_for(essay, school.student, text="Nearly done.")
    assignment_update(assignment=essay, cutoff_at=now - timedelta(minutes=1))
    response = api.post(
        _submit(submission), {"revision": submission.revision, "honesty_declared": True}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "closed"
    assert "cut-off" in response.json()["detail"]


def test_a_handed_in_essay_refuses_further_saves_with_409(api, essay, school):
    submission = submitted_submission(essay, school.student)
    response = api.put(
        _draft(submission),
        {"text": essay_text(20), "revision": submission.revision},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "submitted"
    assert "version 1" in response.json()["detail"]


# --- Output is inert ----------------------------------------------------------------------------


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_the_preview_never_returns_live_script(api, submission, payload):
    response = api.post(
        f"/api/v1/submissions/{submission.pk}/preview/", {"text": payload}, format="json"
    )
    assert response.status_code == 200
    assert_inert(response.json()["html"])


def test_a_versions_html_is_inert_and_its_text_is_exactly_what_was_handed_in(api, school):
    text = "\n\n".join([essay_text(12), *XSS_PAYLOADS])
    essay = essay_assignment(school.classroom, min_words=10, max_words=10_000)
    submission = submitted_submission(essay, school.student, text=text)
    response = api.get(f"/api/v1/submissions/{submission.pk}/versions/1/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["text"] == text
    assert_inert(response.json()["html"])


def test_the_preview_resolves_citations_and_lists_the_unresolved(api, essay, submission):
    course_reading(essay.classroom.course, slug="carr-vol-2", text=reading_text(3))
    response = api.post(
        f"/api/v1/submissions/{submission.pk}/preview/",
        {"text": "Carr [[carr-vol-2#p-3]] and [[carr-vol-2#p-9]]."},
        format="json",
    )
    body = response.json()
    assert 'href="/readings/carr-vol-2/#p-3"' in body["html"]
    assert body["unresolved"] == ["carr-vol-2#p-9"]
    assert body["word_count"] == 2


def test_a_reading_for_citing_lists_its_paragraphs(api, essay, submission):
    reading = course_reading(essay.classroom.course, slug="cliff-4", text=reading_text(3))
    response = api.get(f"/api/v1/submissions/{submission.pk}/readings/cliff-4/")
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["url"]) == (reading.title, reading.get_absolute_url())
    assert [p["cite"] for p in body["paragraphs"]] == [
        "[[cliff-4#p-1]]",
        "[[cliff-4#p-2]]",
        "[[cliff-4#p-3]]",
    ]
    assert body["paragraphs"][0]["text"].startswith("Paragraph 1")


def test_a_reading_the_essay_may_not_cite_is_404(api, submission):
    ReadingFactory(slug="elsewhere")
    assert api.get(f"/api/v1/submissions/{submission.pk}/readings/elsewhere/").status_code == 404


def test_the_versions_list_costs_the_same_for_many_versions(
    api, school, django_assert_max_num_queries
):
    essay = essay_assignment(school.classroom, min_words=1, allow_resubmission=True)
    submission = submission_for(essay, school.student)
    for n in range(12):
        submission = submission_draft_save(
            submission=submission,
            text=f"Version {n} text.",
            revision=submission.revision,
            by=school.student,
            now=timezone.now(),
        )
        submission_submit(
            submission=submission,
            revision=submission.revision,
            honesty_declared=True,
            by=school.student,
            now=timezone.now(),
        )
    with django_assert_max_num_queries(4):
        response = api.get(f"/api/v1/submissions/{submission.pk}/versions/")
    assert [v["number"] for v in response.json()] == list(range(12, 0, -1))
