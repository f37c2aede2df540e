"""The demo school comes with students' work: hand-ins, marks, feedback, quizzes and reading."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.demo_work import DEMO_WORK_DIR, _load
from courseware.models import (
    Assignment,
    Classroom,
    Extension,
    Grade,
    MatchKind,
    OriginalityReport,
    Paragraph,
    QuizAttempt,
    ReadingProgress,
    Submission,
    SubmissionStatus,
)
from courseware.rendering import count_words

pytestmark = pytest.mark.django_db

CITATION = re.compile(r"\[\[([a-z0-9-]+)#p-(\d+)\]\]")


@pytest.fixture
def seeded(demo):
    """The demo school, seeded once for this module with its originality checks run."""
    classroom = Classroom.objects.get(join_code="HSCMHA26")
    essay = Assignment.objects.get(classroom=classroom, prompt__slug=_load()["prompt"])
    teacher = classroom.memberships.get(role="teacher").user
    return classroom, essay, teacher


def _essay_texts() -> dict[str, str]:
    return {
        entry["student"]: (DEMO_WORK_DIR / entry["essay"]).read_text(encoding="utf-8")
        for plan in _load()["classes"].values()
        for entry in plan["hand_ins"]
    }


def test_every_demo_essay_cites_paragraphs_that_exist_and_meets_the_word_limits(seeded):
    _, essay, _ = seeded
    for student, text in _essay_texts().items():
        citations = CITATION.findall(text)
        assert len(citations) >= 6, student
        assert len({slug for slug, _ in citations}) >= 3, student
        for slug, number in citations:
            assert Paragraph.objects.filter(reading__slug=slug, number=int(number)).exists(), (
                student,
                slug,
                number,
            )
        assert essay.prompt.min_words <= count_words(text) <= essay.prompt.max_words, student


def test_the_demo_essays_are_distinct_except_the_copied_pair():
    texts = _essay_texts()
    assert len(set(texts.values())) == len(texts)
    first_lines = {text.splitlines()[0] for text in texts.values()}
    assert len(first_lines) == len(texts)


def test_the_demo_essay_has_on_time_late_extended_and_marked_hand_ins(seeded):
    _, essay, _ = seeded
    assert essay.due_at < timezone.now() < essay.cutoff_at  # past due, still taking late work
    submissions = {
        s.student.username: s
        for s in Submission.objects.filter(assignment=essay).select_related("student")
    }
    assert len(submissions) == 6
    late = [name for name, s in submissions.items() if s.late_minutes > 0]
    assert late == ["noah.kowalski"]
    extension = Extension.objects.get(assignment=essay)
    assert extension.student.username == "mia.tran"
    assert submissions["mia.tran"].submitted_at > essay.due_at
    assert submissions["mia.tran"].late_minutes == 0
    assert all(
        s.submitted_at < essay.due_at
        for n, s in submissions.items()
        if n not in {"noah.kowalski", "mia.tran"}
    )
    grades = Grade.objects.filter(submission__assignment=essay)
    assert grades.count() == 3
    released = grades.filter(released_at__isnull=False)
    assert released.count() == 2
    assert all(g.submission.status == SubmissionStatus.RETURNED for g in released)
    assert all(g.overall_comment for g in released)


def test_the_copied_pair_is_flagged_as_peer_overlap_and_the_others_are_not(seeded):
    _, essay, _ = seeded
    reports = {
        r.version.submission.student.username: r
        for r in OriginalityReport.objects.filter(
            version__submission__assignment=essay
        ).select_related("version__submission__student")
    }
    assert len(reports) == 6 and all(r.status == "done" for r in reports.values())
    flagged = {
        name
        for name, report in reports.items()
        if report.matches.filter(kind=MatchKind.PEER_OVERLAP).exists()
    }
    assert flagged == {"liam.walker", "jack.obrien"}
    # Class B's essays, on the same prompt, are checked against class A's and are their own.
    other = OriginalityReport.objects.exclude(version__submission__assignment=essay)
    assert other.count() == 2 and all(r.status == "done" for r in other)
    assert not other.filter(matches__kind=MatchKind.PEER_OVERLAP).exists()


def test_the_demo_classes_have_quiz_attempts_reading_progress_and_a_draft(seeded):
    classroom, _, _ = seeded
    assert (
        QuizAttempt.objects.filter(
            assignment__classroom=classroom, submitted_at__isnull=False
        ).count()
        >= 5
    )
    assert QuizAttempt.objects.exclude(assignment__classroom=classroom).exists()
    assert ReadingProgress.objects.filter(marked_read_at__isnull=False).count() >= 5
    assert ReadingProgress.objects.filter(marked_read_at__isnull=True).exists()
    assert Submission.objects.filter(status=SubmissionStatus.DRAFT).exclude(draft_text="").exists()


def test_every_teacher_page_has_the_demo_work_on_first_login(client, seeded):
    classroom, essay, teacher = seeded
    client.force_login(teacher)
    jack = Submission.objects.get(assignment=essay, student__username="jack.obrien")
    pages = {
        "marking-queue": reverse("courseware:marking-queue", args=[essay.pk]),
        "statistics": reverse("courseware:assignment-statistics", args=[essay.pk]),
        "gradebook": reverse("courseware:gradebook", args=[classroom.pk]),
        "mark": reverse("courseware:mark-submission", args=[jack.pk]),
        "originality": reverse("courseware:originality-report", args=[jack.pk, 1]),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "Jack O&#x27;Brien" in html or "Jack O'Brien" in html or name == "statistics", name
    statistics = client.get(pages["statistics"]).content.decode()
    assert "6" in statistics
    originality = client.get(pages["originality"]).content.decode()
    assert "Liam Walker" in originality
