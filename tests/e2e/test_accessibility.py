"""Every page of Lectern, for every role, on a desktop and on a 390 px phone: axe-core finds no
WCAG 2.1 A or AA violation at either width, and on the phone nothing scrolls sideways.

The crawl list is built from the demo school plus the objects a page needs to exist (a handed-in
essay, a submitted quiz attempt), and each URL's status is checked too, so that a page that stops
rendering (or a crawl entry that goes stale) fails rather than being checked as an error page.
The rule sets are ``wcag2a``, ``wcag2aa``, ``wcag21a`` and ``wcag21aa`` (see ``tests/e2e/axe.py``).

Each page is loaded once, at 1280 px, and checked; then the window is narrowed to 390 px (the
pages' layout is CSS only: no script reads the width) and checked again, with the narrow-screen
menu, the breadcrumbs' separators, the gradebook's own scrolling and the editor's and marking
page's stacking on the way. With ``LECTERN_SCREENSHOTS=1`` each page is screenshotted at 390 px
(the first 4,000 px of it) into ``test-artifacts/screenshots/``.

Not crawled: ``/api/docs/`` (Swagger UI, a third-party developer tool whose own markup axe
faults) and the Django admin (Django's own pages).
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courseware.models import (
    Assignment,
    AssignmentKind,
    Classroom,
    Course,
    MembershipRole,
    Rubric,
)
from courseware.services.help import help_request_ask, help_request_reply
from courseware.services.process import process_settings_set
from courseware.services.rosters import roster_import_record
from courseware.services.setting import essay_task_set
from courseware.services.submissions import (
    submission_draft_save,
    submission_start,
    submission_submit,
)
from courseware.services.teaching import quiz_attempt_start, quiz_attempt_submit
from tests.courseware.rosters.exports import export_zip
from tests.courseware.rosters.exports import school as roster_school
from tests.e2e.axe import axe_violations, format_violations
from tests.e2e.conftest import SCREENSHOTS, save_screenshot
from tests.e2e.layout import DESKTOP, OVERFLOWING, PHONE, STACKED
from tests.factories.marking import graded
from tests.factories.submissions import essay_assignment, submission_for, submitted_submission

PASSWORD = "lectern-demo"
CLASS_A = "HSCMHA26"


def _handed_in_essay(assignment: Assignment, student):
    """A submitted essay long enough for the prompt's word limits."""
    now = timezone.now()
    submission = submission_start(assignment=assignment, student=student, now=now)
    words = max(assignment.prompt.min_words, 10)
    text = "## Introduction\n\n" + " ".join(["Stalin controlled the apparatus."] * (words // 4 + 1))
    submission = submission_draft_save(
        submission=submission, text=text, revision=0, by=student, now=now
    )
    submission_submit(
        submission=submission,
        revision=submission.revision,
        honesty_declared=True,
        by=student,
        now=now,
    )
    return submission


def press_and_wait(page, selector: str) -> None:
    """Press a form's button and wait for the page it answers with."""
    with page.expect_navigation():
        page.locator(selector).click()
    page.wait_for_load_state("load")


def _submitted_quiz_attempt(assignment: Assignment, student):
    now = timezone.now()
    attempt = quiz_attempt_start(assignment=assignment, student=student, now=now)
    answers = {
        question.pk: question.choices.all()[0].pk
        for question in assignment.quiz.questions.prefetch_related("choices")
    }
    return quiz_attempt_submit(attempt=attempt, answers=answers, now=now)


def _crawl(demo_school) -> dict[str, tuple[str | None, list[tuple]]]:
    """For each role: who logs in, and the (URL, expected status) pairs they visit. A third
    item is a button to press there first, for a page that answers a form (the citation
    coach's notes)."""
    classroom = Classroom.objects.get(join_code=CLASS_A)
    course = Course.objects.get(pk=classroom.course_id)
    assignments = {a.kind: a for a in classroom.assignments.select_related("prompt", "quiz")}
    reading_assignment = assignments[AssignmentKind.READING]
    essay = assignments[AssignmentKind.ESSAY]
    quiz = assignments[AssignmentKind.QUIZ]
    student = classroom.memberships.filter(role=MembershipRole.STUDENT).order_by("pk")[0].user
    teacher = classroom.memberships.filter(role=MembershipRole.TEACHER).order_by("pk")[0].user
    submission = _handed_in_essay(essay, student)
    attempt = _submitted_quiz_attempt(quiz, student)
    reading = reading_assignment.reading
    unit = course.units.order_by("pk").first()
    prompt = essay.prompt
    rubric = Rubric.objects.order_by("pk").first()
    help_request = help_request_ask(
        assignment=reading_assignment,
        student=student,
        text="Is this paragraph sarcastic?",
        reference=f"[[{reading.slug}#p-2]]",
        now=timezone.now(),
    )
    help_request_reply(
        help_request=help_request, by=teacher, text="Read it aloud.", now=timezone.now()
    )

    now = timezone.now()
    draft = essay_task_set(
        classroom=classroom,
        by=teacher,
        prompt=prompt,
        set_it=False,
        assignment_fields={"opens_at": now, "due_at": now + timedelta(days=7)},
    ).draft
    with_errors = roster_school(2)
    with_errors["users"][1]["email"] = "nobody"
    roster_upload = roster_import_record(
        archive=export_zip(with_errors),
        file_name="export.zip",
        course=course,
        by=None,
        now=timezone.now(),
    )
    # The writing-process pages: an essay returned "feedback first" (the student's response
    # form) and a draft to run the citation coach on.
    returned_essay = essay_assignment(classroom, min_words=5, max_words=400, title="Feedback first")
    process_settings_set(assignment=returned_essay, coach_checks=3, feedback_first=True)
    returned = submitted_submission(returned_essay, student)
    graded(returned, teacher, overall_comment="Use the sources more.", release=True)
    draft_essay = essay_assignment(classroom, min_words=5, max_words=400, title="Coached draft")
    submission_for(
        draft_essay,
        student,
        text='Stalin won because "he ran the party apparatus" (Conquest, p. 3).',
    )

    def url(name, *args, query=""):
        return reverse(name, args=args) + query

    content_pages = [
        url("courseware:course-list"),
        url("courseware:course-detail", course.slug),
        url("courseware:glossary", course.slug),
        url("courseware:people", course.slug),
        url("courseware:timeline", course.slug),
        url("courseware:unit-detail", course.slug, unit.slug),
        url("courseware:prompt-detail", course.slug, prompt.slug),
        url("courseware:reading-list"),
        url("courseware:reading-detail", reading.slug),
        url("courseware:search", query="?q=Trotsky"),
        url("courseware:rubric-list"),
        url("courseware:rubric-detail", rubric.pk),
        url("accounts:profile"),
        url("account_change_password"),
        url("account_email"),
        url("courseware:notification-list"),
        url("courseware:notification-preferences"),
        url("courseware:calendar-feeds"),
    ]
    student_pages = [
        url("courseware:dashboard"),
        url("courseware:classroom-detail", classroom.pk),
        url("courseware:assignment-detail", reading_assignment.pk),
        url("courseware:assignment-detail", essay.pk),
        url("courseware:assignment-detail", quiz.pk),
        url("courseware:essay-write", essay.pk),
        url("courseware:submission-detail", submission.pk),
        url("courseware:submission-version", submission.pk, 1),
        url("courseware:quiz-attempt", attempt.pk),
        url("courseware:my-grades"),
        url("courseware:assignment-help", reading_assignment.pk),
        url("courseware:help-detail", help_request.pk),
        url("courseware:writing-process", submission.pk),
        url("courseware:feedback", returned.pk),
        url("courseware:submission-detail", returned.pk),
        *content_pages,
    ]
    teacher_pages = [
        url("courseware:dashboard"),
        url("courseware:classroom-detail", classroom.pk),
        url("courseware:classroom-roster", classroom.pk),
        url("courseware:assignment-create", classroom.pk, "reading"),
        url("courseware:assignment-create", classroom.pk, "essay"),
        url("courseware:assignment-create", classroom.pk, "quiz"),
        url("courseware:assignment-detail", reading_assignment.pk),
        url("courseware:assignment-detail", essay.pk),
        url("courseware:assignment-detail", quiz.pk),
        url("courseware:assignment-edit", essay.pk),
        url("courseware:essay-set", classroom.pk),
        url("courseware:essay-draft", classroom.pk, draft.pk),
        url("courseware:submission-detail", submission.pk),
        url("courseware:submission-version", submission.pk, 1),
        url("courseware:reading-create"),
        url("courseware:reading-edit", reading.slug),
        url("courseware:unit-create", course.slug),
        url("courseware:unit-edit", course.slug, unit.slug),
        url("courseware:prompt-create", course.slug),
        url("courseware:prompt-edit", course.slug, prompt.slug),
        url("courseware:rubric-create"),
        url("courseware:rubric-edit", rubric.pk),
        url("courseware:marking-queue", essay.pk),
        url("courseware:marking-release-all", essay.pk),
        url("courseware:mark-submission", submission.pk),
        url("courseware:assignment-statistics", essay.pk),
        url("courseware:comment-bank"),
        url("courseware:gradebook", classroom.pk),
        url("courseware:originality-report", submission.pk, 1),
        url("courseware:writing-process", submission.pk),
        url("courseware:process-settings", essay.pk),
        url("courseware:feedback", returned.pk),
        url("courseware:announcement-create"),
        url("courseware:classroom-help", classroom.pk),
        url("courseware:classroom-help", classroom.pk, query="?show=all"),
        url("courseware:classroom-help", classroom.pk, query=f"?assignment={essay.pk}"),
        url("courseware:help-detail", help_request.pk),
        *content_pages,
    ]
    admin_pages = [
        url("courseware:dashboard"),
        url("courseware:classroom-create"),
        url("courseware:classroom-detail", classroom.pk),
        url("courseware:classroom-roster", classroom.pk),
        url("courseware:classroom-enrol", classroom.pk),
        url("courseware:roster-import"),
        url("courseware:roster-import-preview", roster_upload.pk),
        url("socialaccount_connections"),
        url("accounts:profile"),
    ]
    anonymous_pages = [
        url("home"),
        url("account_login"),
        url("account_signup"),
        url("account_reset_password"),
    ]
    return {
        "anonymous": (None, [(u, 200) for u in anonymous_pages] + [("/no-such-page/", 404)]),
        "student": (
            student.username,
            [(u, 200) for u in student_pages]
            + [
                # The handed-in essay's page has no editor; the draft's has.
                (url("courseware:essay-write", draft_essay.pk), 200),
                (url("courseware:essay-write", draft_essay.pk), 200, "#citation-coach"),
            ],
        ),
        "teacher": (teacher.username, [(u, 200) for u in teacher_pages]),
        "school_admin": ("admin", [(u, 200) for u in admin_pages]),
    }


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


def _shot_name(role: str, path: str) -> str:
    name = path.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "home"
    return f"phone-390--{role}--{name}"


# What the phone checks read of a page, in one call: its width, where each stacked pair of
# elements is (the first of each selector), and the breadcrumbs' separator.
PHONE_LAYOUT = """(stacked) => {
  const box = (selector) => {
    const el = document.querySelector(selector);
    return el && el.getBoundingClientRect().toJSON();
  };
  const crumb = document.querySelector("nav.breadcrumb li:not(:last-child)");
  return {
    width: document.documentElement.scrollWidth,
    pairs: stacked
      .map(([above, below]) => ({below, top: box(above), under: box(below)}))
      .filter((pair) => pair.top && pair.under),
    separator: crumb && getComputedStyle(crumb, "::after").content,
  };
}"""


def _check_phone_layout(page, path: str, gradebook: str) -> tuple[str | None, int]:
    """What is wrong with the page on a phone that axe does not see (None when nothing), and
    how many stacked pairs of elements it checked."""
    layout = page.evaluate(PHONE_LAYOUT, STACKED)
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
    for pair in layout["pairs"]:
        top, under = pair["top"], pair["under"]
        assert under["y"] >= top["y"] + top["height"] - 1, f"{path}: {pair['below']} beside"
        assert under["x"] < 40, f"{path}: {pair['below']} is not full width"
    separator = layout["separator"]
    if separator is not None:
        assert "/" in separator, f"{path}: breadcrumb separator is {separator!r}"
    pairs = len(layout["pairs"])
    if layout["width"] > PHONE["width"]:
        return f"{path}: {layout['width']} px ({page.evaluate(OVERFLOWING)})", pairs
    return None, pairs


def test_every_page_passes_axe_on_a_desktop_and_fits_a_phone(
    browser, live_server, demo_school, log_in
):
    crawl = _crawl(demo_school)
    classroom = Classroom.objects.get(join_code=CLASS_A)
    gradebook = reverse("courseware:gradebook", args=[classroom.pk])
    too_wide, reports, stacked = [], [], 0
    for role, (login, pages) in crawl.items():
        context = browser.new_context(viewport=DESKTOP, locale="en-AU")
        page = context.new_page()
        if login is not None:
            log_in(page, login, PASSWORD)
            page.wait_for_url(f"{live_server.url}{reverse('courseware:dashboard')}")
            page.set_viewport_size(PHONE)
            _check_menu(page)
        for path, expected_status, *press in pages:
            page.set_viewport_size(DESKTOP)
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == expected_status, f"{role} {path} answered {response.status}"
            page.wait_for_load_state("load")
            if press:
                press_and_wait(page, press[0])
                path = f"{path}{press[0].replace('#', 'then-')}"
            violations = axe_violations(page)
            if violations:
                reports.append(format_violations(f"{role} {path} at 1280 px", violations))
            page.set_viewport_size(PHONE)
            wide, pairs = _check_phone_layout(page, path, gradebook)
            stacked += pairs
            if wide:
                too_wide.append(f"{role} {wide}")
            violations = axe_violations(page)
            if violations:
                reports.append(format_violations(f"{role} {path} at 390 px", violations))
            if SCREENSHOTS:
                height = min(page.evaluate("document.documentElement.scrollHeight"), 4000)
                save_screenshot(
                    page,
                    _shot_name(role, path),
                    full_page=True,
                    clip={"x": 0, "y": 0, "width": PHONE["width"], "height": height},
                )
        context.close()
    assert stacked >= len(STACKED), "the editor's and the marking page's stacking went unchecked"
    assert not too_wide, "Pages wider than 390 px:\n" + "\n".join(too_wide)
    assert not reports, "\n".join(reports)
