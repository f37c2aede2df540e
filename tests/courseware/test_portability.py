"""A class exported as JSON and imported again is the same class, down to its essays."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from courseware.demo import demo_seed
from courseware.models import (
    AssignmentKind,
    Classroom,
    MembershipRole,
    QuizAnswer,
    QuizAttempt,
    ReadingProgress,
    Submission,
    SubmissionVersion,
)
from courseware.portability import classroom_export, classroom_import
from courseware.services.content import reading_mark_read
from courseware.services.teaching import (
    assignment_withdraw,
    extension_grant,
    quiz_attempt_start,
    quiz_attempt_submit,
)
from tests.conftest import fresh_copy, shared_data
from tests.factories import (
    analysis_assignment,
    essay_text,
    submission_for,
    submitted_submission,
)

CLASS_A = "HSCMHA26"


def make_busy_class():
    """The demo class A after a week of work: essays handed in and drafted, a quiz taken, a
    reading marked read, an extension granted and an assignment withdrawn."""
    demo_seed(with_work=False)
    classroom = Classroom.objects.get(join_code=CLASS_A)
    work = {a.kind: a for a in classroom.assignments.select_related("prompt", "quiz", "reading")}
    students = [
        m.user
        for m in classroom.memberships.filter(role=MembershipRole.STUDENT).order_by("user__pk")
    ]
    teacher = classroom.memberships.filter(role=MembershipRole.TEACHER).first().user
    essay = work[AssignmentKind.ESSAY]
    now = timezone.now()
    submitted_submission(essay, students[0], text=essay_text(essay.prompt.min_words, marker="ü"))
    submission_for(essay, students[1], text="A draft — with “quotes” and\nline breaks.")
    extension_grant(
        assignment=essay,
        student=students[2],
        due_at=essay.due_at + timedelta(days=3),
        reason="Illness",
        by=teacher,
    )
    quiz = work[AssignmentKind.QUIZ]
    attempt = quiz_attempt_start(assignment=quiz, student=students[0], now=now)
    questions = list(quiz.quiz.questions.prefetch_related("choices"))
    quiz_attempt_submit(
        attempt=attempt,
        answers={q.pk: list(q.choices.all())[-1].pk for q in questions},
        now=now,
    )
    quiz_attempt_start(assignment=quiz, student=students[1], now=now)
    reading_mark_read(student=students[0], reading=work[AssignmentKind.READING].reading, now=now)
    assignment_withdraw(assignment=work[AssignmentKind.READING], now=now)
    analysis_assignment(
        classroom,
        reading=work[AssignmentKind.READING].reading,
        by=teacher,
        scaffold="custom",
        prompts=["Who wrote it?", "Why then?"],
        paragraph_from=1,
        paragraph_to=2,
    )
    return classroom


@pytest.fixture(scope="module")
def shared_busy_class(django_db_setup, django_db_blocker):
    yield from shared_data(django_db_blocker, make_busy_class)


@pytest.fixture
def busy_class(shared_busy_class, db):
    return fresh_copy(shared_busy_class)


def _remove_underneath(queryset) -> None:
    """Delete rows and everything that refers to them, past the models' own refusals."""
    for related in queryset.model._meta.related_objects:
        if related.many_to_many:
            continue
        children = related.related_model._base_manager.filter(
            **{f"{related.field.name}__in": queryset}
        )
        if children.exists():
            _remove_underneath(children)
    queryset._raw_delete(queryset.db)


def _delete_class_and_its_students(classroom: Classroom) -> None:
    """Remove the class as if it had never been here, and the accounts of its students.

    Versions refuse deletion through the ORM on purpose; a test that stands in for "another
    database" removes them underneath.
    """
    students = list(
        User.objects.filter(
            memberships__classroom=classroom, memberships__role=MembershipRole.STUDENT
        )
    )
    _remove_underneath(Submission.objects.filter(assignment__classroom=classroom))
    classroom.delete()
    for student in students:
        if not student.memberships.exists():
            student.delete()


def test_export_delete_import_export_gives_the_same_document(busy_class):
    first = classroom_export(classroom=busy_class)
    assert len(first["submissions"]) == 2 and len(first["quiz_attempts"]) == 2
    assert first["extensions"] and first["reading_progress"]
    assert first["submissions"][0]["versions"][0]["sha256"]

    _delete_class_and_its_students(busy_class)
    assert not Classroom.objects.filter(join_code=CLASS_A).exists()
    assert not SubmissionVersion.objects.exists()

    imported = classroom_import(data=json.loads(json.dumps(first)))
    second = classroom_export(classroom=imported)
    assert second == first
    assert QuizAnswer.objects.filter(attempt__assignment__classroom=imported).count() == len(
        first["quiz_attempts"][0]["answers"]
    )


def test_imported_students_without_an_account_here_get_one_that_cannot_log_in_yet(busy_class):
    data = classroom_export(classroom=busy_class)
    _delete_class_and_its_students(busy_class)
    classroom_import(data=data)
    (username,) = [m["username"] for m in data["members"] if m["role"] == "student"][:1]
    student = User.objects.get(username=username)
    assert not student.has_usable_password()


def test_importing_a_class_that_is_already_here_is_refused_and_changes_nothing(busy_class):
    data = classroom_export(classroom=busy_class)
    counts = (Classroom.objects.count(), QuizAttempt.objects.count(), Submission.objects.count())
    with pytest.raises(ValidationError, match="already exists"):
        classroom_import(data=data)
    after = (Classroom.objects.count(), QuizAttempt.objects.count(), Submission.objects.count())
    assert after == counts


def test_a_document_naming_content_that_is_not_here_imports_nothing(busy_class):
    data = classroom_export(classroom=busy_class)
    _delete_class_and_its_students(busy_class)
    data["assignments"][-1]["target"] = {"prompt": "no-such-prompt"}
    data["assignments"][-1]["kind"] = AssignmentKind.ESSAY
    users = User.objects.count()
    with pytest.raises(ValidationError, match="no-such-prompt"):
        classroom_import(data=data)
    assert not Classroom.objects.filter(join_code=CLASS_A).exists()
    assert User.objects.count() == users
    assert not ReadingProgress.objects.filter(
        student__username=data["reading_progress"][0]["student"]
    ).exists()


def test_a_document_of_another_kind_is_refused(db):
    with pytest.raises(ValidationError, match="not a Lectern class document"):
        classroom_import(data={"format": "something", "version": 1})


def test_the_commands_round_trip_a_class_through_a_file(busy_class, tmp_path):
    path = tmp_path / "class.json"
    call_command("export_class", CLASS_A.lower(), output=str(path))
    first = path.read_text(encoding="utf-8")
    _delete_class_and_its_students(busy_class)
    call_command("import_class", str(path))
    again = tmp_path / "again.json"
    call_command("export_class", CLASS_A, output=str(again))
    assert again.read_text(encoding="utf-8") == first


def test_the_commands_explain_a_missing_class_and_an_unreadable_file(db, tmp_path):
    with pytest.raises(CommandError, match="No class has the join code"):
        call_command("export_class", "NOPE2345")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_class", str(bad))


def test_an_imported_class_s_essays_join_the_originality_peer_index(busy_class):
    from courseware.models import PeerIndexEntry, Submission

    data = json.loads(json.dumps(classroom_export(classroom=busy_class)))
    _delete_class_and_its_students(busy_class)
    assert not PeerIndexEntry.objects.exists()
    imported = classroom_import(data=data)
    handed_in = Submission.objects.filter(assignment__classroom=imported, current_version__gte=1)
    assert handed_in.exists()
    for submission in handed_in:
        current = submission.versions.get(number=submission.current_version)
        assert PeerIndexEntry.objects.filter(version=current).exists()


def test_a_source_analysis_task_keeps_its_prompts_passage_and_rubric_through_a_round_trip(
    busy_class,
):
    task = busy_class.assignments.get(kind=AssignmentKind.ANALYSIS).analysis_task
    document = classroom_export(classroom=busy_class)
    _delete_class_and_its_students(busy_class)
    imported = classroom_import(data=document)
    copy = imported.assignments.get(kind=AssignmentKind.ANALYSIS).analysis_task
    assert [f["label"] for f in copy.fields] == ["Who wrote it?", "Why then?"]
    assert (copy.paragraph_from, copy.paragraph_to, copy.rubric_id) == (1, 2, task.rubric_id)


def test_a_source_analysis_task_whose_rubric_is_not_here_imports_nothing(busy_class):
    document = classroom_export(classroom=busy_class)
    _delete_class_and_its_students(busy_class)
    [item] = [a for a in document["assignments"] if a["kind"] == AssignmentKind.ANALYSIS]
    item["analysis_task"]["rubric"]["id"] = 999_999
    with pytest.raises(ValidationError, match="is not here"):
        classroom_import(data=document)
    assert not Classroom.objects.filter(join_code=CLASS_A).exists()


def test_a_source_analysis_task_with_one_overall_mark_imports_with_its_maximum(busy_class):
    from decimal import Decimal

    from courseware.models import Level

    document = classroom_export(classroom=busy_class)
    [item] = [a for a in document["assignments"] if a["kind"] == AssignmentKind.ANALYSIS]
    assert item["analysis_task"]["max_mark"] is None  # it has a rubric
    _delete_class_and_its_students(busy_class)
    item["analysis_task"]["max_mark"] = "20.00"
    item["analysis_task"]["rubric"]["id"] = 999_999  # its one-mark rubric is made afresh
    imported = classroom_import(data=document)
    copy = imported.assignments.get(kind=AssignmentKind.ANALYSIS).analysis_task
    assert copy.max_mark == Decimal(20)
    assert list(
        Level.objects.filter(criterion__rubric=copy.rubric).values_list("marks", flat=True)
    ) == [Decimal(20)]
