"""Reads for annotations: who sees which, where each one sits in the text, and the teacher's
views of a class's reading (heat by paragraph, unanswered questions, participation).

Who sees what (``visible_annotations``):

- the writer sees their own annotations, private or shared, hidden or not;
- the rest of the class sees shared (``class``) annotations that are not hidden, and replies in
  threads whose first annotation is not hidden; nobody but the writer sees a private note, not
  even a teacher;
- the class's teachers and school admins see every shared annotation, hidden ones included;
- with "post before you see the class's notes" set, a student who has not yet annotated in the
  assignment sees only their own annotations and the replies to them.

Anything else is a 404, the same as a missing annotation. Every page here is built in a fixed
number of queries, however many annotations there are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from courseware import permissions
from courseware.models import (
    Annotation,
    AnnotationKind,
    AnnotationParticipation,
    AnnotationSettings,
    AnnotationVisibility,
    Assignment,
    AssignmentKind,
    EssayPrompt,
    Membership,
    MembershipRole,
    Paragraph,
    Reading,
)
from courseware.selectors.teaching import assignment_get_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


# --- Access --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnotationAccess:
    """What one person may do with one assignment's annotations."""

    assignment: Assignment
    moderator: bool  # a teacher of the class or a school admin
    can_write: bool
    gated: bool  # must post before seeing the class's notes
    post_before_seeing: bool


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def is_slug(value: str) -> bool:
    """Whether a value from a request can be a reading's slug (and so is safe to look up)."""
    return bool(SLUG.fullmatch(value))


def annotatable_readings(*, assignment: Assignment) -> QuerySet[Reading]:
    """The readings annotated within an assignment: a reading assignment's reading, or an essay
    prompt's readings."""
    if assignment.kind == AssignmentKind.READING:
        return Reading.objects.filter(pk=assignment.reading_id)
    if assignment.kind == AssignmentKind.ESSAY:
        linked = EssayPrompt.readings.through.objects.filter(
            essayprompt_id=assignment.prompt_id
        ).values("reading_id")
        return Reading.objects.filter(pk__in=linked)
    return Reading.objects.none()


def annotation_access(
    *, user: User | AnonymousUser, assignment: Assignment, now: datetime
) -> AnnotationAccess:
    """The user's access to the assignment's annotations (the assignment is one they may see)."""
    moderator = permissions.can_moderate_annotations(user, assignment.classroom)
    settings = AnnotationSettings.objects.filter(assignment=assignment).first()
    post_before_seeing = bool(settings and settings.post_before_seeing)
    gated = False
    if post_before_seeing and not moderator:
        gated = not Annotation.objects.filter(
            assignment=assignment, author=user.pk, parent__isnull=True, deleted_at__isnull=True
        ).exists()
    return AnnotationAccess(
        assignment=assignment,
        moderator=moderator,
        can_write=permissions.can_annotate(user, assignment),
        gated=gated,
        post_before_seeing=post_before_seeing,
    )


def assignment_reading_get_for(
    *, user: User | AnonymousUser, pk: int, slug: str, now: datetime
) -> tuple[Assignment, Reading]:
    """An assignment the user may see and one of the readings annotated in it; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    assignment = assignment_get_for(user=user, pk=pk, now=now)
    reading = annotatable_readings(assignment=assignment).filter(slug=slug).first()
    if reading is None:
        raise Http404
    return assignment, reading


def visible_annotations(*, user: User | AnonymousUser, access: AnnotationAccess) -> QuerySet:
    """The assignment's annotations (threads' first annotations and replies) the user sees."""
    annotations = Annotation.objects.filter(assignment=access.assignment)
    own = Q(author=user.pk)
    shared = Q(visibility=AnnotationVisibility.CLASS)
    if access.moderator:
        return annotations.filter(own | shared)
    if access.gated:
        replies_to_own = Q(parent__author=user.pk, hidden_at__isnull=True)
        return annotations.filter(own | (shared & replies_to_own))
    not_hidden = Q(hidden_at__isnull=True) & (
        Q(parent__isnull=True) | Q(parent__hidden_at__isnull=True)
    )
    return annotations.filter(own | (shared & not_hidden))


def annotation_get_for(
    *, user: User | AnonymousUser, pk: int, now: datetime
) -> tuple[Annotation, AnnotationAccess]:
    """An annotation the user may see, with their access to its assignment; 404 for one that is
    missing or not theirs to see alike."""
    if not user.is_authenticated:
        raise Http404
    assignment_id = Annotation.objects.filter(pk=pk).values_list("assignment_id", flat=True).first()
    if assignment_id is None:
        raise Http404
    assignment = assignment_get_for(user=user, pk=assignment_id, now=now)
    access = annotation_access(user=user, assignment=assignment, now=now)
    annotation = (
        visible_annotations(user=user, access=access)
        .select_related("author", "reading", "paragraph", "parent", "endorsed_by")
        .filter(pk=pk)
        .first()
    )
    if annotation is None:
        raise Http404
    annotation.assignment = assignment
    return annotation, access


# --- Anchoring -----------------------------------------------------------------------------------


class AnchorState:
    EXACT = "exact"  # the quote is where it was
    MOVED = "moved"  # re-attached by its quoted text after the reading changed
    PARAGRAPH = "paragraph"  # a note on the whole paragraph
    ORPHANED = "orphaned"  # the quoted text (or the paragraph) is no longer in the reading


@dataclass(frozen=True)
class Anchor:
    paragraph: Paragraph | None
    start: int | None
    end: int | None
    state: str

    @property
    def orphaned(self) -> bool:
        return self.state == AnchorState.ORPHANED


def _find_quote(text: str, exact: str, prefix: str, suffix: str, hint: int | None) -> int | None:
    """Where ``exact`` best fits in ``text``: the occurrence whose surroundings agree most with
    ``prefix`` and ``suffix``, then the one nearest ``hint``; None when it is not there."""
    if not exact:
        return None
    best, best_score = None, None
    for match in re.finditer(re.escape(exact), text):
        start = match.start()
        before = text[max(0, start - len(prefix)) : start]
        after = text[match.end() : match.end() + len(suffix)]
        agree = _common_suffix(before, prefix) + _common_prefix(after, suffix)
        score = (-agree, abs(start - hint) if hint is not None else 0)
        if best_score is None or score < best_score:
            best, best_score = start, score
    return best


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def anchor(
    annotation: Annotation, by_pk: dict[int, Paragraph], in_order: list[Paragraph]
) -> Anchor:
    """Where an annotation's target is in the reading as it is now.

    A note on a whole paragraph sits on its paragraph. A quoted span sits where its position
    says if the text there is still the quote; otherwise it is re-attached to the best match of
    its quote in its paragraph, then anywhere in the reading; failing that it is orphaned.
    """
    paragraph = by_pk.get(annotation.paragraph_id) if annotation.paragraph_id else None
    if not annotation.exact:
        state = AnchorState.PARAGRAPH if paragraph else AnchorState.ORPHANED
        return Anchor(paragraph, None, None, state)
    exact = annotation.exact
    if paragraph is not None:
        start, end = annotation.start, annotation.end
        if start is not None and paragraph.text[start:end] == exact:
            return Anchor(paragraph, start, end, AnchorState.EXACT)
        found = _find_quote(paragraph.text, exact, annotation.prefix, annotation.suffix, start)
        if found is not None:
            return Anchor(paragraph, found, found + len(exact), AnchorState.MOVED)
    for other in in_order:
        if other is paragraph:
            continue
        found = _find_quote(other.text, exact, annotation.prefix, annotation.suffix, None)
        if found is not None:
            return Anchor(other, found, found + len(exact), AnchorState.MOVED)
    return Anchor(paragraph, None, None, AnchorState.ORPHANED)


# --- The annotated reading -----------------------------------------------------------------------


@dataclass
class Thread:
    root: Annotation
    anchor: Anchor
    replies: list[Annotation] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        """A question is answered once someone else replies (and the reply stands) or a teacher
        endorses it."""
        return self.root.is_endorsed or any(
            r.author_id != self.root.author_id and not r.is_deleted for r in self.replies
        )


@dataclass
class Segment:
    text: str
    marked: bool


@dataclass
class ParagraphView:
    paragraph: Paragraph
    segments: list[Segment]
    threads: list[Thread]


@dataclass
class AnnotatedReading:
    assignment: Assignment
    reading: Reading
    access: AnnotationAccess
    paragraphs: list[ParagraphView]
    orphans: list[Thread]
    thread_count: int


def _segments(text: str, spans: list[tuple[int, int]]) -> list[Segment]:
    """The paragraph's text cut into runs, marked where any annotated span covers it."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    segments, at = [], 0
    for start, end in merged:
        if start > at:
            segments.append(Segment(text[at:start], False))
        segments.append(Segment(text[start:end], True))
        at = end
    if at < len(text) or not segments:
        segments.append(Segment(text[at:], False))
    return segments


def _threads(
    annotations: list[Annotation], by_pk: dict[int, Paragraph], in_order: list[Paragraph]
) -> list[Thread]:
    """Annotations grouped into threads; a deleted first annotation stays only to carry its
    replies."""
    replies: dict[int, list[Annotation]] = defaultdict(list)
    roots = []
    for annotation in annotations:
        if annotation.parent_id is None:
            roots.append(annotation)
        else:
            replies[annotation.parent_id].append(annotation)
    threads = []
    for root in roots:
        thread_replies = [r for r in replies.get(root.pk, []) if not r.is_deleted]
        if root.is_deleted and not thread_replies:
            continue
        threads.append(Thread(root, anchor(root, by_pk, in_order), thread_replies))
    return threads


def _reading_paragraphs(reading: Reading) -> list[Paragraph]:
    return list(
        Paragraph.objects.filter(reading=reading)
        .only("pk", "number", "text", "kind", "page", "reading_id")
        .order_by("number")
    )


def _reading_annotations(*, user, access: AnnotationAccess, reading: Reading) -> list[Annotation]:
    return list(
        visible_annotations(user=user, access=access)
        .filter(reading=reading)
        .select_related("author", "endorsed_by")
        .order_by("created_at", "pk")
    )


def annotated_reading(
    *, user: User, assignment: Assignment, reading: Reading, now: datetime
) -> AnnotatedReading:
    """The reading with the annotations the user sees, paragraph by paragraph."""
    access = annotation_access(user=user, assignment=assignment, now=now)
    paragraphs = _reading_paragraphs(reading)
    by_pk = {p.pk: p for p in paragraphs}
    threads = _threads(
        _reading_annotations(user=user, access=access, reading=reading), by_pk, paragraphs
    )
    on_paragraph: dict[int, list[Thread]] = defaultdict(list)
    orphans = []
    for thread in threads:
        if thread.anchor.orphaned:
            orphans.append(thread)
        else:
            on_paragraph[thread.anchor.paragraph.pk].append(thread)
    views = []
    for paragraph in paragraphs:
        here = on_paragraph.get(paragraph.pk, [])
        spans = [
            (t.anchor.start, t.anchor.end)
            for t in here
            if t.anchor.start is not None and not t.root.is_deleted
        ]
        views.append(ParagraphView(paragraph, _segments(paragraph.text, spans), here))
    return AnnotatedReading(
        assignment=assignment,
        reading=reading,
        access=access,
        paragraphs=views,
        orphans=orphans,
        thread_count=len(threads),
    )


# --- The teacher's view --------------------------------------------------------------------------


@dataclass
class HeatRow:
    paragraph: Paragraph
    notes: int = 0
    questions: int = 0
    unanswered: int = 0

    @property
    def total(self) -> int:
        return self.notes + self.questions


@dataclass
class ParticipationRow:
    student: User
    notes: int = 0
    questions: int = 0
    replies: int = 0
    endorsed: int = 0
    private: int = 0
    mark: AnnotationParticipation | None = None


@dataclass
class ClassOverview:
    assignment: Assignment
    reading: Reading
    access: AnnotationAccess
    heat: list[HeatRow]
    hottest: int
    unanswered: list[Thread]
    answered_questions: list[Thread]
    orphans: int
    participation: list[ParticipationRow]


def class_overview(
    *, user: User, assignment: Assignment, reading: Reading, now: datetime
) -> ClassOverview:
    """Where the class annotated a reading and asked questions, unanswered questions first, and
    each student's part in the assignment's annotations (with the teacher's mark)."""
    access = annotation_access(user=user, assignment=assignment, now=now)
    paragraphs = _reading_paragraphs(reading)
    by_pk = {p.pk: p for p in paragraphs}
    shared = [
        a
        for a in _reading_annotations(user=user, access=access, reading=reading)
        if a.visibility == AnnotationVisibility.CLASS
    ]
    threads = [t for t in _threads(shared, by_pk, paragraphs) if not t.root.is_deleted]
    heat = {p.pk: HeatRow(p) for p in paragraphs}
    orphans = 0
    questions = []
    for thread in threads:
        if thread.anchor.orphaned:
            orphans += 1
            continue
        row = heat[thread.anchor.paragraph.pk]
        if thread.root.kind == AnnotationKind.QUESTION:
            row.questions += 1
            questions.append(thread)
            if not thread.answered:
                row.unanswered += 1
        else:
            row.notes += 1
    rows = list(heat.values())
    return ClassOverview(
        assignment=assignment,
        reading=reading,
        access=access,
        heat=rows,
        hottest=max((r.total for r in rows), default=0),
        unanswered=[t for t in questions if not t.answered],
        answered_questions=[t for t in questions if t.answered],
        orphans=orphans,
        participation=participation(assignment=assignment),
    )


def participation(*, assignment: Assignment) -> list[ParticipationRow]:
    """Each student of the class: their notes, questions, replies and endorsed annotations in
    the assignment (shared ones; private notes are only counted), and the teacher's mark."""
    students = [
        m.user
        for m in Membership.objects.filter(
            classroom=assignment.classroom_id, role=MembershipRole.STUDENT
        )
        .select_related("user")
        .order_by("user__display_name", "user__username")
    ]
    live = Q(deleted_at__isnull=True)
    shared = live & Q(visibility=AnnotationVisibility.CLASS)
    counts = {
        row["author"]: row
        for row in Annotation.objects.filter(assignment=assignment)
        .values("author")
        .annotate(
            notes=Count("pk", filter=shared & Q(parent__isnull=True) & ~Q(kind="question")),
            questions=Count("pk", filter=shared & Q(parent__isnull=True, kind="question")),
            replies=Count("pk", filter=shared & Q(parent__isnull=False)),
            endorsed=Count("pk", filter=shared & Q(endorsed_at__isnull=False)),
            private=Count("pk", filter=live & Q(visibility=AnnotationVisibility.PRIVATE)),
        )
        .order_by()
    }
    marks = {m.student_id: m for m in AnnotationParticipation.objects.filter(assignment=assignment)}
    rows = []
    for student in students:
        row = ParticipationRow(student=student, mark=marks.get(student.pk))
        found = counts.get(student.pk)
        if found:
            for name in ("notes", "questions", "replies", "endorsed", "private"):
                setattr(row, name, found[name])
        rows.append(row)
    return rows


# --- The essay editor ----------------------------------------------------------------------------

EVIDENCE_WORDS = 40  # a paragraph-wide note offers the paragraph's opening words


@dataclass(frozen=True)
class Evidence:
    annotation: Annotation
    quote: str
    cite: str | None  # None: the passage is no longer in the reading (orphaned)
    number: int | None = None  # the paragraph cited


def _opening(text: str) -> str:
    words = text.split()
    if len(words) <= EVIDENCE_WORDS:
        return " ".join(words)
    return " ".join(words[:EVIDENCE_WORDS]) + " …"


def evidence_for_essay(*, student: User, assignment: Assignment) -> list[Evidence]:
    """The student's own annotations on the readings linked to an essay, from any assignment of
    the same class, each with the quotation and the citation "Use as evidence" inserts (one
    query)."""
    if assignment.kind != AssignmentKind.ESSAY:
        return []
    annotations = (
        Annotation.objects.filter(
            author=student,
            assignment__classroom=assignment.classroom_id,
            reading__in=annotatable_readings(assignment=assignment).values("pk"),
            parent__isnull=True,
            deleted_at__isnull=True,
        )
        .select_related("reading", "paragraph")
        .only(
            "pk",
            "kind",
            "tag",
            "text",
            "exact",
            "prefix",
            "suffix",
            "start",
            "end",
            "paragraph_number",
            "reading__slug",
            "reading__title",
            "paragraph__number",
            "paragraph__text",
        )
        .order_by("reading__title", "paragraph__number", "start", "pk")
    )
    items = []
    for annotation in annotations:
        paragraph = annotation.paragraph
        cite = quote = None
        if paragraph is not None:
            if not annotation.exact:
                quote = _opening(paragraph.text)
            elif annotation.exact in paragraph.text:
                quote = annotation.exact
            if quote is not None:
                cite = f"[[{annotation.reading.slug}#p-{paragraph.number}]]"
        number = paragraph.number if cite else None
        items.append(Evidence(annotation, quote or annotation.exact, cite, number))
    return items


# --- Export --------------------------------------------------------------------------------------


def annotations_for_export(*, assignment: Assignment) -> QuerySet[Annotation]:
    """The class's shared annotations in an assignment, replies and tombstones included, in the
    order they were written (one query). Private notes are their writers' alone."""
    return (
        Annotation.objects.filter(assignment=assignment, visibility=AnnotationVisibility.CLASS)
        .select_related("author", "reading", "paragraph")
        .order_by("created_at", "pk")
    )
