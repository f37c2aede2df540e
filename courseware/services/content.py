"""Writes for course content: importing readings, units, prompts, rubrics and reading progress.

Each service is keyword-only, runs in one transaction, validates with ``full_clean()`` and is
the only code that saves these models. HTML views, the admin, ``import_reading`` and the demo
loader all come here.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from courseware.importers import (
    ParsedReading,
    ReadingParseError,
    parse_reading,
    validate_reading_text,
)
from courseware.importers.corrections import Correction, correction_spans
from courseware.models import (
    AssignmentKind,
    Choice,
    Course,
    Criterion,
    DatePrecision,
    EditorialNote,
    EssayPrompt,
    Footnote,
    FootnoteMarker,
    Level,
    Paragraph,
    Person,
    Question,
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
from courseware.selectors.content import rubric_is_used

if TYPE_CHECKING:
    from accounts.models import User

# --- Slugs --------------------------------------------------------------------------------

RESERVED_SLUGS = frozenset({"new"})  # "…/new/" is the create page
SLUG_MAX_LENGTH = 80


def new_slug(*, slug: str, title: str, taken: QuerySet) -> str:
    """The slug a new reading, unit or essay prompt gets: the one given, else one made from
    its title; never a reserved word, nor one already used in ``taken`` (the rows it must be
    unique among). Refused with a ``ValidationError`` on the field ``slug``."""
    slug = slug or slugify(title)[:SLUG_MAX_LENGTH]
    if not slug:
        message, code = _("Give a short name made of letters, numbers and hyphens."), "invalid"
    elif slug in RESERVED_SLUGS:
        message, code = _("“%(slug)s” is reserved; choose another.") % {"slug": slug}, "reserved"
    elif taken.filter(slug=slug).exists():
        message, code = _("“%(slug)s” is already used; choose another.") % {"slug": slug}, "taken"
    else:
        return slug
    raise ValidationError({"slug": ValidationError(message, code=code)})


# --- Readings -----------------------------------------------------------------------------

READING_METADATA = (
    "title",
    "author",
    "kind",
    "citation",
    "date_label",
    "provenance",
    "licence_note",
    "summary",
)


@dataclass
class ReadingImportReport:
    """What an import did, for the command and the authoring page to show.

    ``references_kept_on_changed_text`` counts things (evidence links, quiz questions,
    editorial notes, unit sections) left pointing at a paragraph or section whose text changed
    and whose old text is nowhere in the new import: a teacher should check them.
    ``references_detached`` counts those whose paragraph or section no longer exists; they
    were dealt with as the model's ``on_delete`` says (links dropped, a question's evidence
    cleared, an editorial note deleted).
    """

    created: bool = False
    changed: bool = False
    sections: int = 0
    paragraphs: int = 0
    footnotes: int = 0
    markers: int = 0
    references_moved: int = 0
    references_kept_on_changed_text: int = 0
    references_detached: int = 0
    warnings: tuple[str, ...] = ()
    dropped_lines: tuple[str, ...] = ()


MAX_READING_BYTES = 2 * 1024 * 1024


class ReadingTooLarge(ReadingParseError):
    """Refuse a reading's text over ``MAX_READING_BYTES``."""


def reading_size_check(size: int) -> None:
    """Refuse text of ``size`` bytes when it is over the limit, before it is read at all."""
    if size > MAX_READING_BYTES:
        raise ReadingTooLarge(
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_READING_BYTES // 1024 // 1024} MB."
        )


def reading_text_decode(data: bytes) -> str:
    """Turn an uploaded file into reading text, or raise ``ReadingParseError`` saying why not.

    A reading is UTF-8 plain text (a byte-order mark is allowed) of at most 2 MB
    (``ReadingTooLarge``); empty and binary-looking text is refused as ``parse_reading``
    refuses it.
    """
    reading_size_check(len(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReadingParseError(
            f"The file is not UTF-8 plain text (undecodable byte at position {error.start}); "
            "save it as UTF-8 text and try again."
        ) from error
    validate_reading_text(text)
    return text


def source_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def words_in(text: str) -> int:
    return len(text.split())


@transaction.atomic
def reading_import(
    *,
    text: str,
    slug: str,
    title: str,
    author: str,
    kind: str,
    citation: str,
    date_label: str = "",
    provenance: str = "",
    licence_note: str = "",
    summary: str = "",
    by: User | None = None,
) -> Reading:
    """Import plain text as the reading ``slug``, creating it or bringing it up to date.

    The text is parsed before anything is written, so text the parser refuses (empty, binary,
    too long: ``ReadingParseError``) saves nothing. Re-importing is idempotent: rows whose
    content is already what the parse gives are not written at all, so the same text and
    metadata change nothing, not even ``updated_at``.

    Paragraphs are numbered 1..N through the whole reading in order, so the same text always
    gives the same anchors. Rows are kept by number (paragraphs) and order (sections), so
    whatever points at an unchanged paragraph keeps pointing at it. When a paragraph's text
    changes, what pointed at it follows its old text to wherever that text now is; if the old
    text is gone it stays on the paragraph with the same number (counted in the report as
    needing a check), and if that number no longer exists the model's ``on_delete`` applies.
    Footnotes and their markers are rebuilt whenever they differ; nothing outside the reading
    points at them.

    The returned reading carries ``import_report`` (a ``ReadingImportReport``).
    """
    parsed = parse_reading(text)
    reading = Reading.objects.select_for_update().filter(slug=slug).first()
    created = reading is None
    if created:
        reading = Reading(slug=slug, created_by=by)
    row_fields = (*READING_METADATA, "source_sha256", "word_count")
    before = {name: getattr(reading, name) for name in row_fields}
    reading.title = title
    reading.author = author
    reading.kind = kind
    reading.citation = citation
    reading.date_label = date_label
    reading.provenance = provenance
    reading.licence_note = licence_note
    reading.summary = summary
    reading.source_sha256 = source_sha256(text)
    reading.word_count = sum(
        words_in(paragraph.text) for section in parsed.sections for paragraph in section.paragraphs
    )
    row_changed = created or before != {name: getattr(reading, name) for name in row_fields}
    if row_changed:
        reading.full_clean()
        reading.save()
    report = _sync_structure(reading=reading, parsed=parsed)
    if report.changed and not row_changed:
        # Same text, new structure (an improved parser): the page's cached text must go.
        reading.save(update_fields=["updated_at"])
    report.created = created
    report.changed = row_changed or report.changed
    reading.import_report = report
    return reading


@transaction.atomic
def reading_create(
    *,
    text: str,
    title: str,
    author: str,
    kind: str,
    citation: str,
    slug: str = "",
    date_label: str = "",
    provenance: str = "",
    licence_note: str = "",
    summary: str = "",
    by: User | None = None,
) -> Reading:
    """Import plain text as a new reading; its slug follows ``new_slug`` (essays cite it, so
    it never changes). ``reading_import`` with an existing slug would update that reading
    instead: this refuses it."""
    slug = new_slug(slug=slug, title=title, taken=Reading.objects.all())
    return reading_import(
        text=text,
        slug=slug,
        title=title,
        author=author,
        kind=kind,
        citation=citation,
        date_label=date_label,
        provenance=provenance,
        licence_note=licence_note,
        summary=summary,
        by=by,
    )


@dataclass
class _Counter:
    moved: int = 0
    kept_on_changed: int = 0
    detached: int = 0


def _sync_structure(*, reading: Reading, parsed: ParsedReading) -> ReadingImportReport:
    """Make the reading's sections, paragraphs, footnotes and markers those of ``parsed``."""
    new_sections = [
        {"order": order, "title": section.title, "kind": section.kind}
        for order, section in enumerate(parsed.sections, start=1)
    ]
    new_paragraphs = []
    section_of_number: dict[int, int] = {}
    refs_of_number = {}
    number = 0
    for order, section in enumerate(parsed.sections, start=1):
        for paragraph in section.paragraphs:
            number += 1
            new_paragraphs.append(
                {
                    "number": number,
                    "kind": paragraph.kind,
                    "text": paragraph.text,
                    "page": paragraph.page or "",
                }
            )
            section_of_number[number] = order
            refs_of_number[number] = paragraph.note_refs

    counter = _Counter()
    changed = False

    # Sections, kept by order.
    old_sections = {s.order: s for s in Section.objects.filter(reading=reading)}
    section_moves = _reference_moves(
        old={order: s.title for order, s in old_sections.items()},
        new={s["order"]: s["title"] for s in new_sections},
        pks={order: s.pk for order, s in old_sections.items()},
    )
    to_update, to_create = [], []
    for spec in new_sections:
        row = old_sections.get(spec["order"])
        if row is None:
            to_create.append(Section(reading=reading, **spec))
        elif (row.title, row.kind) != (spec["title"], spec["kind"]):
            row.title, row.kind = spec["title"], spec["kind"]
            to_update.append(row)
    for row in (*to_update, *to_create):
        row.full_clean(exclude=["reading"], validate_unique=False, validate_constraints=False)
    if to_update:
        Section.objects.bulk_update(to_update, ["title", "kind"])
    if to_create:
        Section.objects.bulk_create(to_create)
    changed |= bool(to_update or to_create)
    section_pk = dict(Section.objects.filter(reading=reading).values_list("order", "pk"))

    # Paragraphs, kept by number.
    old_paragraphs = {p.number: p for p in Paragraph.objects.filter(reading=reading)}
    paragraph_moves = _reference_moves(
        old={n: p.text for n, p in old_paragraphs.items()},
        new={p["number"]: p["text"] for p in new_paragraphs},
        pks={n: p.pk for n, p in old_paragraphs.items()},
    )
    to_update, to_create = [], []
    for spec in new_paragraphs:
        section_id = section_pk[section_of_number[spec["number"]]]
        row = old_paragraphs.get(spec["number"])
        if row is None:
            to_create.append(Paragraph(reading=reading, section_id=section_id, **spec))
            continue
        current = (row.section_id, row.kind, row.text, row.page)
        if current != (section_id, spec["kind"], spec["text"], spec["page"]):
            row.section_id, row.kind, row.text, row.page = (
                section_id,
                spec["kind"],
                spec["text"],
                spec["page"],
            )
            to_update.append(row)
    for row in (*to_update, *to_create):
        row.full_clean(
            exclude=["reading", "section"], validate_unique=False, validate_constraints=False
        )
    if to_update:
        Paragraph.objects.bulk_update(to_update, ["section", "kind", "text", "page"])
    if to_create:
        Paragraph.objects.bulk_create(to_create)
    changed |= bool(to_update or to_create)
    paragraph_pk = dict(Paragraph.objects.filter(reading=reading).values_list("number", "pk"))

    # Footnotes and markers: compared as a whole, rebuilt when they differ.
    new_footnotes = [
        {"order": order, "label": note.label, "text": note.text, "page": note.page or ""}
        for order, note in enumerate(parsed.footnotes, start=1)
    ]
    refs_by_place = {("body", number): refs for number, refs in refs_of_number.items()}
    refs_by_place |= {
        ("note", order): note.note_refs for order, note in enumerate(parsed.footnotes, start=1)
    }
    new_markers, unlinked = _markers_for(new_footnotes, refs_by_place)
    old_footnotes = list(
        Footnote.objects.filter(reading=reading).values("order", "label", "text", "page")
    )
    old_markers = sorted(
        ("body", number, *rest) if number is not None else ("note", in_order, *rest)
        for number, in_order, *rest in FootnoteMarker.objects.filter(
            footnote__reading=reading
        ).values_list("paragraph__number", "in_footnote__order", "footnote__order", "start", "end")
    )
    if old_footnotes != new_footnotes or old_markers != new_markers:
        Footnote.objects.filter(reading=reading).delete()  # markers go with them
        footnotes = [Footnote(reading=reading, **spec) for spec in new_footnotes]
        for note in footnotes:
            note.full_clean(exclude=["reading"], validate_unique=False, validate_constraints=False)
        Footnote.objects.bulk_create(footnotes)
        footnote_pk = dict(Footnote.objects.filter(reading=reading).values_list("order", "pk"))
        FootnoteMarker.objects.bulk_create(
            FootnoteMarker(
                paragraph_id=paragraph_pk[key] if place == "body" else None,
                in_footnote_id=footnote_pk[key] if place == "note" else None,
                footnote_id=footnote_pk[order],
                start=start,
                end=end,
            )
            for place, key, order, start, end in new_markers
        )
        changed = True

    # Now every target row exists: move references, then drop rows the new text has no room for.
    _apply_moves(
        Paragraph, paragraph_moves, paragraph_pk, counter, exclude={FootnoteMarker, Paragraph}
    )
    _apply_moves(Section, section_moves, section_pk, counter, exclude={Paragraph})
    surplus_paragraphs = [p.pk for n, p in old_paragraphs.items() if n > len(new_paragraphs)]
    surplus_sections = [s.pk for o, s in old_sections.items() if o > len(new_sections)]
    if surplus_paragraphs or surplus_sections:
        counter.detached += _count_references(Paragraph, surplus_paragraphs, {FootnoteMarker})
        counter.detached += _count_references(Section, surplus_sections, {Paragraph})
        Paragraph.objects.filter(pk__in=surplus_paragraphs).delete()
        Section.objects.filter(pk__in=surplus_sections).delete()
        changed = True

    warnings = list(parsed.warnings)
    warnings += [
        f"{'Paragraph' if place == 'body' else 'Footnote'} {key}: the marker {label!r} matches no "
        "footnote; it is left unlinked."
        for (place, key), label in unlinked
    ]
    return ReadingImportReport(
        changed=changed,
        sections=len(new_sections),
        paragraphs=len(new_paragraphs),
        footnotes=len(new_footnotes),
        markers=len(new_markers),
        references_moved=counter.moved,
        references_kept_on_changed_text=counter.kept_on_changed,
        references_detached=counter.detached,
        warnings=tuple(warnings),
        dropped_lines=parsed.dropped_lines,
    )


def _markers_for(
    footnotes: list[dict], refs_by_place: dict[tuple[str, int], tuple]
) -> tuple[list[tuple], list[tuple[tuple[str, int], str]]]:
    """Marker rows for the parsed note refs, sorted: (place, key, footnote order, start, end).

    A place is ``("body", paragraph number)`` or ``("note", footnote order)`` for a marker
    inside a note; sorted, body markers come first, in reading order.

    The parser makes labels unique within a reading (a thesis whose numbering restarts in each
    chapter gets labels like ``IV.3``), so a label names one note. Should a label repeat after
    all, a marker takes the first note with that label that no earlier marker has taken, which
    follows the source's own order.
    """
    orders_by_label: dict[str, list[int]] = defaultdict(list)
    for spec in footnotes:
        orders_by_label[spec["label"]].append(spec["order"])
    taken: set[int] = set()
    markers, unlinked = [], []
    # Body text first, then the notes: the order in which a reader meets the markers.
    for place in sorted(refs_by_place):
        for ref in refs_by_place[place]:
            candidates = orders_by_label.get(ref.label, [])
            order = next((o for o in candidates if o not in taken), None)
            if order is None and candidates:
                order = candidates[-1]
            if order is None or ref.end <= ref.start:
                unlinked.append((place, ref.label))
                continue
            taken.add(order)
            markers.append((*place, order, ref.start, ref.end))
    return sorted(markers), unlinked


@dataclass
class _Moves:
    """Where references on old rows go: old key -> new key (or None: nowhere, or stay)."""

    targets: dict[int, int] = field(default_factory=dict)  # old pk -> new key (number/order)
    kept_on_changed: set[int] = field(default_factory=set)  # old pks left on reworded rows


def _reference_moves(*, old: dict[int, str], new: dict[int, str], pks: dict[int, int]) -> _Moves:
    """Decide, for each old row whose text changed, which new row its references belong to.

    A row whose text is unchanged at the same key keeps its references. Otherwise its
    references follow the old text to the first new row holding exactly that text that is not
    already holding it at the same key; failing that they stay where they are.
    """
    moves = _Moves()
    unchanged = {key for key, text in old.items() if new.get(key) == text}
    free_by_text: dict[str, list[int]] = defaultdict(list)
    for key in sorted(new):
        if key not in unchanged:
            free_by_text[new[key]].append(key)
    for key in sorted(old):
        if key in unchanged:
            continue
        places = free_by_text.get(old[key])
        if places:
            moves.targets[pks[key]] = places.pop(0)
        elif key in new:
            moves.kept_on_changed.add(pks[key])
    return moves


def _reverse_foreign_keys(model: type[models.Model], exclude: set) -> list:
    """Every foreign key pointing at ``model``, including those of many-to-many tables."""
    return [
        f.field
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created
        and not f.concrete
        and (f.one_to_many or f.one_to_one)
        and f.related_model not in exclude
    ]


def _count_references(model, pks: list[int], exclude: set) -> int:
    if not pks:
        return 0
    return sum(
        fk.model._base_manager.filter(**{f"{fk.attname}__in": pks}).count()
        for fk in _reverse_foreign_keys(model, exclude)
    )


def _apply_moves(model, moves: _Moves, new_pk: dict[int, int], counter: _Counter, exclude: set):
    """Point references from old rows at the rows ``moves`` chose, all at once."""
    counter.kept_on_changed += _count_references(model, sorted(moves.kept_on_changed), exclude)
    retarget = {old: new_pk[key] for old, key in moves.targets.items() if new_pk[key] != old}
    if not retarget:
        return
    for fk in _reverse_foreign_keys(model, exclude):
        related = fk.model._base_manager
        rows = list(related.filter(**{f"{fk.attname}__in": retarget}).values("pk", fk.attname))
        if not rows:
            continue
        moving = {row["pk"] for row in rows}
        if fk.model._meta.auto_created:
            # A many-to-many table holds one link per pair, and links may swap places: take the
            # moving links out, then put back each pair the target does not already have.
            (other,) = [f for f in fk.model._meta.concrete_fields if f.is_relation and f is not fk]
            owners = dict(related.filter(pk__in=moving).values_list("pk", other.attname))
            related.filter(pk__in=moving).delete()
            present = set(
                related.filter(**{f"{fk.attname}__in": set(retarget.values())}).values_list(
                    other.attname, fk.attname
                )
            )
            pairs = {(owners[row["pk"]], retarget[row[fk.attname]]) for row in rows} - present
            related.bulk_create(
                fk.model(**{other.attname: owner, fk.attname: target}) for owner, target in pairs
            )
            counter.moved += len(rows)
            continue
        by_target: dict[int, list[int]] = defaultdict(list)
        for row in rows:
            by_target[retarget[row[fk.attname]]].append(row["pk"])
        for target, row_pks in by_target.items():
            related.filter(pk__in=row_pks).update(**{fk.attname: target})
        counter.moved += len(rows)


@transaction.atomic
def reading_update(
    *,
    reading: Reading,
    title: str,
    author: str,
    kind: str,
    citation: str,
    date_label: str = "",
    provenance: str = "",
    licence_note: str = "",
    summary: str = "",
) -> Reading:
    """Change a reading's details (title, author, kind, citation and the like); its text,
    and so every paragraph anchor, stays as it is."""
    reading.title = title
    reading.author = author
    reading.kind = kind
    reading.citation = citation
    reading.date_label = date_label
    reading.provenance = provenance
    reading.licence_note = licence_note
    reading.summary = summary
    reading.full_clean()
    reading.save()
    return reading


@transaction.atomic
def editorial_note_add(
    *,
    reading: Reading,
    note: str = "",
    paragraph: Paragraph | None = None,
    section: Section | None = None,
    footnote: Footnote | None = None,
    original: str = "",
    correction: str = "",
    in_text: bool = False,
) -> EditorialNote:
    """Record an editor's note on a reading, e.g. what an OCR misreading probably says.

    The source text is never rewritten; a correction lives here, beside it. A note is about
    at most one paragraph, section title or footnote of the reading. A correction must quote
    what its target actually reads; an emendation (``in_text``) needs both the original and
    the correction.
    """
    targets = [target for target in (paragraph, section, footnote) if target is not None]
    if len(targets) > 1:
        raise ValidationError("An editorial note is about one paragraph, section or note.")
    target = targets[0] if targets else None
    if target is not None and target.reading_id != reading.pk:
        raise ValidationError("The text it is about belongs to another reading.")
    if original and target is not None and not correction_spans(_target_text(target), original):
        raise ValidationError({"original": f"{_target_name(target)} does not read “{original}”."})
    if not (note or correction):
        raise ValidationError("An editorial note needs a note or a correction.")
    if in_text and not (original and correction and target is not None):
        raise ValidationError(
            "A correction shown in the text needs the text it is in, the original and the "
            "correction."
        )
    row = EditorialNote(
        reading=reading,
        paragraph=paragraph,
        section=section,
        footnote=footnote,
        original=original,
        correction=correction,
        note=note,
        in_text=in_text,
    )
    row.full_clean()
    row.save()
    return row


def _target_text(target: Paragraph | Section | Footnote) -> str:
    return target.title if isinstance(target, Section) else target.text


def _target_name(target: Paragraph | Section | Footnote) -> str:
    if isinstance(target, Paragraph):
        return f"Paragraph {target.number}"
    if isinstance(target, Section):
        return f"Section {target.order} (“{target.title}”)"
    return f"Note {target.label}"


@dataclass
class CorrectionsLoadReport:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0


@transaction.atomic
def reading_corrections_load(
    *, reading: Reading, corrections: Sequence[Correction]
) -> CorrectionsLoadReport:
    """Make the reading's emendations (corrections shown in the text) those listed.

    The list is the record of the reading's emendations, so one no longer listed is removed;
    editorial notes shown beside the text are left alone. Every correction is checked before
    anything is written: one whose paragraph, section or note does not exist, or does not
    read its original, stops the load with a ``ValidationError`` naming all of them. Loading
    the same list again changes nothing.
    """
    paragraphs = {p.number: p for p in Paragraph.objects.filter(reading=reading)}
    sections = {s.order: s for s in Section.objects.filter(reading=reading)}
    footnotes = {f.label: f for f in Footnote.objects.filter(reading=reading)}
    wanted: dict[tuple, tuple[Paragraph | Section | Footnote, Correction]] = {}
    problems: list[str] = []
    for correction in corrections:
        if correction.paragraph is not None:
            target = paragraphs.get(correction.paragraph)
        elif correction.section is not None:
            target = sections.get(correction.section)
        else:
            target = footnotes.get(correction.footnote)
        if target is None:
            problems.append(f"{correction.target} does not exist")
            continue
        if not correction_spans(_target_text(target), correction.original):
            problems.append(f"{correction.target} does not read “{correction.original}”")
            continue
        key = (type(target).__name__, target.pk, correction.original)
        if key in wanted:
            problems.append(f"{correction.target}: “{correction.original}” is listed twice")
        wanted[key] = (target, correction)
    if problems:
        raise ValidationError([f"{reading.slug}: {problem}." for problem in problems])
    report = CorrectionsLoadReport()
    existing = {
        (
            _note_target_kind(row),
            row.paragraph_id or row.section_id or row.footnote_id,
            row.original,
        ): row
        for row in EditorialNote.objects.filter(reading=reading, in_text=True)
    }
    for key, row in existing.items():
        if key not in wanted:
            row.delete()
            report.removed += 1
    for key, (target, correction) in wanted.items():
        row = existing.get(key)
        if row is None:
            editorial_note_add(
                reading=reading,
                note=correction.note,
                original=correction.original,
                correction=correction.correction,
                in_text=True,
                **{type(target).__name__.lower(): target},
            )
            report.created += 1
        elif (row.correction, row.note) != (correction.correction, correction.note):
            row.correction, row.note = correction.correction, correction.note
            row.full_clean()
            row.save(update_fields=["correction", "note"])
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def _note_target_id(row: EditorialNote) -> int | None:
    return row.paragraph_id or row.section_id or row.footnote_id


def _note_target_kind(row: EditorialNote) -> str:
    if row.paragraph_id:
        return "Paragraph"
    if row.section_id:
        return "Section"
    return "Footnote"


# --- Reading progress ---------------------------------------------------------------------


@transaction.atomic
def reading_progress_record_open(
    *, student: User, reading: Reading, now: datetime | None = None
) -> ReadingProgress:
    """Note that a student opened a reading: the first time once, the latest time always.

    This runs on every visit to a reading page, so an existing row is touched with a single
    UPDATE of its one timestamp; the row was validated when it was created.
    """
    now = now or timezone.now()
    progress, created = ReadingProgress.objects.get_or_create(
        student=student, reading=reading, defaults={"first_opened_at": now, "last_opened_at": now}
    )
    if not created:
        ReadingProgress.objects.filter(pk=progress.pk).update(last_opened_at=now)
        progress.last_opened_at = now
    return progress


@transaction.atomic
def reading_mark_read(
    *, student: User, reading: Reading, now: datetime | None = None
) -> ReadingProgress:
    """Mark a reading read; marking it again keeps the first time it was marked."""
    now = now or timezone.now()
    progress, _ = ReadingProgress.objects.get_or_create(
        student=student, reading=reading, defaults={"first_opened_at": now, "last_opened_at": now}
    )
    if progress.marked_read_at is None:
        progress.marked_read_at = now
        progress.full_clean()
        progress.save(update_fields=["marked_read_at"])
    return progress


@transaction.atomic
def reading_unmark_read(*, student: User, reading: Reading) -> ReadingProgress | None:
    """Take back "read" on a reading; what was opened when is kept."""
    progress = ReadingProgress.objects.filter(student=student, reading=reading).first()
    if progress is not None and progress.marked_read_at is not None:
        progress.marked_read_at = None
        progress.save(update_fields=["marked_read_at"])
    return progress


# --- Units --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitReadingSpec:
    """A reading set for a unit: the whole reading (``section`` None) or one section."""

    reading: Reading
    section: Section | None = None
    note: str = ""


def _learning_intentions(value: str | Sequence[str]) -> str:
    lines = value.splitlines() if isinstance(value, str) else value
    return "\n".join(line.strip() for line in lines if line.strip())


@transaction.atomic
def unit_create(
    *,
    course: Course,
    title: str,
    slug: str = "",
    overview: str = "",
    learning_intentions: str | Sequence[str] = "",
    readings: Sequence[UnitReadingSpec] = (),
    order: int | None = None,
) -> Unit:
    """Add a unit to a course, last unless ``order`` says where; its slug follows
    ``new_slug`` within the course."""
    slug = new_slug(slug=slug, title=title, taken=course.units.all())
    if order is None:
        last = course.units.aggregate(last=models.Max("order"))["last"]
        order = (last or 0) + 1
    unit = Unit(
        course=course,
        order=order,
        slug=slug,
        title=title,
        overview=overview,
        learning_intentions=_learning_intentions(learning_intentions),
    )
    unit.full_clean()
    unit.save()
    _unit_readings_set(unit=unit, readings=readings)
    return unit


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    title: str,
    overview: str,
    learning_intentions: str | Sequence[str],
    readings: Sequence[UnitReadingSpec] | None = None,
) -> Unit:
    """Change a unit's text and, when given, the readings set for it (in the given order)."""
    unit.title = title
    unit.overview = overview
    unit.learning_intentions = _learning_intentions(learning_intentions)
    unit.full_clean()
    unit.save()
    if readings is not None:
        _unit_readings_set(unit=unit, readings=readings)
    return unit


def _unit_readings_set(*, unit: Unit, readings: Sequence[UnitReadingSpec]) -> None:
    seen = set()
    for spec in readings:
        if spec.section is not None and spec.section.reading_id != spec.reading.pk:
            raise ValidationError(
                {"readings": f"“{spec.section}” is not a section of “{spec.reading}”."}
            )
        key = (spec.reading.pk, spec.section.pk if spec.section else None)
        if key in seen:
            what = f"“{spec.section}” of “{spec.reading}”" if spec.section else f"“{spec.reading}”"
            raise ValidationError({"readings": f"{what} is set twice; set it once."})
        seen.add(key)
    wanted = {(spec.reading.pk, spec.section.pk if spec.section else None) for spec in readings}
    existing = {(row.reading_id, row.section_id): row for row in unit.unit_readings.all()}
    UnitReading.objects.filter(
        pk__in=[row.pk for key, row in existing.items() if key not in wanted]
    ).delete()
    for order, spec in enumerate(readings, start=1):
        key = (spec.reading.pk, spec.section.pk if spec.section else None)
        row = existing.get(key)
        if row is None:
            row = UnitReading(unit=unit, reading=spec.reading, section=spec.section)
        elif (row.order, row.note) == (order, spec.note):
            continue
        row.order, row.note = order, spec.note
        row.full_clean(validate_constraints=False)
        row.save()


@transaction.atomic
def unit_reading_add(
    *, unit: Unit, reading: Reading, section: Section | None = None, note: str = ""
) -> UnitReading:
    """Set a reading (or one section of it) for a unit, after those already set; idempotent."""
    row = UnitReading.objects.filter(unit=unit, reading=reading, section=section).first()
    if row is not None:
        return row
    if section is not None and section.reading_id != reading.pk:
        raise ValidationError({"section": f"“{section}” is not a section of “{reading}”."})
    last = unit.unit_readings.aggregate(last=models.Max("order"))["last"]
    row = UnitReading(unit=unit, reading=reading, section=section, note=note, order=(last or 0) + 1)
    row.full_clean(validate_constraints=False)
    row.save()
    return row


# --- Essay prompts ------------------------------------------------------------------------


@transaction.atomic
def essay_prompt_create(
    *,
    course: Course,
    title: str,
    question: str,
    max_words: int,
    rubric: Rubric,
    slug: str = "",
    min_words: int = 0,
    guidance: str = "",
    unit: Unit | None = None,
    readings: Iterable[Reading] = (),
    by: User | None = None,
) -> EssayPrompt:
    """Create an essay prompt; its slug follows ``new_slug`` within the course and the word
    limits must satisfy minimum ≤ maximum."""
    slug = new_slug(slug=slug, title=title, taken=course.prompts.all())
    _check_rubric_latest(rubric)
    prompt = EssayPrompt(
        course=course,
        unit=unit,
        slug=slug,
        title=title,
        question=question,
        guidance=guidance,
        min_words=min_words,
        max_words=max_words,
        rubric=rubric,
        created_by=by,
    )
    _check_prompt(prompt)
    prompt.save()
    prompt.readings.set(readings)
    return prompt


@transaction.atomic
def essay_prompt_update(
    *,
    prompt: EssayPrompt,
    title: str,
    question: str,
    max_words: int,
    rubric: Rubric,
    min_words: int = 0,
    guidance: str = "",
    unit: Unit | None = None,
    readings: Iterable[Reading] = (),
) -> EssayPrompt:
    """Change an essay prompt (its slug stays, so links to it keep working). It keeps the
    rubric version it has, even when a newer one exists; another rubric must be a latest one."""
    if rubric.pk != prompt.rubric_id:
        _check_rubric_latest(rubric)
    prompt.title = title
    prompt.question = question
    prompt.guidance = guidance
    prompt.min_words = min_words
    prompt.max_words = max_words
    prompt.rubric = rubric
    prompt.unit = unit
    _check_prompt(prompt)
    prompt.save()
    prompt.readings.set(readings)
    return prompt


def _check_rubric_latest(rubric: Rubric) -> None:
    """A prompt is given the latest version of a rubric, never one already superseded."""
    if Rubric.objects.filter(previous=rubric).exists():
        raise ValidationError(
            {
                "rubric": ValidationError(
                    "This is not the latest version of the rubric; choose the latest.",
                    code="not_latest",
                )
            }
        )


def _check_prompt(prompt: EssayPrompt) -> None:
    if prompt.unit is not None and prompt.unit.course_id != prompt.course_id:
        raise ValidationError({"unit": "The unit belongs to another course."})
    if prompt.min_words > prompt.max_words:
        raise ValidationError(
            {"min_words": "The minimum number of words cannot be more than the maximum."}
        )
    prompt.full_clean()


# --- Rubrics ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelSpec:
    title: str
    descriptor: str
    marks: Decimal | int | str


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion as written: its levels highest first, with marks before weighting; a
    weight of 2 makes every level (and so the criterion) worth twice its marks."""

    title: str
    description: str = ""
    levels: tuple[LevelSpec, ...] = ()
    weight: int = 1


@transaction.atomic
def rubric_create(
    *,
    title: str,
    criteria: Sequence[CriterionSpec],
    description: str = "",
    owner: User | None = None,
    total_marks: Decimal | None = None,
) -> Rubric:
    """Create a rubric with its criteria and their levels, in the given order; see
    ``rubric_criteria_check`` for what they must meet."""
    rubric_criteria_check(criteria, total_marks=total_marks)
    rubric = Rubric(title=title, description=description, owner=owner)
    rubric.full_clean()
    rubric.save()
    _rubric_criteria_write(rubric=rubric, criteria=criteria)
    return rubric


@transaction.atomic
def rubric_update(
    *,
    rubric: Rubric,
    title: str,
    criteria: Sequence[CriterionSpec],
    description: str = "",
    by: User | None = None,
    total_marks: Decimal | None = None,
) -> Rubric:
    """Edit a rubric; return the rubric that now holds the edit.

    A rubric that has been used (a prompt with it is set as an essay assignment) is never
    changed: the edit makes a new version (``previous`` → the old one, ``version`` + 1) and the
    prompts that were not yet set move to it, while set ones keep the version they were set
    with. An unused rubric is changed in place. Only the latest version may be edited, and an
    edit that changes nothing makes no version.
    """
    rubric_criteria_check(criteria, total_marks=total_marks)
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if Rubric.objects.filter(previous=rubric).exists():
        raise ValidationError("This is not the latest version of the rubric; edit the latest.")
    if _rubric_snapshot(rubric) == _spec_snapshot(title, description, criteria):
        return rubric
    if not rubric_is_used(rubric=rubric):
        rubric.title, rubric.description = title, description
        rubric.full_clean()
        rubric.save()
        Criterion.objects.filter(rubric=rubric).delete()
        _rubric_criteria_write(rubric=rubric, criteria=criteria)
        return rubric
    version = Rubric(
        title=title,
        description=description,
        version=rubric.version + 1,
        previous=rubric,
        owner=by or rubric.owner,
    )
    version.full_clean()
    version.save()
    _rubric_criteria_write(rubric=version, criteria=criteria)
    EssayPrompt.objects.filter(rubric=rubric).exclude(
        assignments__kind=AssignmentKind.ESSAY
    ).update(rubric=version)
    return version


def rubric_criteria_check(
    criteria: Sequence[CriterionSpec], *, total_marks: Decimal | None = None
) -> None:
    """A rubric has criteria; each has levels listed highest first with marks falling
    strictly, and a weight of 1–10; and, when a total is stated, the criteria's weighted top
    marks add up to it. Errors are keyed ``criteria.<index>`` (from 0) or ``total_marks``."""
    if not criteria:
        raise ValidationError("A rubric needs at least one criterion.")
    errors = {}
    for index, spec in enumerate(criteria):
        marks = [Decimal(str(level.marks)) for level in spec.levels]
        if not spec.levels:
            errors[f"criteria.{index}"] = f"The criterion “{spec.title}” needs at least one level."
        elif any(later >= earlier for earlier, later in itertools.pairwise(marks)):
            errors[f"criteria.{index}"] = (
                f"The levels of “{spec.title}” are out of order: list them highest first, each "
                "worth fewer marks than the one above."
            )
        elif not isinstance(spec.weight, int) or not 1 <= spec.weight <= 10:
            errors[f"criteria.{index}"] = f"The weight of “{spec.title}” must be from 1 to 10."
    if not errors and total_marks is not None:
        total = rubric_spec_total(criteria)
        if total != Decimal(total_marks):
            errors["total_marks"] = (
                f"The criteria add up to {total.normalize():f} marks, not "
                f"{Decimal(total_marks).normalize():f}: change a level's marks, a weight or the "
                "total."
            )
    if errors:
        raise ValidationError(errors)


def rubric_spec_total(criteria: Sequence[CriterionSpec]) -> Decimal:
    """What a rubric as written is out of: each criterion's top marks times its weight."""
    return sum(
        (
            max(Decimal(str(level.marks)) for level in spec.levels) * spec.weight
            for spec in criteria
            if spec.levels
        ),
        Decimal(0),
    )


def rubric_criteria_of(*, rubric: Rubric) -> list[CriterionSpec]:
    """A rubric's criteria as the specs that would write them again (marks before weighting)."""
    return [
        CriterionSpec(
            title=criterion.title,
            description=criterion.description,
            weight=criterion.weight,
            levels=tuple(
                LevelSpec(level.title, level.descriptor, Decimal(level.marks) / criterion.weight)
                for level in criterion.levels.all()
            ),
        )
        for criterion in rubric.criteria.prefetch_related("levels").order_by("order")
    ]


@transaction.atomic
def rubric_duplicate(*, rubric: Rubric, by: User | None) -> Rubric:
    """Copy a rubric as a new one (version 1, "(copy)" added to its title) owned by ``by``."""
    return rubric_create(
        title=f"{rubric.title} (copy)"[:200],
        description=rubric.description,
        criteria=rubric_criteria_of(rubric=rubric),
        owner=by,
    )


def _rubric_criteria_write(*, rubric: Rubric, criteria: Sequence[CriterionSpec]) -> None:
    rubric_criteria_check(criteria)
    for order, spec in enumerate(criteria, start=1):
        criterion = Criterion(
            rubric=rubric,
            order=order,
            title=spec.title,
            description=spec.description,
            weight=spec.weight,
        )
        criterion.full_clean()
        criterion.save()
        levels = [
            Level(
                criterion=criterion,
                order=level_order,
                title=level.title,
                descriptor=level.descriptor,
                marks=Decimal(str(level.marks)) * spec.weight,
            )
            for level_order, level in enumerate(spec.levels, start=1)
        ]
        for level in levels:
            level.full_clean()
        Level.objects.bulk_create(levels)


def _rubric_snapshot(rubric: Rubric) -> tuple:
    criteria = rubric.criteria.prefetch_related("levels").order_by("order")
    return (
        rubric.title,
        rubric.description,
        tuple(
            (
                criterion.title,
                criterion.description,
                criterion.weight,
                tuple(
                    (level.title, level.descriptor, Decimal(level.marks))
                    for level in criterion.levels.all()
                ),
            )
            for criterion in criteria
        ),
    )


def _spec_snapshot(title: str, description: str, criteria: Sequence[CriterionSpec]) -> tuple:
    return (
        title,
        description,
        tuple(
            (
                spec.title,
                spec.description,
                spec.weight,
                tuple(
                    (level.title, level.descriptor, Decimal(str(level.marks)) * spec.weight)
                    for level in spec.levels
                ),
            )
            for spec in criteria
        ),
    )


# --- Glossary, people, timeline, quizzes --------------------------------------------------


@transaction.atomic
def term_create(
    *, course: Course, slug: str, term: str, definition: str, evidence: Iterable[Paragraph] = ()
) -> Term:
    """Add a glossary term to a course, with the paragraphs that evidence its definition."""
    row = Term(course=course, slug=slug, term=term, definition=definition)
    row.full_clean()
    row.save()
    row.evidence.set(evidence)
    return row


@transaction.atomic
def person_create(
    *,
    course: Course,
    slug: str,
    name: str,
    summary: str,
    life_dates: str = "",
    evidence: Iterable[Paragraph] = (),
) -> Person:
    """Add a historical figure to a course, with the paragraphs that evidence the summary."""
    row = Person(course=course, slug=slug, name=name, summary=summary, life_dates=life_dates)
    row.full_clean()
    row.save()
    row.evidence.set(evidence)
    return row


def period_start(day: date, precision: str) -> date:
    """The first day of the month or year a date stands for, at the given precision."""
    if precision == DatePrecision.MONTH:
        return day.replace(day=1)
    if precision == DatePrecision.YEAR:
        return day.replace(month=1, day=1)
    return day


@transaction.atomic
def timeline_event_create(
    *,
    course: Course,
    date: date,
    precision: str,
    title: str,
    description: str = "",
    evidence: Iterable[Paragraph] = (),
) -> TimelineEvent:
    """Add a dated event to a course's timeline, with the paragraphs that evidence it.

    A month or a year is stored as its first day, so events sort in time whatever their
    precision.
    """
    row = TimelineEvent(
        course=course,
        date=period_start(date, precision),
        precision=precision,
        title=title,
        description=description,
    )
    row.full_clean()
    row.save()
    row.evidence.set(evidence)
    return row


@dataclass(frozen=True)
class ChoiceSpec:
    text: str
    correct: bool = False


@transaction.atomic
def quiz_create(*, unit: Unit, slug: str, title: str, instructions: str = "") -> Quiz:
    """Add a comprehension quiz to a unit."""
    quiz = Quiz(unit=unit, slug=slug, title=title, instructions=instructions)
    quiz.full_clean()
    quiz.save()
    return quiz


@transaction.atomic
def quiz_question_add(
    *,
    quiz: Quiz,
    text: str,
    choices: Sequence[ChoiceSpec],
    explanation: str = "",
    evidence: Paragraph | None = None,
    order: int | None = None,
) -> Question:
    """Add a multiple-choice question: at least two choices, exactly one of them correct."""
    if len(choices) < 2:
        raise ValidationError("A question needs at least two choices.")
    if sum(1 for choice in choices if choice.correct) != 1:
        raise ValidationError("A question needs exactly one correct choice.")
    if order is None:
        last = quiz.questions.aggregate(last=models.Max("order"))["last"]
        order = (last or 0) + 1
    question = Question(
        quiz=quiz, order=order, text=text, explanation=explanation, evidence=evidence
    )
    question.full_clean()
    question.save()
    rows = [
        Choice(question=question, order=choice_order, text=choice.text, is_correct=choice.correct)
        for choice_order, choice in enumerate(choices, start=1)
    ]
    for row in rows:
        row.full_clean()
    Choice.objects.bulk_create(rows)
    return question
