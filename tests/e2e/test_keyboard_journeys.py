"""The teacher's and the student's main journeys with the keyboard only.

Only Tab, Shift+Tab, Enter, Space, arrow keys and typed text move through the pages: no mouse
and no ``.click()``. Every element that takes focus on the way must show it visibly (an outline
or a focus ring), and the journeys check their outcome in the database.
"""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courseware.models import (
    AssignmentKind,
    Classroom,
    ReadingProgress,
    Submission,
    SubmissionStatus,
)
from tests.e2e.waits import pause_typing

PASSWORD = "lectern-demo"
CLASS_A = "HSCMHA26"

# What has focus, what it is called, and whether the focus is visible on screen.
FOCUSED_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const labels = el.labels ? Array.from(el.labels).map((l) => l.textContent) : [];
  const name = (el.getAttribute("aria-label") || labels.join(" ") || el.textContent || el.value
    || "").replace(/\\s+/g, " ").trim();
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const ring = style.boxShadow !== "none";
  const rect = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    type: el.getAttribute("type") || "",
    name: name,
    visible: (outline || ring) && rect.width > 0 && rect.height > 0,
    style: [style.outlineStyle, style.outlineWidth, style.boxShadow],
  };
}"""


def _focused(page) -> dict | None:
    return page.evaluate(FOCUSED_JS)


def _tab_to(page, name: str | re.Pattern, *, tag: str | None = None, back=False, limit=120):
    """Press Tab (or Shift+Tab) until the focused element is called ``name``; on the way every
    focused element must show its focus."""
    key = "Shift+Tab" if back else "Tab"
    trail = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = _focused(page)
        if focused is None:
            continue
        trail.append(focused["name"][:40])
        assert focused["visible"], f"focus is not visible on {focused}"
        matches = (
            name.search(focused["name"])
            if isinstance(name, re.Pattern)
            # A required field's label ends with its " *" marker.
            else focused["name"].removesuffix(" *") == name
        )
        if matches and (tag is None or focused["tag"] == tag):
            return focused
    raise AssertionError(f"{name!r} never took focus; focus went through {trail}")


def _type_date(page, day_and_month: str, year: str, time: str) -> None:
    """Type into a date-time field's segments; the year takes up to six digits, so the right
    arrow moves on from it."""
    page.keyboard.type(day_and_month + year)
    page.keyboard.press("ArrowRight")
    page.keyboard.type(time)


def _log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('account_login')}")
    _tab_to(page, "Login", tag="input")
    page.keyboard.type(username)
    _tab_to(page, "Password", tag="input")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{reverse('courseware:dashboard')}")


def test_teacher_sets_an_essay_with_the_keyboard_only(page, live_server, demo_school, screenshot):
    classroom = Classroom.objects.get(join_code=CLASS_A)
    before = set(classroom.assignments.values_list("pk", flat=True))
    _log_in(page, live_server, "ms.barker")

    _tab_to(page, classroom.name, tag="a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=classroom.name)).to_be_visible()
    _tab_to(page, "Set an essay", tag="a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Set an essay")).to_be_visible()

    _tab_to(page, re.compile("^Essay prompt"), tag="select")
    page.keyboard.press("ArrowDown")
    prompt_label = page.get_by_label("Essay prompt").evaluate(
        "(el) => el.options[el.selectedIndex].text"
    )
    _tab_to(page, re.compile("^Title"), tag="input")
    page.keyboard.press("Control+a")
    page.keyboard.type("Keyboard essay: why Stalin won")
    # Day and month are the same number, so the dates read the same in either order.
    _tab_to(page, re.compile("^Due"), tag="input")
    _type_date(page, "0303", "2030", "0900A")
    _tab_to(page, re.compile("^Cut-off"), tag="input")
    _type_date(page, "0404", "2030", "0900A")
    screenshot(page, "essay-form")
    _tab_to(page, "Assign", tag="button")
    page.keyboard.press("Enter")

    expect(page.get_by_text(f"is set for {classroom.name}")).to_be_visible()
    screenshot(page, "class-page")
    (essay,) = classroom.assignments.exclude(pk__in=before)
    assert essay.kind == AssignmentKind.ESSAY
    assert essay.title == "Keyboard essay: why Stalin won"
    assert str(essay.prompt) == prompt_label or essay.prompt.question.startswith(prompt_label[:20])
    due, cutoff = (timezone.localtime(essay.due_at), timezone.localtime(essay.cutoff_at))
    assert (due.year, due.month, due.day, due.hour, due.minute) == (2030, 3, 3, 9, 0)
    assert (cutoff.year, cutoff.month, cutoff.day, cutoff.hour) == (2030, 4, 4, 9)


def test_student_reads_writes_and_submits_with_the_keyboard_only(
    page, live_server, demo_school, screenshot
):
    classroom = Classroom.objects.get(join_code=CLASS_A)
    reading_work = classroom.assignments.get(kind=AssignmentKind.READING)
    essay = classroom.assignments.get(kind=AssignmentKind.ESSAY)
    _log_in(page, live_server, "ava.chen")

    # The reading: from the dashboard to the assignment, on to the reading, then mark it read.
    _tab_to(page, reading_work.title, tag="a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=reading_work.title)).to_be_visible()
    _tab_to(page, re.compile(re.escape(reading_work.reading.title)), tag="a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=reading_work.reading.title).first).to_be_visible()
    _tab_to(page, "Mark as read", tag="button")
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Mark as not read").first).to_be_visible()
    screenshot(page, "reading-marked-read")
    student = essay.classroom.memberships.get(user__username="ava.chen").user
    assert ReadingProgress.objects.get(student=student, reading=reading_work.reading).marked_read_at

    # The essay: back to the dashboard through the main navigation.
    _tab_to(page, "Dashboard", tag="a", back=True)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{reverse('courseware:dashboard')}")
    _tab_to(page, essay.title, tag="a")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{essay.get_absolute_url()}")
    write_url = f"{live_server.url}{reverse('courseware:essay-write', args=[essay.pk])}"
    focused = _tab_to(page, re.compile("Start writing|Write|Continue"), tag=None)
    page.keyboard.press("Enter")
    if focused["tag"] == "a":  # the assignment page links to the essay page, which starts it
        page.wait_for_url(write_url)
        _tab_to(page, "Start writing", tag="button")
        page.keyboard.press("Enter")
    expect(page.get_by_label("Your essay", exact=True)).to_be_visible()
    page.wait_for_function("() => window.LecternEditor !== undefined")
    _tab_to(page, "Your essay", tag="textarea")
    words = max(essay.prompt.min_words, 12)
    sentence = "Stalin won because he controlled the party apparatus and its appointments. "
    page.keyboard.insert_text(sentence * (words // 11 + 1))
    page.keyboard.type("Trotsky underestimated him.")
    pause_typing(page)
    expect(page.locator("#save-status")).to_have_text(re.compile(r"Saved at \d\d:\d\d"))
    _tab_to(page, re.compile("^I declare|my own"), tag="input")
    page.keyboard.press("Space")
    assert page.locator("#honesty").is_checked()
    _tab_to(page, "Submit essay", tag="button")
    screenshot(page, "essay-ready")
    page.keyboard.press("Enter")

    expect(page.get_by_text(re.compile("handed in", re.IGNORECASE)).first).to_be_visible()
    screenshot(page, "essay-receipt")
    submission = Submission.objects.get(assignment=essay, student=student)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.versions.get().text.endswith("Trotsky underestimated him.")
