"""Writes for the writing process: the only code that records an essay's writing history, sets a
student's accommodation or an assignment's process settings.

How the history is recorded. The editor already sends the whole text with every autosave (every
few seconds while the student types), so the server computes the step itself: a
diff-match-patch diff from the stored draft to the new one, kept in the library's compact
delta format (``=120\\t-3\\t+the``: keep 120 characters, delete 3, insert "the"; lengths in
UTF-16 units, so the browser's replay applies it as is). No diff runs in the browser and none
of the student's keystrokes wait for one. With each save the editor reports what happened since
the last one (``events``): characters typed and deleted, and each paste with its text. Events
not yet sent are kept on the device with the unsaved text, so they survive the localStorage
recovery path too.

Bounded: a history keeps at most ``MAX_STEPS`` steps; when it passes that, the older half is
coalesced two steps into one (a diff of the texts either side), so an essay written over weeks
keeps recent detail and a coarser past. Pastes keep at most ``MAX_PASTE_CHARS`` characters of
their text. The document is zlib-compressed; over ``MAX_HISTORY_BYTES`` the oldest steps are
folded into the starting text.

Recording never costs the student a word: ``writing_history_record`` runs in a savepoint of the
draft save, and any failure in it is logged and leaves the save as it was.

Sessions and time on task: a gap of more than ``SESSION_GAP`` seconds between two moments of
activity starts a new session; time on task adds up the gaps within sessions, each counted up to
``IDLE_CAP`` seconds (a student reading for a minute is on task; one away for an hour is not).

Bursts: a step that adds more than ``BURST_CHARS`` characters beyond what was typed and pasted
(text that appeared at once: dictation, another program typing, a form post without the editor's
script) is a burst. A student with a ``WritingAccommodation`` in the class has bursts recorded
but never flagged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import unquote

from diff_match_patch import diff_match_patch
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from courseware.models import (
    ProcessSettings,
    Submission,
    SubmissionVersion,
    WritingAccommodation,
    WritingHistory,
)
from courseware.models.process import empty_history
from courseware.originality.align import aligned_spans, locate
from courseware.originality.check import query_keys
from courseware.originality.text import words_of

if TYPE_CHECKING:
    from accounts.models import User
    from courseware.models import Assignment, Classroom

logger = logging.getLogger(__name__)

MAX_STEPS = 400
MAX_HISTORY_BYTES = 2_000_000
MAX_PASTES = 1000
MAX_PASTE_CHARS = 2000
MAX_EVENTS_PER_SAVE = 500
SESSION_GAP = 30 * 60
IDLE_CAP = 5 * 60
BURST_CHARS = 300
DIFF_TIMEOUT = 0.2  # seconds; a diff cut short is still exact, only less minimal

# Where a paste came from.
SOURCE_READING = "reading"
SOURCE_OWN = "own"
SOURCE_PEER = "peer"
SOURCE_OUTSIDE = "outside"
MIN_MATCH_WORDS = 4  # fewer, and a paste is too short to say where it came from
READING_MATCH = 0.8
PEER_MIN_WORDS = 12
FLAGGED_SOURCES = frozenset({SOURCE_PEER, SOURCE_OUTSIDE})


def _differ() -> diff_match_patch:
    differ = diff_match_patch()
    differ.Diff_Timeout = DIFF_TIMEOUT
    return differ


def delta_between(before: str, after: str) -> str:
    """The diff-match-patch delta that turns ``before`` into ``after``."""
    differ = _differ()
    diffs = differ.diff_main(before, after, checklines=len(before) + len(after) > 20_000)
    differ.diff_cleanupEfficiency(diffs)
    return differ.diff_toDelta(diffs)


def delta_apply(before: str, delta: str) -> str:
    """The text a delta turns ``before`` into."""
    diffs = diff_match_patch().diff_fromDelta(before, delta)
    return "".join(text for op, text in diffs if op != diff_match_patch.DIFF_DELETE)


def delta_sizes(delta: str) -> tuple[int, int]:
    """(characters inserted, characters deleted) by a delta, in UTF-16 units for deletions."""
    inserted = deleted = 0
    for token in delta.split("\t"):
        if token.startswith("+"):
            # Escapes (%xx) make the token longer than the text: count it decoded.
            inserted += len(unquote(token[1:]))
        elif token.startswith("-"):
            deleted += int(token[1:] or 0)
    return inserted, deleted


def history_texts(document: dict):
    """Yield (epoch second, text) for the start and after each step."""
    text = document["base"]
    yield document["base_t"], text
    for at, _revision, delta in document["steps"]:
        text = delta_apply(text, delta)
        yield at, text


def _coalesce(document: dict) -> None:
    """Halve the older half of the steps: each pair becomes one step (the texts either side
    diffed again), keeping the later step's time and revision."""
    steps = document["steps"]
    half = len(steps) // 2
    half -= half % 2
    if half < 2:
        return
    texts = [document["base"]]
    for _at, _revision, delta in steps[:half]:
        texts.append(delta_apply(texts[-1], delta))
    merged = []
    for i in range(0, half, 2):
        at, revision, _delta = steps[i + 1]
        merged.append([at, revision, delta_between(texts[i], texts[i + 2])])
    document["steps"] = merged + steps[half:]
    document["coalesced"] += half // 2


def _fold_oldest(document: dict, count: int) -> None:
    """Fold the first ``count`` steps into the starting text (the oldest detail goes)."""
    text = document["base"]
    for _at, _revision, delta in document["steps"][:count]:
        text = delta_apply(text, delta)
    document["base"] = text
    document["base_t"] = document["steps"][count - 1][0]
    document["steps"] = document["steps"][count:]
    document["coalesced"] += count


def _note_activity(document: dict, at: int) -> None:
    sessions = document["sessions"]
    if not sessions or at - sessions[-1][1] > SESSION_GAP:
        sessions.append([at, at, 0])
        return
    last = sessions[-1]
    if at > last[1]:
        last[2] += min(at - last[1], IDLE_CAP)
        last[1] = at


# --- Pastes ----------------------------------------------------------------------------------


class PasteSources:
    """Where a paste is looked for: the readings the essay may cite (the originality engine's
    reading index) and the other students' essays on the prompt (the peer index)."""

    def __init__(self, *, submission: Submission):
        self.submission = submission
        self._corpus = None

    @property
    def corpus(self):
        if self._corpus is None:
            from courseware.selectors.originality import citable_reading_ids
            from courseware.services.originality import reading_corpus_for

            self._corpus = reading_corpus_for(
                reading_ids=citable_reading_ids(assignment=self.submission.assignment)
            )
        return self._corpus

    def reading_paragraph(self, words: list[str]):
        """The reading paragraph holding these words (nearly) word for word, if one does."""
        corpus = self.corpus
        best = None
        for key in corpus.table.candidates(words):
            located = locate([words], corpus.words[key].words)
            if located and located.similarity >= READING_MATCH:
                if best is None or located.similarity > best[1].similarity:
                    best = (key, located)
        return corpus.paragraphs[best[0]] if best else None

    def peer_version(self, words: list[str]) -> int | None:
        """Another student's latest essay on the prompt holding most of these words."""
        from courseware.selectors.originality import peer_candidate_hits

        prompt_id = self.submission.assignment.prompt_id
        if prompt_id is None or len(words) < PEER_MIN_WORDS:
            return None
        hits = peer_candidate_hits(
            prompt_id=prompt_id, student_id=self.submission.student_id, keys=query_keys(words)
        )
        chosen = [key for key, _count in hits.most_common(5)]
        texts = dict(SubmissionVersion.objects.filter(pk__in=chosen).values_list("pk", "text"))
        for key in chosen:
            if key not in texts:
                continue
            spans = aligned_spans(words, words_of(texts[key]).words, min_matched=8)
            if sum(span.matched for span in spans) >= 0.6 * len(words):
                return key
        return None


def classify_paste(
    *, text: str, before: str, from_essay: bool, sources: PasteSources
) -> dict[str, object]:
    """Where a pasted text came from: the student's own earlier text (moved or copied within
    the essay), a paragraph of a set reading, another student's essay, or elsewhere."""
    stripped = text.strip()
    if from_essay or (len(stripped) >= 12 and stripped in before):
        return {"source": SOURCE_OWN}
    words = words_of(text).words
    if len(words) >= MIN_MATCH_WORDS:
        paragraph = sources.reading_paragraph(words)
        if paragraph is not None:
            return {
                "source": SOURCE_READING,
                "paragraph": paragraph.key,
                "reading": paragraph.reading_slug,
                "number": paragraph.number,
            }
        peer = sources.peer_version(words)
        if peer is not None:
            return {"source": SOURCE_PEER, "peer": peer}
    return {"source": SOURCE_OUTSIDE}


# --- Recording ---------------------------------------------------------------------------------


def _event_second(event: dict, *, sent_at: int | None, now: int) -> int:
    """The server's epoch second for an event the browser timed by its own clock: its age when
    sent, taken from now (the two clocks need not agree)."""
    at = event.get("at")
    if not isinstance(at, int) or sent_at is None:
        return now
    return max(0, min(now, now - max(0, (sent_at - at) // 1000)))


def writing_history_record(
    *,
    submission: Submission,
    before: str,
    after: str,
    events: list[dict],
    sent_at: int | None,
    now: datetime,
) -> WritingHistory:
    """Append one autosave to the essay's history: the delta from ``before`` (the stored draft)
    to ``after``, and the events the editor reported with it. The caller holds the
    submission's row lock (saves of one essay take turns)."""
    moment = int(now.timestamp())
    history = WritingHistory.objects.filter(submission=submission).first()
    if history is None:
        history = WritingHistory(submission=submission, started_at=now)
        document = empty_history(base=before, at=moment)
    else:
        document = history.load()

    typed = pasted = 0
    sources = None
    for event in events[:MAX_EVENTS_PER_SAVE]:
        kind = event.get("kind")
        chars = max(0, int(event.get("chars") or 0))
        at = _event_second(event, sent_at=sent_at, now=moment)
        if kind == "type":
            typed += chars
            document["typed"] += chars
        elif kind == "delete":
            document["deleted"] += chars
        elif kind == "paste":
            text = str(event.get("text") or "")
            pasted += chars
            if len(document["pastes"]) >= MAX_PASTES:
                continue
            sources = sources or PasteSources(submission=submission)
            try:
                found = classify_paste(
                    text=text,
                    before=before,
                    from_essay=bool(event.get("from_essay")),
                    sources=sources,
                )
            except Exception:
                logger.exception("A paste in submission %s could not be classified", submission.pk)
                found = {"source": SOURCE_OUTSIDE, "unchecked": True}
            document["pastes"].append(
                {"t": at, "chars": chars, "text": text[:MAX_PASTE_CHARS], **found}
            )
        else:
            continue
        _note_activity(document, at)

    if before != after:
        delta = delta_between(before, after)
        document["steps"].append([moment, submission.revision, delta])
        inserted, _deleted = delta_sizes(delta)
        unexplained = inserted - typed - pasted
        if unexplained > BURST_CHARS:
            document["bursts"].append([moment, unexplained])
    _note_activity(document, moment)

    if len(document["steps"]) > MAX_STEPS:
        _coalesce(document)
    history.store(document)
    while history.size > MAX_HISTORY_BYTES and document["steps"]:
        _fold_oldest(document, max(1, len(document["steps"]) // 4))
        history.store(document)
    _summarise(history, document)
    history.updated_at = now
    history.save()
    return history


def _summarise(history: WritingHistory, document: dict) -> None:
    history.step_count = len(document["steps"])
    history.paste_count = len(document["pastes"])
    history.flagged_paste_count = sum(
        1
        for paste in document["pastes"]
        if paste["source"] in FLAGGED_SOURCES and paste.get("chars", 0) >= 20
    )
    history.burst_count = len(document["bursts"])
    history.session_count = len(document["sessions"])
    history.active_seconds = sum(session[2] for session in document["sessions"])


def writing_history_record_safely(**kwargs) -> WritingHistory | None:
    """``writing_history_record`` in a savepoint: a failure is logged and changes nothing, so
    recording the history never costs the student their save."""
    try:
        with transaction.atomic():
            return writing_history_record(**kwargs)
    except Exception:
        logger.exception(
            "The writing history of submission %s was not recorded", kwargs["submission"].pk
        )
        return None


# --- Accommodations and settings --------------------------------------------------------------


@transaction.atomic
def accommodation_set(
    *, classroom: Classroom, student: User, on: bool, note: str = "", by: User, now: datetime
) -> WritingAccommodation | None:
    """Record (or remove) that a student of the class writes with dictation or other assistive
    software, so that text appearing in bursts is not flagged for them."""
    from courseware.models import Membership, MembershipRole

    if not Membership.objects.filter(
        classroom=classroom, user=student, role=MembershipRole.STUDENT
    ).exists():
        raise ValidationError(_("Only a student of the class can have an accommodation."))
    existing = WritingAccommodation.objects.filter(classroom=classroom, student=student).first()
    if not on:
        if existing is not None:
            existing.delete()
        return None
    accommodation = existing or WritingAccommodation(classroom=classroom, student=student)
    accommodation.note = note[:200]
    accommodation.set_by = by
    accommodation.set_at = now
    accommodation.full_clean(exclude=["classroom", "student", "set_by"], validate_unique=False)
    accommodation.save()
    return accommodation


@transaction.atomic
def process_settings_set(
    *, assignment: Assignment, coach_checks: int, feedback_first: bool
) -> ProcessSettings:
    """Set how many citation coach checks a student has per version, and "feedback first"."""
    settings, _created = ProcessSettings.objects.get_or_create(assignment=assignment)
    settings.coach_checks = coach_checks
    settings.feedback_first = feedback_first
    settings.full_clean(exclude=["assignment"], validate_unique=False)
    settings.save()
    return settings


# --- The citation coach ------------------------------------------------------------------------


@dataclass(frozen=True)
class CoachNote:
    """One thing the coach tells the student, in teaching language, about a stretch of their
    text. ``kind`` is the originality engine's class of the match."""

    kind: str
    excerpt: str
    message: str
    good: bool = False


@dataclass
class CoachResult:
    notes: list[CoachNote]
    checks_used: int
    checks_allowed: int

    @property
    def to_fix(self) -> list[CoachNote]:
        return [note for note in self.notes if not note.good]

    @property
    def good(self) -> list[CoachNote]:
        return [note for note in self.notes if note.good]


def _excerpt(text: str, start: int, end: int, limit: int = 120) -> str:
    passage = " ".join(text[start:end].split())
    return passage if len(passage) <= limit else passage[: limit - 1] + "…"


def coach_notes(*, text: str, corpus) -> list[CoachNote]:
    """What the citation coach says about ``text``: the originality engine's quotation and
    citation findings against the readings, put as advice to the writer."""
    from courseware.originality.check import (
        MISQUOTED,
        QUOTED_CITED,
        UNATTRIBUTED,
        WRONG_PARAGRAPH,
        check_essay,
    )

    def where(key) -> str:
        paragraph = corpus.paragraphs.get(key)
        if paragraph is None:
            return ""
        return f"[[{paragraph.reading_slug}#p-{paragraph.number}]]"

    notes = []
    for finding in check_essay(text, readings=corpus, peers=None).findings:
        excerpt = _excerpt(text, finding.start, finding.end)
        if finding.kind == QUOTED_CITED:
            notes.append(
                CoachNote(
                    kind=finding.kind,
                    excerpt=excerpt,
                    message=_("Well done: quoted exactly and cited to the right paragraph."),
                    good=True,
                )
            )
        elif finding.kind == MISQUOTED:
            notes.append(
                CoachNote(
                    kind=finding.kind,
                    excerpt=excerpt,
                    message=_(
                        "This quotation differs from the source (%(where)s): %(detail)s. A "
                        "quotation gives the source's words exactly; mark words you leave out "
                        "with an ellipsis (…) and words you add with [square brackets]."
                    )
                    % {"where": where(finding.paragraph), "detail": finding.detail},
                )
            )
        elif finding.kind == WRONG_PARAGRAPH:
            found = where(finding.paragraph) if finding.paragraph is not None else ""
            message = _(
                "The words you quote are not in the paragraph your citation points to. "
                "Check which paragraph they come from and cite that one."
            )
            if found:
                message += " " + _("They look like %(where)s.") % {"where": found}
            notes.append(CoachNote(kind=finding.kind, excerpt=excerpt, message=message))
        elif finding.kind == UNATTRIBUTED and finding.detail.startswith("In quotation marks"):
            notes.append(
                CoachNote(
                    kind=finding.kind,
                    excerpt=excerpt,
                    message=_(
                        "These words are in quotation marks but have no citation. Say where "
                        "they come from: add %(where)s after the closing quotation mark."
                    )
                    % {"where": where(finding.paragraph)},
                )
            )
        elif finding.kind == UNATTRIBUTED:
            notes.append(
                CoachNote(
                    kind=finding.kind,
                    excerpt=excerpt,
                    message=_(
                        "This passage uses the words of %(where)s without quotation marks. "
                        "Either put the source's words in quotation marks and cite them, or "
                        "explain the idea in your own words (and still cite it)."
                    )
                    % {"where": where(finding.paragraph)},
                )
            )
    return notes


@transaction.atomic
def coach_check_run(*, submission: Submission, text: str, by: User, now: datetime) -> CoachResult:
    """Run the citation coach on ``text`` (the draft the student sees) and record that it ran
    (when, and how many notes: never what it said). Refused once the student has used the
    assignment's checks for the version they are writing."""
    from courseware.models import CoachCheck
    from courseware.selectors.originality import citable_reading_ids
    from courseware.services.originality import reading_corpus_for

    submission = Submission.objects.select_for_update(of=("self",)).get(pk=submission.pk)
    if submission.student_id != by.pk:
        raise ValidationError(_("Only the student who writes an essay uses its coach."))
    if not submission.is_editable:
        raise ValidationError(
            _("This essay has been handed in; the coach is for drafts."), code="submitted"
        )
    settings = ProcessSettings.objects.filter(assignment_id=submission.assignment_id).first()
    allowed = settings.coach_checks if settings else ProcessSettings.DEFAULT_COACH_CHECKS
    version_number = submission.current_version + 1
    used = CoachCheck.objects.filter(submission=submission, version_number=version_number).count()
    if used >= allowed:
        raise ValidationError(
            _(
                "You have used all %(allowed)s citation checks for this version. Read the "
                "notes you have, and ask your teacher if you are unsure."
            )
            % {"allowed": allowed},
            code="coach_limit",
        )
    corpus = reading_corpus_for(reading_ids=citable_reading_ids(assignment=submission.assignment))
    notes = coach_notes(text=text, corpus=corpus)
    check = CoachCheck(
        submission=submission,
        version_number=version_number,
        revision=submission.revision,
        notes=sum(1 for note in notes if not note.good),
        ran_at=now,
    )
    check.full_clean(exclude=["submission"])
    check.save()
    return CoachResult(notes=notes, checks_used=used + 1, checks_allowed=allowed)


# --- Feedback first ----------------------------------------------------------------------------

MIN_RESPONSE_CHARS = 20
MAX_RESPONSE_CHARS = 2000


@transaction.atomic
def feedback_response_write(
    *, submission: Submission, version_number: int, text: str, by: User, now: datetime
):
    """The student's response to a version's feedback: what they take from it and will do next.
    Written once per version; on a "feedback first" assignment the mark is shown after it."""
    from courseware.models import FeedbackResponse

    if submission.student_id != by.pk:
        raise ValidationError(_("Only the student who wrote the essay responds to its feedback."))
    text = text.strip()
    if len(text) < MIN_RESPONSE_CHARS:
        raise ValidationError(
            {
                "text": _(
                    "Write a sentence or two (at least %(min)s characters): what will you do "
                    "next time?"
                )
                % {"min": MIN_RESPONSE_CHARS}
            }
        )
    if len(text) > MAX_RESPONSE_CHARS:
        raise ValidationError(
            {"text": _("Keep it to %(max)s characters.") % {"max": MAX_RESPONSE_CHARS}}
        )
    existing = FeedbackResponse.objects.filter(
        submission=submission, version_number=version_number
    ).first()
    if existing is not None:
        return existing
    response = FeedbackResponse(
        submission=submission, version_number=version_number, text=text, written_at=now
    )
    response.full_clean(exclude=["submission"], validate_unique=False, validate_constraints=False)
    response.save()
    return response
