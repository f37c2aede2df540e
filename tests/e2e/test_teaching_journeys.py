"""Teaching journeys in a real browser: a school admin bulk-enrols from a CSV; a teacher sets a
reading and an essay; a student joins by code, finds them on the dashboard and takes a quiz."""

from playwright.sync_api import expect

from accounts.models import User
from courseware.models import Assignment, AssignmentKind, Classroom
from tests.factories import PASSWORD, StudentFactory

CLASS_A = "HSCMHA26"

GOOD_CSV = (
    "\ufeffusername,email,first_name,last_name,display_name\r\n"
    "harper.lee,harper.lee@students.lectern.example,Harper,Lee,\r\n"
    "tom.nguyen,tom.nguyen@students.lectern.example,Tom,Nguyen,Tommy Nguyen\r\n"
    "ava.chen,ava.chen@students.lectern.example,Ava,Chen,\r\n"
)
BAD_CSV = (
    "username;email;first_name;last_name\n"
    "harper.lee;harper.lee@students.lectern.example;Harper;Lee\n"
)


def _csv(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def test_school_admin_bulk_enrols_students_from_a_csv(
    page, live_server, demo_school, log_in, screenshot
):
    classroom = Classroom.objects.get(join_code=CLASS_A)
    log_in(page, "admin", "lectern-demo")
    expect(page.get_by_role("heading", name="All classes")).to_be_visible()
    screenshot(page, "admin-dashboard")
    page.get_by_role("link", name=classroom.name).click()
    page.get_by_role("button", name="Enrol from CSV").first.click()
    expect(page.get_by_role("heading", name="Enrol students from a CSV file")).to_be_visible()

    # A semicolon file: every row is reported and nothing is imported.
    page.get_by_label("CSV file").set_input_files(_csv("students.csv", BAD_CSV))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("nothing has been imported", exact=False)).to_be_visible()
    expect(page.get_by_text("The values are separated by semicolons (;)")).to_be_visible()
    screenshot(page, "bad-file")
    assert not User.objects.filter(username="harper.lee").exists()

    page.get_by_label("CSV file").set_input_files(_csv("students.csv", GOOD_CSV))
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("table.enrol-table")
    expect(preview.get_by_text("New account")).to_have_count(2)
    expect(preview.get_by_text("Already in the class")).to_have_count(1)
    screenshot(page, "preview")
    assert not User.objects.filter(username="harper.lee").exists()

    page.get_by_role("button", name="Import 3 rows").click()
    expect(page.get_by_text("2 students enrolled, 2 of them with new accounts")).to_be_visible()
    expect(page.get_by_role("heading", name="Roster")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Tommy Nguyen")).to_be_visible()
    screenshot(page, "roster")
    assert (
        classroom.memberships.filter(user__username__in=["harper.lee", "tom.nguyen"]).count() == 2
    )


def _assign(page, *, button: str, target_label: str, target: str, fields: dict) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_label(target_label).select_option(label=target)
    for label, value in fields.items():
        page.get_by_label(label).fill(value)


def test_teacher_sets_a_reading_and_an_essay_and_a_student_who_joins_by_code_sees_them(
    page, live_server, demo_school, log_in, screenshot
):
    classroom = Classroom.objects.get(join_code=CLASS_A)
    log_in(page, "ms.barker", "lectern-demo")
    page.get_by_role("link", name=classroom.name).click()
    expect(page.get_by_role("heading", name=classroom.name)).to_be_visible()

    _assign(
        page,
        button="Assign a reading",
        target_label="Reading",
        target="Debate on Foreign Policy",
        fields={
            "Title": "Read: the 1927 foreign-policy debate",
            "Instructions": "Note each speaker's view of the war scare.",
            "Due": "2030-03-09T09:00",
        },
    )
    screenshot(page, "assign-reading")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("is set for 12 Modern History A")).to_be_visible()

    _assign(
        page,
        button="Set an essay",
        target_label="Essay prompt",
        target="China, Britain and the war scare",
        fields={
            "Due": "2030-03-20T09:00",
            "Cut-off": "2030-03-19T09:00",  # before the due date: refused
            "Late penalty (% of the mark)": "5",
            "Never keep less than (% of the mark)": "50",
        },
    )
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("The cut-off must be on or after the due date.")).to_be_visible()
    screenshot(page, "essay-date-error")
    page.get_by_label("Cut-off", exact=True).fill("2030-03-23T09:00")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("is set for 12 Modern History A")).to_be_visible()
    table = page.locator("table.assignments-table")
    expect(table.get_by_role("link", name="Read: the 1927 foreign-policy debate")).to_be_visible()
    expect(table.get_by_role("link", name="China, Britain and the war scare")).to_be_visible()
    due = table.locator("time[datetime='2030-03-20T09:00:00+11:00']")
    expect(due).to_have_text("Wed 20 Mar 2030 9:00 AM")
    join_code = page.locator("code.join-code").inner_text()
    screenshot(page, "class-page")
    essay = Assignment.objects.get(kind=AssignmentKind.ESSAY, title__startswith="China")
    assert essay.late_penalty_percent_per_day == 5
    table.get_by_role("link", name="China, Britain and the war scare").click()
    expect(page.get_by_text("5% per started day late, never below 50% of the mark")).to_be_visible()
    screenshot(page, "teacher-essay-page")
    page.get_by_role("button", name="Log out").click()

    student = StudentFactory(username="new.student", display_name="Nell Student")
    log_in(page, student.username, PASSWORD)
    expect(page.get_by_role("heading", name="Your dashboard")).to_be_visible()
    page.get_by_label("Join code").fill("hscm-" + join_code[4:].lower())  # typed loosely
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text(f"You have joined {classroom.name}.")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    to_do = page.locator("section.work-section-to_do")
    expect(to_do.get_by_role("link", name="Read: the 1927 foreign-policy debate")).to_be_visible()
    expect(to_do.get_by_role("link", name="China, Britain and the war scare")).to_be_visible()
    expect(to_do.get_by_text("Not read yet")).to_be_visible()
    screenshot(page, "student-dashboard")
    to_do.get_by_role("link", name="China, Britain and the war scare").click()
    expect(page.get_by_role("button", name="Start writing")).to_be_visible()
    screenshot(page, "student-essay-page")


def test_a_wrong_join_code_says_what_is_wrong(page, live_server, demo_school, log_in, screenshot):
    student = StudentFactory()
    log_in(page, student.username, PASSWORD)
    page.get_by_label("Join code").fill("HSCMHA0O")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("Join codes never contain 0, O, 1, I or L.")).to_be_visible()
    screenshot(page, "wrong-code")


def test_a_student_takes_the_demo_quiz_and_sees_the_result(
    page, live_server, demo_school, log_in, screenshot
):
    quiz = Assignment.objects.get(kind=AssignmentKind.QUIZ, classroom__join_code=CLASS_A)
    log_in(page, "ava.chen", "lectern-demo")
    page.get_by_role("link", name=quiz.title).first.click()
    page.get_by_role("button", name="Start the quiz").click()
    questions = list(quiz.quiz.questions.prefetch_related("choices"))
    for question in questions:
        group = page.get_by_role("group", name=question.text[:40])
        correct = next(c for c in question.choices.all() if c.is_correct)
        group.get_by_label(correct.text, exact=True).check()
    screenshot(page, "quiz")
    page.get_by_role("button", name="Hand in").click()
    expect(page.get_by_text(f"out of {len(questions)}")).to_be_visible()
    expect(page.locator(".score strong")).to_have_text(str(len(questions)))
    screenshot(page, "quiz-result")
