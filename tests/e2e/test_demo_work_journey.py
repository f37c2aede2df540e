"""On first login to the demo school a teacher has essays to mark, deadlines and hand-ins on the
dashboard, and every marking page shows the seeded work; a student sees a returned essay with its
mark and quiz scores; search finds a quoted phrase. Screenshots at desktop and phone width."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courseware.models import Assignment, Submission

PASSWORD = "lectern-demo"
PHONE = {"width": 390, "height": 844}


def _both_widths(page, screenshot, label: str) -> None:
    screenshot(page, f"{label}-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, f"{label}-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.django_db(transaction=True)
def test_the_teacher_finds_work_to_mark_and_the_student_finds_feedback(
    page, live_server, demo_school_with_work, log_in, screenshot
):
    essay = Assignment.objects.get(
        classroom__join_code="HSCMHA26", prompt__slug="evaluating-a-student-argument"
    )
    jack = Submission.objects.get(assignment=essay, student__username="jack.obrien")

    log_in(page, "ms.barker", PASSWORD)
    to_mark = page.locator("section.work-section-to_mark")
    expect(to_mark.get_by_role("link", name=essay.title)).to_be_visible()
    expect(to_mark.get_by_text("3 essays to mark")).to_be_visible()
    expect(
        page.locator("section.work-section-due_soon").get_by_text("The Lessons of October")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Recent hand-ins")).to_be_visible()
    expect(page.locator(".recent-hand-ins").get_by_text("Mia Tran")).to_be_visible()
    _both_widths(page, screenshot, "teacher-dashboard")

    to_mark.get_by_role("link", name=essay.title).click()
    queue = page.locator("table.queue-table tbody")
    expect(queue.get_by_role("row")).to_have_count(3)
    _both_widths(page, screenshot, "queue-to-mark")

    for name, url in {
        "gradebook": reverse("courseware:gradebook", args=[essay.classroom_id]),
        "statistics": reverse("courseware:assignment-statistics", args=[essay.pk]),
        "originality": reverse("courseware:originality-report", args=[jack.pk, 1]),
        "marking": reverse("courseware:mark-submission", args=[jack.pk]),
    }.items():
        page.goto(f"{live_server.url}{url}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        screenshot(page, name)
    page.goto(f"{live_server.url}{reverse('courseware:originality-report', args=[jack.pk, 1])}")
    expect(page.get_by_text("Liam Walker").first).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, "ava.chen", PASSWORD)
    returned = page.locator("section.work-section-returned")
    expect(returned.get_by_role("link", name=essay.title)).to_be_visible()
    expect(returned.locator(".returned-mark")).to_contain_text("Mark 23 / 25")
    _both_widths(page, screenshot, "student-dashboard")
    page.goto(f"{live_server.url}{reverse('courseware:my-grades')}")
    expect(page.get_by_role("heading", name="Quizzes")).to_be_visible()
    expect(page.get_by_text("10 / 10")).to_be_visible()
    _both_widths(page, screenshot, "my-grades")

    page.goto(
        f"{live_server.url}{reverse('courseware:search')}?q=%22permanent+revolution%22+Stalin"
    )
    results = page.locator("ol.search-results > li")
    expect(results.first).to_be_visible()
    expect(results.first.locator("mark").first).to_be_visible()
    expect(results.first.get_by_role("link", name="paragraph")).to_be_visible()
    _both_widths(page, screenshot, "search-phrase")
