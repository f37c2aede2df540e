"""Marking pages: bad input refused with a clear error and nothing changed, pseudonyms everywhere
under anonymous marking, the gradebook's totals, exports, statistics and the feedback."""

import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from courseware.models import CriterionGrade, Grade, GradeChange, Submission, SubmissionStatus
from courseware.selectors.marking import pseudonyms_for
from tests.factories import (
    MembershipFactory,
    RubricFactory,
    StudentFactory,
    criterion_marks,
    essay_assignment,
    graded,
    rubric_criteria,
    submitted_submission,
)


def _snapshot(submission):
    return (
        list(Grade.objects.filter(submission=submission).values()),
        list(CriterionGrade.objects.filter(grade__submission=submission).values()),
        GradeChange.objects.filter(grade__submission=submission).count(),
        Submission.objects.get(pk=submission.pk).status,
    )


def _form(rubric, *, band=0, **extra):
    data = {f"level-{m.criterion_id}": m.level_id for m in criterion_marks(rubric, band=band)}
    data.update(extra)
    return data


# --- The marking form -------------------------------------------------------------------------


def test_marking_through_the_form_saves_marks_and_readiness(client, school, essay):
    client.force_login(school.teacher)
    rubric = essay.assignment.prompt.rubric
    url = reverse("courseware:mark-submission", args=[essay.submission.pk])
    response = client.post(
        url, _form(rubric, overall_comment="Clear argument.", action="ready", revision=0)
    )
    assert response.status_code == 302
    grade = Grade.objects.get(submission=essay.submission)
    assert grade.status == "ready" and grade.final_mark == Decimal(10)
    page = client.get(url).content.decode()
    assert "Clear argument." in page
    assert "History: 1 change" in page


def test_a_level_of_another_rubric_posted_to_the_form_is_refused_and_changes_nothing(
    client, school, essay
):
    graded(essay.submission, school.teacher, ready=False)
    before = _snapshot(essay.submission)
    other = rubric_criteria(RubricFactory())
    criterion = rubric_criteria(essay.assignment.prompt.rubric)[0]
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:mark-submission", args=[essay.submission.pk]),
        {f"level-{criterion.pk}": other[0].levels_top[0].pk, "overall_comment": "Changed"},
    )
    assert response.status_code == 400
    assert "not one of the levels" in response.content.decode()
    assert _snapshot(essay.submission) == before


@pytest.mark.parametrize("marks", ["9", "1", "-2", "abc", "NaN"])
def test_marks_out_of_range_posted_to_the_form_are_refused_and_change_nothing(
    client, school, essay, marks
):
    graded(essay.submission, school.teacher, ready=False)
    before = _snapshot(essay.submission)
    rubric = essay.assignment.prompt.rubric
    criterion = rubric_criteria(rubric)[0]
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:mark-submission", args=[essay.submission.pk]),
        _form(rubric, **{f"marks-{criterion.pk}": marks, "overall_comment": "Changed"}),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "out of range" in body or "not a number" in body
    # What was posted is shown again, so nothing typed is lost.
    assert "Changed" in body
    assert _snapshot(essay.submission) == before


def test_a_release_by_a_teacher_of_another_class_is_a_404_and_changes_nothing(
    client, school, essay
):
    graded(essay.submission, school.teacher)
    before = _snapshot(essay.submission)
    client.force_login(school.other_teacher)
    for url in (
        reverse("courseware:grade-release", args=[essay.submission.pk]),
        reverse("courseware:marking-release-all", args=[essay.assignment.pk]),
    ):
        assert client.post(url).status_code == 404
    assert _snapshot(essay.submission) == before


def test_releasing_an_unfinished_grade_from_the_page_says_why_and_changes_nothing(
    client, school, essay
):
    graded(essay.submission, school.teacher, ready=False)
    before = _snapshot(essay.submission)
    client.force_login(school.teacher)
    response = client.post(reverse("courseware:grade-release", args=[essay.submission.pk]))
    assert response.status_code == 400
    assert "mark it ready before releasing" in response.content.decode()
    assert _snapshot(essay.submission) == before


def test_releasing_all_grades_asks_first_and_says_how_many_students_will_see_them(
    client, school, essay
):
    graded(essay.submission, school.teacher)
    url = reverse("courseware:marking-release-all", args=[essay.assignment.pk])
    client.force_login(school.teacher)
    queue = client.get(reverse("courseware:marking-queue", args=[essay.assignment.pk]))
    assert f'href="{url}"' in queue.content.decode()  # the queue's button asks first

    before = _snapshot(essay.submission)
    for asking in (client.get(url), client.post(url)):  # no confirmation: nothing released
        assert asking.status_code == 200
        assert "1 student will see their mark and feedback" in asking.content.decode()
    # The number changed since the page was shown: ask again, release nothing.
    stale = client.post(url, {"confirm": "yes", "expected": "3"})
    assert "The number of finished grades changed" in stale.content.decode()
    assert _snapshot(essay.submission) == before

    released = client.post(url, {"confirm": "yes", "expected": "1"})
    assert released.status_code == 302
    assert Grade.objects.get(submission=essay.submission).released_at is not None


def test_release_then_the_student_sees_the_grade_on_their_pages(client, school, essay):
    graded(essay.submission, school.teacher)
    client.force_login(school.student)
    assert b"Read your feedback" not in client.get(essay.submission.get_absolute_url()).content
    client.force_login(school.teacher)
    client.post(reverse("courseware:grade-release", args=[essay.submission.pk]))
    client.force_login(school.student)
    detail = client.get(essay.submission.get_absolute_url()).content.decode()
    assert "Read your feedback" in detail and "10 / 10" in detail
    grades = client.get(reverse("courseware:my-grades")).content.decode()
    assert essay.assignment.title in grades
    assert "returned" in client.get(reverse("courseware:dashboard")).content.decode().lower()


def test_returning_for_resubmission_from_the_page_opens_the_draft(client, school, essay):
    graded(essay.submission, school.teacher)
    client.force_login(school.teacher)
    response = client.post(
        reverse("courseware:grade-release", args=[essay.submission.pk]), {"resubmission": "on"}
    )
    assert response.status_code == 302
    submission = Submission.objects.get(pk=essay.submission.pk)
    assert submission.status == SubmissionStatus.RESUBMISSION_REQUESTED
    client.force_login(school.student)
    page = client.get(reverse("courseware:feedback", args=[submission.pk])).content.decode()
    assert "asked you to revise" in page


# --- Anonymous marking ------------------------------------------------------------------------


@pytest.fixture
def anonymous(school):
    assignment = essay_assignment(school.classroom, anonymous_marking=True, title="Blind essay")
    submission = submitted_submission(assignment, school.student)
    return assignment, submission


def test_anonymous_marking_shows_the_same_pseudonym_on_every_page_and_export(
    client, school, anonymous
):
    assignment, submission = anonymous
    graded(submission, school.teacher)
    name = school.student.name
    pseudonym = pseudonyms_for(assignment_id=assignment.pk, student_ids=[school.student.pk])[
        school.student.pk
    ]
    assert pseudonym.startswith("Student ") and len(pseudonym) == len("Student 7F3K")
    client.force_login(school.teacher)
    pages = [
        reverse("courseware:marking-queue", args=[assignment.pk]),
        reverse("courseware:mark-submission", args=[submission.pk]),
        reverse("courseware:marking-export", args=[assignment.pk, "csv"]),
        reverse("courseware:feedback", args=[submission.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode("utf-8-sig")
        assert pseudonym in body, url
        assert name not in body, url
    api = APIClient()
    api.force_authenticate(school.teacher)
    listed = api.get(reverse("api-assignment-grades", args=["v1", assignment.pk])).json()
    assert listed[0]["student_label"] == pseudonym and listed[0]["student"] is None
    # The class gradebook leaves the anonymous essay's marks out of the named rows.
    book = client.get(reverse("courseware:gradebook", args=[school.classroom.pk])).content
    assert b"Names hidden" in book


def test_pseudonyms_differ_between_assignments_and_stay_unique_when_codes_collide(monkeypatch):
    first = pseudonyms_for(assignment_id=1, student_ids=range(1, 40))
    second = pseudonyms_for(assignment_id=2, student_ids=range(1, 40))
    assert first != second
    assert len(set(first.values())) == 39
    from courseware.selectors import marking

    monkeypatch.setattr(marking, "_code", lambda a, s: "ABCD" + ("XYZ"[s % 3]) * 12)
    clashing = pseudonyms_for(assignment_id=1, student_ids=[1, 2, 3])
    assert len(set(clashing.values())) == 3
    assert all(len(p) == len("Student ABCDX") for p in clashing.values())


def test_revealing_names_shows_them_and_records_who(client, school, anonymous):
    assignment, submission = anonymous
    client.force_login(school.teacher)
    response = client.post(reverse("courseware:marking-reveal", args=[assignment.pk]))
    assert response.status_code == 302
    queue = client.get(reverse("courseware:marking-queue", args=[assignment.pk])).content.decode()
    assert school.student.name in queue
    assert f"names revealed by {school.teacher.name}" in queue


# --- Gradebook, exports and statistics --------------------------------------------------------


@pytest.fixture
def marked_class(school):
    """Two essays and three students: one essay marked for all, the other for one only."""
    students = [school.student]
    for _ in range(2):
        student = StudentFactory()
        MembershipFactory(classroom=school.classroom, user=student, role="student")
        students.append(student)
    first = essay_assignment(school.classroom, title="First essay")
    second = essay_assignment(school.classroom, title="Second essay")
    for band, student in enumerate(students):
        graded(submitted_submission(first, student), school.teacher, band=min(band, 1))
    graded(submitted_submission(second, students[0]), school.teacher, ready=False)
    return first, second, students


def test_the_gradebook_totals_finished_marks_only(client, school, marked_class):
    first, second, students = marked_class
    client.force_login(school.teacher)
    api = APIClient()
    api.force_authenticate(school.teacher)
    book = api.get(reverse("api-gradebook", args=["v1", school.classroom.pk])).json()
    rows = {row["id"]: row for row in book["students"]}
    # The first student: 10/10 on the first essay; the second essay's draft does not count.
    assert Decimal(rows[students[0].pk]["total"]) == Decimal(10)
    assert Decimal(rows[students[0].pk]["out_of"]) == Decimal(10)
    assert Decimal(rows[students[1].pk]["total"]) == Decimal(4)
    first_column = next(c for c in book["assignments"] if c["id"] == first.pk)
    assert Decimal(first_column["average"]) == Decimal("6.00")  # (10 + 4 + 4) / 3


def test_the_gradebook_exports_as_csv_and_xlsx_with_the_same_marks(client, school, marked_class):
    first, second, students = marked_class
    client.force_login(school.teacher)
    response = client.get(reverse("courseware:gradebook-export", args=[school.classroom.pk, "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[0] == "Student" and header[-3:] == ["Total", "Out of", "Percent"]
    by_name = {row[0]: row for row in rows[1:]}
    first_index = next(i for i, h in enumerate(header) if h.startswith("First essay"))
    assert by_name[students[0].name][first_index] == "10"
    assert by_name["Class average"][first_index] == "6.00"
    xlsx = client.get(reverse("courseware:gradebook-export", args=[school.classroom.pk, "xlsx"]))
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
        assert students[0].name in strings and "First essay" in strings


def test_spreadsheet_exports_keep_formulas_as_text(client, school):
    student = StudentFactory(display_name='=HYPERLINK("http://x")')
    MembershipFactory(classroom=school.classroom, user=student, role="student")
    client.force_login(school.teacher)
    response = client.get(reverse("courseware:gradebook-export", args=[school.classroom.pk, "csv"]))
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def test_statistics_show_the_distribution_and_criterion_averages(client, school, marked_class):
    first, _second, _students = marked_class
    client.force_login(school.teacher)
    response = client.get(reverse("courseware:assignment-statistics", args=[first.pk]))
    stats = response.context["stats"]
    assert stats.count == 3
    assert dict(stats.bins)["90–100%"] == 1 and dict(stats.bins)["40–49%"] == 2
    assert [c.average for c in stats.criteria] == [Decimal(3), Decimal(3)]
    body = response.content.decode()
    assert 'id="chart-data" type="application/json"' in body
    assert "<script>" not in body  # data only: no inline executable script under the CSP


def test_the_feedback_pdf_holds_the_levels_comments_and_marks(client, school, essay):
    from courseware.selectors.marking import feedback_for
    from courseware.services.marking import inline_comment_add

    inline_comment_add(
        submission=essay.submission,
        paragraph=1,
        start=0,
        end=7,
        quote="Trotsky",
        text="Which of his works?",
        by=school.teacher,
        now=timezone.now(),
    )
    grade = graded(essay.submission, school.teacher, release=True)
    from django.template.loader import render_to_string

    html = render_to_string(
        "courseware/marking/feedback_pdf.html",
        {"feedback": feedback_for(grade=grade), "label": school.student.name},
    )
    for expected in (
        "Band 2",
        "Well argued.",
        "Which of his works?",
        "Trotsky",
        "10</strong> / 10",
    ):
        assert expected in html
    client.force_login(school.student)
    response = client.get(reverse("courseware:feedback-pdf", args=[essay.submission.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def test_the_queue_counts_one_student_in_the_singular(client, school, essay):
    client.force_login(school.teacher)
    html = client.get(reverse("courseware:marking-queue", args=[essay.assignment.pk])).content
    counted = re.search(rb"(\d+) students?</p>", html)
    assert counted, "the queue says how many students"
    number = int(counted.group(1))
    assert counted.group(0).decode() == (
        "1 student</p>" if number == 1 else f"{number} students</p>"
    )
