"""The site shell in a real browser: landing, sign-up, password reset, profile, a 404."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, TeacherFactory


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Lectern"),
        ("/accounts/signup/", "Sign Up"),
        ("/accounts/password/reset/", "Password Reset"),
        ("/no-such-page/", "Page not found"),
    ],
    ids=["home", "signup", "password-reset", "not-found"],
)
def test_public_pages_render_in_the_site_look(page, live_server, screenshot, path, heading):
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    # The vendored stylesheet is applied: Pico sets the body font through its variables.
    assert page.evaluate("getComputedStyle(document.body).getPropertyValue('--pico-font-family')")
    screenshot(page, "page")


def test_keyboard_user_can_skip_to_content(page, live_server):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/#main")


def test_teacher_edits_their_profile(page, live_server, transactional_db, log_in, screenshot):
    teacher = TeacherFactory(username="ms.lee", display_name="")
    log_in(page, teacher.username, PASSWORD)
    expect(page.get_by_role("heading", name="My classes")).to_be_visible()
    page.locator("details.dropdown summary").click()  # the account menu
    page.get_by_role("link", name="Profile").click()
    page.get_by_label("Display name").fill("Ms Harriet Lee")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    expect(page.locator("summary", has_text="Ms Harriet Lee")).to_be_visible()
    screenshot(page, "profile")
