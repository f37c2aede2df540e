"""A teacher reads an essay's originality report in a real browser: the page follows a queued
check until it is done, the highlights carry their labels, a match leads to its source, and a
re-check runs again."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courseware.models import MembershipRole, OriginalityReport
from courseware.services.originality import originality_report_run
from tests.factories import (
    PASSWORD,
    ClassroomFactory,
    MembershipFactory,
    StudentFactory,
    TeacherFactory,
    course_reading,
    essay_assignment,
    submitted_submission,
)

READINGS = Path(__file__).parents[2] / "fixtures" / "demo_course" / "readings"

ESSAY = (
    "Stalin won the struggle because he understood the party better than his rivals did, "
    "and because his message suited a tired country.\n\n"
    "Stalin, on the other hand, became synonymous with the policy of ‘socialism in one "
    "country’ towards the end of 1924. By this, it was thought that the USSR could create a "
    "socialist base, through industrialization and military prowess.\n\n"
    "The school notes put the rival view plainly: “No socialist society can exist solely on "
    "its own” [[debate-notes#p-6]]. Trotsky could not make that sound hopeful to the party."
)


@pytest.fixture
def checked_essay(transactional_db, monkeypatch):
    # Reports stay queued until the test runs them, as they would wait for a worker.
    monkeypatch.setattr("courseware.services.originality._enqueue", lambda report_id: None)
    classroom = ClassroomFactory(name="12 Modern History A")
    student = StudentFactory(username="liam.copy", display_name="Liam Walker")
    teacher = TeacherFactory(username="ms.check", display_name="Ms Barker")
    MembershipFactory(classroom=classroom, user=student, role=MembershipRole.STUDENT)
    MembershipFactory(classroom=classroom, user=teacher, role=MembershipRole.TEACHER)
    essay_reading = course_reading(
        classroom.course,
        slug="student-essay",
        title="Trotsky, Stalin and the Future of Socialism (student essay excerpt)",
        author="Unnamed student",
        text=(READINGS / "student-essay-socialism-debate.txt").read_text(encoding="utf-8"),
    )
    notes = course_reading(
        classroom.course,
        slug="debate-notes",
        title="Debate on Foreign Policy",
        author="Ben Whitten",
        text=(READINGS / "debate-on-foreign-policy.txt").read_text(encoding="utf-8"),
    )
    assignment = essay_assignment(
        classroom,
        min_words=20,
        max_words=800,
        readings=[essay_reading, notes],
        title="Why did Stalin, not Trotsky, succeed Lenin?",
    )
    submission = submitted_submission(assignment, student, text=ESSAY)
    return submission, teacher


def _run_latest(submission) -> OriginalityReport:
    report = OriginalityReport.objects.filter(version__submission=submission).order_by("-run")[0]
    originality_report_run(report_id=report.pk)
    return report


def test_teacher_follows_a_check_reads_labelled_matches_opens_a_source_and_rechecks(
    page, live_server, log_in, screenshot, checked_essay
):
    submission, teacher = checked_essay
    log_in(page, teacher.username, PASSWORD)
    url = live_server.url + reverse(
        "courseware:originality-report", kwargs={"pk": submission.pk, "number": 1}
    )
    page.goto(url)
    expect(page.get_by_role("heading", name="Originality report")).to_be_visible()
    expect(page.get_by_text("Queued", exact=True)).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    screenshot(page, "queued")

    # The worker runs the check; the page, polling its status, shows the report by itself.
    _run_latest(submission)
    unattributed = page.locator("a.match.match-unattributed")
    expect(unattributed).to_be_visible(timeout=15_000)
    expect(unattributed.locator(".match-label")).to_have_text("Unattributed copying")
    cited = page.locator("a.match.match-quoted_cited")
    expect(cited.locator(".match-label")).to_have_text("Quoted and cited")
    expect(page.locator(".originality-score")).to_contain_text("%")
    expect(page.locator(".originality-legend")).to_contain_text("Overlap with another student")
    screenshot(page, "report")

    # Choosing a highlight selects its source beside it; the source links to the paragraph.
    unattributed.click()
    card = page.locator(".match-card.is-selected")
    expect(card).to_contain_text("Trotsky, Stalin and the Future of Socialism")
    expect(card.locator("mark")).to_contain_text("became synonymous with the policy")
    screenshot(page, "match-selected")
    card.get_by_role("link", name="¶3").click()
    expect(page).to_have_url(f"{live_server.url}/readings/student-essay/#p-3")
    expect(page.locator("#p-3")).to_contain_text("became synonymous")
    screenshot(page, "source-paragraph")

    page.go_back()
    page.get_by_role("button", name="Re-check").click()
    expect(page.get_by_text("Check 2 requested.")).to_be_visible()
    expect(page.get_by_text("Queued", exact=True)).to_be_visible()
    _run_latest(submission)
    expect(page.get_by_text("Check 2, finished")).to_be_visible(timeout=15_000)
    expect(page.locator("a.match.match-unattributed")).to_be_visible()
    screenshot(page, "rechecked")
    assert OriginalityReport.objects.filter(version__submission=submission).count() == 2
