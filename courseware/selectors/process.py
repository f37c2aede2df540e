"""Reads for the writing process: an essay's history as its replay and report show it, the quiet
indicators of the marking queue, accommodations and settings.

An essay's history is seen by its student and the class's teachers (and school admins): the
student sees exactly what the teacher sees. To anyone else it does not exist (404). Every read
here is a fixed number of queries, whatever the history's length or the class's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext as _

from courseware import permissions
from courseware.models import (
    CoachCheck,
    ProcessSettings,
    Submission,
    SubmissionVersion,
    WritingAccommodation,
    WritingHistory,
)
from courseware.originality.text import quotations_in
from courseware.selectors.submissions import submission_get_for
from courseware.services.process import (
    SOURCE_OUTSIDE,
    SOURCE_OWN,
    SOURCE_PEER,
    SOURCE_READING,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

SHORT_PASTE_CHARS = 20  # shorter pastes from elsewhere (a name, a date) are not flagged


def history_submission_get(*, user: User | AnonymousUser, pk: int) -> Submission:
    """The submission whose history ``user`` may see, or 404 (missing and forbidden alike)."""
    submission = submission_get_for(user=user, pk=pk)
    if not permissions.can_view_writing_history(user, submission):
        raise Http404
    return submission


def history_of(*, submission: Submission) -> WritingHistory | None:
    return WritingHistory.objects.filter(submission=submission).first()


def has_accommodation(*, submission: Submission) -> bool:
    return WritingAccommodation.objects.filter(
        classroom_id=submission.assignment.classroom_id, student_id=submission.student_id
    ).exists()


def process_settings_for(*, assignment) -> ProcessSettings:
    """The assignment's process settings, or the defaults (unsaved) when it has none."""
    found = ProcessSettings.objects.filter(assignment=assignment).first()
    return found or ProcessSettings(assignment=assignment)


@dataclass
class PasteView:
    at: datetime
    chars: int
    source: str
    text: str
    label: str
    flagged: bool
    paragraph: int | None = None
    reading: str = ""
    number: int | None = None


@dataclass
class ProcessView:
    """An essay's writing history as the replay and the report show it."""

    history: WritingHistory | None
    document: dict | None
    pastes: list[PasteView] = field(default_factory=list)
    bursts: list[tuple[datetime, int]] = field(default_factory=list)
    accommodation: bool = False
    text: str = ""
    coach_times: list[datetime] = field(default_factory=list)

    @property
    def flagged_pastes(self) -> list[PasteView]:
        return [paste for paste in self.pastes if paste.flagged]

    @property
    def flagged_bursts(self) -> list[tuple[datetime, int]]:
        return [] if self.accommodation else self.bursts

    @property
    def sessions(self) -> list[tuple[datetime, datetime, int]]:
        if not self.document:
            return []
        return [
            (_moment(start), _moment(end), active)
            for start, end, active in self.document["sessions"]
        ]

    @property
    def minutes_on_task(self) -> int:
        return round((self.history.active_seconds if self.history else 0) / 60)


def _moment(second: int) -> datetime:
    return datetime.fromtimestamp(second, tz=UTC)


def _quoted_and_cited(text: str, start: int, end: int, reading: str, number: int) -> bool:
    """Whether characters ``[start, end)`` of ``text`` lie in a quotation cited to the
    reading's paragraph."""
    for quotation in quotations_in(text):
        if quotation.start <= start + 1 and end - 1 <= quotation.end:
            return any(c.anchor == (reading, number) for c in quotation.citations)
    return False


def _find(text: str, pasted: str) -> tuple[int, int] | None:
    """Where a pasted passage (or its first line) is in the text now."""
    needle = pasted.strip()
    if not needle:
        return None
    at = text.find(needle)
    if at >= 0:
        return at, at + len(needle)
    first = needle.split("\n", 1)[0][:200]
    if len(first) >= SHORT_PASTE_CHARS:
        at = text.find(first)
        if at >= 0:
            return at, at + len(first)
    return None


def paste_view(paste: dict, *, text: str) -> PasteView:
    """One paste, labelled in the report's words and judged against ``text`` (the essay as
    handed in, or the draft): a passage from a reading is fine when it is quoted and cited."""
    source = paste["source"]
    chars = paste.get("chars", 0)
    found = _find(text, paste.get("text", ""))
    flagged = False
    if source == SOURCE_READING:
        reading, number = paste.get("reading", ""), paste.get("number")
        if found and _quoted_and_cited(text, *found, reading, number):
            label = _("Pasted from %(reading)s ¶%(number)s, quoted and cited.") % {
                "reading": reading,
                "number": number,
            }
        elif found is None:
            label = _("Pasted from %(reading)s ¶%(number)s; no longer in the essay.") % {
                "reading": reading,
                "number": number,
            }
        else:
            flagged = True
            label = _("Pasted from %(reading)s ¶%(number)s without quotation/citation.") % {
                "reading": reading,
                "number": number,
            }
    elif source == SOURCE_OWN:
        label = _("Moved or copied within the essay.")
    elif source == SOURCE_PEER:
        flagged = True
        label = _("Pasted from another student's essay.")
    else:
        flagged = chars >= SHORT_PASTE_CHARS
        label = _("Pasted from elsewhere (%(chars)s characters).") % {"chars": f"{chars:,}"}
    return PasteView(
        at=_moment(paste["t"]),
        chars=chars,
        source=source,
        text=paste.get("text", ""),
        label=label,
        flagged=flagged,
        paragraph=paste.get("paragraph"),
        reading=paste.get("reading", ""),
        number=paste.get("number"),
    )


def process_view(
    *,
    submission: Submission,
    text: str | None = None,
    up_to_revision: int | None = None,
    up_to: datetime | None = None,
) -> ProcessView:
    """The essay's history with each paste judged against ``text`` (default: the draft), cut
    at a draft revision and a moment when given. Two queries."""
    history = history_of(submission=submission)
    accommodation = has_accommodation(submission=submission)
    text = submission.draft_text if text is None else text
    coach = CoachCheck.objects.filter(submission=submission).order_by("ran_at")
    if up_to is not None:
        coach = coach.filter(ran_at__lte=up_to)
    # That the coach was used, and when: never what it said.
    coach_times = list(coach.values_list("ran_at", flat=True))
    if history is None:
        return ProcessView(
            history=None,
            document=None,
            accommodation=accommodation,
            text=text,
            coach_times=coach_times,
        )
    document = history.load()
    if up_to_revision is not None:
        last = int(up_to.timestamp()) if up_to is not None else None
        document["steps"] = [step for step in document["steps"] if step[1] <= up_to_revision]
        if last is not None:
            document["pastes"] = [p for p in document["pastes"] if p["t"] <= last]
            document["bursts"] = [b for b in document["bursts"] if b[0] <= last]
            document["sessions"] = [s for s in document["sessions"] if s[0] <= last]
    return ProcessView(
        history=history,
        document=document,
        pastes=[paste_view(paste, text=text) for paste in document["pastes"]],
        bursts=[(_moment(at), chars) for at, chars in document["bursts"]],
        accommodation=accommodation,
        text=text,
        coach_times=coach_times,
    )


def process_view_for(*, user: User | AnonymousUser, submission: Submission) -> ProcessView:
    """The history as ``user`` may see it. The writer sees all of it against their draft;
    a teacher sees it up to the latest handed-in version, judged against that version (a draft
    is private to its writer until it is handed in, so none of one before the first hand-in).
    Four queries at most."""
    if submission.student_id == user.pk:
        return process_view(submission=submission)
    latest = (
        SubmissionVersion.objects.filter(submission=submission)
        .order_by("-number")
        .only("revision", "submitted_at", "text")
        .first()
    )
    if latest is None:
        return ProcessView(
            history=None, document=None, accommodation=has_accommodation(submission=submission)
        )
    return process_view(
        submission=submission,
        text=latest.text,
        up_to_revision=latest.revision,
        up_to=latest.submitted_at,
    )


def replay_document(*, view: ProcessView) -> dict:
    """What the replay needs: the starting text, each step's time and delta, the pastes (with
    their labels) and the sessions. Times in epoch seconds."""
    document = view.document or {}
    return {
        "text": view.text,
        "base": document.get("base", ""),
        "base_t": document.get("base_t"),
        "steps": [[at, delta] for at, _revision, delta in document.get("steps", [])],
        "pastes": [
            {
                "t": int(paste.at.timestamp()),
                "chars": paste.chars,
                "source": paste.source,
                "text": paste.text,
                "label": paste.label,
                "flagged": paste.flagged,
            }
            for paste in view.pastes
        ],
        "sessions": document.get("sessions", []),
        "bursts": [] if view.accommodation else document.get("bursts", []),
        "active_seconds": view.history.active_seconds if view.history else 0,
        "coalesced": document.get("coalesced", 0),
        "accommodation": view.accommodation,
    }


def process_indicators(*, assignment_id: int) -> dict[int, WritingHistory]:
    """Submission id → its history's counts (without the document) for an assignment's
    handed-in essays, for the marking queue's quiet indicator: one query for any number of
    rows. Drafts not yet handed in are left out (a draft is private to its writer)."""
    histories = WritingHistory.objects.filter(
        submission__assignment_id=assignment_id, submission__current_version__gt=0
    ).defer("data")
    return {history.submission_id: history for history in histories}


def accommodated_students(*, classroom_id: int) -> set[int]:
    return set(
        WritingAccommodation.objects.filter(classroom_id=classroom_id).values_list(
            "student_id", flat=True
        )
    )


SOURCES = (SOURCE_READING, SOURCE_OWN, SOURCE_PEER, SOURCE_OUTSIDE)


# --- The revision loop: what changed between two versions --------------------------------------


@dataclass
class Piece:
    """A stretch of one side of a comparison: ``change`` is "del" (left), "ins" (right) or "";
    ``comments`` are the numbers of the earlier inline comments on it."""

    text: str
    change: str = ""
    comments: tuple[int, ...] = ()


@dataclass
class PlacedComment:
    number: int
    comment: object
    found: bool
    changed: bool


@dataclass
class RevisionDiff:
    before: object  # the earlier SubmissionVersion
    after: object  # the latest
    left: list[Piece]
    right: list[Piece]
    comments: list[PlacedComment]

    @property
    def changed(self) -> bool:
        return any(piece.change for piece in self.left + self.right)


def _pieces(text: str, changes: list[tuple[int, int]], kind: str, marks) -> list[Piece]:
    """``text`` cut at the edges of its changed stretches and of the comments' spans."""
    edges = {0, len(text)}
    for start, end in changes:
        edges.update((start, end))
    for _number, start, end in marks:
        edges.update((start, end))
    ordered = sorted(edge for edge in edges if 0 <= edge <= len(text))
    pieces = []
    for start, end in zip(ordered, ordered[1:], strict=False):
        if start == end:
            continue
        changed = any(a <= start and end <= b for a, b in changes)
        numbers = tuple(n for n, a, b in marks if a <= start and end <= b)
        pieces.append(Piece(text=text[start:end], change=kind if changed else "", comments=numbers))
    return pieces


def revision_diff(*, submission: Submission) -> RevisionDiff | None:
    """The latest version beside the one before it, with what was deleted and inserted, and the
    earlier version's inline comments placed on both (on the new text where their passage was
    kept or changed). None before a second version. Three queries."""
    from diff_match_patch import diff_match_patch

    from courseware.models import InlineComment

    if submission.current_version < 2:
        return None
    versions = list(
        SubmissionVersion.objects.filter(
            submission=submission,
            number__in=[submission.current_version - 1, submission.current_version],
        ).order_by("number")
    )
    if len(versions) != 2:
        return None
    before, after = versions
    comments = list(
        InlineComment.objects.filter(version=before)
        .select_related("author")
        .order_by("paragraph", "start", "pk")
    )
    differ = diff_match_patch()
    differ.Diff_Timeout = 0.5
    diffs = differ.diff_main(before.text, after.text)
    differ.diff_cleanupSemantic(diffs)
    deleted, inserted, inserted_at = [], [], []
    old_at = new_at = 0
    for op, data in diffs:
        if op == differ.DIFF_DELETE:
            deleted.append((old_at, old_at + len(data)))
            old_at += len(data)
        elif op == differ.DIFF_INSERT:
            inserted.append((new_at, new_at + len(data)))
            inserted_at.append(old_at)  # where, in the earlier text
            new_at += len(data)
        else:
            old_at += len(data)
            new_at += len(data)
    left_marks, right_marks, placed = [], [], []
    for number, comment in enumerate(comments, start=1):
        start = before.text.find(comment.quote)
        if start < 0:
            placed.append(PlacedComment(number, comment, found=False, changed=False))
            continue
        end = start + len(comment.quote)
        changed = any(a < end and start < b for a, b in deleted) or any(
            start < at < end for at in inserted_at
        )
        left_marks.append((number, start, end))
        new_start, new_end = differ.diff_xIndex(diffs, start), differ.diff_xIndex(diffs, end)
        if new_end > new_start:
            right_marks.append((number, new_start, new_end))
        placed.append(PlacedComment(number, comment, found=True, changed=changed))
    return RevisionDiff(
        before=before,
        after=after,
        left=_pieces(before.text, deleted, "del", left_marks),
        right=_pieces(after.text, inserted, "ins", right_marks),
        comments=placed,
    )


# --- Feedback first -------------------------------------------------------------------------------


def feedback_response_of(*, submission: Submission, version_number: int):
    from courseware.models import FeedbackResponse

    return FeedbackResponse.objects.filter(
        submission=submission, version_number=version_number
    ).first()


def mark_withheld(*, grade, user, response) -> bool:
    """Whether the student reading a released grade sees its comments before its mark: on a
    "feedback first" assignment, until they have written their response to this version."""
    submission = grade.submission
    if submission.student_id != user.pk or response is not None:
        return False
    return process_settings_for(assignment=submission.assignment).feedback_first


def withheld_submission_ids(*, student, grades) -> set[int]:
    """Of a student's grades, the submissions whose mark waits for their response. Two queries."""
    from courseware.models import FeedbackResponse

    first = set(
        ProcessSettings.objects.filter(
            assignment_id__in={g.submission.assignment_id for g in grades}, feedback_first=True
        ).values_list("assignment_id", flat=True)
    )
    if not first:
        return set()
    answered = set(
        FeedbackResponse.objects.filter(submission__student=student).values_list(
            "submission_id", "version_number"
        )
    )
    return {
        g.submission_id
        for g in grades
        if g.submission.assignment_id in first
        and (g.submission_id, g.version.number) not in answered
    }
