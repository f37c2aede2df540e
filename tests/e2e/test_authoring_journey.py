"""A teacher builds a five-question quiz and a four-criterion rubric and sets both for a class,
with the keyboard only: Tab, Shift+Tab, arrows, Enter and typed text, no mouse."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect

from courseware.models import AssignmentDraft, AssignmentKind, Classroom, Event, Quiz, Rubric
from tests.e2e.test_keyboard_journeys import CLASS_A, _log_in, _tab_to, _type_date

QUESTIONS = [
    ("Who led the Left Opposition?", "Stalin\n*Trotsky\nBukharin"),
    ("Who was General Secretary from 1922?", "*Stalin\nZinoviev"),
    ("Which policy did Bukharin back in 1925?", "*Socialism in one country\nWar communism"),
    ("Where was Trotsky exiled in 1928?", "*Alma-Ata\nPetrograd"),
    ("When did Lenin die?", "1922\n*1924\n1927"),
]


def _write_question(page, number: int, text: str, choices: str) -> None:
    _tab_to(page, re.compile("^Question"), tag="textarea")
    page.keyboard.type(text)
    _tab_to(page, re.compile("^Choices"), tag="textarea")
    page.keyboard.type(choices)


def test_teacher_builds_a_quiz_and_a_rubric_and_sets_both_by_keyboard(
    page, live_server, demo_school, screenshot
):
    classroom = Classroom.objects.get(join_code=CLASS_A)
    course = classroom.course
    unit = course.units.order_by("order").first()
    _log_in(page, live_server, "ms.barker")

    # --- the quiz: five questions on one page, "Add a question" between them
    page.goto(f"{live_server.url}{unit.get_absolute_url()}")
    _tab_to(page, "Write a quiz", tag="a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Write a quiz"))).to_be_visible()
    _tab_to(page, re.compile("^Title"), tag="input")
    page.keyboard.type("Keyboard check: the succession")
    for number, (text, choices) in enumerate(QUESTIONS):
        if number:
            _tab_to(page, "Add a question", tag="button")
            page.keyboard.press("Enter")
            # The new question's first field (its kind) takes the focus.
            expect(page.locator(f"#id_questions-{number}-kind")).to_be_focused()
        _write_question(page, number, text, choices)
    screenshot(page, "quiz-form")
    _tab_to(page, "Save the quiz", tag="button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Quiz added.")).to_be_visible()
    quiz = Quiz.objects.get(title="Keyboard check: the succession")
    assert quiz.questions.count() == 5 and quiz.total_points == 5
    assert [q.text for q in quiz.questions.order_by("order")] == [q for q, _ in QUESTIONS]

    # --- the rubric: start from the AP DBQ template (four criteria), rename it, weight one
    page.goto(f"{live_server.url}{reverse('courseware:rubric-list')}")
    _tab_to(page, "AP History DBQ (7 points)", tag="a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("template=ap-dbq"))
    expect(page.get_by_role("heading", name="Write a rubric")).to_be_visible()
    _tab_to(page, re.compile("^Title"), tag="input")
    page.keyboard.press("Control+a")
    page.keyboard.type("Keyboard DBQ rubric")
    _tab_to(page, re.compile("^Out of"), tag="input")
    page.keyboard.press("Control+a")
    page.keyboard.type("11")
    # A third level for the thesis, added in place and moved to the top: 2 + 1 + 6 + 2 = 11.
    _tab_to(page, "Add a level", tag="button")
    page.keyboard.press("Enter")
    expect(page.locator("#id_criteria-0-level_3_title")).to_be_focused()
    page.keyboard.type("2 points")
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("A thesis that frames the whole argument.")
    _tab_to(page, "Up (level 3)", tag="button")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # the focus stays on the row's Up button
    expect(page.locator("#id_criteria-0-level_1_title")).to_have_value("2 points")
    expect(page.locator("#id_criteria-0-level_count")).to_have_value("3")
    # Criterion 3 (evidence, 3 marks) counts double: 1 + 1 + 6 + 2 = 10.
    page.locator("#id_criteria-2-title").focus()
    _tab_to(page, re.compile("^Weight"), tag="input")
    page.keyboard.type("2")
    screenshot(page, "rubric-form")
    _tab_to(page, "Save", tag="button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Rubric added.")).to_be_visible()
    rubric = Rubric.objects.get(title="Keyboard DBQ rubric")
    assert rubric.criteria.count() == 4
    assert rubric.criteria.get(order=3).weight == 2
    thesis = rubric.criteria.get(order=1).levels.order_by("order")
    assert [level.title for level in thesis] == ["2 points", "1 point", "0 points"]

    # --- set the quiz for the class
    page.goto(
        f"{live_server.url}{reverse('courseware:assignment-create', args=[classroom.pk, 'quiz'])}"
    )
    expect(page.get_by_role("heading", name="Set a quiz")).to_be_visible()
    _tab_to(page, re.compile("^Quiz"), tag="select")
    page.keyboard.type("Keyboard check")
    _tab_to(page, re.compile("^Due"), tag="input")
    _type_date(page, "0505", "2030", "0900A")
    _tab_to(page, "Assign", tag="button")
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"is set for {classroom.name}")).to_be_visible()
    assert classroom.assignments.filter(kind=AssignmentKind.QUIZ, quiz=quiz).exists()

    # --- set an essay in one screen with the new rubric
    _tab_to(page, "Write and set an essay", tag="a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Set an essay")).to_be_visible()
    _tab_to(page, re.compile("^Title"), tag="input")
    page.keyboard.type("Keyboard DBQ: why did Stalin win?")
    _tab_to(page, re.compile("^Question"), tag="textarea")
    page.keyboard.type("Using the documents, explain why Stalin, not Trotsky, won by 1929.")
    _tab_to(page, re.compile("^Maximum words"), tag="input")
    page.keyboard.type("1200")
    _tab_to(page, re.compile("^Rubric"), tag="select")
    page.keyboard.type("Keyboard DBQ")
    _tab_to(page, re.compile("^Due"), tag="input")
    _type_date(page, "0606", "2030", "0900A")
    _tab_to(page, "Preview", tag="button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="What students will see")).to_be_visible()
    preview = page.locator("#preview")
    due = re.compile(r"^Up to 1200 words · Due \w{3} 6 Jun 2030")
    expect(preview.get_by_text(due)).to_be_visible()
    expect(preview.get_by_text("A. Thesis / claim")).to_be_visible()
    screenshot(page, "essay-preview")
    # Kept as a draft first: nothing is set, nobody is told, the class page lists it.
    _tab_to(page, "Save as draft assignment", tag="button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("is saved as a draft assignment")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Draft: Keyboard DBQ"))).to_be_visible()
    assert not classroom.assignments.filter(title__startswith="Keyboard DBQ").exists()
    assert not Event.objects.filter(assignment__title__startswith="Keyboard DBQ").exists()
    page.goto(f"{live_server.url}{classroom.get_absolute_url()}")
    _tab_to(page, "Keyboard DBQ: why did Stalin win?", tag="a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Draft: Keyboard DBQ"))).to_be_visible()
    _tab_to(page, "Set it", tag="button")
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"is set for {classroom.name}")).to_be_visible()
    assert not AssignmentDraft.objects.filter(classroom=classroom).exists()
    essay = classroom.assignments.get(kind=AssignmentKind.ESSAY, title__startswith="Keyboard DBQ")
    assert essay.prompt.rubric == rubric and essay.prompt.max_words == 1200
