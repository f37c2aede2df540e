"""Reads for marking: the marking queue, the marking page, the gradebook, statistics and
feedback, each in a fixed number of queries whatever the number of students or assignments.

Anonymous marking: while an assignment is marked anonymously and its names have not been
revealed, every marking page and export shows each student as a pseudonym ("Student 7F3K"),
derived from a keyed hash of the assignment and the student with ``SECRET_KEY``, so it is the
same on every page and in every export, differs between assignments and cannot be turned back
into a name without the key. Four characters are used, more for the rare students of one
assignment whose first four collide, so each pseudonym in an assignment is unique.
"""

from __future__ import annotations

import hashlib
import hmac
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from courseware import permissions
from courseware.models import (
    Assignment,
    AssignmentKind,
    Classroom,
    CommentBankEntry,
    Criterion,
    CriterionGrade,
    Extension,
    Grade,
    GradeChange,
    GradeStatus,
    InlineComment,
    Level,
    MarkingReveal,
    Membership,
    MembershipRole,
    QuizAttempt,
    Submission,
    SubmissionVersion,
)
from courseware.models.teaching import MARKED_KINDS
from courseware.rendering import RenderedEssay, render_essay
from courseware.selectors.originality import QueueOriginality, queue_originality
from courseware.selectors.submissions import citable_readings
from courseware.timing import Deadline, deadline_for, late_penalty_percent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

TWO_PLACES = Decimal("0.01")

# --- Pseudonyms ----------------------------------------------------------------------------------

# Crockford's base 32: no I, L, O or U, so a pseudonym read aloud or copied is not misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PSEUDONYM_LENGTH = 4


def _code(assignment_id: int, student_id: int) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"lectern-marking:{assignment_id}:{student_id}".encode(),
        hashlib.sha256,
    ).digest()
    number = int.from_bytes(digest[:10], "big")
    code = []
    for _position in range(16):
        number, digit = divmod(number, 32)
        code.append(ALPHABET[digit])
    return "".join(code)


def pseudonyms_for(*, assignment_id: int, student_ids) -> dict[int, str]:
    """Each student's pseudonym on the assignment: unique among ``student_ids`` (everyone who
    may appear on its pages)."""
    codes = {sid: _code(assignment_id, sid) for sid in set(student_ids)}
    length = dict.fromkeys(codes, PSEUDONYM_LENGTH)
    while True:
        seen = Counter(code[: length[sid]] for sid, code in codes.items())
        clashing = [sid for sid, code in codes.items() if seen[code[: length[sid]]] > 1]
        if not clashing:
            break
        for sid in clashing:
            length[sid] += 1
    return {sid: f"Student {code[: length[sid]]}" for sid, code in codes.items()}


def names_hidden(assignment: Assignment, reveal: MarkingReveal | None) -> bool:
    return assignment.anonymous_marking and reveal is None


def assignment_reveal(*, assignment: Assignment) -> MarkingReveal | None:
    return MarkingReveal.objects.filter(assignment=assignment).select_related("revealed_by").first()


def _people_of(assignment: Assignment) -> set[int]:
    """Everyone who may appear on an assignment's marking pages: its class's students and anyone
    with an essay for it (one query)."""
    return set(
        Membership.objects.filter(
            classroom_id=assignment.classroom_id, role=MembershipRole.STUDENT
        ).values_list("user_id", flat=True)
    ) | set(Submission.objects.filter(assignment=assignment).values_list("student_id", flat=True))


def student_labels(*, assignment: Assignment, hidden: bool, students: list[User]) -> dict[int, str]:
    """How each student is shown on the assignment's marking pages: name or pseudonym."""
    if not hidden:
        return {student.pk: student.name for student in students}
    return pseudonyms_for(assignment_id=assignment.pk, student_ids=_people_of(assignment))


# --- Getting things the user may mark ------------------------------------------------------------


def essay_assignment_get_for_marker(*, user: User | AnonymousUser, pk: int) -> Assignment:
    """An essay assignment the user marks (a teacher of its class, or a school admin); 404 for
    anything else, missing or not theirs alike."""
    if not user.is_authenticated:
        raise Http404
    assignment = (
        Assignment.objects.select_related("classroom__course", "prompt__rubric", "analysis_task")
        .filter(pk=pk, kind__in=MARKED_KINDS)
        .first()
    )
    if assignment is None or not permissions.can_mark(user, assignment.classroom):
        raise Http404
    return assignment


def classroom_get_for_marker(*, user: User | AnonymousUser, pk: int) -> Classroom:
    """A class whose gradebook the user keeps; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    classroom = Classroom.objects.select_related("course").filter(pk=pk).first()
    if classroom is None or not permissions.can_mark(user, classroom):
        raise Http404
    return classroom


_SUBMISSION_JOINS = (
    "student",
    "assignment__classroom__course",
    "assignment__prompt__rubric",
    "assignment__analysis_task",
)


def submission_get_for_marker(*, user: User | AnonymousUser, pk: int) -> Submission:
    """A handed-in essay the user marks; 404 for anything else (drafts included: a draft is
    private to its writer)."""
    if not user.is_authenticated:
        raise Http404
    submission = (
        Submission.objects.select_related(*_SUBMISSION_JOINS)
        .defer("draft_text")
        .filter(pk=pk, current_version__gte=1)
        .first()
    )
    if submission is None or not permissions.can_mark(user, submission.assignment.classroom):
        raise Http404
    return submission


def grade_get_for(*, user: User | AnonymousUser, submission_pk: int) -> Grade:
    """A submission's grade, if the user may see it: its student once released, the class's
    teachers and school admins at any stage; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    grade = (
        Grade.objects.select_related(
            *(f"submission__{join}" for join in _SUBMISSION_JOINS), "version", "marker", "rubric"
        )
        # ``submission__pk``, not ``submission_id``: Django answers "no match" for an id too large
        # for the column only on a primary key's own lookup; on a foreign key SQLite overflows.
        .filter(submission__pk=submission_pk)
        .first()
    )
    if grade is None or not permissions.can_view_grade(user, grade):
        raise Http404
    return grade


def inline_comment_get_for_marker(*, user: User | AnonymousUser, pk: int) -> InlineComment:
    if not user.is_authenticated:
        raise Http404
    comment = (
        InlineComment.objects.select_related(
            "version__submission__assignment__classroom", "version__submission__student"
        )
        .defer("version__text")
        .filter(pk=pk)
        .first()
    )
    if comment is None or not permissions.can_mark(
        user, comment.version.submission.assignment.classroom
    ):
        raise Http404
    return comment


# --- Essays as marked ----------------------------------------------------------------------------


class _ParagraphText(HTMLParser):
    """The text of each numbered paragraph of a rendered essay, as a reader sees it: without the
    cited passages that citations show on hover."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._depth = 0  # elements open inside the current numbered paragraph
        self._hidden_at: int | None = None
        self._current: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._current is None:
            if tag == "p" and "essay-paragraph" in (attributes.get("class") or "").split():
                self._current = []
                self._depth = 0
            return
        if tag in ("br", "hr", "wbr"):
            # Void elements: no text of their own, as a browser's text nodes have none.
            return
        self._depth += 1
        if (
            self._hidden_at is None
            and "citation-passage" in (attributes.get("class") or "").split()
        ):
            self._hidden_at = self._depth

    def handle_endtag(self, tag):
        if self._current is None:
            return
        if self._depth == 0 and tag == "p":
            self.paragraphs.append("".join(self._current))
            self._current = None
            return
        if self._hidden_at == self._depth:
            self._hidden_at = None
        self._depth -= 1

    def handle_data(self, data):
        if self._current is not None and self._hidden_at is None:
            self._current.append(data)


def paragraph_texts(html: str) -> list[str]:
    """The reader's text of each numbered paragraph of an essay rendered with numbers."""
    parser = _ParagraphText()
    parser.feed(html)
    parser.close()
    return parser.paragraphs


def render_version(*, version: SubmissionVersion, assignment: Assignment) -> RenderedEssay:
    """A handed-in version as marked and as fed back: numbered paragraphs, citations resolved."""
    return render_essay(
        version.text,
        citable=citable_readings(assignment=assignment),
        id_prefix=f"v{version.number}",
        number_paragraphs=True,
    )


def version_paragraph_texts(*, version: SubmissionVersion, assignment: Assignment) -> list[str]:
    return paragraph_texts(str(render_version(version=version, assignment=assignment).html))


def marked_late_minutes(*, grade_or_none: Grade | None, version: SubmissionVersion) -> int:
    """How late a version was for its student: ``deadline_for`` at the moment it was handed in,
    with the student's extension as it stands now (one granted afterwards counts). Frozen at
    the grade's figure once a resubmission was requested."""
    if grade_or_none is not None and grade_or_none.resubmission_requested_at is not None:
        return grade_or_none.late_minutes
    submission = version.submission
    extension = Extension.objects.filter(
        assignment_id=submission.assignment_id, student_id=submission.student_id
    ).first()
    return deadline_for(
        assignment=submission.assignment, extension=extension, now=version.submitted_at
    ).minutes_late


# --- The marking queue ---------------------------------------------------------------------------


class QueueState(StrEnum):
    NOT_SUBMITTED = "not_submitted"
    TO_MARK = "to_mark"
    MARKED = "marked"
    RELEASED = "released"


QUEUE_SORTS = ("name", "submitted", "late", "mark", "status")


@dataclass
class QueueRow:
    student: User
    label: str
    submission: Submission | None
    grade: Grade | None
    extension: Extension | None
    deadline: Deadline
    state: QueueState
    minutes_late: int = 0
    resubmitted: bool = False
    url: str = ""
    originality: QueueOriginality | None = None

    @property
    def in_progress(self) -> bool:
        return self.grade is not None and self.state == QueueState.TO_MARK

    @property
    def days_late(self) -> int:
        return -(-self.minutes_late // (24 * 60))

    @property
    def days_late_label(self) -> str:
        return ngettext("%(n)s day late", "%(n)s days late", self.days_late) % {"n": self.days_late}


@dataclass
class MarkingQueue:
    assignment: Assignment
    rows: list[QueueRow]
    counts: dict[str, int]
    hidden: bool
    reveal: MarkingReveal | None
    show: str
    sort: str
    releasable: int = 0
    first_to_mark: int | None = None  # the first essay to mark, in the queue's name order


def _state(submission: Submission | None, grade: Grade | None) -> tuple[QueueState, bool]:
    if submission is None or not submission.is_submitted:
        return QueueState.NOT_SUBMITTED, False
    if grade is None:
        return QueueState.TO_MARK, False
    outdated = grade.version.number != submission.current_version
    if outdated or grade.status != GradeStatus.READY:
        return QueueState.TO_MARK, outdated
    if grade.released_at is not None:
        return QueueState.RELEASED, False
    return QueueState.MARKED, False


def _sort_key(sort: str):
    order = list(QueueState)
    if sort == "submitted":
        return lambda r: (
            r.submission is None or r.submission.submitted_at is None,
            r.submission.submitted_at if r.submission and r.submission.submitted_at else 0,
            r.label.casefold(),
        )
    if sort == "late":
        return lambda r: (-r.minutes_late, r.label.casefold())
    if sort == "mark":
        return lambda r: (
            r.grade is None,
            -(r.grade.final_mark if r.grade is not None else 0),
            r.label.casefold(),
        )
    if sort == "status":
        return lambda r: (order.index(r.state), r.label.casefold())
    return lambda r: (r.label.casefold(), r.student.pk)


def marking_queue(
    *, assignment: Assignment, now: datetime, show: str = "", sort: str = "name"
) -> MarkingQueue:
    """Every student of the class (and anyone else with an essay for it) with where their essay
    stands, late flags, extensions and the originality check (peer overlap flagged), filtered by
    ``show`` and sorted by ``sort``; six queries whatever the class size."""
    reveal = assignment_reveal(assignment=assignment)
    hidden = names_hidden(assignment, reveal)
    submissions = {
        s.student_id: s
        for s in Submission.objects.filter(assignment=assignment)
        .select_related("grade__version")
        .defer("draft_text", "grade__version__text", "grade__overall_comment")
    }
    students = {
        user.pk: user
        for user in User.objects.filter(
            Q(
                pk__in=Membership.objects.filter(
                    classroom_id=assignment.classroom_id, role=MembershipRole.STUDENT
                ).values("user_id")
            )
            | Q(pk__in=Submission.objects.filter(assignment=assignment).values("student_id"))
        ).only("pk", "username", "display_name", "first_name", "last_name")
    }
    extensions = {e.student_id: e for e in Extension.objects.filter(assignment=assignment)}
    originality = queue_originality(assignment=assignment)
    if hidden:
        labels = pseudonyms_for(assignment_id=assignment.pk, student_ids=students)
    else:
        labels = {sid: student.name for sid, student in students.items()}

    rows = []
    for sid, student in students.items():
        submission = submissions.get(sid)
        grade = getattr(submission, "grade", None) if submission is not None else None
        extension = extensions.get(sid)
        state, outdated = _state(submission, grade)
        if submission is not None and submission.is_submitted:
            if grade is not None and grade.resubmission_requested_at is not None:
                minutes_late = grade.late_minutes
            else:
                minutes_late = deadline_for(
                    assignment=assignment, extension=extension, now=submission.submitted_at
                ).minutes_late
        else:
            minutes_late = 0
        rows.append(
            QueueRow(
                student=student,
                label=labels[sid],
                submission=submission,
                grade=grade,
                extension=extension,
                deadline=deadline_for(assignment=assignment, extension=extension, now=now),
                state=state,
                minutes_late=minutes_late,
                resubmitted=outdated,
                originality=originality.get(submission.pk) if submission is not None else None,
            )
        )
    counts = Counter(row.state.value for row in rows)
    counts["all"] = len(rows)
    releasable = sum(
        1
        for row in rows
        if row.state == QueueState.MARKED
        and row.submission is not None
        and row.submission.status == "submitted"
    )
    rows.sort(key=_sort_key("name"))
    first_to_mark = next(
        (row.submission.pk for row in rows if row.state == QueueState.TO_MARK), None
    )
    if show in {state.value for state in QueueState}:
        rows = [row for row in rows if row.state == show]
    else:
        show = ""
    sort = sort if sort in QUEUE_SORTS else "name"
    rows.sort(key=_sort_key(sort))
    return MarkingQueue(
        assignment=assignment,
        rows=rows,
        counts=dict(counts),
        hidden=hidden,
        reveal=reveal,
        show=show,
        sort=sort,
        releasable=releasable,
        first_to_mark=first_to_mark,
    )


# --- The marking page ----------------------------------------------------------------------------


@dataclass
class LevelChoice:
    level: Level
    above: Decimal | None  # marks must be more than this (None: from 0)
    chosen: bool = False


@dataclass
class CriterionRow:
    criterion: Criterion
    levels: list[LevelChoice]
    max_marks: Decimal
    grade: CriterionGrade | None = None

    @property
    def chosen(self) -> Level | None:
        return self.grade.level if self.grade is not None else None


@dataclass
class MarkingPage:
    submission: Submission
    assignment: Assignment
    version: SubmissionVersion
    rendered: RenderedEssay
    criteria: list[CriterionRow]
    grade: Grade | None
    inline_comments: list[InlineComment]
    changes: list[GradeChange]
    label: str
    hidden: bool
    previous_id: int | None
    next_id: int | None
    position: int
    total: int
    minutes_late: int
    penalty_percent: Decimal
    extension: Extension | None
    max_mark: Decimal


def rubric_id_for(*, submission: Submission) -> int:
    """The rubric a submission is marked against: its grade's, else its prompt's now."""
    graded = Grade.objects.filter(submission=submission).values_list("rubric_id", flat=True)
    return graded.first() or submission.assignment.marking_rubric_id


def rubric_rows(*, rubric_id: int, grade: Grade | None = None) -> list[CriterionRow]:
    """A rubric's criteria with their levels, highest first, and the grade's choices (two
    queries, three with a grade)."""
    criteria = list(
        Criterion.objects.filter(rubric_id=rubric_id)
        .prefetch_related(Prefetch("levels", queryset=Level.objects.order_by("-marks", "order")))
        .order_by("order")
    )
    chosen: dict[int, CriterionGrade] = {}
    if grade is not None and grade.pk is not None:
        chosen = {
            row.criterion_id: row
            for row in CriterionGrade.objects.filter(grade=grade).select_related("level")
        }
    rows = []
    for criterion in criteria:
        levels = list(criterion.levels.all())
        row_grade = chosen.get(criterion.pk)
        choices = []
        for level in levels:
            lower = [other.marks for other in levels if other.marks < level.marks]
            choices.append(
                LevelChoice(
                    level=level,
                    above=max(lower) if lower else None,
                    chosen=row_grade is not None and row_grade.level_id == level.pk,
                )
            )
        rows.append(
            CriterionRow(
                criterion=criterion,
                levels=choices,
                max_marks=max((lv.marks for lv in levels), default=Decimal(0)),
                grade=row_grade,
            )
        )
    return rows


def _neighbours(*, assignment: Assignment, submission: Submission, labels: dict[int, str]):
    """The handed-in essays before and after this one in the queue's order (by name or
    pseudonym), and where this one stands."""
    handed_in = list(
        Submission.objects.filter(assignment=assignment, current_version__gte=1).values_list(
            "pk", "student_id"
        )
    )
    handed_in.sort(key=lambda pair: (labels.get(pair[1], "").casefold(), pair[1]))
    ids = [pk for pk, _student in handed_in]
    index = ids.index(submission.pk)
    previous_id = ids[index - 1] if index > 0 else None
    next_id = ids[index + 1] if index + 1 < len(ids) else None
    return previous_id, next_id, index + 1, len(ids)


def marking_page(*, submission: Submission) -> MarkingPage:
    """Everything the marking page shows for one handed-in essay, in a fixed number of
    queries."""
    assignment = submission.assignment
    version = SubmissionVersion.objects.get(
        submission=submission, number=submission.current_version
    )
    version.submission = submission
    grade = (
        Grade.objects.select_related("version", "marker")
        .defer("version__text")
        .filter(submission=submission)
        .first()
    )
    rubric_id = grade.rubric_id if grade is not None else assignment.marking_rubric_id
    criteria = rubric_rows(rubric_id=rubric_id, grade=grade)
    reveal = assignment_reveal(assignment=assignment)
    hidden = names_hidden(assignment, reveal)
    if hidden:
        labels = pseudonyms_for(assignment_id=assignment.pk, student_ids=_people_of(assignment))
    else:
        labels = dict(
            (student.pk, student.name)
            for student in User.objects.filter(
                pk__in=Submission.objects.filter(
                    assignment=assignment, current_version__gte=1
                ).values("student_id")
            )
        )
    previous_id, next_id, position, total = _neighbours(
        assignment=assignment, submission=submission, labels=labels
    )
    extension = Extension.objects.filter(
        assignment=assignment, student_id=submission.student_id
    ).first()
    minutes_late = marked_late_minutes(
        grade_or_none=grade if grade is not None and grade.version_id == version.pk else None,
        version=version,
    )
    changes = []
    if grade is not None:
        changes = list(grade.changes.select_related("changed_by").order_by("-changed_at", "-pk"))
        for change in changes:
            change.summary = change_summary(change)
    return MarkingPage(
        submission=submission,
        assignment=assignment,
        version=version,
        rendered=render_version(version=version, assignment=assignment),
        criteria=criteria,
        grade=grade,
        inline_comments=list(
            version.inline_comments.select_related("author").order_by("paragraph", "start", "pk")
        ),
        changes=changes,
        label=labels.get(submission.student_id, submission.student.name),
        hidden=hidden,
        previous_id=previous_id,
        next_id=next_id,
        position=position,
        total=total,
        minutes_late=minutes_late,
        penalty_percent=late_penalty_percent(assignment=assignment, minutes_late=minutes_late),
        extension=extension,
        max_mark=sum((row.max_marks for row in criteria), Decimal(0)),
    )


def _mark_text(value: str | None) -> str:
    if value is None:
        return "—"
    number = Decimal(value)
    return str(int(number)) if number == number.to_integral_value() else format(number, "f")


def change_summary(change: GradeChange) -> list[str]:
    """What a change did, in a few lines a teacher can scan: levels, marks, comments, status."""
    before, after = change.before or {}, change.after or {}
    if change.kind == "inline_comment_added":
        return [
            f"¶{after.get('paragraph')} “{after.get('quote', '')[:60]}”: {after.get('text', '')}"
        ]
    if change.kind == "inline_comment_removed":
        return [
            f"¶{before.get('paragraph')} “{before.get('quote', '')[:60]}”: {before.get('text', '')}"
        ]
    lines = []
    if change.kind == "resubmission_requested":
        lines.append(_("Returned with a request to resubmit"))
    elif change.kind == "released":
        lines.append(_("Released to the student"))
    elif change.kind == "withdrawn":
        lines.append(
            _("Taken back from the student to mark version %(n)s") % {"n": after.get("version")}
        )
    if before.get("status") != after.get("status") and before:
        lines.append(
            _("Status: %(before)s → %(after)s")
            % {
                "before": GradeStatus(before["status"]).label,
                "after": GradeStatus(after["status"]).label,
            }
        )
    old_criteria = {c["criterion"]: c for c in before.get("criteria", [])}
    for criterion in after.get("criteria", []):
        old = old_criteria.get(criterion["criterion"], {})
        if (
            old.get("level_title") != criterion["level_title"]
            or old.get("marks") != criterion["marks"]
        ):
            if criterion["level_title"] or old.get("level_title"):
                lines.append(
                    f"{criterion['title']}: {old.get('level_title') or '—'} "
                    f"({_mark_text(old.get('marks'))}) → {criterion['level_title'] or '—'} "
                    f"({_mark_text(criterion['marks'])})"
                )
        if old.get("comment", "") != criterion["comment"]:
            lines.append(_("%(title)s: comment edited") % {"title": criterion["title"]})
    if before.get("overall_comment", "") != after.get("overall_comment", ""):
        lines.append(_("Overall comment edited"))
    if before.get("final_mark") != after.get("final_mark"):
        lines.append(
            _("Final mark: %(before)s → %(after)s")
            % {
                "before": _mark_text(before.get("final_mark")),
                "after": _mark_text(after.get("final_mark")),
            }
        )
    return lines or [_("No visible change")]


# --- Feedback ------------------------------------------------------------------------------------


@dataclass
class Feedback:
    grade: Grade
    submission: Submission
    assignment: Assignment
    criteria: list[CriterionRow]
    inline_comments: list[InlineComment]
    rendered: RenderedEssay
    version: SubmissionVersion


def feedback_for(*, grade: Grade) -> Feedback:
    """A grade as its student reads it: the rubric with the levels chosen, the comments, the
    inline comments on the version marked and that version's text."""
    submission = grade.submission
    version = SubmissionVersion.objects.get(pk=grade.version_id)
    return Feedback(
        grade=grade,
        submission=submission,
        assignment=submission.assignment,
        criteria=rubric_rows(rubric_id=grade.rubric_id, grade=grade),
        inline_comments=list(
            InlineComment.objects.filter(version_id=grade.version_id).order_by(
                "paragraph", "start", "pk"
            )
        ),
        rendered=render_version(version=version, assignment=submission.assignment),
        version=version,
    )


def released_grade_for_student(*, submission: Submission) -> Grade | None:
    """The submission's grade if it has been released (for its student's pages)."""
    return (
        Grade.objects.filter(submission=submission, released_at__isnull=False)
        .select_related("version")
        .only(
            "pk",
            "final_mark",
            "max_mark",
            "released_at",
            "submission_id",
            "status",
            "version__number",
        )
        .first()
    )


def student_grades(*, student: User, with_criteria: bool = False) -> list[Grade]:
    """A student's released grades, newest first, with their assignments and classes (one
    query; two with each grade's criteria)."""
    return list(released_grades_for(student=student, with_criteria=with_criteria))


def released_grades_for(*, student: User, with_criteria: bool = False) -> QuerySet[Grade]:
    """``student_grades`` as a query, for a list to take a page of."""
    grades = (
        Grade.objects.filter(submission__student=student, released_at__isnull=False)
        .select_related("submission__assignment__classroom", "version")
        .defer("version__text", "submission__draft_text")
        .order_by("-released_at", "-pk")
    )
    if with_criteria:
        grades = grades.prefetch_related(_CRITERION_GRADES)
    return grades


_CRITERION_GRADES = Prefetch(
    "criterion_grades",
    queryset=CriterionGrade.objects.select_related("level").order_by("criterion__order"),
)


def grades_for_submission(*, submission_id: int) -> Grade:
    """A submission's grade with its criteria, as the API shows it."""
    return (
        Grade.objects.select_related("version")
        .defer("version__text")
        .prefetch_related(_CRITERION_GRADES)
        .get(submission_id=submission_id)
    )


def inline_comments_of(*, version_id: int) -> list[InlineComment]:
    return list(InlineComment.objects.filter(version_id=version_id).order_by("paragraph", "start"))


def inline_comments_of_latest(*, submission: Submission) -> list[InlineComment]:
    """Inline comments on the version of a submission handed in last."""
    return list(
        InlineComment.objects.filter(
            version__submission=submission, version__number=submission.current_version
        ).order_by("paragraph", "start", "pk")
    )


# --- Comment bank --------------------------------------------------------------------------------


def comment_bank_for(
    *, owner: User, query: str = "", criterion_tag: str = "", limit: int = 200
) -> list[CommentBankEntry]:
    """A teacher's saved comments whose text or criterion holds ``query``, those tagged with
    ``criterion_tag`` first."""
    entries = CommentBankEntry.objects.filter(owner=owner)
    for word in query.split()[:8]:
        entries = entries.filter(Q(text__icontains=word) | Q(criterion_tag__icontains=word))
    found = list(entries.order_by("criterion_tag", "text")[:limit])
    if criterion_tag:
        found.sort(key=lambda e: e.criterion_tag.casefold() != criterion_tag.casefold())
    return found


def comment_bank_entry_get_for(*, user: User | AnonymousUser, pk: int) -> CommentBankEntry:
    """One of the user's own saved comments; 404 for anyone else's."""
    if not user.is_authenticated:
        raise Http404
    entry = CommentBankEntry.objects.filter(pk=pk, owner=user).first()
    if entry is None:
        raise Http404
    return entry


# --- Gradebook -----------------------------------------------------------------------------------


class CellState(StrEnum):
    NONE = "none"  # nothing handed in
    TO_MARK = "to_mark"
    DRAFT = "draft"
    READY = "ready"
    RELEASED = "released"
    QUIZ = "quiz"
    HIDDEN = "hidden"  # anonymous marking, names not revealed


COUNTED = {CellState.READY, CellState.RELEASED, CellState.QUIZ}


@dataclass
class GradebookCell:
    state: CellState
    mark: Decimal | None = None
    out_of: Decimal | None = None
    submission_id: int | None = None
    url: str = ""

    @property
    def counted(self) -> bool:
        return self.state in COUNTED and self.mark is not None

    @property
    def percent(self) -> Decimal | None:
        if self.mark is None or not self.out_of:
            return None
        return _percent(self.mark, self.out_of)


@dataclass
class GradebookColumn:
    assignment: Assignment
    out_of: Decimal
    hidden: bool
    marks: list[Decimal] = field(default_factory=list)
    percents: list[Decimal] = field(default_factory=list)
    hidden_count: int = 0

    @property
    def average(self) -> Decimal | None:
        return _mean(self.marks)

    @property
    def average_percent(self) -> Decimal | None:
        return _mean(self.percents)

    @property
    def count(self) -> int:
        return len(self.marks) if not self.hidden else self.hidden_count


@dataclass
class GradebookRow:
    student: User
    cells: list[GradebookCell]
    total: Decimal = Decimal(0)
    out_of: Decimal = Decimal(0)

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.total, self.out_of) if self.out_of else None

    @property
    def counted(self) -> int:
        return sum(1 for cell in self.cells if cell.counted)


@dataclass
class Gradebook:
    classroom: Classroom
    columns: list[GradebookColumn]
    rows: list[GradebookRow]

    @property
    def average_percent(self) -> Decimal | None:
        return _mean([row.percent for row in self.rows if row.percent is not None])

    @property
    def any_hidden(self) -> bool:
        return any(column.hidden for column in self.columns)


def _percent(mark: Decimal, out_of: Decimal) -> Decimal:
    return (Decimal(100) * mark / out_of).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _mean(values) -> Decimal | None:
    values = list(values)
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _rubric_maxima(rubric_ids) -> dict[int, Decimal]:
    """Each rubric's total: the sum of its criteria's highest levels (one query)."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for row in (
        Level.objects.filter(criterion__rubric_id__in=rubric_ids)
        .values("criterion_id", "criterion__rubric_id")
        .annotate(top=Max("marks"))
    ):
        totals[row["criterion__rubric_id"]] += row["top"]
    return dict(totals)


def gradebook(*, classroom: Classroom) -> Gradebook:
    """The class's students × its live essays and quizzes: each essay's grade (final mark, and
    where it stands) and each quiz's best score, with totals and averages; seven queries
    whatever the size. Only finished marks count towards totals and averages. An anonymously
    marked essay whose names are not revealed shows no marks by name."""
    students = sorted(
        (
            m.user
            for m in Membership.objects.filter(
                classroom=classroom, role=MembershipRole.STUDENT
            ).select_related("user")
        ),
        key=lambda user: (user.name.casefold(), user.username),
    )
    assignments = list(
        Assignment.objects.live()
        .filter(classroom=classroom, kind__in=[*MARKED_KINDS, AssignmentKind.QUIZ])
        .select_related("prompt", "analysis_task", "marking_reveal")
        .annotate(question_count=Count("quiz__questions"))
        .order_by("due_at", "pk")
    )
    essay_ids = [a.pk for a in assignments if a.kind in MARKED_KINDS]
    quiz_ids = [a.pk for a in assignments if a.kind == AssignmentKind.QUIZ]
    maxima = _rubric_maxima({a.marking_rubric_id for a in assignments if a.kind in MARKED_KINDS})

    essays: dict[tuple[int, int], dict] = {
        (row["assignment_id"], row["student_id"]): row
        for row in Submission.objects.filter(
            assignment_id__in=essay_ids, current_version__gte=1
        ).values(
            "pk",
            "assignment_id",
            "student_id",
            "current_version",
            "grade__final_mark",
            "grade__max_mark",
            "grade__status",
            "grade__released_at",
            "grade__version__number",
        )
    }
    quizzes: dict[tuple[int, int], dict] = {
        (row["assignment_id"], row["student_id"]): row
        for row in QuizAttempt.objects.filter(
            assignment_id__in=quiz_ids, submitted_at__isnull=False
        )
        .values("assignment_id", "student_id")
        .annotate(best=Max("score"), out_of=Max("max_score"))
    }

    columns = []
    for assignment in assignments:
        if assignment.kind in MARKED_KINDS:
            out_of = maxima.get(assignment.marking_rubric_id, Decimal(0))
            hidden = assignment.anonymous_marking and not _has_reveal(assignment)
        else:
            out_of = Decimal(assignment.question_count)
            hidden = False
        columns.append(GradebookColumn(assignment=assignment, out_of=out_of, hidden=hidden))

    rows = []
    for student in students:
        row = GradebookRow(student=student, cells=[])
        for column in columns:
            cell = _cell(column, essays, quizzes, student.pk)
            row.cells.append(cell)
            if column.hidden:
                if cell.state in (CellState.READY, CellState.RELEASED):
                    column.hidden_count += 1
                row.cells[-1] = GradebookCell(state=CellState.HIDDEN)
                continue
            if cell.counted:
                row.total += cell.mark
                row.out_of += cell.out_of or Decimal(0)
                column.marks.append(cell.mark)
                if cell.percent is not None:
                    column.percents.append(cell.percent)
        rows.append(row)
    return Gradebook(classroom=classroom, columns=columns, rows=rows)


def _has_reveal(assignment: Assignment) -> bool:
    try:
        return assignment.marking_reveal is not None
    except MarkingReveal.DoesNotExist:
        return False


def _cell(column: GradebookColumn, essays, quizzes, student_id: int) -> GradebookCell:
    assignment = column.assignment
    key = (assignment.pk, student_id)
    if assignment.kind == AssignmentKind.QUIZ:
        attempt = quizzes.get(key)
        if attempt is None:
            return GradebookCell(state=CellState.NONE, out_of=column.out_of)
        out_of = Decimal(attempt["out_of"] or column.out_of)
        return GradebookCell(state=CellState.QUIZ, mark=Decimal(attempt["best"]), out_of=out_of)
    essay = essays.get(key)
    if essay is None:
        return GradebookCell(state=CellState.NONE, out_of=column.out_of)
    if essay["grade__status"] is None:
        return GradebookCell(state=CellState.TO_MARK, submission_id=essay["pk"])
    current = essay["grade__version__number"] == essay["current_version"]
    if not current or essay["grade__status"] == GradeStatus.DRAFT:
        state = CellState.TO_MARK if not current else CellState.DRAFT
        return GradebookCell(
            state=state,
            mark=essay["grade__final_mark"],
            out_of=essay["grade__max_mark"],
            submission_id=essay["pk"],
        )
    state = CellState.RELEASED if essay["grade__released_at"] else CellState.READY
    return GradebookCell(
        state=state,
        mark=essay["grade__final_mark"],
        out_of=essay["grade__max_mark"],
        submission_id=essay["pk"],
    )


# --- Statistics ----------------------------------------------------------------------------------

BINS = 10


@dataclass
class CriterionStats:
    criterion: Criterion
    max_marks: Decimal
    average: Decimal | None
    level_counts: list[tuple[Level, int]]

    @property
    def average_percent(self) -> Decimal | None:
        if self.average is None or not self.max_marks:
            return None
        return _percent(self.average, self.max_marks)


@dataclass
class AssignmentStats:
    assignment: Assignment
    count: int
    handed_in: int
    out_of: Decimal
    mean: Decimal | None
    median: Decimal | None
    lowest: Decimal | None
    highest: Decimal | None
    bins: list[tuple[str, int]]
    criteria: list[CriterionStats]

    def chart_data(self) -> dict:
        """What the charts draw, for a JSON data island."""
        return {
            "distribution": {
                "labels": [label for label, _count in self.bins],
                "counts": [count for _label, count in self.bins],
            },
            "criteria": {
                "labels": [c.criterion.title for c in self.criteria],
                "averages": [
                    float(c.average) if c.average is not None else 0 for c in self.criteria
                ],
                "maxima": [float(c.max_marks) for c in self.criteria],
            },
        }


def _bins(percents: list[Decimal]) -> list[tuple[str, int]]:
    """Marks as percentages in ten bands: 0–9, 10–19 … 90–100 (100 falls in the last)."""
    counts = [0] * BINS
    for value in percents:
        counts[min(BINS - 1, int(value // 10))] += 1
    labels = [f"{10 * n}–{10 * n + 9}%" for n in range(BINS - 1)] + ["90–100%"]
    return list(zip(labels, counts, strict=True))


def assignment_statistics(*, assignment: Assignment) -> AssignmentStats:
    """Finished marks of an essay assignment's latest versions: summary figures, a distribution
    in ten bands and each criterion's average and level counts (five queries)."""
    grades = list(
        Grade.objects.filter(
            submission__assignment=assignment,
            status=GradeStatus.READY,
            version__number=F("submission__current_version"),
        ).values_list("pk", "final_mark", "max_mark")
    )
    handed_in = Submission.objects.filter(assignment=assignment, current_version__gte=1).count()
    rubric_id = assignment.marking_rubric_id
    rows = rubric_rows(rubric_id=rubric_id)
    out_of = sum((row.max_marks for row in rows), Decimal(0))
    marks = [mark for _pk, mark, _max in grades]
    percents = [_percent(mark, maximum) for _pk, mark, maximum in grades if maximum]
    grade_ids = [pk for pk, _mark, _max in grades]
    sums: dict[int, Decimal] = defaultdict(Decimal)
    counts: dict[int, int] = defaultdict(int)
    level_counts: dict[tuple[int, int], int] = defaultdict(int)
    for criterion_id, level_id, mark in CriterionGrade.objects.filter(
        grade_id__in=grade_ids, level__isnull=False
    ).values_list("criterion_id", "level_id", "marks"):
        sums[criterion_id] += mark
        counts[criterion_id] += 1
        level_counts[(criterion_id, level_id)] += 1
    criteria = []
    for row in rows:
        n = counts.get(row.criterion.pk, 0)
        criteria.append(
            CriterionStats(
                criterion=row.criterion,
                max_marks=row.max_marks,
                average=(sums[row.criterion.pk] / n).quantize(TWO_PLACES) if n else None,
                level_counts=[
                    (choice.level, level_counts.get((row.criterion.pk, choice.level.pk), 0))
                    for choice in row.levels
                ],
            )
        )
    return AssignmentStats(
        assignment=assignment,
        count=len(grades),
        handed_in=handed_in,
        out_of=out_of,
        mean=_mean(marks),
        median=Decimal(statistics.median(marks)).quantize(TWO_PLACES) if marks else None,
        lowest=min(marks) if marks else None,
        highest=max(marks) if marks else None,
        bins=_bins(percents),
        criteria=criteria,
    )


# --- Exports: one assignment's marks -------------------------------------------------------------


@dataclass
class MarksRow:
    label: str
    username: str
    state: QueueState
    submitted_at: datetime | None
    minutes_late: int
    extended: bool
    grade: Grade | None
    criteria: list[CriterionGrade | None]


@dataclass
class AssignmentMarks:
    assignment: Assignment
    hidden: bool
    criteria: list[Criterion]
    rows: list[MarksRow]


def assignment_marks(*, assignment: Assignment, now: datetime) -> AssignmentMarks:
    """Every student's marks on an essay assignment, criterion by criterion, for export; by
    pseudonym while its names are hidden. Seven queries whatever the class size."""
    queue = marking_queue(assignment=assignment, now=now)
    criteria = [row.criterion for row in rubric_rows(rubric_id=assignment.marking_rubric_id)]
    grade_ids = [row.grade.pk for row in queue.rows if row.grade is not None]
    by_grade: dict[int, dict[int, CriterionGrade]] = defaultdict(dict)
    for cg in CriterionGrade.objects.filter(grade_id__in=grade_ids).select_related("level"):
        by_grade[cg.grade_id][cg.criterion_id] = cg
    rows = []
    for row in queue.rows:
        chosen = by_grade.get(row.grade.pk, {}) if row.grade is not None else {}
        rows.append(
            MarksRow(
                label=row.label,
                username="" if queue.hidden else row.student.username,
                state=row.state,
                submitted_at=row.submission.submitted_at if row.submission else None,
                minutes_late=row.minutes_late,
                extended=row.extension is not None,
                grade=row.grade,
                criteria=[chosen.get(c.pk) for c in criteria],
            )
        )
    return AssignmentMarks(assignment=assignment, hidden=queue.hidden, criteria=criteria, rows=rows)


def grades_for_assignment(*, assignment: Assignment) -> QuerySet[Grade]:
    """An assignment's grades with what the API shows of them."""
    return (
        Grade.objects.filter(submission__assignment=assignment)
        .select_related("submission__student", "version")
        .defer("version__text", "submission__draft_text")
        .prefetch_related(_CRITERION_GRADES)
        .order_by("pk")
    )
