"""Setting source-analysis tasks, saving and handing in answers, marking and the gradebook."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courseware.models import (
    AnalysisTask,
    Assignment,
    Event,
    NotificationKind,
    Scaffold,
    SubmissionStatus,
)
from courseware.models.analysis import SCAFFOLD_FIELDS, parse_answers, render_answers
from courseware.rubric_templates import rubric_templates
from courseware.selectors.marking import gradebook
from courseware.services import analysis as services
from courseware.services.marking import grade_release, grade_save
from courseware.services.setting import classroom_work_copy
from courseware.services.submissions import StaleRevision, submission_start
from tests.courseware.analysis.conftest import answers_for
from tests.factories import criterion_marks

OPCVL = SCAFFOLD_FIELDS[Scaffold.OPCVL]


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "plain",
        "two\n\nparagraphs\n",
        "## Purpose",  # a later field's heading typed in an answer
        "## Origin\nagain",
        "\\## Purpose",
        "\\\\## Value",
        "\n\nleading and trailing\n\n",
    ],
)
def test_answers_read_back_from_their_text_whatever_they_hold(answer):
    given = {field["key"]: f"{field['key']}: {answer}" for field in OPCVL}
    given["origin"] = answer
    back = parse_answers(OPCVL, render_answers(OPCVL, given))
    assert back["origin"] == answer.strip("\n")
    assert back["purpose"] == given["purpose"].strip("\n")


def test_the_text_has_a_heading_per_prompt_in_order():
    text = render_answers(OPCVL, {"origin": "Carr", "value": "Records"})
    assert text.startswith("## Origin\n\nCarr\n\n## Purpose\n\n")
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## Origin",
        "## Purpose",
        "## Content",
        "## Value",
        "## Limitation",
    ]


def test_setting_a_task_copies_the_scaffold_and_records_work_set(school, analysis):
    task = analysis.task.analysis_task
    assert analysis.task.kind == "analysis"
    assert analysis.task.reading_id == analysis.reading.pk
    assert [f["label"] for f in task.fields] == [f["label"] for f in OPCVL]
    assert (task.paragraph_from, task.paragraph_to) == (2, 5)
    assert Event.objects.filter(kind=NotificationKind.WORK_SET, assignment=analysis.task).exists()


def test_a_passage_past_the_end_of_the_reading_is_refused_and_nothing_is_written(school, analysis):
    before = Assignment.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.analysis_task_set(
            classroom=school.classroom,
            by=school.teacher,
            reading=analysis.reading,
            scaffold=Scaffold.OPCVL,
            rubric=analysis.rubric,
            paragraph_from=3,
            paragraph_to=60,
            assignment_fields={"opens_at": timezone.now(), "due_at": timezone.now()},
        )
    assert "paragraph_to" in refused.value.message_dict
    assert Assignment.objects.count() == before


def test_custom_prompts_become_the_fields_and_an_empty_list_is_refused(school, analysis):
    dates = {"opens_at": timezone.now(), "due_at": timezone.now() + timedelta(days=1)}
    with pytest.raises(ValidationError):
        services.analysis_task_set(
            classroom=school.classroom,
            by=school.teacher,
            reading=analysis.reading,
            scaffold=Scaffold.CUSTOM,
            prompts=["  ", ""],
            rubric=analysis.rubric,
            assignment_fields=dates,
        )
    assignment = services.analysis_task_set(
        classroom=school.classroom,
        by=school.teacher,
        reading=analysis.reading,
        scaffold=Scaffold.CUSTOM,
        prompts=["Who made it?", "", "Why then?"],
        rubric=analysis.rubric,
        assignment_fields=dates,
    )
    assert [f["label"] for f in assignment.analysis_task.fields] == ["Who made it?", "Why then?"]


def test_a_rubric_template_makes_the_rubric_when_none_is_picked(school, analysis):
    assignment = services.analysis_task_set(
        classroom=school.classroom,
        by=school.teacher,
        reading=analysis.reading,
        scaffold=Scaffold.OPCVL,
        rubric_template="ib-opcvl",
        assignment_fields={"opens_at": timezone.now(), "due_at": timezone.now()},
    )
    assert assignment.analysis_task.rubric.title == rubric_templates()["ib-opcvl"].title


def _started(analysis, school):
    return submission_start(assignment=analysis.task, student=school.student, now=timezone.now())


def test_saved_answers_are_the_submission_text_and_come_back_per_prompt(school, analysis):
    submission = _started(analysis, school)
    given = answers_for(analysis.reading)
    saved = services.analysis_answers_save(
        submission=submission, answers=given, revision=0, by=school.student, now=timezone.now()
    )
    assert saved.revision == 1
    assert saved.draft_text.startswith("## Origin\n\nCarr, a historian")
    assert analysis.task.analysis_task.parse(saved.draft_text) == given


def test_a_stale_save_is_refused_and_keeps_the_newer_answers(school, analysis):
    submission = _started(analysis, school)
    now = timezone.now()
    services.analysis_answers_save(
        submission=submission,
        answers={"origin": "newer"},
        revision=0,
        by=school.student,
        now=now,
    )
    with pytest.raises(StaleRevision) as refused:
        services.analysis_answers_save(
            submission=submission,
            answers={"origin": "older tab"},
            revision=0,
            by=school.student,
            now=now,
        )
    assert analysis.task.analysis_task.parse(refused.value.submission.draft_text)["origin"] == (
        "newer"
    )


@pytest.mark.parametrize("bad", [{"nope": "x"}, {"origin": 3}, ["origin"]])
def test_answers_to_prompts_the_task_does_not_have_are_refused(school, analysis, bad):
    submission = _started(analysis, school)
    with pytest.raises(ValidationError) as refused:
        services.analysis_answers_save(
            submission=submission, answers=bad, revision=0, by=school.student, now=timezone.now()
        )
    assert "answers" in refused.value.message_dict
    submission.refresh_from_db()
    assert submission.revision == 0


def test_handing_in_needs_every_prompt_answered(school, analysis):
    submission = _started(analysis, school)
    with pytest.raises(ValidationError) as refused:
        services.analysis_answers_submit(
            submission=submission,
            answers=answers_for(analysis.reading, value="", limitation=" "),
            revision=0,
            honesty_declared=True,
            by=school.student,
            now=timezone.now(),
        )
    assert "Value, Limitation" in str(refused.value)
    submission.refresh_from_db()
    assert submission.current_version == 0


def test_handing_in_makes_a_version_and_a_handed_in_event(school, analysis):
    submission = _started(analysis, school)
    version = services.analysis_answers_submit(
        submission=submission,
        answers=answers_for(analysis.reading),
        revision=0,
        honesty_declared=True,
        by=school.student,
        now=timezone.now(),
    )
    assert version.number == 1
    assert "## Limitation\n\nWritten before the archives opened." in version.text
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert Event.objects.filter(kind=NotificationKind.HANDED_IN, submission=submission).exists()


def test_marked_with_the_tasks_rubric_released_and_in_the_gradebook(school, analysis):
    submission = _started(analysis, school)
    services.analysis_answers_submit(
        submission=submission,
        answers=answers_for(analysis.reading),
        revision=0,
        honesty_declared=True,
        by=school.student,
        now=timezone.now(),
    )
    grade = grade_save(
        submission=submission,
        by=school.teacher,
        criteria=criterion_marks(analysis.rubric),
        ready=True,
        now=timezone.now(),
    )
    assert grade.rubric_id == analysis.rubric.pk
    grade_release(submission=submission, by=school.teacher, now=timezone.now())
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED
    assert Event.objects.filter(
        kind=NotificationKind.FEEDBACK_RELEASED, submission=submission
    ).exists()
    book = gradebook(classroom=school.classroom)
    [column_index] = [i for i, c in enumerate(book.columns) if c.assignment.pk == analysis.task.pk]
    assert book.columns[column_index].out_of == grade.max_mark
    [row] = [r for r in book.rows if r.student.pk == school.student.pk]
    assert row.cells[column_index].mark == grade.final_mark


def test_copying_a_class_s_work_copies_its_tasks(school, analysis):
    copies = classroom_work_copy(
        source=school.classroom,
        target=school.other_classroom,
        offset=timedelta(days=0),
        by=school.teacher,
    )
    [copy] = [c for c in copies if c.kind == "analysis"]
    task = AnalysisTask.objects.get(assignment=copy)
    assert task.fields == analysis.task.analysis_task.fields
    assert task.rubric_id == analysis.rubric.pk
