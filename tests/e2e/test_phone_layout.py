"""Every page of every role on a 390 px phone: nothing scrolls sideways, axe stays at zero.

One demo school is seeded for the whole test and each role gets one browser context, which then
visits the same crawl list as ``test_accessibility.py``. Each page is screenshotted (the first
4,000 px of it) into ``test-artifacts/screenshots/``. The narrow-screen menu, the breadcrumbs'
separators and a wide table's own scrolling are checked on the way.
"""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from courseware.models import Classroom
from tests.e2e.axe import axe_violations, format_violations
from tests.e2e.conftest import SCREENSHOT_DIR
from tests.e2e.test_accessibility import CLASS_A, PASSWORD, _crawl, press_and_wait

PHONE = {"width": 390, "height": 844}
# (the element on top, the element that follows it below) on a phone
STACKED = [("#essay-text", ".essay-readings"), (".mark-essay", ".mark-panel")]
SCROLL_WIDTH = "() => document.documentElement.scrollWidth"
# The elements that stick out past the right edge, to say what to fix when a page is too wide.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const inScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") return true;
    }
    return false;
  };
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !inScroller(el))
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
}"""


def _shot(page, role: str, path: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    name = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "home"
    height = min(page.evaluate("document.documentElement.scrollHeight"), 4000)
    page.screenshot(
        path=str(SCREENSHOT_DIR / f"phone-390--{role}--{name}.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": PHONE["width"], "height": height},
    )


def _log_in(page, base_url: str, login: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_url(f"{base_url}{reverse('courseware:dashboard')}")


def _check_menu(page) -> None:
    """The narrow screen shows one "Menu" disclosure; it opens and closes by keyboard."""
    expect(page.locator(".nav-wide")).to_be_hidden()
    summary = page.locator("details.site-menu > summary")
    expect(summary).to_be_visible()
    log_out = page.get_by_role("button", name="Log out")
    expect(log_out).to_be_hidden()
    summary.focus()
    page.keyboard.press("Enter")
    expect(log_out).to_be_visible()
    box = log_out.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    page.keyboard.press("Escape")
    expect(log_out).to_be_hidden()
    expect(summary).to_be_focused()


def test_every_page_fits_a_phone_without_axe_violations(browser, live_server, demo_school):
    crawl = _crawl(demo_school)
    classroom = Classroom.objects.get(join_code=CLASS_A)
    gradebook = reverse("courseware:gradebook", args=[classroom.pk])
    too_wide, reports = [], []
    for role, (login, pages) in crawl.items():
        context = browser.new_context(viewport=PHONE, locale="en-AU")
        page = context.new_page()
        if login is not None:
            _log_in(page, live_server.url, login)
            _check_menu(page)
        for path, expected_status, *press in pages:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == expected_status, f"{path} answered {response.status}"
            if press:
                press_and_wait(page, press[0])
                path = f"{path}{press[0].replace('#', 'then-')}"
            width = page.evaluate(SCROLL_WIDTH)
            if width > PHONE["width"]:
                too_wide.append(f"{role} {path}: {width} px ({page.evaluate(OVERFLOWING)})")
            violations = axe_violations(page)
            if violations:
                reports.append(format_violations(f"{role} {path}", violations))
            _shot(page, role, path)
            if path == gradebook:
                # The gradebook is wider than the phone: it scrolls in its own box, and the
                # students' names stay in view while it does.
                wrap = page.locator(".gradebook-wrap")
                assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
                first_cell = page.locator(".gradebook tbody th").first
                assert first_cell.evaluate("el => getComputedStyle(el).position") == "sticky"
                wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
                assert first_cell.bounding_box()["x"] >= 0
            # One-handed: the readings panel comes below the editor, the rubric below the essay.
            for above, below in STACKED:
                if page.locator(above).count() and page.locator(below).count():
                    top = page.locator(above).first.bounding_box()
                    under = page.locator(below).first.bounding_box()
                    assert under["y"] >= top["y"] + top["height"] - 1, f"{path}: {below} beside"
                    assert under["x"] < 40, f"{path}: {below} is not full width"
            crumbs = page.locator("nav.breadcrumb li:not(:last-child)")
            if crumbs.count():
                separator = crumbs.first.evaluate("el => getComputedStyle(el, '::after').content")
                assert "/" in separator, f"{path}: breadcrumb separator is {separator!r}"
        context.close()
    assert not too_wide, "Pages wider than 390 px:\n" + "\n".join(too_wide)
    assert not reports, "\n".join(reports)
