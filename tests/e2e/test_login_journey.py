"""An anonymous visitor is sent to log in; a demo student logs in and sees their dashboard."""

from playwright.sync_api import expect

from courseware.models import Classroom


def test_anonymous_visitor_is_sent_to_log_in(page, live_server, screenshot):
    page.goto(f"{live_server.url}/dashboard/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/dashboard/")
    expect(page.get_by_role("heading", name="Sign In")).to_be_visible()
    expect(page.get_by_label("Login")).to_be_visible()
    screenshot(page, "login")


def test_demo_student_logs_in_and_sees_their_dashboard(
    page, live_server, demo_school, log_in, screenshot
):
    student = next(login for login in demo_school if login.role == "Student")
    classroom = Classroom.objects.get(memberships__user__username=student.username)

    log_in(page, student.email, student.password)

    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    expect(page.get_by_role("link", name=classroom.name)).to_be_visible()
    expect(page.get_by_role("link", name="School admin")).to_have_count(0)
    screenshot(page, "dashboard")


def test_wrong_password_shows_a_clear_message(page, live_server, demo_school, log_in, screenshot):
    log_in(page, "ava.chen", "not-the-password")
    expect(page.get_by_text("are not correct")).to_be_visible()
    screenshot(page, "wrong-password")
