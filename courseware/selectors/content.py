"""Reads for course content: what a user may see, and the joins each content page needs.

Teachers and school admins see all content (they author and reuse it); a student sees the
courses of the active classes they are enrolled in and the readings, prompts and rubrics of
those courses, plus readings set for their classes. Anything else is a 404, the same as a
missing object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from courseware import permissions
from courseware.importers.corrections import correction_spans
from courseware.models import (
    AnalysisTask,
    Assignment,
    AssignmentKind,
    Classroom,
    Course,
    Criterion,
    EditorialNote,
    EssayPrompt,
    Footnote,
    FootnoteMarker,
    MembershipRole,
    Paragraph,
    ParagraphKind,
    Person,
    Quiz,
    Reading,
    ReadingProgress,
    Rubric,
    Section,
    Term,
    TimelineEvent,
    Unit,
    UnitReading,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# --- Who sees what ------------------------------------------------------------------------


def _student_classrooms(user: User | AnonymousUser) -> QuerySet[Classroom]:
    return Classroom.objects.active().filter(
        memberships__user=user, memberships__role=MembershipRole.STUDENT
    )


def courses_for_user(*, user: User | AnonymousUser) -> QuerySet[Course]:
    """Every course for those who author content; a student's enrolled courses otherwise."""
    if permissions.can_view_all_content(user):
        return Course.objects.all()
    if not user.is_authenticated:
        return Course.objects.none()
    return Course.objects.filter(pk__in=_student_classrooms(user).values("course_id"))


def units_for_user(*, user: User | AnonymousUser) -> QuerySet[Unit]:
    """Units of the courses the user may see."""
    return Unit.objects.filter(course__in=courses_for_user(user=user))


def prompts_for_user(*, user: User | AnonymousUser) -> QuerySet[EssayPrompt]:
    """Essay prompts of the courses the user may see."""
    return EssayPrompt.objects.filter(course__in=courses_for_user(user=user))


def course_get_for(*, user: User | AnonymousUser, slug: str) -> Course:
    """The course with this slug if the user may see it; 404 when missing or not theirs alike."""
    return get_object_or_404(courses_for_user(user=user), slug=slug)


def readings_for_user(*, user: User | AnonymousUser) -> QuerySet[Reading]:
    """Readings the user may open.

    A student may open a reading set for a unit or linked to a prompt of a course they are
    enrolled in, or assigned to one of their classes.
    """
    if permissions.can_view_all_content(user):
        return Reading.objects.all()
    if not user.is_authenticated:
        return Reading.objects.none()
    courses = courses_for_user(user=user).values("pk")
    return Reading.objects.filter(
        Q(pk__in=UnitReading.objects.filter(unit__course__in=courses).values("reading_id"))
        | Q(
            pk__in=EssayPrompt.readings.through.objects.filter(
                essayprompt__course__in=courses
            ).values("reading_id")
        )
        | Q(
            pk__in=Assignment.objects.live()
            .filter(kind=AssignmentKind.READING, classroom__in=_student_classrooms(user))
            .values("reading_id")
        )
    )


def reading_get_for(*, user: User | AnonymousUser, slug: str) -> Reading:
    """The reading with this slug if the user may open it; 404 otherwise."""
    return get_object_or_404(readings_for_user(user=user), slug=slug)


def reading_list_for(*, user: User | AnonymousUser) -> QuerySet[Reading]:
    """Readings the user may open, for the library page, with their section count."""
    return readings_for_user(user=user).annotate(section_count=Count("sections")).order_by("title")


def rubrics_for_user(*, user: User | AnonymousUser) -> QuerySet[Rubric]:
    """Every rubric for authors; for a student, the rubrics of their courses' prompts."""
    if permissions.can_view_all_content(user):
        return Rubric.objects.all()
    courses = courses_for_user(user=user).values("pk")
    return Rubric.objects.filter(
        pk__in=EssayPrompt.objects.filter(course__in=courses).values("rubric_id")
    )


def rubric_is_used(*, rubric: Rubric) -> bool:
    """A rubric is used once a prompt with it is set as an essay assignment to a class, or a
    source-analysis task is marked with it."""
    return (
        Assignment.objects.filter(kind=AssignmentKind.ESSAY, prompt__rubric=rubric).exists()
        or AnalysisTask.objects.filter(rubric=rubric).exists()
    )


# --- Course and unit pages ----------------------------------------------------------------


def _unit_readings() -> Prefetch:
    return Prefetch(
        "unit_readings",
        queryset=UnitReading.objects.select_related("reading", "section").order_by("order"),
    )


def course_units(*, course: Course) -> list[Unit]:
    """A course's units in order, each with its readings and its prompt and quiz counts."""
    return list(
        course.units.order_by("order")
        .annotate(
            prompt_count=Count("prompts", distinct=True),
            quiz_count=Count("quizzes", distinct=True),
        )
        .prefetch_related(_unit_readings())
    )


def course_prompts(*, course: Course) -> list[EssayPrompt]:
    return list(course.prompts.select_related("unit", "rubric").order_by("unit__order", "title"))


def unit_get_for(*, user: User | AnonymousUser, course_slug: str, slug: str) -> Unit:
    """A unit of a course the user may see, with its readings, prompts and quizzes."""
    return get_object_or_404(
        units_for_user(user=user)
        .select_related("course")
        .prefetch_related(
            _unit_readings(),
            Prefetch(
                "prompts", queryset=EssayPrompt.objects.select_related("course").order_by("title")
            ),
            Prefetch(
                "quizzes",
                queryset=Quiz.objects.current()
                .annotate(question_count=Count("questions"))
                .order_by("order", "title"),
            ),
        ),
        course__slug=course_slug,
        slug=slug,
    )


def read_reading_ids(*, user: User | AnonymousUser, readings: list[Reading]) -> set[int]:
    """Which of these readings the user has marked read, in one query."""
    if not permissions.can_track_reading(user):
        return set()
    return set(
        ReadingProgress.objects.filter(
            student=user, reading__in=readings, marked_read_at__isnull=False
        ).values_list("reading_id", flat=True)
    )


def prompt_get_for(*, user: User | AnonymousUser, course_slug: str, slug: str) -> EssayPrompt:
    """An essay prompt of a course the user may see, with its unit, rubric and readings."""
    return get_object_or_404(
        prompts_for_user(user=user)
        .select_related("course", "unit", "rubric")
        .prefetch_related(Prefetch("readings", queryset=Reading.objects.order_by("title"))),
        course__slug=course_slug,
        slug=slug,
    )


def rubric_get_for(*, user: User | AnonymousUser, pk: int) -> Rubric:
    """A rubric the user may see, with criteria and levels in order and its version chain."""
    return get_object_or_404(
        rubrics_for_user(user=user)
        .select_related("previous", "next_version")
        .prefetch_related(
            Prefetch(
                "criteria",
                queryset=Criterion.objects.order_by("order").prefetch_related("levels"),
            )
        ),
        pk=pk,
    )


def rubric_list_for(*, user: User | AnonymousUser) -> QuerySet[Rubric]:
    """Rubrics the user may see, latest versions first, with their criterion counts."""
    return (
        rubrics_for_user(user=user)
        .annotate(criterion_count=Count("criteria", distinct=True))
        .select_related("next_version")
        .order_by("title", "-version")
    )


@dataclass
class RubricTable:
    """A rubric laid out as a table: one row per criterion, one column per level.

    ``headings`` are the level titles when every criterion has the same ones (Band 5 … Band 1),
    else empty; a criterion with fewer levels than the widest is padded with ``None``.
    """

    rows: list[tuple[Criterion, list]]
    headings: list[str]
    width: int


def rubric_table(*, rubric: Rubric) -> RubricTable:
    """The table of a rubric fetched by ``rubric_get_for`` (criteria and levels prefetched)."""
    criteria = [(criterion, list(criterion.levels.all())) for criterion in rubric.criteria.all()]
    width = max((len(levels) for _, levels in criteria), default=0)
    titles = {tuple(level.title for level in levels) for _, levels in criteria}
    return RubricTable(
        rows=[
            (criterion, levels + [None] * (width - len(levels))) for criterion, levels in criteria
        ],
        headings=list(next(iter(titles))) if len(titles) == 1 else [],
        width=width,
    )


def latest_rubrics() -> QuerySet[Rubric]:
    """Rubrics that have no newer version: the ones a prompt may be given. The one-mark rubrics
    behind source-analysis tasks set without a rubric are not offered."""
    return (
        Rubric.objects.filter(next_version__isnull=True)
        .exclude(analysis_tasks__max_mark__isnull=False)
        .order_by("title")
    )


# --- Glossary, people, timeline -----------------------------------------------------------


def _evidence() -> Prefetch:
    return Prefetch(
        "evidence",
        queryset=Paragraph.objects.select_related("reading")
        .only("pk", "number", "reading__slug", "reading__title")
        .order_by("reading__title", "number"),
    )


def course_terms(*, course: Course) -> list[Term]:
    return list(course.terms.order_by("term").prefetch_related(_evidence()))


def course_people(*, course: Course) -> list[Person]:
    return list(course.people.order_by("name").prefetch_related(_evidence()))


def course_timeline(*, course: Course) -> list[TimelineEvent]:
    return list(course.timeline_events.order_by("date", "pk").prefetch_related(_evidence()))


# --- The reading page ---------------------------------------------------------------------


@dataclass
class MarkerView:
    start: int
    end: int
    footnote_order: int
    short_label: str
    ref_id: str


@dataclass
class EmendationView:
    """A recorded correction shown in the text: ``text[start:end]`` reads ``original``."""

    start: int
    end: int
    original: str
    correction: str
    dom_id: str


@dataclass
class NoteView:
    footnote: Footnote
    short_label: str
    ref_ids: list[str] = field(default_factory=list)  # ids of the markers that cite it
    markers: list[MarkerView] = field(default_factory=list)  # markers inside its text
    emendations: list[EmendationView] = field(default_factory=list)


@dataclass
class BlockView:
    """What the page draws: one paragraph, or a run of list items drawn as one list."""

    kind: str
    paragraphs: list[Paragraph]


@dataclass
class SectionView:
    section: Section
    blocks: list[BlockView]
    emendations: list[EmendationView] = field(default_factory=list)  # in its title


@dataclass
class ReadingPage:
    reading: Reading
    sections: list[SectionView]
    notes: list[NoteView]
    paragraph_count: int
    emendation_count: int = 0  # recorded corrections shown in the text
    correction_count: int = 0  # recorded corrections the reading has, shown or not


def emendations_in(text: str, notes: list[EditorialNote], *, prefix: str) -> list[EmendationView]:
    """The places in ``text`` where the corrections of ``notes`` stand, in text order.

    A correction applies wherever its original stands as a whole word or phrase; where two
    would overlap, the earlier (then the longer) wins.
    """
    spans = sorted(
        (
            (start, -(end - start), end, note)
            for note in notes
            for start, end in correction_spans(text, note.original)
        ),
        key=lambda item: item[:2],
    )
    views: list[EmendationView] = []
    for start, _length, end, note in spans:
        if views and start < views[-1].end:
            continue
        views.append(
            EmendationView(
                start=start,
                end=end,
                original=note.original,
                correction=note.correction,
                dom_id=f"{prefix}-{len(views) + 1}",
            )
        )
    return views


def short_label(label: str) -> str:
    """A footnote's number as the source prints it: ``IV.3`` and ``IV.?3`` print as ``3``."""
    return label.rsplit(".", 1)[-1].lstrip("?") or label


def reading_page(*, reading: Reading, scanned: bool = False) -> ReadingPage:
    """Everything the reading page draws, in a fixed number of queries whatever its length.

    Each paragraph carries ``note_markers`` (in text order), ``page_changed`` (its page reference
    differs from the paragraph before, so the margin shows it), ``notes_here`` (editorial
    notes shown beside it) and ``emendations`` (recorded corrections shown in its text).
    Section titles and footnotes carry their emendations too. ``scanned`` asks for the text as
    scanned: no emendations at all, every word as the source has it.
    """
    sections = list(Section.objects.filter(reading=reading).order_by("order"))
    paragraphs = list(
        Paragraph.objects.filter(reading=reading)
        .only("pk", "number", "section_id", "kind", "text", "page")
        .order_by("number")
    )
    footnotes = list(Footnote.objects.filter(reading=reading).order_by("order"))
    markers = list(
        FootnoteMarker.objects.filter(footnote__reading=reading)
        .annotate(footnote_order=F("footnote__order"), footnote_label=F("footnote__label"))
        .order_by("footnote__order", "pk")
        .values(
            "paragraph_id", "in_footnote_id", "start", "end", "footnote_order", "footnote_label"
        )
    )
    editorial = list(
        EditorialNote.objects.filter(reading=reading)
        .filter(Q(paragraph__isnull=False) | Q(section__isnull=False) | Q(footnote__isnull=False))
        .order_by("pk")
    )

    notes = {
        note.order: NoteView(footnote=note, short_label=short_label(note.label))
        for note in footnotes
    }
    note_by_pk = {note.footnote.pk: note for note in notes.values()}
    markers_by_paragraph: dict[int, list[MarkerView]] = {}
    for marker in markers:
        # Ids count the markers citing a note in order: fnref-7, fnref-7-2, ...
        note = notes[marker["footnote_order"]]
        ref_id = f"fnref-{marker['footnote_order']}"
        if note.ref_ids:
            ref_id = f"{ref_id}-{len(note.ref_ids) + 1}"
        note.ref_ids.append(ref_id)
        view = MarkerView(
            start=marker["start"],
            end=marker["end"],
            footnote_order=marker["footnote_order"],
            short_label=short_label(marker["footnote_label"]),
            ref_id=ref_id,
        )
        if marker["paragraph_id"] is not None:
            markers_by_paragraph.setdefault(marker["paragraph_id"], []).append(view)
        else:
            note_by_pk[marker["in_footnote_id"]].markers.append(view)
    for paragraph_markers in markers_by_paragraph.values():
        paragraph_markers.sort(key=lambda view: view.start)
    for note in notes.values():
        note.markers.sort(key=lambda view: view.start)
    editorial_by_paragraph: dict[int, list[EditorialNote]] = {}
    in_text: dict[tuple[str, int], list[EditorialNote]] = {}
    for note in editorial:
        if note.in_text:
            if note.paragraph_id:
                key = ("paragraph", note.paragraph_id)
            elif note.section_id:
                key = ("section", note.section_id)
            else:
                key = ("footnote", note.footnote_id)
            in_text.setdefault(key, []).append(note)
        elif note.paragraph_id:
            editorial_by_paragraph.setdefault(note.paragraph_id, []).append(note)

    def emendations(kind: str, row, text: str, prefix: str) -> list[EmendationView]:
        if scanned:
            return []
        return emendations_in(text, in_text.get((kind, row.pk), []), prefix=prefix)

    for note in notes.values():
        note.emendations = emendations(
            "footnote", note.footnote, note.footnote.text, f"em-fn{note.footnote.order}"
        )

    by_section: dict[int, list[Paragraph]] = {section.pk: [] for section in sections}
    previous_page = ""
    for paragraph in paragraphs:
        paragraph.note_markers = markers_by_paragraph.get(paragraph.pk, [])
        paragraph.notes_here = editorial_by_paragraph.get(paragraph.pk, [])
        paragraph.emendations = emendations(
            "paragraph", paragraph, paragraph.text, f"em-p{paragraph.number}"
        )
        paragraph.page_changed = bool(paragraph.page) and paragraph.page != previous_page
        previous_page = paragraph.page or previous_page
        by_section[paragraph.section_id].append(paragraph)

    section_views = [
        SectionView(
            section=section,
            blocks=_blocks(by_section[section.pk]),
            emendations=emendations("section", section, section.title, f"em-s{section.order}"),
        )
        for section in sections
    ]
    shown = sum(len(view.emendations) for view in section_views)
    shown += sum(len(note.emendations) for note in notes.values())
    shown += sum(len(paragraph.emendations) for paragraph in paragraphs)
    return ReadingPage(
        reading=reading,
        sections=section_views,
        notes=list(notes.values()),
        paragraph_count=len(paragraphs),
        emendation_count=shown,
        correction_count=sum(len(group) for group in in_text.values()),
    )


def _blocks(paragraphs: list[Paragraph]) -> list[BlockView]:
    blocks: list[BlockView] = []
    for paragraph in paragraphs:
        if (
            paragraph.kind == ParagraphKind.LIST_ITEM
            and blocks
            and blocks[-1].kind == ParagraphKind.LIST_ITEM
        ):
            blocks[-1].paragraphs.append(paragraph)
        else:
            blocks.append(BlockView(kind=paragraph.kind, paragraphs=[paragraph]))
    return blocks


def reading_progress_for(*, user: User | AnonymousUser, reading: Reading) -> ReadingProgress | None:
    if not permissions.can_track_reading(user):
        return None
    return ReadingProgress.objects.filter(student=user, reading=reading).first()


def reading_sections(*, readings: list[Reading]) -> dict[int, list[Section]]:
    """Sections of the given readings, by reading id, for choosing what a unit sets."""
    sections: dict[int, list[Section]] = {reading.pk: [] for reading in readings}
    for section in Section.objects.filter(reading__in=readings).order_by("reading_id", "order"):
        sections[section.reading_id].append(section)
    return sections
