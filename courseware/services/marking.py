"""Writes for marking: the only code that saves grades, their history, inline comments, the
comment bank and name reveals, and that returns essays to their students.

Rules:

- A grade is marked against the rubric of the assignment's prompt, criterion by criterion: a
  level of that criterion (a level of another criterion or rubric is refused) and marks in the
  level's band, from just above the next lower level's marks up to the level's own (the lowest
  level's band starts at 0). Marks left out are the level's own.
- The raw mark is the sum of the criteria's marks, out of the sum of each criterion's highest
  level. The late penalty is ``courseware.timing.late_penalty_percent`` of the minutes the marked
  version was late for its student, extensions included (``deadline_for`` at the moment it was
  handed in, with the extension as it stands, so one granted after the fact counts). The final
  mark is ``raw × (100 − penalty) / 100`` rounded half up to two decimal places; the floor is
  the least percentage of the raw mark kept, so the final mark is never below
  ``raw × floor / 100`` (rounded the same way). Once a resubmission is requested the lateness is
  frozen: the student is not penalised for handing in again when asked to.
- A grade is a draft until the marker says it is ready, which needs a level for every criterion.
  Only a ready grade of the latest version is released. Marking a newer version (after a
  resubmission) takes the old feedback back from the student until it is released again.
- Every change appends a ``GradeChange`` with the state before and after; a save that changes
  nothing writes nothing. Saves name the revision they were based on; a stale one is refused
  with ``StaleGrade`` rather than overwriting another marker's work.
- Every refusal raises ``ValidationError`` with a message a teacher can act on and a ``code``,
  and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils.translation import gettext as _

from courseware import permissions
from courseware.models import (
    CommentBankEntry,
    Criterion,
    CriterionGrade,
    Extension,
    Grade,
    GradeChange,
    GradeChangeKind,
    GradeStatus,
    InlineComment,
    Level,
    MarkingReveal,
    NotificationKind,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from courseware.models.teaching import MARKED_KINDS
from courseware.selectors.marking import marked_late_minutes, version_paragraph_texts
from courseware.services.notifications import event_record
from courseware.services.submissions import submission_request_resubmission, submission_return
from courseware.services.teaching import extension_grant
from courseware.timing import deadline_for, effective_dates, late_penalty_percent

if TYPE_CHECKING:
    from accounts.models import User
    from courseware.models import Assignment

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_CRITERION_COMMENT = 5_000
MAX_OVERALL_COMMENT = 20_000
MAX_INLINE_COMMENT = 2_000
MAX_QUOTE = 2_000
MAX_BANK_COMMENT = 2_000
MAX_BANK_TAG = 200


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _refuse_field(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


class StaleGrade(ValidationError):
    """A save was based on an older revision of the grade than the stored one."""

    def __init__(self, grade: Grade):
        super().__init__(
            _(
                "Someone else changed this grade since you opened it (another tab or marker). "
                "Nothing was overwritten: reload to see their changes."
            ),
            code="stale",
        )
        self.grade = grade


@dataclass(frozen=True)
class CriterionMark:
    """What a marker gives one criterion: a level (or none yet), marks in the level's band
    (``None`` for the level's own) and a comment."""

    criterion_id: int
    level_id: int | None = None
    marks: Decimal | None = None
    comment: str = ""


# --- Computing marks -----------------------------------------------------------------------------


def round_marks(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def final_mark_for(*, raw_mark: Decimal, penalty_percent: Decimal) -> Decimal:
    """The raw mark less the late penalty, rounded half up to two decimal places."""
    return round_marks(raw_mark * (HUNDRED - penalty_percent) / HUNDRED)


def level_band(*, level: Level, levels: Sequence[Level]) -> tuple[Decimal | None, Decimal]:
    """The marks a level may earn: above the first bound (``None``: from 0 inclusive) and up to
    the level's own marks. ``levels`` are all the criterion's levels."""
    lower = [other.marks for other in levels if other.marks < level.marks]
    return (max(lower) if lower else None), level.marks


def marks_in_band(*, marks: Decimal, level: Level, levels: Sequence[Level]) -> bool:
    above, top = level_band(level=level, levels=levels)
    if marks > top or marks < 0:
        return False
    return marks > above if above is not None else True


def criterion_max(criterion: Criterion) -> Decimal:
    return max((level.marks for level in criterion.levels.all()), default=Decimal(0))


# --- History -------------------------------------------------------------------------------------


def _snapshot(grade: Grade, rows: dict[int, CriterionGrade], criteria: Sequence[Criterion]) -> dict:
    """The fields of a grade that matter to its student, as JSON for the change log."""
    criteria_state = []
    for criterion in criteria:
        row = rows.get(criterion.pk)
        level = row.level if row is not None else None
        criteria_state.append(
            {
                "criterion": criterion.pk,
                "title": criterion.title,
                "level": level.pk if level else None,
                "level_title": level.title if level else None,
                "marks": str(row.marks) if row is not None and row.marks is not None else None,
                "comment": row.comment if row is not None else "",
            }
        )
    return {
        "status": grade.status,
        "released_at": grade.released_at.isoformat() if grade.released_at else None,
        "version": grade.version.number,
        "criteria": criteria_state,
        "overall_comment": grade.overall_comment,
        "raw_mark": str(round_marks(grade.raw_mark)),
        "max_mark": str(round_marks(grade.max_mark)),
        "late_minutes": grade.late_minutes,
        "late_penalty_percent": str(round_marks(grade.late_penalty_percent)),
        "final_mark": str(round_marks(grade.final_mark)),
        "resubmission_requested_at": grade.resubmission_requested_at.isoformat()
        if grade.resubmission_requested_at
        else None,
    }


def _log(
    *, grade: Grade, kind: str, by: User, now: datetime, before: dict, after: dict
) -> GradeChange:
    change = GradeChange(
        grade=grade, kind=kind, changed_by=by, changed_at=now, before=before, after=after
    )
    change.full_clean(exclude=["grade", "changed_by"])
    change.save()
    return change


# --- Checks --------------------------------------------------------------------------------------


def _ensure_marker(*, assignment: Assignment, by: User) -> None:
    """Only the class's teachers (and school admins) mark, and nothing in an archived class
    changes."""
    if not permissions.can_mark(by, assignment.classroom):
        raise _refuse(_("Only the teachers of this class mark its essays."), "not_marker")
    if assignment.kind not in MARKED_KINDS:
        raise _refuse(_("Only essays are marked against a rubric."), "not_essay")
    if assignment.classroom.is_archived:
        raise _refuse(
            _("%(name)s is archived: nothing in it can be changed.")
            % {"name": assignment.classroom.name},
            "archived",
        )


def _locked_submission(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("assignment__classroom", "assignment__prompt", "student")
        .get(pk=submission.pk)
    )


def _latest_version(submission: Submission) -> SubmissionVersion:
    if not submission.is_submitted:
        raise _refuse(
            _("This essay has not been handed in yet, so there is nothing to mark."),
            "not_submitted",
        )
    return SubmissionVersion.objects.defer("text").get(
        submission=submission, number=submission.current_version
    )


def _rubric_criteria(rubric_id: int) -> list[Criterion]:
    return list(
        Criterion.objects.filter(rubric_id=rubric_id)
        .prefetch_related(Prefetch("levels", queryset=Level.objects.order_by("order")))
        .order_by("order")
    )


def _locked_grade(submission: Submission) -> Grade | None:
    return (
        Grade.objects.select_for_update(of=("self",))
        .select_related("version")
        .defer("version__text")
        .filter(submission=submission)
        .first()
    )


def _rows_of(grade: Grade | None) -> dict[int, CriterionGrade]:
    if grade is None or grade.pk is None:
        return {}
    return {
        row.criterion_id: row
        for row in CriterionGrade.objects.filter(grade=grade).select_related("level")
    }


def _check_marks(
    *, criteria: Sequence[Criterion], marks: Sequence[CriterionMark]
) -> dict[int, tuple[Level | None, Decimal | None, str]]:
    """Each criterion's level, marks and comment as given, checked against the rubric."""
    by_id = {criterion.pk: criterion for criterion in criteria}
    wanted: dict[int, tuple[Level | None, Decimal | None, str]] = {}
    for mark in marks:
        criterion = by_id.get(mark.criterion_id)
        if criterion is None:
            raise _refuse_field(
                "criteria",
                _("Criterion %(id)s is not part of this essay's rubric. Nothing was saved.")
                % {"id": mark.criterion_id},
                "wrong_rubric",
            )
        if mark.criterion_id in wanted:
            raise _refuse_field(
                "criteria",
                _("“%(title)s” was given twice. Nothing was saved.") % {"title": criterion.title},
                "duplicate",
            )
        if len(mark.comment) > MAX_CRITERION_COMMENT:
            raise _refuse_field(
                "criteria",
                _("The comment on “%(title)s” is over %(limit)s characters. Nothing was saved.")
                % {"title": criterion.title, "limit": f"{MAX_CRITERION_COMMENT:,}"},
                "too_long",
            )
        levels = list(criterion.levels.all())
        level = None
        marks_given = None
        if mark.level_id is not None:
            level = next((lv for lv in levels if lv.pk == mark.level_id), None)
            if level is None:
                raise _refuse_field(
                    "criteria",
                    _(
                        "That level is not one of the levels of “%(title)s” in this essay's "
                        "rubric. Nothing was saved."
                    )
                    % {"title": criterion.title},
                    "wrong_rubric",
                )
            marks_given = level.marks if mark.marks is None else mark.marks
            if not isinstance(marks_given, Decimal) or not marks_given.is_finite():
                raise _refuse_field("criteria", _("Marks must be a number."), "invalid")
            if not marks_in_band(marks=marks_given, level=level, levels=levels):
                above, top = level_band(level=level, levels=levels)
                raise _refuse_field(
                    "criteria",
                    (
                        _(
                            "%(marks)s is out of range for “%(level)s” on “%(title)s”: give more "
                            "than %(above)s and at most %(top)s. Nothing was saved."
                        )
                        if above is not None
                        else _(
                            "%(marks)s is out of range for “%(level)s” on “%(title)s”: give "
                            "between 0 and %(top)s. Nothing was saved."
                        )
                    )
                    % {
                        "marks": marks_given,
                        "level": level.title,
                        "title": criterion.title,
                        "above": above,
                        "top": top,
                    },
                    "out_of_range",
                )
            if marks_given != round_marks(marks_given):
                raise _refuse_field(
                    "criteria",
                    _("Marks have at most two decimal places. Nothing was saved."),
                    "invalid",
                )
            marks_given = round_marks(marks_given)
        elif mark.marks is not None:
            raise _refuse_field(
                "criteria",
                _("Choose a level for “%(title)s” before giving it marks. Nothing was saved.")
                % {"title": criterion.title},
                "no_level",
            )
        wanted[criterion.pk] = (level, marks_given, mark.comment)
    return wanted


# --- Saving a grade ------------------------------------------------------------------------------


def _apply(
    *,
    grade: Grade,
    criteria: Sequence[Criterion],
    rows: dict[int, CriterionGrade],
    wanted: dict[int, tuple[Level | None, Decimal | None, str]],
) -> tuple[dict[int, CriterionGrade], list[CriterionGrade], list[CriterionGrade]]:
    """The rows as they will be: (all rows by criterion, rows to write, rows to delete)."""
    new_rows: dict[int, CriterionGrade] = {}
    to_write: list[CriterionGrade] = []
    to_delete: list[CriterionGrade] = []
    for criterion in criteria:
        level, marks, comment = wanted.get(criterion.pk, (None, None, ""))
        row = rows.get(criterion.pk)
        if level is None and not comment:
            if row is not None:
                to_delete.append(row)
            continue
        if row is None:
            row = CriterionGrade(grade=grade, criterion=criterion)
        if (row.level_id, row.marks, row.comment) != (
            level.pk if level else None,
            marks,
            comment,
        ) or row.pk is None:
            row.level = level
            row.marks = marks
            row.comment = comment
            to_write.append(row)
        new_rows[criterion.pk] = row
    return new_rows, to_write, to_delete


def _compute(
    *, grade: Grade, criteria: Sequence[Criterion], rows: dict[int, CriterionGrade]
) -> None:
    assignment = grade.submission.assignment
    grade.max_mark = sum((criterion_max(c) for c in criteria), Decimal(0))
    grade.raw_mark = sum(
        (row.marks for row in rows.values() if row.level is not None and row.marks is not None),
        Decimal(0),
    )
    grade.late_penalty_percent = late_penalty_percent(
        assignment=assignment, minutes_late=grade.late_minutes
    )
    grade.final_mark = final_mark_for(
        raw_mark=grade.raw_mark, penalty_percent=grade.late_penalty_percent
    )


def _complete(criteria: Sequence[Criterion], rows: dict[int, CriterionGrade]) -> list[str]:
    """Titles of the criteria without a level yet."""
    return [c.title for c in criteria if rows.get(c.pk) is None or rows[c.pk].level is None]


@transaction.atomic
def grade_save(
    *,
    submission: Submission,
    by: User,
    criteria: Sequence[CriterionMark],
    overall_comment: str = "",
    ready: bool | None = None,
    revision: int | None = None,
    now: datetime,
    overall_mark: Decimal | None = None,
) -> Grade:
    """Save a submission's grade as the marker has it: every criterion's level, marks and
    comment (criteria left out have none), the overall comment and, with ``ready``, whether it
    is finished. The marks and penalty are computed here; a change appends to the history.

    ``revision`` is the grade revision the marker's page was based on (``None`` skips the
    check, 0 for a grade not yet started).

    A source-analysis task set without a rubric is marked with ``overall_mark`` (0 to the
    task's maximum; ``None`` for not yet) instead of ``criteria``.
    """
    submission = _locked_submission(submission)
    assignment = submission.assignment
    _ensure_marker(assignment=assignment, by=by)
    criteria = _overall_criteria(
        assignment=assignment, criteria=criteria, overall_mark=overall_mark
    )
    version = _latest_version(submission)
    if len(overall_comment) > MAX_OVERALL_COMMENT:
        raise _refuse_field(
            "overall_comment",
            _("The overall comment is over %(limit)s characters. Nothing was saved.")
            % {"limit": f"{MAX_OVERALL_COMMENT:,}"},
            "too_long",
        )
    grade = _locked_grade(submission)
    if grade is not None and revision is not None and revision != grade.revision:
        raise StaleGrade(grade)
    rubric_id = grade.rubric_id if grade is not None else assignment.marking_rubric_id
    rubric_criteria = _rubric_criteria(rubric_id)
    wanted = _check_marks(criteria=rubric_criteria, marks=criteria)

    created = grade is None
    if created:
        grade = Grade(
            submission=submission,
            rubric_id=rubric_id,
            version=version,
            created_at=now,
            updated_at=now,
            marker=by,
            revision=0,
        )
        before: dict = {}
        rows: dict[int, CriterionGrade] = {}
    else:
        grade.submission = submission
        rows = _rows_of(grade)
        before = _snapshot(grade, rows, rubric_criteria)

    kind = GradeChangeKind.CREATED if created else GradeChangeKind.UPDATED
    if grade.version_id != version.pk:
        # Marking a newer version: the old feedback goes back until this one is released.
        grade.version = version
        grade.status = GradeStatus.DRAFT
        if grade.released_at is not None:
            grade.released_at = None
            kind = GradeChangeKind.WITHDRAWN
    grade.overall_comment = overall_comment
    grade.late_minutes = marked_late_minutes(grade_or_none=grade, version=version)
    new_rows, to_write, to_delete = _apply(
        grade=grade, criteria=rubric_criteria, rows=rows, wanted=wanted
    )
    missing = _complete(rubric_criteria, new_rows)
    if ready is True:
        if missing:
            raise _refuse_field(
                "ready",
                _(
                    "Choose a level for every criterion before marking this ready (still to do: "
                    "%(missing)s). Your marking was not saved as ready."
                )
                % {"missing": ", ".join(missing)},
                "incomplete",
            )
        grade.status = GradeStatus.READY
    elif ready is False:
        if grade.released_at is not None:
            raise _refuse_field(
                "ready",
                _("This grade has been released; it cannot go back to being a draft."),
                "released",
            )
        grade.status = GradeStatus.DRAFT
    elif missing and grade.status == GradeStatus.READY:
        if grade.released_at is not None:
            raise _refuse_field(
                "criteria",
                _(
                    "A released grade keeps a level for every criterion (missing: %(missing)s). "
                    "Nothing was saved."
                )
                % {"missing": ", ".join(missing)},
                "incomplete",
            )
        grade.status = GradeStatus.DRAFT
    _compute(grade=grade, criteria=rubric_criteria, rows=new_rows)
    after = _snapshot(grade, new_rows, rubric_criteria)
    if after == before:
        return grade

    grade.revision += 1
    grade.updated_at = now
    grade.marker = by
    grade.full_clean(exclude=["submission", "rubric", "version", "marker"], validate_unique=False)
    grade.save()
    if to_delete:
        CriterionGrade.objects.filter(pk__in=[row.pk for row in to_delete]).delete()
    for row in to_write:
        row.grade = grade
        row.full_clean(exclude=["grade", "criterion", "level"], validate_constraints=False)
        row.save()
    _log(grade=grade, kind=kind, by=by, now=now, before=before, after=after)
    return grade


def _overall_criteria(
    *, assignment: Assignment, criteria: Sequence[CriterionMark], overall_mark: Decimal | None
) -> Sequence[CriterionMark]:
    """For a task marked with one overall mark, the mark as its one criterion's level and
    marks (checked to be from 0 to the task's maximum); other work keeps its criteria."""
    task = getattr(assignment, "analysis_task", None) if assignment.kind == "analysis" else None
    if task is None or not task.is_overall_mark:
        if overall_mark is not None:
            raise _refuse_field(
                "overall_mark",
                _("This work is marked with its rubric's criteria, not one overall mark."),
                "not_overall",
            )
        return criteria
    if overall_mark is None:
        return [mark for mark in criteria if mark.level_id is None]
    if not overall_mark.is_finite() or not 0 <= overall_mark <= task.max_mark:
        raise _refuse_field(
            "overall_mark",
            _("The mark must be from 0 to %(max)s. Nothing was saved.")
            % {"max": f"{task.max_mark.normalize():f}"},
            "out_of_range",
        )
    if overall_mark != round_marks(overall_mark):
        raise _refuse_field(
            "overall_mark",
            _("Give the mark to at most two decimal places. Nothing was saved."),
            "precision",
        )
    criterion = Criterion.objects.filter(rubric_id=task.rubric_id).first()
    level = Level.objects.filter(criterion=criterion).first()
    comment = next((m.comment for m in criteria if m.criterion_id == criterion.pk), "")
    return [
        CriterionMark(
            criterion_id=criterion.pk, level_id=level.pk, marks=overall_mark, comment=comment
        )
    ]


def _empty_grade(*, submission: Submission, by: User, now: datetime) -> Grade:
    """The submission's grade, started empty (and logged) if it has none."""
    grade = _locked_grade(submission)
    if grade is not None:
        grade.submission = submission
        return grade
    return grade_save(submission=submission, by=by, criteria=[], now=now)


# --- Releasing -----------------------------------------------------------------------------------


def _release(
    *,
    grade: Grade,
    by: User,
    now: datetime,
    resubmission: bool = False,
    resubmit_by: datetime | None = None,
) -> bool:
    """Release one grade (the grade and its submission already locked); False if it already
    was and nothing changed."""
    submission = grade.submission
    assignment = submission.assignment
    if grade.status != GradeStatus.READY:
        raise _refuse(
            _("This grade is not finished: mark it ready before releasing it."), "not_ready"
        )
    if grade.version.number != submission.current_version:
        raise _refuse(
            _(
                "A newer version was handed in after this was marked: mark version %(number)s "
                "before releasing."
            )
            % {"number": submission.current_version},
            "outdated",
        )
    rows = _rows_of(grade)
    criteria = _rubric_criteria(grade.rubric_id)
    before = _snapshot(grade, rows, criteria)
    if resubmission:
        if submission.status == SubmissionStatus.RESUBMISSION_REQUESTED:
            return False
        extension = Extension.objects.filter(
            assignment=assignment, student=submission.student
        ).first()
        deadline = deadline_for(assignment=assignment, extension=extension, now=now)
        due_at, _cutoff = effective_dates(assignment=assignment, extension=extension)
        if resubmit_by is not None:
            if resubmit_by <= now:
                raise _refuse_field(
                    "resubmit_by",
                    _("The date to hand in again by must be in the future."),
                    "invalid",
                )
            if resubmit_by > due_at:
                extension_grant(
                    assignment=assignment,
                    student=submission.student,
                    due_at=resubmit_by,
                    reason=_("Resubmission requested"),
                    by=by,
                    notify=False,  # the request to resubmit says so
                )
        elif not deadline.accepts_work:
            raise _refuse_field(
                "resubmit_by",
                _(
                    "The cut-off has passed for this student, so they could not hand in again: "
                    "give a date to hand in again by."
                ),
                "closed",
            )
        grade.resubmission_requested_at = now
        submission_request_resubmission(submission=submission)
        kind = GradeChangeKind.RESUBMISSION_REQUESTED
    else:
        if grade.released_at is not None and submission.status != SubmissionStatus.SUBMITTED:
            return False
        if submission.status == SubmissionStatus.SUBMITTED:
            submission_return(submission=submission)
        kind = GradeChangeKind.RELEASED
    if grade.released_at is None:
        grade.released_at = now
    grade.updated_at = now
    grade.revision += 1
    grade.full_clean(exclude=["submission", "rubric", "version", "marker"], validate_unique=False)
    grade.save()
    _log(
        grade=grade,
        kind=kind,
        by=by,
        now=now,
        before=before,
        after=_snapshot(grade, rows, criteria),
    )
    event_record(
        kind=(
            NotificationKind.RESUBMISSION_REQUESTED
            if resubmission
            else NotificationKind.FEEDBACK_RELEASED
        ),
        now=now,
        actor=by,
        subject=submission.student,
        assignment=assignment,
        submission=submission,
    )
    return True


@transaction.atomic
def grade_release(
    *,
    submission: Submission,
    by: User,
    now: datetime,
    resubmission: bool = False,
    resubmit_by: datetime | None = None,
) -> Grade:
    """Release a submission's finished grade to its student and return the essay to them.

    With ``resubmission`` the essay goes back with a request to revise it: the student's draft
    opens again. If the student's cut-off has passed, ``resubmit_by`` is needed, and becomes
    their extension; a later ``resubmit_by`` than their due date is granted as one too.
    Releasing again changes nothing.
    """
    submission = _locked_submission(submission)
    _ensure_marker(assignment=submission.assignment, by=by)
    grade = _locked_grade(submission)
    if grade is None:
        raise _refuse(_("This essay has not been marked yet."), "not_ready")
    grade.submission = submission
    _release(grade=grade, by=by, now=now, resubmission=resubmission, resubmit_by=resubmit_by)
    return grade


@transaction.atomic
def grades_release_all(*, assignment: Assignment, by: User, now: datetime) -> int:
    """Release every finished, unreleased grade of the assignment's latest versions; drafts and
    grades of superseded versions stay with the marker. Returns how many were released."""
    _ensure_marker(assignment=assignment, by=by)
    submissions = list(
        Submission.objects.select_for_update(of=("self",))
        .filter(
            assignment=assignment,
            status=SubmissionStatus.SUBMITTED,
            grade__status=GradeStatus.READY,
            grade__version__number=F("current_version"),
        )
        .select_related("assignment__classroom", "student")
        .order_by("pk")
    )
    released = 0
    grades = {
        grade.submission_id: grade
        for grade in Grade.objects.select_for_update(of=("self",))
        .select_related("version")
        .defer("version__text")
        .filter(submission__in=submissions)
    }
    for submission in submissions:
        grade = grades[submission.pk]
        grade.submission = submission
        if _release(grade=grade, by=by, now=now):
            released += 1
    return released


# --- Names ---------------------------------------------------------------------------------------


@transaction.atomic
def marking_reveal_names(*, assignment: Assignment, by: User, now: datetime) -> MarkingReveal:
    """Show the students' names on an anonymously marked assignment, from now on; recorded with
    who revealed them and when. Revealing again changes nothing."""
    if not permissions.can_mark(by, assignment.classroom):
        raise _refuse(_("Only the teachers of this class mark its essays."), "not_marker")
    if not assignment.anonymous_marking:
        raise _refuse(_("This assignment is not marked anonymously."), "not_anonymous")
    existing = MarkingReveal.objects.filter(assignment=assignment).first()
    if existing is not None:
        return existing
    reveal = MarkingReveal(assignment=assignment, revealed_by=by, revealed_at=now)
    reveal.full_clean(exclude=["assignment", "revealed_by"], validate_unique=False)
    reveal.save()
    return reveal


# --- Inline comments -----------------------------------------------------------------------------


@transaction.atomic
def inline_comment_add(
    *,
    submission: Submission,
    paragraph: int,
    start: int,
    end: int,
    quote: str,
    text: str,
    by: User,
    now: datetime,
) -> InlineComment:
    """Comment on a passage of the latest version: ``quote`` must be the paragraph's text from
    ``start`` to ``end`` (characters, as the paragraph reads)."""
    submission = _locked_submission(submission)
    _ensure_marker(assignment=submission.assignment, by=by)
    version = _latest_version(submission)
    text = text.strip()
    if not text:
        raise _refuse_field("text", _("Write the comment before adding it."), "required")
    if len(text) > MAX_INLINE_COMMENT:
        raise _refuse_field(
            "text",
            _("An inline comment is at most %(limit)s characters.")
            % {"limit": f"{MAX_INLINE_COMMENT:,}"},
            "too_long",
        )
    if not quote or len(quote) > MAX_QUOTE:
        raise _refuse_field(
            "quote",
            _("Select a passage of up to %(limit)s characters in one paragraph.")
            % {"limit": f"{MAX_QUOTE:,}"},
            "invalid",
        )
    paragraphs = version_paragraph_texts(
        version=SubmissionVersion.objects.get(pk=version.pk), assignment=submission.assignment
    )
    if not 1 <= paragraph <= len(paragraphs):
        raise _refuse_field(
            "paragraph",
            _("The essay has no paragraph %(number)s.") % {"number": paragraph},
            "invalid",
        )
    if not (0 <= start < end) or paragraphs[paragraph - 1][start:end] != quote:
        raise _refuse_field(
            "quote",
            _(
                "That passage is not at that place in paragraph %(number)s. Select it again; "
                "nothing was saved."
            )
            % {"number": paragraph},
            "not_found",
        )
    grade = _empty_grade(submission=submission, by=by, now=now)
    comment = InlineComment(
        version=version,
        paragraph=paragraph,
        start=start,
        end=end,
        quote=quote,
        text=text,
        author=by,
        created_at=now,
    )
    comment.full_clean(exclude=["version", "author"])
    comment.save()
    _log(
        grade=grade,
        kind=GradeChangeKind.INLINE_COMMENT_ADDED,
        by=by,
        now=now,
        before={},
        after={"paragraph": paragraph, "quote": quote, "text": text, "version": version.number},
    )
    return comment


@transaction.atomic
def inline_comment_delete(*, comment: InlineComment, by: User, now: datetime) -> None:
    """Remove an inline comment; the history keeps what it said."""
    submission = _locked_submission(comment.version.submission)
    _ensure_marker(assignment=submission.assignment, by=by)
    grade = _empty_grade(submission=submission, by=by, now=now)
    before = {
        "paragraph": comment.paragraph,
        "quote": comment.quote,
        "text": comment.text,
        "version": comment.version.number,
    }
    InlineComment.objects.filter(pk=comment.pk).delete()
    _log(
        grade=grade,
        kind=GradeChangeKind.INLINE_COMMENT_REMOVED,
        by=by,
        now=now,
        before=before,
        after={},
    )


# --- Comment bank --------------------------------------------------------------------------------


@transaction.atomic
def comment_bank_add(
    *, owner: User, text: str, criterion_tag: str = "", now: datetime
) -> CommentBankEntry:
    """Save a comment to the teacher's bank; the same comment saved again is the same entry."""
    if not permissions.can_keep_comment_bank(owner):
        raise _refuse(_("Only teachers keep a comment bank."), "not_teacher")
    text = text.strip()
    criterion_tag = criterion_tag.strip()
    if not text:
        raise _refuse_field("text", _("Write the comment before saving it."), "required")
    if len(text) > MAX_BANK_COMMENT:
        raise _refuse_field(
            "text",
            _("A saved comment is at most %(limit)s characters.")
            % {"limit": f"{MAX_BANK_COMMENT:,}"},
            "too_long",
        )
    if len(criterion_tag) > MAX_BANK_TAG:
        raise _refuse_field("criterion_tag", _("The criterion name is too long."), "too_long")
    existing = CommentBankEntry.objects.filter(
        owner=owner, text=text, criterion_tag=criterion_tag
    ).first()
    if existing is not None:
        return existing
    entry = CommentBankEntry(owner=owner, text=text, criterion_tag=criterion_tag, created_at=now)
    entry.full_clean(exclude=["owner"])
    entry.save()
    return entry


@transaction.atomic
def comment_bank_delete(*, entry: CommentBankEntry, by: User) -> None:
    """Remove a comment from its owner's bank (comments already given keep their text)."""
    if entry.owner_id != by.pk:
        raise _refuse(_("Only its owner removes a saved comment."), "not_owner")
    CommentBankEntry.objects.filter(pk=entry.pk).delete()
