"""Marking services: marks computed from levels, the late penalty, readiness, release and
resubmission, the grade history, inline comments, the comment bank and name reveals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from courseware.models import (
    CriterionGrade,
    Grade,
    GradeChange,
    GradeChangeKind,
    GradeStatus,
    InlineComment,
    MarkingReveal,
    Submission,
    SubmissionStatus,
)
from courseware.selectors.marking import version_paragraph_texts
from courseware.services import marking as services
from courseware.services.marking import CriterionMark, StaleGrade
from courseware.services.submissions import submission_draft_save, submission_submit
from courseware.services.teaching import extension_grant
from tests.courseware.marking.conftest import late_essay_assignment
from tests.factories import (
    RubricFactory,
    criterion_marks,
    essay_text,
    graded,
    rubric_criteria,
    submitted_submission,
)


def _refusal_code(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return next(iter(error.error_dict.values()))[0].code
    return error.error_list[0].code


def _state(submission):
    """Everything marking could have written for a submission, to show a refusal changed
    nothing."""
    return (
        list(Grade.objects.filter(submission=submission).values()),
        list(CriterionGrade.objects.filter(grade__submission=submission).values()),
        GradeChange.objects.filter(grade__submission=submission).count(),
        Submission.objects.get(pk=submission.pk).status,
    )


# --- Marks from levels ------------------------------------------------------------------------


def test_marks_are_the_sum_of_the_levels_chosen_out_of_the_rubrics_highest(school, essay):
    rubric = essay.assignment.prompt.rubric  # two criteria, levels worth 5 and 2
    criteria = rubric_criteria(rubric)
    grade = services.grade_save(
        submission=essay.submission,
        by=school.teacher,
        criteria=[
            CriterionMark(criterion_id=criteria[0].pk, level_id=criteria[0].levels_top[0].pk),
            CriterionMark(criterion_id=criteria[1].pk, level_id=criteria[1].levels_top[1].pk),
        ],
        overall_comment="A strong start.",
        now=timezone.now(),
    )
    assert grade.raw_mark == Decimal(7)
    assert grade.max_mark == Decimal(10)
    assert grade.final_mark == Decimal(7)
    assert grade.status == GradeStatus.DRAFT
    assert grade.version.number == 1
    assert grade.marker == school.teacher


def test_marks_within_a_levels_band_are_kept_and_left_out_they_are_the_levels_own(school, essay):
    criteria = rubric_criteria(essay.assignment.prompt.rubric)
    top, bottom = criteria[0].levels_top
    grade = services.grade_save(
        submission=essay.submission,
        by=school.teacher,
        criteria=[
            # The top band (5) runs from above the next level's 2 up to 5.
            CriterionMark(criterion_id=criteria[0].pk, level_id=top.pk, marks=Decimal("3.5")),
            CriterionMark(criterion_id=criteria[1].pk, level_id=criteria[1].levels_top[1].pk),
        ],
        now=timezone.now(),
    )
    assert grade.raw_mark == Decimal("5.5")
    assert CriterionGrade.objects.get(grade=grade, criterion=criteria[1]).marks == Decimal(2)


@pytest.mark.parametrize("marks", ["2", "5.01", "-1", "0.005", "4.005", "NaN"])
def test_marks_out_of_the_levels_band_are_refused_and_change_nothing(school, essay, marks):
    graded(essay.submission, school.teacher, ready=False)
    before = _state(essay.submission)
    criteria = rubric_criteria(essay.assignment.prompt.rubric)
    with pytest.raises(ValidationError) as refused:
        services.grade_save(
            submission=essay.submission,
            by=school.teacher,
            criteria=[
                CriterionMark(
                    criterion_id=criteria[0].pk,
                    level_id=criteria[0].levels_top[0].pk,
                    marks=Decimal(marks),
                )
            ],
            now=timezone.now(),
        )
    assert _refusal_code(refused.value) in {"out_of_range", "invalid"}
    assert _state(essay.submission) == before


def test_a_level_of_another_rubric_is_refused_and_changes_nothing(school, essay):
    graded(essay.submission, school.teacher, ready=False)
    before = _state(essay.submission)
    other = rubric_criteria(RubricFactory())
    criteria = rubric_criteria(essay.assignment.prompt.rubric)
    with pytest.raises(ValidationError) as refused:
        services.grade_save(
            submission=essay.submission,
            by=school.teacher,
            criteria=[
                CriterionMark(criterion_id=criteria[0].pk, level_id=other[0].levels_top[0].pk)
            ],
            now=timezone.now(),
        )
    assert _refusal_code(refused.value) == "wrong_rubric"
    assert "not one of the levels" in str(refused.value)
    assert _state(essay.submission) == before


def test_a_criterion_of_another_rubric_is_refused(school, essay):
    other = rubric_criteria(RubricFactory())
    with pytest.raises(ValidationError) as refused:
        services.grade_save(
            submission=essay.submission,
            by=school.teacher,
            criteria=[CriterionMark(criterion_id=other[0].pk, level_id=other[0].levels_top[0].pk)],
            now=timezone.now(),
        )
    assert _refusal_code(refused.value) == "wrong_rubric"
    assert not Grade.objects.filter(submission=essay.submission).exists()


def test_the_database_refuses_a_criterion_grade_with_a_level_of_another_rubric(school, essay):
    grade = graded(essay.submission, school.teacher, ready=False)
    other = rubric_criteria(RubricFactory())
    row = CriterionGrade.objects.filter(grade=grade).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionGrade.objects.filter(pk=row.pk).update(level=other[0].levels_top[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        CriterionGrade.objects.bulk_create(
            [
                CriterionGrade(
                    grade=grade,
                    criterion=other[0],
                    level=other[0].levels_top[0],
                    marks=Decimal(1),
                )
            ]
        )


def test_a_save_that_changes_nothing_writes_nothing(school, essay):
    grade = graded(essay.submission, school.teacher, ready=False)
    changes = GradeChange.objects.filter(grade=grade).count()
    again = services.grade_save(
        submission=essay.submission,
        by=school.teacher,
        criteria=criterion_marks(essay.assignment.prompt.rubric),
        overall_comment="Well argued.",
        now=timezone.now() + timedelta(minutes=5),
    )
    assert again.revision == grade.revision
    assert GradeChange.objects.filter(grade=grade).count() == changes


def test_a_stale_revision_is_refused_and_keeps_the_newer_grade(school, essay):
    grade = graded(essay.submission, school.teacher, ready=False)
    with pytest.raises(StaleGrade):
        services.grade_save(
            submission=essay.submission,
            by=school.teacher,
            criteria=[],
            overall_comment="From an old tab",
            revision=grade.revision - 1,
            now=timezone.now(),
        )
    grade.refresh_from_db()
    assert grade.overall_comment == "Well argued."


def test_a_draft_essay_cannot_be_marked(school):
    from tests.factories import essay_assignment, submission_for

    assignment = essay_assignment(school.classroom)
    draft = submission_for(assignment, school.student, text=essay_text(20))
    with pytest.raises(ValidationError) as refused:
        services.grade_save(submission=draft, by=school.teacher, criteria=[], now=timezone.now())
    assert _refusal_code(refused.value) == "not_submitted"


def test_a_teacher_of_another_class_cannot_mark(school, essay):
    with pytest.raises(ValidationError) as refused:
        services.grade_save(
            submission=essay.submission,
            by=school.other_teacher,
            criteria=criterion_marks(essay.assignment.prompt.rubric),
            now=timezone.now(),
        )
    assert _refusal_code(refused.value) == "not_marker"
    assert not Grade.objects.exists()


# --- Ready ------------------------------------------------------------------------------------


def test_a_grade_is_ready_only_with_a_level_for_every_criterion(school, essay):
    criteria = rubric_criteria(essay.assignment.prompt.rubric)
    with pytest.raises(ValidationError) as refused:
        services.grade_save(
            submission=essay.submission,
            by=school.teacher,
            criteria=[
                CriterionMark(criterion_id=criteria[0].pk, level_id=criteria[0].levels_top[0].pk)
            ],
            ready=True,
            now=timezone.now(),
        )
    assert _refusal_code(refused.value) == "incomplete"
    assert criteria[1].title in str(refused.value)
    assert not Grade.objects.exists()


def test_clearing_a_level_takes_a_ready_grade_back_to_draft(school, essay):
    graded(essay.submission, school.teacher)
    grade = services.grade_save(
        submission=essay.submission,
        by=school.teacher,
        criteria=criterion_marks(essay.assignment.prompt.rubric)[:1],
        now=timezone.now(),
    )
    assert grade.status == GradeStatus.DRAFT


# --- Late penalty -----------------------------------------------------------------------------


def test_late_work_loses_the_daily_penalty_for_each_started_day(school):
    # 2 days and 30 minutes late: three started days at 10% a day.
    assignment = late_essay_assignment(school.classroom, late_by=timedelta(days=2, minutes=30))
    submission = submitted_submission(assignment, school.student)
    grade = graded(submission, school.teacher)  # 10/10
    assert grade.late_minutes >= 2 * 24 * 60 + 30
    assert grade.late_penalty_percent == Decimal(30)
    assert grade.raw_mark == Decimal(10)
    assert grade.final_mark == Decimal(7)


def test_the_penalty_never_takes_the_mark_below_the_floor(school):
    assignment = late_essay_assignment(school.classroom, late_by=timedelta(days=9))
    submission = submitted_submission(assignment, school.student)
    grade = graded(submission, school.teacher, band=1)  # 2 + 2 = 4
    assert grade.late_penalty_percent == Decimal(50)
    assert grade.final_mark == Decimal(2)


def test_the_final_mark_is_rounded_half_up_to_two_places(school):
    assignment = late_essay_assignment(
        school.classroom, late_by=timedelta(hours=1), per_day=Decimal("12.5"), floor=Decimal(0)
    )
    submission = submitted_submission(assignment, school.student)
    criteria = rubric_criteria(assignment.prompt.rubric)
    grade = services.grade_save(
        submission=submission,
        by=school.teacher,
        criteria=[
            CriterionMark(
                criterion_id=criteria[0].pk,
                level_id=criteria[0].levels_top[0].pk,
                marks=Decimal("4.99"),
            ),
            CriterionMark(criterion_id=criteria[1].pk, level_id=criteria[1].levels_top[1].pk),
        ],
        now=timezone.now(),
    )
    # 6.99 × 0.875 = 6.11625 → 6.12
    assert grade.final_mark == Decimal("6.12")


def test_an_extension_granted_after_hand_in_lifts_the_penalty(school):
    assignment = late_essay_assignment(school.classroom, late_by=timedelta(days=2))
    submission = submitted_submission(assignment, school.student)
    extension_grant(
        assignment=assignment,
        student=school.student,
        due_at=timezone.now() + timedelta(days=1),
        by=school.teacher,
    )
    grade = graded(submission, school.teacher)
    assert grade.late_minutes == 0
    assert grade.final_mark == grade.raw_mark == Decimal(10)


# --- Release ----------------------------------------------------------------------------------


def test_releasing_returns_the_essay_and_logs_who_released_it(school, essay):
    graded(essay.submission, school.teacher)
    now = timezone.now()
    grade = services.grade_release(submission=essay.submission, by=school.teacher, now=now)
    assert grade.released_at == now
    essay.submission.refresh_from_db()
    assert essay.submission.status == SubmissionStatus.RETURNED
    change = grade.changes.order_by("-pk").first()
    assert change.kind == GradeChangeKind.RELEASED
    assert change.changed_by == school.teacher
    assert change.before["released_at"] is None
    assert change.after["released_at"] == now.isoformat()


def test_releasing_again_changes_nothing(school, essay):
    grade = graded(essay.submission, school.teacher, release=True)
    changes = grade.changes.count()
    again = services.grade_release(
        submission=essay.submission, by=school.teacher, now=timezone.now() + timedelta(hours=1)
    )
    assert again.released_at == grade.released_at
    assert again.changes.count() == changes


def test_a_draft_grade_is_not_released(school, essay):
    graded(essay.submission, school.teacher, ready=False)
    before = _state(essay.submission)
    with pytest.raises(ValidationError) as refused:
        services.grade_release(submission=essay.submission, by=school.teacher, now=timezone.now())
    assert _refusal_code(refused.value) == "not_ready"
    assert _state(essay.submission) == before


def test_a_release_by_a_teacher_of_another_class_is_refused_and_changes_nothing(school, essay):
    graded(essay.submission, school.teacher)
    before = _state(essay.submission)
    with pytest.raises(ValidationError) as refused:
        services.grade_release(
            submission=essay.submission, by=school.other_teacher, now=timezone.now()
        )
    assert _refusal_code(refused.value) == "not_marker"
    assert _state(essay.submission) == before


def test_release_all_releases_only_finished_grades(school, essay):
    from tests.factories import MembershipFactory, StudentFactory

    second = StudentFactory()
    MembershipFactory(classroom=school.classroom, user=second, role="student")
    draft_submission = submitted_submission(essay.assignment, second)
    graded(essay.submission, school.teacher)
    graded(draft_submission, school.teacher, ready=False)
    released = services.grades_release_all(
        assignment=essay.assignment, by=school.teacher, now=timezone.now()
    )
    assert released == 1
    assert Grade.objects.get(submission=essay.submission).released_at is not None
    assert Grade.objects.get(submission=draft_submission).released_at is None


# --- Resubmission -----------------------------------------------------------------------------


def test_returning_for_resubmission_lets_the_student_hand_in_again(school, essay):
    graded(essay.submission, school.teacher)
    grade = services.grade_release(
        submission=essay.submission, by=school.teacher, now=timezone.now(), resubmission=True
    )
    assert grade.resubmission_requested_at is not None
    submission = Submission.objects.get(pk=essay.submission.pk)
    assert submission.status == SubmissionStatus.RESUBMISSION_REQUESTED
    assert submission.is_editable
    now = timezone.now()
    submission = submission_draft_save(
        submission=submission,
        text=essay_text(80, marker="Revised"),
        revision=submission.revision,
        by=school.student,
        now=now,
    )
    version = submission_submit(
        submission=submission,
        revision=submission.revision,
        honesty_declared=True,
        by=school.student,
        now=now,
    )
    assert version.number == 2


def test_marking_a_resubmitted_version_takes_the_old_feedback_back_until_released(school):
    assignment = late_essay_assignment(school.classroom, late_by=timedelta(hours=5))
    submission = submitted_submission(assignment, school.student)
    graded(submission, school.teacher)
    services.grade_release(
        submission=submission,
        by=school.teacher,
        now=timezone.now(),
        resubmission=True,
        resubmit_by=timezone.now() + timedelta(days=3),
    )
    submission.refresh_from_db()
    later = timezone.now() + timedelta(days=1)
    submission = submission_draft_save(
        submission=submission,
        text=essay_text(30, marker="Revised"),
        revision=submission.revision,
        by=school.student,
        now=later,
    )
    submission_submit(
        submission=submission,
        revision=submission.revision,
        honesty_declared=True,
        by=school.student,
        now=later,
    )
    submission.refresh_from_db()
    grade = graded(submission, school.teacher, ready=False)
    assert grade.version.number == 2
    assert grade.released_at is None
    assert grade.changes.order_by("-pk").first().kind == GradeChangeKind.WITHDRAWN
    # The revised essay keeps the lateness of the first hand-in: a day's penalty, not none.
    assert grade.late_penalty_percent == Decimal(10)


def test_a_resubmission_after_the_cut_off_needs_a_date_and_grants_it(school):
    assignment = late_essay_assignment(
        school.classroom,
        late_by=timedelta(days=2),
    )
    submission = submitted_submission(assignment, school.student)
    graded(submission, school.teacher)
    # The class's cut-off passes after the hand-in.
    from courseware.models import Assignment

    Assignment.objects.filter(pk=assignment.pk).update(
        cutoff_at=assignment.due_at + timedelta(days=2, minutes=5)
    )
    later = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.grade_release(
            submission=submission, by=school.teacher, now=later, resubmission=True
        )
    assert _refusal_code(refused.value) == "closed"
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SUBMITTED
    services.grade_release(
        submission=submission,
        by=school.teacher,
        now=later,
        resubmission=True,
        resubmit_by=later + timedelta(days=4),
    )
    extension = assignment.extensions.get(student=school.student)
    assert extension.due_at == later + timedelta(days=4)


# --- History ----------------------------------------------------------------------------------


def test_every_change_appends_to_the_history_with_before_and_after(school, essay):
    rubric = essay.assignment.prompt.rubric
    first = timezone.now()
    services.grade_save(
        submission=essay.submission,
        by=school.teacher,
        criteria=criterion_marks(rubric, band=1),
        now=first,
    )
    grade = services.grade_save(
        submission=essay.submission,
        by=school.school_admin,
        criteria=criterion_marks(rubric, band=0),
        now=first + timedelta(minutes=1),
    )
    created, changed = grade.changes.order_by("pk")
    assert created.kind == GradeChangeKind.CREATED and created.before == {}
    assert created.after["raw_mark"] == "4.00"
    assert changed.changed_by == school.school_admin
    assert changed.before["raw_mark"] == "4.00"
    assert changed.after["raw_mark"] == "10.00"
    assert changed.before["criteria"][0]["level_title"] == "Band 1"
    assert changed.after["criteria"][0]["level_title"] == "Band 2"


def test_the_history_cannot_be_changed_or_deleted(school, essay):
    grade = graded(essay.submission, school.teacher)
    change = grade.changes.first()
    with pytest.raises(ValidationError):
        change.save()
    with pytest.raises(ValidationError):
        change.delete()
    with pytest.raises(ValidationError):
        GradeChange.objects.filter(pk=change.pk).update(kind="updated")
    with pytest.raises(ValidationError):
        GradeChange.objects.filter(pk=change.pk).delete()
    from django.db import connection

    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute(
            "UPDATE courseware_gradechange SET kind = 'updated' WHERE id = %s", [change.pk]
        )


# --- Inline comments --------------------------------------------------------------------------


def test_an_inline_comment_is_anchored_to_the_quoted_passage(school, essay):
    version = essay.submission.versions.get(number=1)
    text = version_paragraph_texts(version=version, assignment=essay.assignment)[0]
    start = text.index("Trotsky")
    comment = services.inline_comment_add(
        submission=essay.submission,
        paragraph=1,
        start=start,
        end=start + len("Trotsky"),
        quote="Trotsky",
        text="Which of his writings?",
        by=school.teacher,
        now=timezone.now(),
    )
    assert comment.version == version
    assert comment.paragraph == 1
    grade = Grade.objects.get(submission=essay.submission)
    assert grade.changes.order_by("-pk").first().kind == GradeChangeKind.INLINE_COMMENT_ADDED


@pytest.mark.parametrize(
    ("paragraph", "start", "end", "quote"),
    [(1, 0, 3, "xyz"), (9, 0, 7, "Trotsky"), (1, 5, 5, ""), (1, 5, 2, "Tro")],
)
def test_an_inline_comment_on_a_passage_that_is_not_there_is_refused(
    school, essay, paragraph, start, end, quote
):
    with pytest.raises(ValidationError):
        services.inline_comment_add(
            submission=essay.submission,
            paragraph=paragraph,
            start=start,
            end=end,
            quote=quote,
            text="A comment",
            by=school.teacher,
            now=timezone.now(),
        )
    assert not InlineComment.objects.exists()
    assert not Grade.objects.exists()


def test_removing_an_inline_comment_keeps_what_it_said_in_the_history(school, essay):
    comment = services.inline_comment_add(
        submission=essay.submission,
        paragraph=1,
        start=0,
        end=7,
        quote="Trotsky",
        text="Vague.",
        by=school.teacher,
        now=timezone.now(),
    )
    services.inline_comment_delete(comment=comment, by=school.teacher, now=timezone.now())
    assert not InlineComment.objects.exists()
    last = Grade.objects.get(submission=essay.submission).changes.order_by("-pk").first()
    assert last.kind == GradeChangeKind.INLINE_COMMENT_REMOVED
    assert last.before["text"] == "Vague."


# --- Comment bank and names -------------------------------------------------------------------


def test_saving_the_same_comment_twice_keeps_one_entry(school):
    now = timezone.now()
    first = services.comment_bank_add(owner=school.teacher, text=" Cite the paragraph. ", now=now)
    again = services.comment_bank_add(owner=school.teacher, text="Cite the paragraph.", now=now)
    assert first.pk == again.pk
    assert first.text == "Cite the paragraph."


def test_only_teachers_keep_a_comment_bank_and_only_owners_remove_from_it(school):
    with pytest.raises(ValidationError):
        services.comment_bank_add(owner=school.student, text="Nice", now=timezone.now())
    entry = services.comment_bank_add(owner=school.teacher, text="Nice", now=timezone.now())
    with pytest.raises(ValidationError):
        services.comment_bank_delete(entry=entry, by=school.other_teacher)
    services.comment_bank_delete(entry=entry, by=school.teacher)


def test_names_are_revealed_once_and_only_on_anonymous_assignments(school, essay):
    with pytest.raises(ValidationError) as refused:
        services.marking_reveal_names(
            assignment=essay.assignment, by=school.teacher, now=timezone.now()
        )
    assert _refusal_code(refused.value) == "not_anonymous"
    from tests.factories import essay_assignment

    anonymous = essay_assignment(school.classroom, anonymous_marking=True)
    first = services.marking_reveal_names(
        assignment=anonymous, by=school.teacher, now=timezone.now()
    )
    again = services.marking_reveal_names(
        assignment=anonymous, by=school.school_admin, now=timezone.now()
    )
    assert first.pk == again.pk and again.revealed_by == school.teacher
    assert MarkingReveal.objects.count() == 1
