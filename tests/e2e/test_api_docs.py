"""The interactive API docs work offline and under the site's Content Security Policy."""

from playwright.sync_api import expect


def test_swagger_ui_renders_from_local_files(page, live_server, screenshot):
    blocked = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security" in msg.text else None
    )
    outside = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:")
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_text("Lectern API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/auth/token/").first).to_be_visible()
    screenshot(page, "docs")
    assert outside == []
    assert blocked == []
