"""The writing process in a real browser: a student types, pastes a passage of a set reading and
a passage from elsewhere, runs the citation coach and hands in; the teacher replays the writing on
the marking page with the keyboard, sees where each paste came from and that the coach was used."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courseware.models import MembershipRole, Submission, WritingHistory
from tests.courseware.originality.conftest import COPIED, SOURCE_TEXT
from tests.e2e.waits import pause_typing, wait_until
from tests.factories import (
    PASSWORD,
    ClassroomFactory,
    MembershipFactory,
    StudentFactory,
    TeacherFactory,
    course_reading,
    essay_assignment,
)

OUTSIDE = "Grain procurement collapsed in the winter of 1927, which the Right blamed on prices."

# A paste as the browser delivers it: the paste event with its clipboard, then the text inserted.
PASTE_JS = """([text]) => {
  const area = document.getElementById("essay-text");
  area.focus();
  area.setSelectionRange(area.value.length, area.value.length);
  const data = new DataTransfer();
  data.setData("text/plain", text);
  area.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true }));
  document.execCommand("insertText", false, text);
}"""


@pytest.fixture
def process_class(transactional_db):
    classroom = ClassroomFactory(name="12 Modern History P")
    student = StudentFactory(username="noah.paste", display_name="Noah Paste")
    teacher = TeacherFactory(username="mr.replay", display_name="Mr Replay")
    MembershipFactory(classroom=classroom, user=student, role=MembershipRole.STUDENT)
    MembershipFactory(classroom=classroom, user=teacher, role=MembershipRole.TEACHER)
    reading = course_reading(classroom.course, slug="succession-notes", text=SOURCE_TEXT)
    essay = essay_assignment(
        classroom, min_words=12, max_words=400, readings=[reading], title="Why Stalin won"
    )
    return essay, student, teacher


def _saved(page):
    pause_typing(page)
    expect(page.locator("#save-status")).to_have_text(re.compile(r"Saved at \d\d:\d\d"))


def test_student_types_and_pastes_and_the_teacher_replays_the_writing(
    page, browser, live_server, process_class, log_in, screenshot
):
    essay, student, teacher = process_class
    log_in(page, student.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('courseware:essay-write', args=[essay.pk])}")
    page.get_by_role("button", name="Start writing").click()
    editor = page.get_by_label("Your essay", exact=True)
    page.wait_for_load_state()
    editor.click()
    editor.press_sequentially("Stalin won because he ran the party. ")
    _saved(page)
    page.evaluate(PASTE_JS, [COPIED])
    _saved(page)
    editor.press("End")
    page.keyboard.type(" Then: ")
    page.evaluate(PASTE_JS, [OUTSIDE])
    _saved(page)
    submission = Submission.objects.get(assignment=essay, student=student)

    def recorded() -> bool:
        history = WritingHistory.objects.filter(submission=submission).first()
        return history is not None and history.paste_count == 2

    assert wait_until(recorded)
    sources = [
        p["source"] for p in WritingHistory.objects.get(submission=submission).load()["pastes"]
    ]
    assert sources == ["reading", "outside"]
    # The citation coach, before handing in: it says what to fix, in words a student can use.
    page.get_by_role("button", name="Check my citations").click()
    expect(page.get_by_role("heading", name="Citation coach")).to_be_visible()
    expect(page.locator(".coach-list")).to_contain_text(
        "uses the words of [[succession-notes#p-2]] without quotation marks"
    )
    expect(page.get_by_text("check 1 of 3 for this version")).to_be_visible()
    screenshot(page, "coach")
    page.get_by_role("button", name="Back to your essay").click()
    expect(editor).to_have_value(re.compile("Then: Grain procurement"))
    page.locator("#honesty").check()
    page.get_by_role("button", name="Submit essay").click()
    expect(page.get_by_text(re.compile("Handed in: version 1"))).to_be_visible()

    # The teacher, in a browser of their own, replays the writing on the marking page.
    teacher_page = browser.new_context().new_page()
    log_in(teacher_page, teacher.username, PASSWORD)
    teacher_page.goto(
        f"{live_server.url}{reverse('courseware:mark-submission', args=[submission.pk])}"
    )
    section = teacher_page.locator(".process-section")
    expect(section).to_contain_text("Pasted from succession-notes ¶2 without quotation/citation.")
    expect(section).to_contain_text(f"Pasted from elsewhere ({len(OUTSIDE)} characters).")
    expect(section).to_contain_text("Citation coach used once")
    scrubber = teacher_page.get_by_label("Replay: the essay at any moment")
    expect(scrubber).to_be_visible()
    replay = teacher_page.locator("#replay-text")
    expect(replay.locator("mark")).to_have_count(2)
    expect(replay.locator("mark.replay-flagged").first).to_contain_text("became synonymous")
    screenshot(teacher_page, "replay-end")

    # Keyboard: Home goes back to the start (before anything was written), End to the last save.
    scrubber.focus()
    teacher_page.keyboard.press("Home")
    expect(replay).to_have_text("")
    expect(teacher_page.locator("#replay-when")).to_contain_text("When recording began")
    teacher_page.keyboard.press("ArrowRight")
    expect(replay).to_contain_text("Stalin won because he ran the party.")
    expect(replay.locator("mark")).to_have_count(0)
    teacher_page.keyboard.press("End")
    expect(replay).to_contain_text(OUTSIDE)
    screenshot(teacher_page, "replay-start")
