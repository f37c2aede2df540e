"""A student sees the bell's count, opens an announcement from the notification centre, and
every notifications page fits a 390 px screen."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from courseware.models import Classroom, MembershipRole
from courseware.services import notifications as services


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_student_opens_an_announcement_from_the_bell_on_a_narrow_screen(
    page, live_server, demo_school, log_in, screenshot
):
    classroom = Classroom.objects.filter(memberships__user__username="ava.chen").first()
    teacher = classroom.memberships.filter(role=MembershipRole.TEACHER).first().user
    services.announcement_post(
        author=teacher,
        classrooms=[classroom],
        title="Bring your notes on Cliff",
        body="We discuss **The Lessons of October** on Friday.",
        now=timezone.now(),
    )
    services.events_dispatch_ready(now=timezone.now())

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "ava.chen", "lectern-demo")
    page.goto(f"{live_server.url}/dashboard/")
    bell = page.locator("a.bell").locator("visible=true")
    # The demo's work set for the class, and the announcement.
    expect(bell.locator(".badge")).to_have_text(re.compile(r"^[1-9][0-9]*$"))
    expect(bell).to_have_accessible_name(re.compile(r"Notifications: [1-9][0-9]* unread"))
    assert _fits(page)
    screenshot(page, "dashboard-bell")

    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    assert _fits(page)
    page.get_by_role("button", name="Bring your notes on Cliff").click()
    expect(page.get_by_role("heading", name="Bring your notes on Cliff")).to_be_visible()
    expect(page.locator(".prose strong")).to_have_text("The Lessons of October")
    assert _fits(page)
    screenshot(page, "announcement")

    for path in ("/notifications/settings/", "/calendar/"):
        page.goto(f"{live_server.url}{path}")
        assert _fits(page), path
    page.get_by_role("button", name="Make my calendar link").click()
    expect(page.get_by_label("Your calendar link")).to_have_value(re.compile(r"/calendar/.+\.ics$"))
    assert _fits(page)
    screenshot(page, "calendar")


def test_a_student_asks_for_help_and_reads_the_teachers_answer_from_the_bell(
    page, live_server, demo_school, log_in, screenshot
):
    classroom = Classroom.objects.filter(memberships__user__username="ava.chen").first()
    teacher = classroom.memberships.filter(role=MembershipRole.TEACHER).first().user
    assignment = classroom.assignments.filter(kind="reading").first()
    reading = assignment.reading

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "ava.chen", "lectern-demo")
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/")
    page.get_by_role("link", name="Ask your teacher for help").click()
    page.get_by_label("What would you like help with?").fill("Is the author being ironic?")
    page.get_by_label("Paragraph (optional)").fill(f"[[{reading.slug}#p-2]]")
    page.get_by_role("button", name="Send to my teacher").click()
    expect(page.get_by_role("heading", name="Help request", exact=True)).to_be_visible()
    expect(page.get_by_text("Is the author being ironic?")).to_be_visible()
    assert _fits(page)
    screenshot(page, "help-asked")
    services.events_dispatch_ready(now=timezone.now())

    page.context.clear_cookies()
    log_in(page, teacher.username, "lectern-demo")
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("button", name=re.compile(r"asks for help with")).click()
    expect(page.get_by_text("Is the author being ironic?")).to_be_visible()
    page.get_by_label("Your reply").fill("Yes: look at the word 'naturally'.")
    page.get_by_role("button", name="Send and mark resolved").click()
    expect(page.get_by_text("Your reply is sent.")).to_be_visible()
    expect(page.locator(".help-heading .status")).to_have_text("Resolved")
    page.goto(f"{live_server.url}/classes/{classroom.pk}/help/")
    expect(page.get_by_text("No open requests: nobody is waiting for help.")).to_be_visible()
    assert _fits(page)
    screenshot(page, "help-list")
    services.events_dispatch_ready(now=timezone.now())

    page.context.clear_cookies()
    log_in(page, "ava.chen", "lectern-demo")
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("button", name=re.compile(r"Your teacher answered your question")).click()
    expect(page.get_by_text("Yes: look at the word 'naturally'.")).to_be_visible()
    assert _fits(page)
