"""Annotating a reading with the class: a student annotates by keyboard only and shares it with
the class, another student replies, and the teacher sees the heat map and endorses. The new
pages are checked with axe on the way."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courseware.models import Annotation, AssignmentKind, Classroom
from courseware.services.annotations import annotation_create
from tests.e2e.axe import axe_violations, format_violations
from tests.e2e.test_keyboard_journeys import CLASS_A, _focused, _log_in, _tab_to
from tests.factories import submission_for


def _axe_clean(page) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)


def test_a_class_annotates_a_reading_and_the_teacher_endorses(
    page, live_server, demo_school, screenshot
):
    classroom = Classroom.objects.get(join_code=CLASS_A)
    work = classroom.assignments.get(kind=AssignmentKind.READING)
    reading = work.reading
    paragraph = next(p for p in reading.paragraphs.order_by("number") if len(p.text.split()) >= 10)
    words = paragraph.text.split()
    reading_url = reverse("courseware:annotation-reading", args=[work.pk, reading.slug])

    # A student, keyboard only: from the assignment to the annotated reading.
    _log_in(page, live_server, "ava.chen")
    page.goto(f"{live_server.url}{work.get_absolute_url()}")
    _tab_to(page, f"Annotate {reading.title}", tag="a")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{reading_url}")
    page.wait_for_load_state("load")
    _axe_clean(page)

    # Choose the paragraph, then the span: words 2 to 4, announced as they change.
    _tab_to(page, f"Annotate paragraph {paragraph.number}", tag="a")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert _focused(page)["name"].startswith("First word")
    live = page.locator("#span-live")
    expect(live).to_have_text(re.compile(r"^The whole paragraph"))
    for _ in range(2):
        page.keyboard.press("ArrowUp")
    expect(live).to_have_text(re.compile(r"^Words 2 to 2 of"))
    _tab_to(page, re.compile("^Last word"), tag="input")
    for _ in range(2):
        page.keyboard.press("ArrowUp")
    quote = " ".join(words[1:4])
    expect(live).to_have_text(f"Words 2 to 4 of {len(words)}: “{quote}”")
    _axe_clean(page)

    # A question, shared with the class (the default).
    _tab_to(page, "Note", tag="input")
    page.keyboard.press("ArrowRight")
    assert page.get_by_label("Question", exact=True).is_checked()
    _tab_to(page, "Your note or question", tag="textarea")
    page.keyboard.type("Why does the author put it this way?")
    _tab_to(page, "My class", tag="input")
    assert page.get_by_label("My class").is_checked()
    screenshot(page, "annotate-dialog", full_page=False)
    _tab_to(page, "Save annotation", tag="button")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Your annotation is saved.")).to_be_visible()
    question = Annotation.objects.get(author__username="ava.chen")
    assert (question.kind, question.visibility, question.exact) == ("question", "class", quote)
    assert question.paragraph_number == paragraph.number
    expect(page.locator("mark.annotation-mark").first).to_have_text(quote)
    screenshot(page, "annotated", full_page=False)

    # Another student sees it and replies.
    page.context.clear_cookies()
    other = classroom.memberships.filter(role="student").exclude(user__username="ava.chen")
    peer = other.order_by("pk").first().user
    _log_in(page, live_server, peer.username)
    page.goto(f"{live_server.url}{reading_url}")
    thread = page.locator(f"#annotation-{question.pk}")
    expect(thread).to_contain_text("Why does the author put it this way?")
    thread.get_by_text("Reply", exact=True).click()
    thread.get_by_label("Your reply").fill("Because he wrote it after the defeat.")
    thread.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply is saved.")).to_be_visible()
    assert question.replies.get().author == peer

    # The teacher sees where the class annotated and endorses the question.
    page.context.clear_cookies()
    _log_in(page, live_server, "ms.barker")
    page.goto(f"{live_server.url}{work.get_absolute_url()}")
    page.get_by_role("link", name="Class notes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Class notes on")
    heat_row = page.locator(".heat-table tbody tr").nth(paragraph.number - 1)
    expect(heat_row.locator("td").nth(1)).to_have_text("1")  # the question, on its paragraph
    expect(page.get_by_text("No question is waiting for an answer.")).to_be_visible()
    _axe_clean(page)
    screenshot(page, "class-notes", full_page=False)
    page.get_by_role("link", name="Open the annotated reading").click()
    thread = page.locator(f"#annotation-{question.pk}")
    thread.get_by_role("button", name="Endorse", exact=True).click()
    expect(thread.get_by_text("Endorsed by the teacher")).to_be_visible()
    question.refresh_from_db()
    assert question.is_endorsed
    _axe_clean(page)


def test_annotation_pages_fit_a_phone_and_the_editor_lists_evidence(
    page, live_server, demo_school, screenshot
):
    classroom = Classroom.objects.get(join_code=CLASS_A)
    essay = classroom.assignments.get(kind=AssignmentKind.ESSAY)
    reading = essay.prompt.readings.order_by("pk").first()
    student = classroom.memberships.get(user__username="ava.chen").user
    paragraph = next(p for p in reading.paragraphs.order_by("number") if len(p.text) > 60)
    quote = paragraph.text[:40].rsplit(" ", 1)[0]
    annotation_create(
        assignment=essay,
        reading=reading,
        author=student,
        paragraph_number=paragraph.number,
        kind="note",
        text="Useful for the *second* paragraph of my essay.",
        visibility="private",
        exact=quote,
        now=timezone.now(),
    )
    submission_for(essay, student)
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server, "ava.chen")

    url = reverse("courseware:annotation-reading", args=[essay.pk, reading.slug])
    page.goto(f"{live_server.url}{url}")
    expect(page.locator("mark.annotation-mark").first).to_have_text(quote)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the annotated reading is {width}px wide on a 390px phone"
    screenshot(page, "phone-annotated-reading", full_page=False)

    page.goto(f"{live_server.url}{reverse('courseware:essay-write', args=[essay.pk])}")
    button = page.get_by_role("button", name="Use as evidence")
    expect(button).to_have_count(1)
    assert button.get_attribute("data-quote") == quote
    assert button.get_attribute("data-cite") == f"[[{reading.slug}#p-{paragraph.number}]]"
    _axe_clean(page)


def test_a_student_annotates_words_selected_with_the_mouse(page, live_server, demo_school):
    classroom = Classroom.objects.get(join_code=CLASS_A)
    work = classroom.assignments.get(kind=AssignmentKind.READING)
    reading = work.reading
    paragraph = next(p for p in reading.paragraphs.order_by("number") if len(p.text.split()) > 10)
    words = paragraph.text.split()
    _log_in(page, live_server, "ava.chen")
    page.goto(
        f"{live_server.url}{reverse('courseware:annotation-reading', args=[work.pk, reading.slug])}"
    )
    text = page.locator(f".ap-text[data-paragraph='{paragraph.number}']")
    # Select from inside the third word to inside the fifth, as a drag or a long press does:
    # whole words are taken.
    expect(text).to_be_visible()
    page.evaluate(
        """([number, first, last]) => {
            const el = document.querySelector(`.ap-text[data-paragraph='${number}']`);
            const node = el.firstChild;
            const range = document.createRange();
            range.setStart(node, first);
            range.setEnd(node, last);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        [
            paragraph.number,
            paragraph.text.index(words[2]) + 1,
            paragraph.text.index(words[4], paragraph.text.index(words[2])) + 1,
        ],
    )
    offer = page.get_by_role("button", name="Annotate the selected words")
    expect(offer).to_be_visible()
    offer.click()
    expect(page.locator("#span-live")).to_have_text(re.compile(r"^Words 3 to 5 of"))
    page.get_by_label("Your note or question").fill("Three words.")
    page.get_by_role("button", name="Save annotation").click()
    expect(page.get_by_text("Your annotation is saved.")).to_be_visible()
    note = Annotation.objects.get(author__username="ava.chen")
    assert note.exact == " ".join(words[2:5])
