"""Writing an essay in a real browser: write, leave, come back, submit; two tabs on one essay;
a copy on the device after the session expires; scripts in an essay never run."""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courseware.models import MembershipRole, Submission, SubmissionVersion
from tests.courseware.submissions.xss import XSS_PAYLOADS
from tests.e2e.waits import pause_typing, settle, wait_until
from tests.factories import (
    PASSWORD,
    ClassroomFactory,
    MembershipFactory,
    StudentFactory,
    TeacherFactory,
    course_reading,
    essay_assignment,
    reading_text,
)

WORD_COUNT_CASES = json.loads(
    (Path(__file__).parents[1] / "courseware" / "submissions" / "word_count_cases.json").read_text(
        encoding="utf-8"
    )
)

# Any handler attribute, script element or javascript: URL inside the given element.
LIVE_SCRIPT_JS = """(selector) => {
  const root = document.querySelector(selector);
  const found = [];
  root.querySelectorAll("script, iframe, object, embed, svg, img, style").forEach(
    (el) => found.push(el.tagName));
  root.querySelectorAll("*").forEach((el) => {
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on") || attr.name === "style") {
        found.push(el.tagName + "[" + attr.name + "]");
      }
      if (attr.name === "href" && /^\\s*(javascript|data|vbscript):/i.test(attr.value)) {
        found.push("href:" + attr.value);
      }
    }
  });
  return found;
}"""


@pytest.fixture
def essay_class(transactional_db):
    classroom = ClassroomFactory(name="12 Modern History C")
    student = StudentFactory(username="ava.writer", display_name="Ava Writer")
    teacher = TeacherFactory(username="ms.reader", display_name="Ms Reader")
    MembershipFactory(classroom=classroom, user=student, role=MembershipRole.STUDENT)
    MembershipFactory(classroom=classroom, user=teacher, role=MembershipRole.TEACHER)
    reading = course_reading(
        classroom.course,
        slug="cliff-lessons",
        title="The Lessons of October",
        author="Tony Cliff",
        text=reading_text(6),
    )
    essay = essay_assignment(
        classroom, min_words=12, max_words=400, readings=[reading], title="Why Stalin won"
    )
    return essay, student, teacher


def _open_editor(page, live_server, essay):
    page.goto(f"{live_server.url}{reverse('courseware:essay-write', args=[essay.pk])}")
    start = page.get_by_role("button", name="Start writing")
    if start.count():
        start.click()
    expect(page.get_by_label("Your essay", exact=True)).to_be_visible()
    page.wait_for_load_state()  # editor.js is deferred until the document has loaded


def _saved(page):
    pause_typing(page)
    expect(page.locator("#save-status")).to_have_text(re.compile(r"Saved at \d\d:\d\d"))


def test_student_writes_leaves_comes_back_and_submits(
    page, live_server, essay_class, log_in, screenshot
):
    essay, student, _teacher = essay_class
    log_in(page, student.username, PASSWORD)
    _open_editor(page, live_server, essay)

    # The live count uses the server's rule, case for case.
    page.wait_for_function("() => window.LecternEditor !== undefined")
    counts = page.evaluate(
        "(cases) => cases.map((c) => window.LecternEditor.countWords(c.text))", WORD_COUNT_CASES
    )
    assert counts == [case["words"] for case in WORD_COUNT_CASES]

    editor = page.get_by_label("Your essay", exact=True)
    editor.click()
    editor.press_sequentially("## Introduction\n\nStalin won the struggle for power because he ")
    page.keyboard.press("Control+b")
    page.keyboard.type("controlled")
    page.keyboard.press("End")
    page.keyboard.type(" the party apparatus, as Cliff argues")
    page.get_by_role("button", name="The Lessons of October").click()
    page.get_by_role("button", name="Cite paragraph 3").click()
    page.keyboard.type(". Trotsky underestimated him.")
    _saved(page)  # autosaved without asking
    expect(page.locator("#word-count-number")).to_have_text("19")
    screenshot(page, "writing")
    text = editor.input_value()
    assert "**controlled**" in text and "[[cliff-lessons#p-3]]" in text

    # A last sentence, then straight away to another page: it is saved on the way out.
    editor.press("End")
    page.keyboard.type(" He never forgave him.")
    page.goto(f"{live_server.url}{reverse('courseware:dashboard')}")
    submission = Submission.objects.get(assignment=essay, student=student)

    def saved_on_the_way_out() -> bool:
        submission.refresh_from_db()
        return submission.draft_text.endswith("He never forgave him.")

    assert wait_until(saved_on_the_way_out)

    _open_editor(page, live_server, essay)
    expect(editor).to_have_value(submission.draft_text)
    _saved(page)

    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#essay-preview")
    expect(preview.get_by_role("heading", name="Introduction")).to_be_visible()
    citation = preview.get_by_role("link", name="Tony Cliff, ¶3")
    citation.focus()
    expect(preview.get_by_role("tooltip")).to_contain_text("Paragraph 3")
    screenshot(page, "preview-citation")
    page.keyboard.press("Escape")
    expect(preview.get_by_role("tooltip")).to_be_hidden()
    page.get_by_role("button", name="Back to writing").click()

    page.get_by_label(re.compile("this essay is my own work")).check()
    page.get_by_role("button", name="Submit essay").dblclick()
    expect(page.get_by_role("heading", name="Receipt")).to_be_visible()
    expect(page.get_by_text("Handed in: version 1, 23 words.")).to_be_visible()
    version = SubmissionVersion.objects.get()
    expect(page.get_by_text(version.short_hash).first).to_be_visible()
    assert version.text == submission.draft_text
    screenshot(page, "receipt")


def test_two_tabs_on_one_essay_get_a_choice_not_an_overwrite(
    page, live_server, essay_class, log_in, screenshot
):
    essay, student, _teacher = essay_class
    log_in(page, student.username, PASSWORD)
    _open_editor(page, live_server, essay)
    other = page.context.new_page()
    _open_editor(other, live_server, essay)

    first = page.get_by_label("Your essay", exact=True)
    first.fill("Written in the first tab.")
    first.press("Control+s")
    _saved(page)

    second = other.get_by_label("Your essay", exact=True)
    second.fill("Written in the second tab.")
    second.press("Control+s")
    dialog = other.get_by_role("dialog", name="Two versions of your essay")
    expect(dialog).to_be_visible()
    expect(other.locator("#save-status")).to_have_text("Not saved — conflict")
    dialog.get_by_role("button", name="See both").click()
    expect(dialog.get_by_label("This tab")).to_have_value("Written in the second tab.")
    expect(dialog.get_by_label(re.compile("The other version"))).to_have_value(
        "Written in the first tab."
    )
    screenshot(other, "conflict")
    assert Submission.objects.get().draft_text == "Written in the first tab."

    dialog.get_by_role("button", name="Keep this tab’s text").click()
    _saved(other)
    assert Submission.objects.get().draft_text == "Written in the second tab."

    # The first tab is now the stale one: it is offered the newer text and takes it.
    first.press_sequentially(" More.")
    first.press("Control+s")
    dialog = page.get_by_role("dialog", name="Two versions of your essay")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Use the other version").click()
    expect(first).to_have_value("Written in the second tab.")
    assert Submission.objects.get().draft_text == "Written in the second tab."
    screenshot(page, "resolved")


def test_a_copy_on_the_device_survives_an_expired_session(
    page, live_server, essay_class, log_in, screenshot
):
    essay, student, _teacher = essay_class
    log_in(page, student.username, PASSWORD)
    _open_editor(page, live_server, essay)
    editor = page.get_by_label("Your essay", exact=True)
    editor.fill("Saved while signed in.")
    editor.press("Control+s")
    _saved(page)

    page.context.clear_cookies()  # the session expires
    editor.press("End")
    page.keyboard.type(" Typed after the session expired.")
    editor.press("Control+s")
    expect(page.locator("#save-status")).to_contain_text("Signed out — kept on this device")
    screenshot(page, "signed-out")

    log_in(page, student.username, PASSWORD)
    _open_editor(page, live_server, essay)
    expect(editor).to_have_value("Saved while signed in. Typed after the session expired.")
    expect(page.locator("#save-status")).to_contain_text("Restored your unsaved text")
    pause_typing(page)
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    assert Submission.objects.get().draft_text.endswith("Typed after the session expired.")
    screenshot(page, "restored")


def test_a_dropped_connection_keeps_the_text_and_saves_it_when_back(
    page, live_server, essay_class, log_in
):
    essay, student, _teacher = essay_class
    log_in(page, student.username, PASSWORD)
    _open_editor(page, live_server, essay)
    editor = page.get_by_label("Your essay", exact=True)
    page.context.set_offline(True)
    editor.fill("Written on the train.")
    editor.press("Control+s")
    expect(page.locator("#save-status")).to_have_text("Offline — kept on this device")
    page.context.set_offline(False)
    _saved(page)  # saved by itself once the connection is back
    assert Submission.objects.get().draft_text == "Written on the train."


def test_scripts_in_an_essay_never_run_in_the_preview_or_for_the_teacher(
    page, browser, live_server, essay_class, log_in, screenshot
):
    essay, student, teacher = essay_class
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, student.username, PASSWORD)
    _open_editor(page, live_server, essay)
    payload = "Stalin outmanoeuvred Trotsky at every turn of the struggle.\n\n" + "\n\n".join(
        XSS_PAYLOADS
    )
    page.get_by_label("Your essay", exact=True).fill(payload)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#essay-preview")).to_contain_text("Stalin outmanoeuvred Trotsky")
    page.locator("#essay-preview").hover()
    settle(page)
    assert page.evaluate(LIVE_SCRIPT_JS, "#essay-preview") == []
    expect(page.locator("#essay-preview")).to_contain_text("<script>alert(1)</script>")
    screenshot(page, "preview")
    page.get_by_role("button", name="Back to writing").click()
    page.get_by_label(re.compile("this essay is my own work")).check()
    page.get_by_role("button", name="Submit essay").click()
    expect(page.get_by_role("heading", name="Receipt")).to_be_visible()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    teacher_page = context.new_page()
    teacher_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(teacher_page, teacher.username, PASSWORD)
    submission = Submission.objects.get()
    teacher_page.goto(f"{live_server.url}{submission.get_absolute_url()}")
    expect(teacher_page.get_by_role("heading", name="Ava Writer")).to_be_visible()
    body = teacher_page.locator(".essay-body")
    expect(body).to_contain_text("Stalin outmanoeuvred Trotsky")
    body.hover()
    settle(teacher_page)
    assert teacher_page.evaluate(LIVE_SCRIPT_JS, ".essay-body") == []
    screenshot(teacher_page, "teacher-view")
    context.close()
    assert dialogs == []


def test_handing_in_an_essay_over_the_size_limit_says_so(page, live_server, essay_class, log_in):
    """The server's refusal is shown, not a "check your connection" that sends the student
    hunting for a network fault."""
    essay, student, _teacher = essay_class
    log_in(page, student.username, PASSWORD)
    _open_editor(page, live_server, essay)
    editor = page.get_by_label("Your essay", exact=True)
    editor.fill("word " * 50_001)
    page.locator("#honesty").check()
    page.locator("#submit-essay").click()
    status = page.locator("#save-status")
    expect(status).to_contain_text("Nothing was handed in")
    expect(status).to_contain_text("limited to 50,000 words")
    expect(status).not_to_contain_text("connection")
    submission = Submission.objects.get(assignment=essay, student=student)
    assert not SubmissionVersion.objects.filter(submission=submission).exists()
