"""A student reads: opens a reading, jumps through its contents, follows a note and comes back,
cites a paragraph and marks the reading read."""

import re

import pytest
from playwright.sync_api import expect

from courseware.models import Reading, ReadingProgress
from tests.e2e.axe import axe_violations, format_violations


def _in_viewport(page, selector: str) -> bool:
    return page.eval_on_selector(
        selector,
        """element => {
            const box = element.getBoundingClientRect();
            return box.bottom > 0 && box.top < window.innerHeight;
        }""",
    )


def test_a_student_reads_a_reading_follows_a_note_and_marks_it_read(
    page, live_server, demo_school, log_in, screenshot
):
    reading = Reading.objects.get(slug="cliff-lessons-of-october")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    log_in(page, "ava.chen", "lectern-demo")

    # The student finds the reading in the library and opens it.
    page.goto(f"{live_server.url}/readings/")
    page.get_by_role("link", name=reading.title).click()
    expect(page).to_have_url(f"{live_server.url}{reading.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1, name=reading.title)).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"[\d,]+ words · about \d+ minutes to read"))
    ).to_be_visible()
    screenshot(page, "reading-opened", full_page=False)

    # The contents stays beside the text; a section is one click away.
    section = reading.sections.get(title__contains="Socialism in one country")
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name=section.title).click()
    expect(page).to_have_url(re.compile(f"#{section.anchor}$"))
    assert _in_viewport(page, f"#{section.anchor}-title")
    expect(contents).to_be_in_viewport()
    screenshot(page, "contents-jump", full_page=False)

    # A note marker in that section leads to its note, and the note leads back.
    paragraph = reading.paragraphs.filter(section=section, markers__isnull=False).first()
    marker = page.locator(f"#p-{paragraph.number} sup.note-ref a").first
    marker_id = marker.evaluate("a => a.parentElement.id")
    marker.click()
    note_id = re.search(r"#(fn-\d+)$", page.url).group(1)
    expect(page.locator(f"#{note_id}")).to_be_in_viewport()
    screenshot(page, "note-followed", full_page=False)
    page.locator(f"#{note_id} a.note-back[href='#{marker_id}']").click()
    expect(page).to_have_url(re.compile(f"#{marker_id}$"))
    assert _in_viewport(page, f"#{marker_id}")
    screenshot(page, "back-from-note", full_page=False)

    # Cite copies the paragraph's citation and says so.
    page.locator(f"#p-{paragraph.number}").hover()
    page.locator(f"#p-{paragraph.number} .cite-copy").click()
    citation = f"[[{reading.slug}#p-{paragraph.number}]]"
    expect(page.locator(".cite-status")).to_contain_text(citation)
    assert page.evaluate("navigator.clipboard.readText()") == citation
    screenshot(page, "cited", full_page=False)

    # Marking it read is remembered.
    page.get_by_role("button", name="Mark as read").first.click()
    expect(page.get_by_text("You marked this read").first).to_be_visible()
    progress = ReadingProgress.objects.get(student__username="ava.chen", reading=reading)
    assert progress.marked_read_at is not None
    assert progress.first_opened_at is not None
    page.goto(f"{live_server.url}/readings/")
    expect(
        page.locator("article", has_text=reading.title).get_by_text("read", exact=True)
    ).to_be_visible()
    screenshot(page, "marked-read", full_page=False)


def test_on_a_narrow_screen_the_contents_folds_and_a_cited_paragraph_shows_its_citation(
    page, live_server, demo_school, log_in, screenshot
):
    page.set_viewport_size({"width": 390, "height": 844})
    reading = Reading.objects.get(slug="stalin-trotsky-thesis")
    log_in(page, "ava.chen", "lectern-demo")
    page.goto(f"{live_server.url}{reading.get_absolute_url()}")
    screenshot(page, "narrow-top", full_page=False)

    folded = page.locator("details.toc-narrow")
    expect(page.get_by_role("navigation", name="Contents")).to_be_hidden()
    folded.locator("summary").click()
    chapter = reading.sections.filter(kind="chapter").order_by("order")[2]
    folded.get_by_role("link", name=chapter.title).click()
    expect(page).to_have_url(re.compile(f"#{chapter.anchor}$"))
    assert _in_viewport(page, f"#{chapter.anchor}-title")

    # A paragraph reached by its number shows the citation to copy, with or without script.
    first = reading.paragraphs.filter(section=chapter).order_by("number").first()
    page.locator(f"#p-{first.number} .para-number").click()
    expect(page.locator(f"#p-{first.number} .cite-text")).to_be_visible()
    expect(page.locator(f"#p-{first.number} .cite-text")).to_contain_text(
        f"[[{reading.slug}#p-{first.number}]]"
    )
    screenshot(page, "narrow-cited", full_page=False)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_student_sees_what_the_scan_reads_behind_a_correction_and_can_read_it_as_scanned(
    page, live_server, demo_school, log_in, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 844})
    reading = Reading.objects.get(slug="stalin-trotsky-thesis")
    log_in(page, "ava.chen", "lectern-demo")
    page.goto(f"{live_server.url}{reading.get_absolute_url()}#p-1")

    # The correction stands in brackets; keyboard focus shows (and names) what the scan reads.
    correction = page.locator("#p-1 .emend ins").first
    expect(correction).to_have_text("[Trotsky]")
    original = page.locator("#p-1 .emend-source").first
    expect(original).to_be_hidden()
    correction.focus()
    expect(original).to_be_visible()
    expect(original).to_have_text("As scanned: fi*otsky")
    expect(correction).to_have_attribute("aria-describedby", original.get_attribute("id"))
    screenshot(page, f"corrected-{width}", full_page=False)
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)

    # The reader switches to the text as scanned, and back; the paragraph keeps its number.
    page.get_by_role("link", name="Show the text as scanned").click()
    expect(page.locator("#p-1")).to_contain_text("between Stalin and fi*otsky from 1926")
    expect(page.locator(".emend")).to_have_count(0)
    page.goto(f"{page.url}#p-1")
    screenshot(page, f"scanned-{width}", full_page=False)
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)
    page.get_by_role("link", name=re.compile(r"Show the \d+ recorded corrections")).click()
    expect(page.locator("#p-1 .emend ins").first).to_have_text("[Trotsky]")
