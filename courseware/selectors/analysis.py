"""Reads for source-analysis tasks: the task page a student answers on, a class's tasks for its
teachers, and the student's own answers offered as evidence in an essay's editor.

Each page's query count is decided here and does not grow with the number of tasks, answers,
paragraphs or citations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from courseware import permissions
from courseware.models import (
    AnalysisTask,
    Assignment,
    AssignmentKind,
    Classroom,
    Paragraph,
    Reading,
    Submission,
    SubmissionVersion,
)
from courseware.originality.text import citations_in, quotations_in, words_of
from courseware.selectors.submissions import (
    citable_readings,
    essay_deadline,
    submission_versions,
)
from courseware.selectors.teaching import assignments_for_classroom
from courseware.timing import Deadline

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# A quotation offered from a cited paragraph is cut to about this many words, at a sentence end
# when there is one, and marked with an ellipsis.
EVIDENCE_MAX_WORDS = 40


def analysis_assignment_get_for_student(
    *, user: User | AnonymousUser, pk: int, now: datetime
) -> Assignment:
    """A source-analysis task the user answers as a student of its class: live and open; 404
    for anything else, missing or not theirs alike."""
    assignment = (
        Assignment.objects.select_related("classroom__course", "reading", "analysis_task__rubric")
        .filter(pk=pk, kind=AssignmentKind.ANALYSIS, withdrawn_at__isnull=True, opens_at__lte=now)
        .first()
    )
    if assignment is None or not permissions.can_answer_analysis_task(user, assignment):
        raise Http404
    return assignment


def analysis_task_get_for(*, user: User | AnonymousUser, pk: int, now: datetime) -> Assignment:
    """A source-analysis task the user sets (in any state) or answers (live and open); 404
    otherwise, missing or not theirs alike."""
    if not user.is_authenticated:
        raise Http404
    assignment = (
        Assignment.objects.select_related("classroom__course", "reading", "analysis_task__rubric")
        .filter(pk=pk, kind=AssignmentKind.ANALYSIS)
        .first()
    )
    if assignment is None:
        raise Http404
    if permissions.can_set_analysis_task(user, assignment.classroom):
        return assignment
    return analysis_assignment_get_for_student(user=user, pk=pk, now=now)


def analysis_submission_of(*, assignment: Assignment, student: User) -> Submission | None:
    return (
        Submission.objects.select_related(
            "student", "assignment__classroom__course", "assignment__analysis_task"
        )
        .filter(assignment=assignment, student=student)
        .first()
    )


def passage_paragraphs(*, task: AnalysisTask, reading: Reading) -> list[Paragraph]:
    """The paragraphs the task is about, in order (one query)."""
    paragraphs = reading.paragraphs.only("number", "text", "page", "kind", "reading_id")
    if task.is_passage:
        paragraphs = paragraphs.filter(
            number__gte=task.paragraph_from, number__lte=task.paragraph_to
        )
    return list(paragraphs.order_by("number"))


@dataclass
class AnswerField:
    key: str
    label: str
    help: str
    text: str

    @property
    def citations(self) -> list[tuple[str, int]]:
        """The paragraphs the answer cites (its evidence chips), each once, in order."""
        return list(dict.fromkeys(c.anchor for c in citations_in(self.text) if c.anchor))


@dataclass
class AnalysisPage:
    """Everything the answer page shows, in a fixed number of queries."""

    assignment: Assignment
    task: AnalysisTask
    reading: Reading
    paragraphs: list[Paragraph]
    deadline: Deadline
    submission: Submission | None = None
    versions: list[SubmissionVersion] = field(default_factory=list)
    fields: list[AnswerField] = field(default_factory=list)

    @property
    def editable(self) -> bool:
        return self.submission is not None and self.submission.is_editable


def analysis_page(
    *,
    assignment: Assignment,
    student: User,
    submission: Submission | None,
    now: datetime,
    text: str | None = None,
) -> AnalysisPage:
    """The answer page: the task, the passage, the student's dates and answers (``text`` in
    place of the saved draft, for a form shown again after a refusal)."""
    task = assignment.analysis_task
    page = AnalysisPage(
        assignment=assignment,
        task=task,
        reading=assignment.reading,
        paragraphs=passage_paragraphs(task=task, reading=assignment.reading),
        deadline=essay_deadline(assignment=assignment, student=student, now=now),
        submission=submission,
    )
    if submission is not None:
        page.versions = submission_versions(submission=submission)
        answers = task.parse(submission.draft_text if text is None else text)
        page.fields = [
            AnswerField(
                key=f["key"], label=f["label"], help=f.get("help", ""), text=answers[f["key"]]
            )
            for f in task.fields
        ]
    return page


def analysis_tasks_for_classroom(*, classroom: Classroom) -> QuerySet[Assignment]:
    """A class's source-analysis tasks for its teachers (withdrawn ones last), each with its
    reading, task and rubric and ``handed_in_count`` (one query)."""
    return (
        assignments_for_classroom(classroom=classroom)
        .filter(kind=AssignmentKind.ANALYSIS)
        .select_related("analysis_task__rubric")
    )


def classroom_get_for_setter(*, user: User | AnonymousUser, pk: int) -> Classroom:
    """A class whose source-analysis tasks the user sets; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    classroom = Classroom.objects.select_related("course").filter(pk=pk).first()
    if classroom is None or not permissions.can_set_analysis_task(user, classroom):
        raise Http404
    return classroom


# --- Evidence for an essay -----------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """A quotation from a source with its citation, ready to insert in an essay."""

    quote: str
    cite: str
    number: int
    chosen: bool  # the student's own choice of words in their answer, not a paragraph excerpt


@dataclass
class EvidenceField:
    label: str
    text: str
    evidence: list[Evidence]


@dataclass
class EvidenceTask:
    assignment: Assignment
    reading: Reading
    fields: list[EvidenceField]


def _contains(paragraph: str, quote: str) -> bool:
    """Whether the quoted words are the paragraph's words, in order (case, punctuation and
    quotation marks aside)."""
    needle = words_of(quote).words
    haystack = words_of(paragraph).words
    if not needle:
        return False
    first = needle[0]
    return any(
        haystack[i : i + len(needle)] == needle for i, word in enumerate(haystack) if word == first
    )


def excerpt(text: str, *, max_words: int = EVIDENCE_MAX_WORDS) -> str:
    """The start of a paragraph as a quotation: whole sentences up to ``max_words`` words,
    else the first ``max_words`` words and an ellipsis. Double quotation marks inside become
    single ones, so the quotation's own marks stay unambiguous."""
    text = " ".join(text.split()).replace('"', "'").replace("“", "‘").replace("”", "’")
    words = text.split(" ")
    if len(words) <= max_words:
        return text
    cut = " ".join(words[:max_words])
    sentence_end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if sentence_end >= len(cut) // 3:
        return cut[: sentence_end + 1]
    return cut.rstrip(",;:") + " …"


def evidence_in(answer: str, paragraphs: dict[tuple[str, int], str]) -> list[Evidence]:
    """What an answer offers as evidence: each quotation it makes from a paragraph it cites
    (the words the student chose, when the paragraph holds them), and for each other citation
    of a paragraph, the paragraph's opening words. Citations of paragraphs not in
    ``paragraphs`` (not citable from the essay) offer nothing."""
    found: list[Evidence] = []
    quoted_anchors = set()
    for quotation in quotations_in(answer):
        words = answer[quotation.start : quotation.end]
        for citation in quotation.citations:
            source = paragraphs.get(citation.anchor)
            if source is not None and _contains(source, words):
                slug, number = citation.anchor
                quote = " ".join(words.split()).replace('"', "'")
                found.append(Evidence(quote, f"[[{slug}#p-{number}]]", number, True))
                quoted_anchors.add(citation.anchor)
                break
    seen = set(quoted_anchors)
    for citation in citations_in(answer):
        anchor = citation.anchor
        if anchor is None or anchor in seen or anchor not in paragraphs:
            continue
        seen.add(anchor)
        slug, number = anchor
        found.append(Evidence(excerpt(paragraphs[anchor]), f"[[{slug}#p-{number}]]", number, False))
    return found


def evidence_for_essay(*, submission: Submission) -> list[EvidenceTask]:
    """The essay writer's own source-analysis answers on the essay's readings, each field with
    the evidence it offers (three queries whatever the number of tasks and citations)."""
    assignment = submission.assignment
    if assignment.prompt_id is None:
        return []
    reading_ids = assignment.prompt.readings.values("pk")
    answered = list(
        Submission.objects.filter(
            student_id=submission.student_id,
            assignment__kind=AssignmentKind.ANALYSIS,
            assignment__withdrawn_at__isnull=True,
            assignment__reading__in=reading_ids,
        )
        .exclude(draft_text="")
        .select_related("assignment__reading", "assignment__analysis_task")
        .order_by("assignment__due_at", "assignment_id")
    )
    if not answered:
        return []
    parsed = []
    anchors: set[tuple[str, int]] = set()
    for answer in answered:
        task = answer.assignment.analysis_task
        fields = task.parse(answer.draft_text)
        parsed.append((answer, task, fields))
        for text in fields.values():
            anchors.update(c.anchor for c in citations_in(text) if c.anchor is not None)
    paragraphs: dict[tuple[str, int], str] = {}
    if anchors:
        citable = citable_readings(assignment=assignment).filter(
            slug__in={slug for slug, _n in anchors}
        )
        for slug, number, text in Paragraph.objects.filter(
            reading__in=citable.values("pk"), number__in={n for _s, n in anchors}
        ).values_list("reading__slug", "number", "text"):
            if (slug, number) in anchors:
                paragraphs[(slug, number)] = text
    tasks = []
    for answer, task, fields in parsed:
        rows = [
            EvidenceField(
                label=f["label"],
                text=fields[f["key"]],
                evidence=evidence_in(fields[f["key"]], paragraphs),
            )
            for f in task.fields
            if fields[f["key"]].strip()
        ]
        tasks.append(
            EvidenceTask(
                assignment=answer.assignment, reading=answer.assignment.reading, fields=rows
            )
        )
    return tasks
