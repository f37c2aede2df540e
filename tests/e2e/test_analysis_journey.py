"""A source-analysis task in a real browser: a student answers an OPCVL task citing two
paragraphs and hands it in, then uses one answer as evidence in an essay; the teacher marks the
task with its rubric, releases it and finds it in the gradebook. Every page is axe clean."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courseware.models import Grade, MembershipRole, Submission, SubmissionVersion
from tests.e2e.axe import axe_violations, format_violations
from tests.e2e.waits import pause_typing, wait_until
from tests.factories import (
    PASSWORD,
    ClassroomFactory,
    MembershipFactory,
    RubricFactory,
    StudentFactory,
    TeacherFactory,
    analysis_assignment,
    course_reading,
    essay_assignment,
    reading_text,
)

SLUG = "carr-troika"


@pytest.fixture
def analysis_class(transactional_db):
    classroom = ClassroomFactory(name="12 Modern History S")
    student = StudentFactory(username="sam.source", display_name="Sam Source")
    teacher = TeacherFactory(username="mr.opcvl", display_name="Mr Opcvl")
    MembershipFactory(classroom=classroom, user=student, role=MembershipRole.STUDENT)
    MembershipFactory(classroom=classroom, user=teacher, role=MembershipRole.TEACHER)
    reading = course_reading(
        classroom.course, slug=SLUG, title="Carr on the Troika", text=reading_text(5)
    )
    task = analysis_assignment(
        classroom, reading=reading, rubric=RubricFactory(), by=teacher, title="OPCVL: Carr"
    )
    essay = essay_assignment(
        classroom, min_words=5, max_words=400, readings=[reading], title="Why Stalin won"
    )
    return task, essay, student, teacher


def _axe_clean(page):
    violations = axe_violations(page)
    assert not violations, format_violations(page.url, violations)


def _saved(page):
    pause_typing(page)
    expect(page.locator("#save-status")).to_have_text(re.compile(r"Saved at \d\d:\d\d"))


def _answer(page, label: str, text: str):
    box = page.get_by_label(label, exact=True)
    box.click()
    box.press_sequentially(text)
    return box


def test_answer_hand_in_use_as_evidence_then_marked_and_in_the_gradebook(
    page, live_server, analysis_class, log_in, screenshot
):
    task, essay, student, teacher = analysis_class

    # The student answers every prompt, citing paragraphs 2 and 3 with the Cite buttons.
    log_in(page, student.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('courseware:analysis-write', args=[task.pk])}")
    page.get_by_role("button", name="Start the analysis").click()
    expect(page.get_by_label("Origin", exact=True)).to_be_visible()
    page.wait_for_load_state()
    _axe_clean(page)
    _answer(page, "Origin", "Carr, a British historian, in the 1950s.")
    _answer(page, "Purpose", "To explain how Stalin won ")
    page.get_by_role("button", name="Cite paragraph 2").click()
    expect(page.locator("#reading-status")).to_contain_text("Cited paragraph 2 in Purpose")
    _answer(page, "Content", 'He says "the Troika met in Moscow" ')
    page.get_by_role("button", name="Cite paragraph 3").click()
    _answer(page, "Value", "Built on party records.")
    _answer(page, "Limitation", "Written before the archives opened.")
    chips = page.locator('[data-chips-for="content"] a.evidence-chip')
    expect(chips).to_have_text(["¶3"])
    expect(chips).to_have_attribute("href", re.compile(rf"/readings/{SLUG}/#p-3$"))
    _saved(page)
    # On a 390 px phone the page does not scroll sideways and stays axe clean.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    _axe_clean(page)
    screenshot(page, "answers-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    submission = Submission.objects.get(assignment=task, student=student)
    assert wait_until(
        lambda: "## Limitation" in Submission.objects.get(pk=submission.pk).draft_text
    )
    screenshot(page, "answers")

    page.get_by_label(re.compile("my own work")).check()
    page.get_by_role("button", name="Submit analysis").click()
    expect(page.get_by_role("heading", name="Receipt")).to_be_visible()
    version = SubmissionVersion.objects.get(submission=submission)
    assert f"[[{SLUG}#p-2]]" in version.text and f"[[{SLUG}#p-3]]" in version.text
    _axe_clean(page)

    # In the essay, the Content answer's quotation goes in with its citation.
    page.goto(f"{live_server.url}{reverse('courseware:essay-write', args=[essay.pk])}")
    page.get_by_role("button", name="Start writing").click()
    editor = page.get_by_label("Your essay", exact=True)
    expect(editor).to_be_visible()
    page.wait_for_load_state()
    editor.click()
    editor.press_sequentially("Stalin controlled the party machine. As Carr shows,")
    page.get_by_text("OPCVL: Carr").click()  # opens the task's answers
    use = page.get_by_role("button", name="Use as evidence: paragraph 3, from your Content answer")
    use.click()
    expected = f'As Carr shows, "the Troika met in Moscow" [[{SLUG}#p-3]]'
    expect(editor).to_have_value(re.compile(re.escape(expected)))
    expect(page.locator("[data-use-evidence-status]")).to_contain_text("paragraph 3")
    _saved(page)
    essay_draft = Submission.objects.get(assignment=essay, student=student)
    assert wait_until(lambda: expected in Submission.objects.get(pk=essay_draft.pk).draft_text), (
        Submission.objects.get(pk=essay_draft.pk).draft_text
    )
    _axe_clean(page)
    screenshot(page, "essay-evidence")

    # The teacher marks the task against its rubric and releases it.
    page.context.clear_cookies()
    log_in(page, teacher.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('courseware:analysis-list', args=[task.classroom_id])}")
    expect(page.get_by_role("row", name=re.compile("OPCVL: Carr"))).to_contain_text("1")
    _axe_clean(page)
    page.get_by_role("button", name="Set a source analysis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set a source analysis")
    expect(page.get_by_label(re.compile("OPCVL"))).to_be_checked()
    _axe_clean(page)
    page.goto(f"{live_server.url}{reverse('courseware:marking-queue', args=[task.pk])}")
    page.get_by_role("button", name="Start marking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(student.name)
    page.wait_for_load_state()
    expect(page.locator("#essay")).to_contain_text("Written before the archives opened.")
    criteria = page.locator("fieldset.criterion")
    for i in range(criteria.count()):
        criteria.nth(i).locator("label.level").first.click()
    pause_typing(page)
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    _axe_clean(page)
    page.get_by_role("button", name="Mark ready", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("ready")
    page.goto(f"{live_server.url}{reverse('courseware:marking-queue', args=[task.pk])}")
    page.get_by_role("button", name="Release 1 finished grade…").click()
    page.get_by_role("button", name="Release 1 grade").click()
    expect(page.locator(".messages")).to_contain_text("Released 1")
    grade = Grade.objects.get(submission=submission)
    assert grade.released_at is not None
    assert grade.rubric_id == task.analysis_task.rubric_id

    page.goto(f"{live_server.url}{reverse('courseware:gradebook', args=[task.classroom_id])}")
    expect(page.get_by_role("link", name="OPCVL: Carr")).to_be_visible()
    expect(page.locator("table")).to_contain_text(format(grade.final_mark.normalize(), "f"))
    _axe_clean(page)
    screenshot(page, "gradebook")


def test_two_tabs_on_one_task_get_the_essay_editors_choice_and_the_answers_follow(
    page, live_server, analysis_class, log_in, screenshot
):
    task, _essay, student, _teacher = analysis_class
    log_in(page, student.username, PASSWORD)
    url = f"{live_server.url}{reverse('courseware:analysis-write', args=[task.pk])}"
    page.goto(url)
    page.get_by_role("button", name="Start the analysis").click()
    expect(page.get_by_label("Origin", exact=True)).to_be_visible()
    other = page.context.new_page()
    other.goto(url)
    for tab in (page, other):
        tab.wait_for_load_state()

    page.get_by_label("Origin", exact=True).fill("Written in the first tab.")
    page.get_by_role("button", name="Save now").click()
    _saved(page)

    other.get_by_label("Origin", exact=True).fill("Written in the second tab.")
    other.get_by_role("button", name="Save now").click()
    dialog = other.get_by_role("dialog", name="Two versions of your answers")
    expect(dialog).to_be_visible()
    screenshot(other, "conflict")
    dialog.get_by_role("button", name="Use the other version").click()
    # The joined text the editor chose is read back into the answer boxes.
    expect(other.get_by_label("Origin", exact=True)).to_have_value("Written in the first tab.")
    submission = Submission.objects.get(assignment=task, student=student)
    assert task.analysis_task.parse(submission.draft_text)["origin"] == "Written in the first tab."


def test_a_task_without_a_rubric_is_marked_with_one_number_that_autosaves(
    page, live_server, analysis_class, log_in
):
    from decimal import Decimal

    from django.utils import timezone

    from courseware.services.analysis import analysis_answers_submit, analysis_task_set
    from courseware.services.submissions import submission_start

    task, _essay, student, teacher = analysis_class
    now = timezone.now()
    overall = analysis_task_set(
        classroom=task.classroom,
        by=teacher,
        reading=task.reading,
        scaffold="custom",
        prompts=["Who made it?"],
        max_mark="20",
        assignment_fields={
            "title": "One mark",
            "opens_at": now,
            "due_at": now + (task.due_at - task.opens_at),
        },
    )
    submission = submission_start(assignment=overall, student=student, now=now)
    analysis_answers_submit(
        submission=submission,
        answers={"p1": "Carr, in the 1950s."},
        revision=0,
        honesty_declared=True,
        by=student,
        now=now,
    )
    log_in(page, teacher.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('courseware:mark-submission', args=[submission.pk])}")
    page.wait_for_load_state()
    assert page.locator("fieldset.criterion").count() == 0
    page.get_by_label("Mark", exact=True).fill("15.5")
    expect(page.locator("#final-mark")).to_have_text(re.compile(r"15\.5"))
    pause_typing(page)
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    assert wait_until(
        lambda: Grade.objects.filter(submission=submission, raw_mark=Decimal("15.5")).exists()
    )
    _axe_clean(page)
    page.get_by_role("button", name="Mark ready", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("ready")
    grade = Grade.objects.get(submission=submission)
    assert (grade.final_mark, grade.max_mark, grade.status) == (Decimal("15.5"), 20, "ready")
