"""The login page offers "Sign in with Google" only when Google sign-in is configured, as a
button that fits a phone, is reachable by keyboard, and leads to the provider's sign-in."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.axe import axe_violations, format_violations
from tests.e2e.layout import OVERFLOWING, PHONE, SCROLL_WIDTH

GOOGLE_ONLY = {
    "google": {
        "APPS": [{"client_id": "g-id", "secret": "g-secret", "key": ""}],
        "SCOPE": ["openid", "profile", "email"],
        "OAUTH_PKCE_ENABLED": True,
    },
    "microsoft": {"APPS": []},
}


def test_the_login_page_offers_google_only_when_it_is_configured(
    page, live_server, settings, transactional_db, screenshot
):
    login_url = live_server.url + reverse("account_login")
    page.goto(login_url)
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in with Google")).to_have_count(0)
    expect(page.get_by_role("heading", name="Or use your school account")).to_have_count(0)

    settings.SOCIALACCOUNT_PROVIDERS = GOOGLE_ONLY
    page.set_viewport_size(PHONE)
    page.goto(login_url)
    google = page.get_by_role("button", name="Sign in with Google")
    expect(google).to_be_visible()
    expect(page.get_by_role("button", name="Sign in with Microsoft")).to_have_count(0)
    width = page.evaluate(SCROLL_WIDTH)
    assert width <= PHONE["width"], f"{width} px wide: {page.evaluate(OVERFLOWING)}"
    violations = axe_violations(page)
    assert not violations, format_violations("login with Google", violations)
    screenshot(page, "login-phone")

    # Reached from the form by keyboard, it opens the step that sends the person to Google.
    page.get_by_role("button", name="Sign In", exact=True).focus()
    for _ in range(10):
        if google.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(google).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{reverse('google_login')}?process=login")
    expect(page.get_by_role("button", name="Continue")).to_be_visible()
