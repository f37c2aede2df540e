"""A school admin imports the school's OneRoster export from the site: a row with a problem is
reported and nothing changes; the fixed export previews with its counts, fits a phone, imports,
and the new class is there with its students."""

from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from courseware.models import Classroom, Course
from tests.courseware.rosters.exports import export_zip
from tests.courseware.rosters.exports import school as roster_school
from tests.e2e.axe import axe_violations, format_violations
from tests.e2e.layout import OVERFLOWING, PHONE, SCROLL_WIDTH

DESKTOP = {"width": 1280, "height": 900}


def _zip(data: dict) -> dict:
    return {"name": "oneroster.zip", "mimeType": "application/zip", "buffer": export_zip(data)}


def _upload(page, data: dict, course: str) -> None:
    page.get_by_label("OneRoster export (.zip)").set_input_files(_zip(data))
    page.get_by_label("Course for new classes").select_option(label=course)
    page.get_by_role("button", name="Preview").click()


def _counts(page, kind: str) -> list[str]:
    """The Create, Update, Archive, Unchanged and Skipped figures of one row of the preview."""
    row = page.locator("table.roster-counts tbody tr").filter(
        has=page.get_by_role("rowheader", name=kind, exact=True)
    )
    return row.locator("td").all_inner_texts()


def _assert_clean(page, label: str) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(label, violations)


def test_school_admin_imports_a_oneroster_export_from_the_class_list(
    page, live_server, demo_school, log_in, screenshot
):
    course = Course.objects.order_by("title").first().title
    log_in(page, "admin", "lectern-demo")
    expect(page.get_by_role("heading", name="All classes")).to_be_visible()
    page.get_by_role("button", name="Import a OneRoster export").click()
    expect(page.get_by_role("heading", name="Import the school's roster")).to_be_visible()

    # One user's email is not an email: the row is named, and nothing is imported.
    broken = roster_school(2)
    broken["users"][1]["email"] = "nobody"
    _upload(page, broken, course)
    expect(page.get_by_role("heading", name="The export has problems")).to_be_visible()
    errors = page.locator("table.roster-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("users.csv")
    expect(errors.first).to_contain_text("email")
    expect(page.get_by_role("button", name="Import", exact=True)).to_have_count(0)
    screenshot(page, "row-error")
    assert not Classroom.objects.filter(name="12 History A").exists()

    # The fixed export: a clean preview with what importing would create.
    page.get_by_role("link", name="Upload another export").click()
    _upload(page, roster_school(2), course)
    expect(page.get_by_role("heading", name="Check, then import")).to_be_visible()
    expect(page.locator("table.roster-errors")).to_have_count(0)
    assert _counts(page, "Users")[0] == "3"  # a teacher and two students
    assert _counts(page, "Classes")[0] == "2"
    assert _counts(page, "Enrolments")[0] == "6"
    _assert_clean(page, "roster preview")
    screenshot(page, "preview")
    assert not User.objects.filter(username="stu0.dent").exists()

    # On a phone the preview's tables scroll in their own boxes, never the page.
    page.set_viewport_size(PHONE)
    width = page.evaluate(SCROLL_WIDTH)
    assert width <= PHONE["width"], f"{width} px wide: {page.evaluate(OVERFLOWING)}"
    _assert_clean(page, "roster preview at 390 px")
    screenshot(page, "preview-phone")
    page.set_viewport_size(DESKTOP)

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("The roster is imported")).to_be_visible()
    expect(page.get_by_role("heading", name="Imported")).to_be_visible()

    page.goto(live_server.url + reverse("courseware:dashboard"))
    page.get_by_role("link", name="12 History A").click()
    expect(page.get_by_role("heading", name="12 History A")).to_be_visible()
    roster = page.get_by_role("region", name="Roster")
    expect(roster.get_by_role("rowheader")).to_have_count(2)
    expect(roster.get_by_role("cell", name="stu0.dent", exact=True)).to_be_visible()
    expect(roster.get_by_role("cell", name="stu1.dent", exact=True)).to_be_visible()
    screenshot(page, "imported-class")
    classroom = Classroom.objects.get(name="12 History A")
    assert set(classroom.memberships.values_list("user__username", flat=True)) >= {
        "stu0.dent",
        "stu1.dent",
        "tess.hill",
    }
