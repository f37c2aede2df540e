"""The Django admin for a student's essay: submissions, marking and originality, read-only.

School IT and the school admin look work up there (real names included); every change to it
goes through the site's services, so the admin refuses to add, change or delete any of it.
"""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courseware.models import (
    CommentBankEntry,
    Grade,
    GradeChange,
    InlineComment,
    MarkingReveal,
    MembershipRole,
    OriginalityReport,
    Submission,
    SubmissionVersion,
)
from courseware.services.marking import (
    comment_bank_add,
    inline_comment_add,
    marking_reveal_names,
)
from tests.factories import (
    MembershipFactory,
    StudentFactory,
    course_reading,
    essay_assignment,
    graded,
)
from tests.factories.originality import checked_submission

pytestmark = pytest.mark.django_db

SOURCE_TEXT = (
    "The Troika had every reason to fear Trotsky, who had directed the October rising "
    "and built the Red Army from nothing in the middle of a civil war.\n\n"
    "Stalin, on the other hand, became synonymous with the policy of socialism in one "
    "country towards the end of 1924, which gave a tired party hope and continuity.\n"
)

COPIED = (
    "Stalin, on the other hand, became synonymous with the policy of socialism in one "
    "country towards the end of 1924, which gave a tired party hope and continuity."
)

# Markup typed into an essay is text, and must reach the admin page as text.
MARKUP = "<script>alert('essay')</script>"

ESSAY = (
    "Trotsky lost the contest for power through his own arrogance and through Stalin's "
    f"patient control of the party's appointments. {MARKUP}\n\n"
    f"{COPIED} That was the turning point in my view."
)

# Model name → the model, for every list this admin adds.
MODELS = {
    "submission": Submission,
    "submissionversion": SubmissionVersion,
    "grade": Grade,
    "gradechange": GradeChange,
    "inlinecomment": InlineComment,
    "commentbankentry": CommentBankEntry,
    "markingreveal": MarkingReveal,
    "originalityreport": OriginalityReport,
}


@dataclass
class Work:
    """One student's essay on an anonymously marked assignment, through every stage."""

    student: object
    submission: Submission
    version: SubmissionVersion
    grade: Grade
    comment: InlineComment
    entry: CommentBankEntry
    reveal: MarkingReveal
    report: OriginalityReport

    def row(self, model: str):
        """This work's (first) row in the list of ``model``."""
        return {
            "submission": self.submission,
            "submissionversion": self.version,
            "grade": self.grade,
            "gradechange": self.grade.changes.order_by("pk").first(),
            "inlinecomment": self.comment,
            "commentbankentry": self.entry,
            "markingreveal": self.reveal,
            "originalityreport": self.report,
        }[model]

    def row_ids(self, model: str) -> set[int]:
        """This work's rows in the list of ``model``: one, or a grade's whole history."""
        if model == "gradechange":
            return set(self.grade.changes.values_list("pk", flat=True))
        return {self.row(model).pk}

    def search_term(self, model: str) -> str:
        """What finds this work's row in the list of ``model``: the student, or for rows that
        are not a student's, the teacher's comment or the assignment."""
        if model == "commentbankentry":
            return self.entry.text
        if model == "markingreveal":
            return self.reveal.assignment.title
        return self.student.username


def hand_in_and_mark(school, student, *, n: int) -> Work:
    """The student's essay handed in, checked, marked and released, with an inline comment, a
    comment in the teacher's bank and the assignment's names revealed."""
    now = timezone.now()
    reading = course_reading(school.classroom.course, slug=f"succession-{n}", text=SOURCE_TEXT)
    assignment = essay_assignment(
        school.classroom,
        min_words=10,
        max_words=400,
        readings=[reading],
        anonymous_marking=True,
        title=f"Why did Stalin win? ({n})",
    )
    submission, report = checked_submission(assignment, student, text=ESSAY)
    grade = graded(submission, school.teacher, release=True)
    comment = inline_comment_add(
        submission=submission,
        paragraph=1,
        start=0,
        end=7,
        quote="Trotsky",
        text="Which of Trotsky's choices?",
        by=school.teacher,
        now=now,
    )
    entry = comment_bank_add(owner=school.teacher, text=f"Cite the paragraph ({n}).", now=now)
    reveal = marking_reveal_names(assignment=assignment, by=school.teacher, now=now)
    return Work(
        student=student,
        submission=submission,
        version=report.version,
        grade=grade,
        comment=comment,
        entry=entry,
        reveal=reveal,
        report=report,
    )


@pytest.fixture
def work(school) -> Work:
    return hand_in_and_mark(school, school.student, n=0)


@pytest.fixture
def admin_client(client, school):
    client.force_login(school.school_admin)
    return client


def changelist(model: str) -> str:
    return reverse(f"admin:courseware_{model}_changelist")


def change_url(obj) -> str:
    return reverse(f"admin:courseware_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize("model", MODELS)
def test_each_list_opens_and_its_search_finds_the_work(admin_client, work, model):
    response = admin_client.get(changelist(model))
    assert response.status_code == 200
    assert {obj.pk for obj in response.context["cl"].result_list} == work.row_ids(model)

    found = admin_client.get(changelist(model), {"q": work.search_term(model)})
    assert found.status_code == 200
    assert {obj.pk for obj in found.context["cl"].result_list} == work.row_ids(model)

    missing = admin_client.get(changelist(model), {"q": "no-such-person-or-essay"})
    assert missing.context["cl"].result_count == 0


@pytest.mark.parametrize("model", MODELS)
def test_each_page_opens_for_the_school_admin(admin_client, work, model):
    response = admin_client.get(change_url(work.row(model)))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_nothing_is_added_changed_or_deleted_in_the_admin(admin_client, work, model):
    obj = work.row(model)
    obj.refresh_from_db()
    before = model_to_dict(obj)

    assert admin_client.get(reverse(f"admin:courseware_{model}_add")).status_code == 403
    form = {k: v for k, v in before.items() if isinstance(v, str | int)}
    changed = admin_client.post(change_url(obj), {**form, "text": "Rewritten", "status": "draft"})
    assert changed.status_code == 403
    delete_url = reverse(f"admin:courseware_{model}_delete", args=[obj.pk])
    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403

    listed = admin_client.get(changelist(model)).content.decode()
    assert "delete_selected" not in listed
    obj.refresh_from_db()
    assert model_to_dict(obj) == before


@pytest.mark.parametrize("model", MODELS)
def test_a_list_runs_the_same_queries_however_many_rows_it_shows(admin_client, school, work, model):
    admin_client.get(changelist(model))  # once-per-process lookups are not the list's
    with CaptureQueriesContext(connection) as one_row:
        first = admin_client.get(changelist(model))
    rows_of_one = first.context["cl"].result_count
    for n in range(1, 4):
        student = StudentFactory()
        MembershipFactory(classroom=school.classroom, user=student, role=MembershipRole.STUDENT)
        hand_in_and_mark(school, student, n=n)

    with CaptureQueriesContext(connection) as four_rows:
        response = admin_client.get(changelist(model))
    assert response.context["cl"].result_count == 4 * rows_of_one
    assert len(four_rows) <= len(one_row), "\n".join(
        query["sql"] for query in four_rows.captured_queries
    )


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("role", ["teacher", "student"])
def test_teachers_and_students_are_sent_to_the_admin_login(client, school, work, model, role):
    client.force_login(getattr(school, role))
    for url in (changelist(model), change_url(work.row(model))):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_a_submission_shows_its_versions_and_real_name_but_not_their_text_in_the_list(
    admin_client, work
):
    page = admin_client.get(change_url(work.submission)).content.decode()
    # Anonymously marked, but the admin is staff's: the student's real name is shown.
    assert work.student.name in page
    assert work.version.short_hash in page
    assert reverse("admin:courseware_submissionversion_change", args=[work.version.pk]) in page
    assert "socialism in one country" not in page.split('id="versions-group"')[1]


def test_essay_text_is_shown_as_plain_text(admin_client, work):
    # A draft is shown only once revealed with the support action (test_admin_drafts.py).
    admin_client.post(
        reverse("admin:courseware_submission_changelist"),
        {"action": "reveal_draft", "_selected_action": [work.submission.pk]},
    )
    for obj in (work.submission, work.version):
        page = admin_client.get(change_url(obj)).content.decode()
        assert MARKUP not in page
        assert "&lt;script&gt;alert(&#x27;essay&#x27;)&lt;/script&gt;" in page


def test_a_grade_shows_its_criteria_and_its_history(admin_client, work):
    page = admin_client.get(change_url(work.grade)).content.decode()
    criterion_grade = work.grade.criterion_grades.select_related("criterion", "level").first()
    assert criterion_grade.criterion.title in page
    assert str(criterion_grade.level) in page
    kinds = [c.get_kind_display() for c in work.grade.changes.all()]
    assert "Released" in kinds and "Inline comment added" in kinds
    for kind in kinds:
        assert kind in page


def test_a_report_shows_its_matches(admin_client, work):
    matches = list(work.report.matches.all())
    assert matches, "the copied passage should have been matched"
    page = admin_client.get(change_url(work.report)).content.decode()
    for match in matches:
        assert match.get_kind_display() in page


def test_the_reveal_says_who_revealed_the_names(admin_client, school, work):
    page = admin_client.get(changelist("markingreveal")).content.decode()
    assert work.reveal.assignment.title in page
    assert school.teacher.name in page


def test_a_version_shows_its_text_its_originality_runs_and_its_inline_comments(admin_client, work):
    page = admin_client.get(change_url(work.version)).content.decode()
    assert "socialism in one country" in page
    assert change_url(work.report) in page
    assert change_url(work.comment) in page
    assert work.comment.text.replace("'", "&#x27;") in page


@pytest.mark.parametrize("model", ["submissionversion", "grade"])
def test_a_page_runs_the_same_queries_however_many_comments_it_shows(
    admin_client, school, work, model, django_assert_max_num_queries
):
    url = change_url(work.row(model))
    with CaptureQueriesContext(connection) as few_rows:
        assert admin_client.get(url).status_code == 200
    now = timezone.now()
    for n in range(3):
        inline_comment_add(
            submission=work.submission,
            paragraph=1,
            start=0,
            end=7,
            quote="Trotsky",
            text=f"Comment {n}",
            by=school.teacher,
            now=now,
        )
    # Each comment is a row of the version's comments and of the grade's history.
    assert work.version.inline_comments.count() == 4
    with django_assert_max_num_queries(len(few_rows)):
        assert admin_client.get(url).status_code == 200
