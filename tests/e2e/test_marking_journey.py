"""Marking in a real browser (journey 4): a teacher marks two essays against the rubric, with
an inline comment and a comment from the bank, and releases them; the student reads the
feedback and downloads it as a PDF."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from courseware.models import (
    Assignment,
    AssignmentKind,
    Grade,
    GradeChange,
    InlineComment,
    SubmissionStatus,
)
from courseware.services.submissions import (
    submission_draft_save,
    submission_start,
    submission_submit,
)
from tests.e2e.conftest import SCREENSHOT_DIR
from tests.e2e.waits import pause_typing

PASSWORD = "lectern-demo"

SENTENCES = [
    "Stalin's control of the party apparatus let him appoint the delegates who voted.",
    "Trotsky underestimated the General Secretary and refused to build a faction of his own.",
    "The Lenin enrolment of 1924 brought in members who owed their places to the secretariat.",
    "Socialism in one country offered a hopeful programme to a tired and isolated party.",
    "Permanent revolution sounded like adventure to officials who wanted stability.",
]


def _essay(marker: str, words: int) -> str:
    """An essay of at least ``words`` words in paragraphs, citing Cliff in its first."""
    first = (
        f"{marker} argues that organisation, not ideas, decided the struggle. Cliff shows how "
        "the Troika isolated Trotsky in the 1923 discussion [[cliff-lessons-of-october#p-3]], "
        "and the rest of this essay follows that evidence."
    )
    paragraphs = [first]
    count = len(first.split())
    n = 0
    while count < words:
        paragraph = " ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(5))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
        n += 1
    return "\n\n".join(paragraphs)


def _hand_in(assignment, student, marker):
    now = timezone.now()
    submission = submission_start(assignment=assignment, student=student, now=now)
    text = _essay(marker, assignment.prompt.min_words + 20)
    submission = submission_draft_save(
        submission=submission, text=text, revision=submission.revision, by=student, now=now
    )
    submission_submit(
        submission=submission,
        revision=submission.revision,
        honesty_declared=True,
        by=student,
        now=now,
    )
    return submission


# Select the first words of a paragraph as a mouse would: focus leaves any text box.
SELECT_JS = """([paragraph, words]) => {
  if (document.activeElement) document.activeElement.blur();
  const p = document.querySelectorAll('#essay > p.essay-paragraph')[paragraph - 1];
  const node = p.firstChild;
  const text = node.data;
  const end = text.split(' ').slice(0, words).join(' ').length;
  const range = document.createRange();
  range.setStart(node, 0);
  range.setEnd(node, end);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  document.getElementById('essay').dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
  return text.slice(0, end);
}"""


def _choose_levels(page, bands):
    """Choose, for each criterion in order, the level at ``bands[i]`` from the top."""
    criteria = page.locator("fieldset.criterion")
    for i in range(criteria.count()):
        criteria.nth(i).locator("label.level").nth(bands[i % len(bands)]).click()


@pytest.mark.django_db(transaction=True)
def test_a_teacher_marks_and_releases_two_essays_and_the_student_reads_the_feedback(
    page, live_server, demo_school, log_in, screenshot
):
    assignment = Assignment.objects.get(
        classroom__name="12 Modern History A", kind=AssignmentKind.ESSAY
    )
    ava = User.objects.get(username="ava.chen")
    liam = User.objects.get(username="liam.walker")
    ava_essay = _hand_in(assignment, ava, "Ava")
    liam_essay = _hand_in(assignment, liam, "Liam")
    criteria_count = assignment.prompt.rubric.criteria.count()

    # The teacher opens the marking queue: two essays to mark, four students yet to hand in.
    log_in(page, "ms.barker", PASSWORD)
    page.goto(f"{live_server.url}{reverse('courseware:marking-queue', args=[assignment.pk])}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marking")
    queue = page.locator("table.queue-table tbody")
    expect(queue.get_by_text("To mark")).to_have_count(2)
    expect(queue.get_by_text("Not handed in")).to_have_count(4)
    screenshot(page, "queue-before")

    # First essay (Ava, first by name): the essay with numbered paragraphs and a live citation.
    page.get_by_role("button", name="Start marking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ava.name)
    page.wait_for_load_state()
    citation = page.locator("#essay a.citation").first
    expect(citation).to_have_attribute(
        "href", re.compile(r"/readings/cliff-lessons-of-october/#p-3")
    )

    # Choose levels: the marks add up live, before the server has answered.
    _choose_levels(page, [0, 1])
    expect(page.locator("#raw-mark")).not_to_have_text("0")
    # A mark typed beyond the level's band is flagged, and the total never reads "99 / 8".
    marks = page.locator("fieldset.criterion input[type=number]").first
    marks.fill("99")
    expect(marks).to_have_attribute("aria-invalid", "true")
    raw = float(page.locator("#raw-mark").inner_text())
    assert raw <= float(page.locator("#max-mark").inner_text()), raw
    marks.fill("")
    expect(marks).not_to_have_attribute("aria-invalid", "true")
    pause_typing(page)
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    page.get_by_label("Comment on Knowledge and understanding").fill(
        "Accurate and well chosen detail on the 1923 discussion."
    )

    # An inline comment on a passage selected in the first paragraph.
    quote = page.evaluate(SELECT_JS, [1, 4])
    expect(page.locator("#inline-panel")).to_be_visible()
    page.keyboard.press("c")
    expect(page.locator("#inline-text")).to_be_focused()
    page.keyboard.type("Name the historian whose view this is.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator("#essay mark.inline-mark").first).to_be_visible()
    expect(page.locator("#inline-comment-list")).to_contain_text(quote)

    # Save the overall comment to the bank for the next essay.
    overall = page.get_by_label("Overall comment", exact=True)
    overall.fill("Strong use of evidence; now weigh the historians against each other.")
    page.locator(".bank-save[data-for=overall-comment]").click()
    expect(page.locator("#bank-results")).to_contain_text("weigh the historians")
    pause_typing(page)
    expect(page.locator("#save-status")).to_contain_text("Saved")
    screenshot(page, "marking-first")

    page.get_by_role("button", name="Mark ready, then next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(liam.name)

    # Second essay: levels, and the overall comment inserted from the bank after a search.
    page.wait_for_load_state()
    _choose_levels(page, [1, 2])
    page.get_by_label("Overall comment", exact=True).click()
    page.keyboard.press("Escape")
    page.get_by_label("Search your comments").fill("historians")
    results = page.locator("#bank-results")
    expect(results).to_contain_text("weigh the historians")
    results.get_by_role("button", name=re.compile("^Insert")).first.click()
    expect(page.get_by_label("Overall comment", exact=True)).to_have_value(
        re.compile("weigh the historians")
    )
    pause_typing(page)
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    page.get_by_role("button", name="Mark ready", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("ready")

    # Both marked: release them from the queue at once.
    page.goto(f"{live_server.url}{reverse('courseware:marking-queue', args=[assignment.pk])}")
    page.get_by_role("button", name="Release 2 finished grades…").click()
    expect(page.get_by_text("2 students will see their marks and feedback")).to_be_visible()
    screenshot(page, "release-confirm")
    page.get_by_role("button", name="Release 2 grades").click()
    expect(page.locator(".messages")).to_contain_text("Released 2")
    expect(queue.get_by_text("Released")).to_have_count(2)
    screenshot(page, "queue-released")

    grades = Grade.objects.filter(submission__assignment=assignment)
    assert grades.count() == 2
    assert all(g.released_at is not None for g in grades)
    ava_grade = grades.get(submission=ava_essay)
    assert ava_grade.criterion_grades.filter(level__isnull=False).count() == criteria_count
    assert "weigh the historians" in grades.get(submission=liam_essay).overall_comment
    assert InlineComment.objects.filter(version__submission=ava_essay).count() == 1
    assert GradeChange.objects.filter(grade=ava_grade, kind="released").exists()
    ava_essay.refresh_from_db()
    assert ava_essay.status == SubmissionStatus.RETURNED

    # The statistics and the gradebook reflect it.
    page.goto(
        f"{live_server.url}{reverse('courseware:assignment-statistics', args=[assignment.pk])}"
    )
    expect(page.locator("#distribution-chart")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart('distribution-chart')")
    screenshot(page, "statistics")
    page.goto(f"{live_server.url}{reverse('courseware:gradebook', args=[assignment.classroom_id])}")
    expect(page.locator("table.gradebook")).to_contain_text(ava.name)
    screenshot(page, "gradebook")

    # The student finds the returned essay and reads the feedback.
    page.context.clear_cookies()
    log_in(page, "ava.chen", PASSWORD)
    page.goto(f"{live_server.url}{reverse('courseware:submission-detail', args=[ava_essay.pk])}")
    page.get_by_role("button", name="Read your feedback").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Feedback")
    expect(page.locator(".feedback-rubric")).to_contain_text("Accurate and well chosen detail")
    expect(page.locator(".feedback-inline")).to_contain_text("Name the historian")
    expect(page.locator("#essay mark.inline-mark").first).to_be_visible()
    screenshot(page, "feedback")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download as PDF").click()
    download = download_info.value
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    pdf_path = Path(SCREENSHOT_DIR) / "test_marking_journey--feedback.pdf"
    download.save_as(pdf_path)
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF")
    # The PDF's text is checked where poppler's pdftotext is installed; its content is also
    # covered by tests/courseware/marking/test_feedback.py without it.
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Name the historian" in text
        assert "weigh the historians" in text or "Accurate and well chosen" in text
