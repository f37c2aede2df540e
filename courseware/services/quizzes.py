"""Quiz authoring: write, edit (as a new version once attempted), duplicate, reorder, import.

A quiz is written as a ``QuizSpec``: its settings and its questions, each a ``QuestionSpec``.
The web form, the API and the JSON import all build one and hand it to ``quiz_author`` or
``quiz_update``, so every way in is checked by the same rules (``quiz_spec_check``):

- single choice: at least two choices, exactly one correct;
- multiple choice: at least two choices, at least one correct;
- true/false: the choices "True" and "False", one of them correct;
- short answer: at least one accepted answer, no choices;
- no two choices (or accepted answers) of a question the same, ignoring case and spacing;
- 1–100 points a question; evidence written as ``[[reading-slug#p-N]]`` naming a paragraph
  that exists.

Errors are keyed ``questions.<index>.<field>`` (index from 0), or by the quiz's own field, so a
form can show each one beside its field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from courseware.models import (
    Assignment,
    Choice,
    Paragraph,
    Question,
    QuestionKind,
    Quiz,
    QuizAttempt,
    Unit,
)
from courseware.rendering import parse_citation
from courseware.services.content import new_slug

TRUE, FALSE = "True", "False"
MAX_QUESTIONS = 100
MAX_CHOICES = 12
CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE}
EXPORT_FORMAT = "lectern-quiz"
EXPORT_VERSION = 1


def normalise_answer(text: str) -> str:
    """An answer as it is compared: case folded, spacing collapsed, trimmed."""
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class QuizChoiceSpec:
    text: str
    correct: bool = False


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    text: str
    points: int = 1
    feedback: str = ""
    evidence: str = ""
    choices: tuple[QuizChoiceSpec, ...] = ()
    accepted: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuizSpec:
    title: str
    instructions: str = ""
    shuffle: bool = False
    max_attempts: int = 1
    time_limit_minutes: int | None = None
    questions: tuple[QuestionSpec, ...] = field(default_factory=tuple)


def true_false_choices(answer: bool) -> tuple[QuizChoiceSpec, ...]:
    """The two choices of a true/false question whose right answer is ``answer``."""
    return (QuizChoiceSpec(TRUE, correct=answer), QuizChoiceSpec(FALSE, correct=not answer))


# --- Checking ---------------------------------------------------------------------------------

EVIDENCE = re.compile(r"^\s*(?:\[\[)?\s*(?P<ref>[^\]\s]+)\s*(?:\]\])?\s*$")


def evidence_ref(raw: str) -> tuple[str, int] | None:
    """``("slug", 12)`` for ``[[slug#p-12]]`` (brackets optional); ``None`` when malformed."""
    match = EVIDENCE.match(raw or "")
    if match is None:
        return None
    slug, number = parse_citation(match["ref"])
    return (slug, number) if slug else None


def _paragraphs_for(refs: set[tuple[str, int]]) -> dict[tuple[str, int], Paragraph]:
    """The paragraphs the refs name, in one query."""
    if not refs:
        return {}
    condition = Q()
    for slug, number in refs:
        condition |= Q(reading__slug=slug, number=number)
    rows = Paragraph.objects.filter(condition).select_related("reading")
    return {(row.reading.slug, row.number): row for row in rows}


def _question_errors(spec: QuestionSpec) -> dict[str, str]:
    errors: dict[str, str] = {}
    if spec.kind not in QuestionKind.values:
        return {"kind": _("Choose what kind of question this is.")}
    if not spec.text.strip():
        errors["text"] = _("Write the question.")
    if not isinstance(spec.points, int) or not 1 <= spec.points <= 100:
        errors["points"] = _("A question is worth from 1 to 100 points.")
    if spec.kind in CHOICE_KINDS:
        texts = [normalise_answer(choice.text) for choice in spec.choices]
        correct = sum(1 for choice in spec.choices if choice.correct)
        repeated = next((c.text for i, c in enumerate(spec.choices) if texts[i] in texts[:i]), None)
        if any(not text for text in texts):
            errors["choices"] = _("A choice cannot be empty.")
        elif repeated is not None:
            errors["choices"] = _("“%(choice)s” is given twice; each choice must differ.") % {
                "choice": repeated.strip()
            }
        elif spec.kind == QuestionKind.TRUE_FALSE and (
            [c.text for c in spec.choices] != [TRUE, FALSE] or correct != 1
        ):
            errors["choices"] = _("Say whether the statement is true or false.")
        elif len(spec.choices) < 2:
            errors["choices"] = _("Give at least two choices.")
        elif len(spec.choices) > MAX_CHOICES:
            errors["choices"] = _("Give at most %(n)s choices.") % {"n": MAX_CHOICES}
        elif correct == 0:
            errors["choices"] = _("Mark the correct answer (start its line with *).")
        elif spec.kind == QuestionKind.SINGLE and correct > 1:
            errors["choices"] = _(
                "A single-choice question has exactly one correct answer; mark one, or make it "
                "multiple choice."
            )
        if spec.accepted:
            errors["accepted"] = _("Only a short-answer question has accepted answers.")
    else:
        answers = [normalise_answer(text) for text in spec.accepted]
        if spec.choices:
            errors["choices"] = _("A short-answer question has no choices.")
        if not answers or any(not answer for answer in answers):
            errors["accepted"] = _("Give at least one accepted answer, one a line.")
        elif len(set(answers)) != len(answers):
            errors["accepted"] = _("An accepted answer is given twice.")
    if spec.evidence.strip() and evidence_ref(spec.evidence) is None:
        errors["evidence"] = _("Write the paragraph as [[reading-slug#p-12]].")
    return errors


def quiz_spec_check(spec: QuizSpec) -> dict[int, Paragraph]:
    """Check a quiz as written; return the evidence paragraphs it names, by reference.

    The paragraphs are keyed by the question's index. Raise a ``ValidationError`` naming every
    problem at once, each under its field.
    """
    errors: dict[str, list[str]] = {}
    if not spec.title.strip():
        errors["title"] = [_("Give the quiz a title.")]
    if not isinstance(spec.max_attempts, int) or not 1 <= spec.max_attempts <= 20:
        errors["max_attempts"] = [_("Allow from 1 to 20 attempts.")]
    if spec.time_limit_minutes is not None and not 1 <= spec.time_limit_minutes <= 600:
        errors["time_limit_minutes"] = [_("A time limit is from 1 to 600 minutes, or none.")]
    if not spec.questions:
        errors["questions"] = [_("A quiz needs at least one question.")]
    elif len(spec.questions) > MAX_QUESTIONS:
        errors["questions"] = [_("A quiz has at most %(n)s questions.") % {"n": MAX_QUESTIONS}]
    refs = {}
    for index, question in enumerate(spec.questions):
        for name, message in _question_errors(question).items():
            errors[f"questions.{index}.{name}"] = [message]
        ref = evidence_ref(question.evidence) if question.evidence.strip() else None
        if ref is not None:
            refs[index] = ref
    paragraphs = _paragraphs_for(set(refs.values()))
    for index, (slug, number) in refs.items():
        if (slug, number) not in paragraphs:
            errors[f"questions.{index}.evidence"] = [
                _("There is no paragraph p-%(n)s in a reading “%(slug)s”.")
                % {"n": number, "slug": slug}
            ]
    if errors:
        raise ValidationError(errors)
    return {index: paragraphs[ref] for index, ref in refs.items()}


# --- Writing ----------------------------------------------------------------------------------


def _write_questions(*, quiz: Quiz, spec: QuizSpec, evidence: Mapping[int, Paragraph]) -> None:
    """Write the questions and their choices in two inserts."""
    questions = [
        Question(
            quiz=quiz,
            order=order,
            kind=question.kind,
            text=question.text.strip(),
            explanation=question.feedback.strip(),
            points=question.points,
            accepted_answers=[" ".join(text.split()) for text in question.accepted],
            evidence=evidence.get(order - 1),
        )
        for order, question in enumerate(spec.questions, start=1)
    ]
    for row in questions:
        row.full_clean(exclude=["quiz"], validate_unique=False, validate_constraints=False)
    Question.objects.bulk_create(questions)
    choices = [
        Choice(question=row, order=order, text=choice.text.strip(), is_correct=choice.correct)
        for row, question in zip(questions, spec.questions, strict=True)
        for order, choice in enumerate(question.choices, start=1)
    ]
    for row in choices:
        row.full_clean(exclude=["question"], validate_unique=False, validate_constraints=False)
    Choice.objects.bulk_create(choices)


def _apply_settings(quiz: Quiz, spec: QuizSpec) -> None:
    quiz.title = spec.title.strip()
    quiz.instructions = spec.instructions.strip()
    quiz.shuffle = spec.shuffle
    quiz.max_attempts = spec.max_attempts
    quiz.time_limit_minutes = spec.time_limit_minutes


@transaction.atomic
def quiz_author(*, unit: Unit, spec: QuizSpec, by: User | None, slug: str = "") -> Quiz:
    """Write a new quiz on a unit, last in the unit's order."""
    evidence = quiz_spec_check(spec)
    last = unit.quizzes.aggregate(last=models.Max("order"))["last"]
    quiz = Quiz(
        unit=unit,
        slug=new_slug(slug=slug, title=spec.title, taken=Quiz.objects.filter(unit=unit)),
        order=(last or 0) + 1,
        created_by=by,
    )
    _apply_settings(quiz, spec)
    quiz.full_clean()
    quiz.save()
    _write_questions(quiz=quiz, spec=spec, evidence=evidence)
    return quiz


def quiz_is_attempted(*, quiz: Quiz) -> bool:
    """Whether anyone has started this version of the quiz."""
    return QuizAttempt.objects.filter(quiz=quiz).exists()


@transaction.atomic
def quiz_update(*, quiz: Quiz, spec: QuizSpec, by: User | None) -> Quiz:
    """Edit a quiz; return the quiz that now holds the edit.

    A quiz with attempts is never changed: the edit makes a new version (``previous`` → the old
    one, ``version`` + 1) and the assignments that set the quiz move to it, so later attempts
    answer the new questions while recorded attempts keep the questions, answers and scores
    they had (an attempt in progress is finished on the version it started). A quiz nobody
    has attempted changes in place. Only the latest version may be edited; an edit that
    changes nothing makes no version.
    """
    quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
    if Quiz.objects.filter(previous=quiz).exists():
        raise ValidationError(_("This is not the latest version of the quiz; edit the latest."))
    evidence = quiz_spec_check(spec)
    if quiz_spec_of(quiz=quiz) == spec:
        return quiz
    if not quiz_is_attempted(quiz=quiz):
        _apply_settings(quiz, spec)
        quiz.full_clean()
        quiz.save()
        Question.objects.filter(quiz=quiz).delete()
        _write_questions(quiz=quiz, spec=spec, evidence=evidence)
        return quiz
    version = Quiz(
        unit=quiz.unit,
        slug=quiz.slug,
        order=quiz.order,
        version=quiz.version + 1,
        previous=quiz,
        created_by=by or quiz.created_by,
    )
    _apply_settings(version, spec)
    version.full_clean()
    version.save()
    _write_questions(quiz=version, spec=spec, evidence=evidence)
    Assignment.objects.filter(quiz=quiz).update(quiz=version)
    return version


@transaction.atomic
def quiz_duplicate(*, quiz: Quiz, by: User | None, unit: Unit | None = None) -> Quiz:
    """Copy a quiz (its latest content, none of its attempts) as a new quiz, "(copy)" added to
    its title, on the same unit or the one given."""
    spec = quiz_spec_of(quiz=quiz)
    title = _("%(title)s (copy)") % {"title": spec.title}
    copy = QuizSpec(**{**spec.__dict__, "title": title[:200]})
    return quiz_author(unit=unit or quiz.unit, spec=copy, by=by)


@transaction.atomic
def quiz_move(*, quiz: Quiz, up: bool) -> Quiz:
    """Move a quiz one place up or down among its unit's current quizzes.

    The unit's quizzes are renumbered 1, 2, 3… so that orders written before (all 0) sort too.
    """
    siblings = list(
        Quiz.objects.current()
        .filter(unit=quiz.unit_id)
        .select_for_update(of=("self",))
        .order_by("order", "title", "pk")
    )
    index = next(i for i, row in enumerate(siblings) if row.pk == quiz.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    changed = []
    for order, row in enumerate(siblings, start=1):
        if row.order != order:
            row.order = order
            changed.append(row)
    Quiz.objects.bulk_update(changed, ["order"])
    # Earlier versions keep the place of the quiz they belong to.
    for row in changed:
        Quiz.objects.filter(unit=row.unit_id, slug=row.slug).exclude(pk=row.pk).update(
            order=row.order
        )
    return next(row for row in siblings if row.pk == quiz.pk)


# --- Reading a quiz back as a spec, and JSON --------------------------------------------------


def _evidence_text(question: Question) -> str:
    paragraph = question.evidence
    if paragraph is None:
        return ""
    return f"[[{paragraph.reading.slug}#p-{paragraph.number}]]"


def quiz_spec_of(*, quiz: Quiz) -> QuizSpec:
    """A quiz as the spec that would write it again (three queries)."""
    questions = quiz.questions.select_related("evidence__reading").prefetch_related("choices")
    return QuizSpec(
        title=quiz.title,
        instructions=quiz.instructions,
        shuffle=quiz.shuffle,
        max_attempts=quiz.max_attempts,
        time_limit_minutes=quiz.time_limit_minutes,
        questions=tuple(
            QuestionSpec(
                kind=question.kind,
                text=question.text,
                points=question.points,
                feedback=question.explanation,
                evidence=_evidence_text(question),
                choices=tuple(
                    QuizChoiceSpec(choice.text, choice.is_correct)
                    for choice in question.choices.all()
                ),
                accepted=tuple(question.accepted_answers),
            )
            for question in questions.order_by("order")
        ),
    )


def quiz_to_json(*, quiz: Quiz) -> dict[str, Any]:
    """The quiz in the documented exchange format (docs/QUIZ_FORMAT.md)."""
    spec = quiz_spec_of(quiz=quiz)
    questions = []
    for question in spec.questions:
        row: dict[str, Any] = {
            "type": question.kind,
            "text": question.text,
            "points": question.points,
            "feedback": question.feedback,
            "evidence": question.evidence,
        }
        if question.kind == QuestionKind.TRUE_FALSE:
            row["answer"] = question.choices[0].correct
        elif question.kind == QuestionKind.SHORT:
            row["accepted"] = list(question.accepted)
        else:
            row["choices"] = [{"text": c.text, "correct": c.correct} for c in question.choices]
        questions.append(row)
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_VERSION,
        "title": spec.title,
        "instructions": spec.instructions,
        "shuffle": spec.shuffle,
        "max_attempts": spec.max_attempts,
        "time_limit_minutes": spec.time_limit_minutes,
        "questions": questions,
    }


def _typed(value: Any, kind: type, key: str, errors: dict, default: Any = None) -> Any:
    if value is None:
        return default
    # bool is an int in Python; a count given as true/false is still wrong.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        errors[key] = [_("Expected %(kind)s.") % {"kind": kind.__name__}]
        return default
    return value


def quiz_spec_from_json(data: Any) -> QuizSpec:
    """Read the exchange format into a spec; shape errors are raised under the field's key.

    What the questions say is checked by ``quiz_spec_check`` when the spec is written.
    """
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("A quiz is a JSON object.")]})
    errors: dict[str, list[str]] = {}
    if data.get("format", EXPORT_FORMAT) != EXPORT_FORMAT:
        errors["format"] = [_("This is not a Lectern quiz (format “lectern-quiz”).")]
    if data.get("format_version", EXPORT_VERSION) != EXPORT_VERSION:
        errors["format_version"] = [_("Only version 1 of the quiz format is read.")]
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list):
        errors["questions"] = [_("“questions” must be a list.")]
        raw_questions = []
    questions = []
    for index, raw in enumerate(raw_questions[: MAX_QUESTIONS + 1]):
        key = f"questions.{index}"
        if not isinstance(raw, dict):
            errors[key] = [_("A question is a JSON object.")]
            continue
        kind = _typed(raw.get("type"), str, f"{key}.kind", errors, "")
        choices: tuple[QuizChoiceSpec, ...] = ()
        if kind == QuestionKind.TRUE_FALSE:
            answer = _typed(raw.get("answer"), bool, f"{key}.choices", errors)
            choices = true_false_choices(answer) if answer is not None else ()
        elif kind in CHOICE_KINDS:
            raw_choices = _typed(raw.get("choices"), list, f"{key}.choices", errors, [])
            if all(isinstance(c, dict) for c in raw_choices):
                choices = tuple(
                    QuizChoiceSpec(str(c.get("text", "")), c.get("correct") is True)
                    for c in raw_choices
                )
            else:
                errors[f"{key}.choices"] = [_('Each choice is {"text": …, "correct": …}.')]
        accepted = _typed(raw.get("accepted"), list, f"{key}.accepted", errors, [])
        questions.append(
            QuestionSpec(
                kind=kind,
                text=_typed(raw.get("text"), str, f"{key}.text", errors, ""),
                points=_typed(raw.get("points"), int, f"{key}.points", errors, 1),
                feedback=_typed(raw.get("feedback"), str, f"{key}.feedback", errors, ""),
                evidence=_typed(raw.get("evidence"), str, f"{key}.evidence", errors, ""),
                choices=choices,
                accepted=tuple(str(text) for text in accepted),
            )
        )
    spec = QuizSpec(
        title=_typed(data.get("title"), str, "title", errors, ""),
        instructions=_typed(data.get("instructions"), str, "instructions", errors, ""),
        shuffle=_typed(data.get("shuffle"), bool, "shuffle", errors, False),
        max_attempts=_typed(data.get("max_attempts"), int, "max_attempts", errors, 1),
        time_limit_minutes=_typed(
            data.get("time_limit_minutes"), int, "time_limit_minutes", errors
        ),
        questions=tuple(questions),
    )
    if errors:
        raise ValidationError(errors)
    return spec


@transaction.atomic
def quiz_import(*, unit: Unit, data: Any, by: User | None) -> Quiz:
    """Write a quiz on a unit from the exchange format; nothing is written unless all of it
    is right."""
    return quiz_author(unit=unit, spec=quiz_spec_from_json(data), by=by)


# --- Marking ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Marked:
    """One answer as marked: what was chosen or written, whether right, points earned."""

    question: Question
    choice: Choice | None = None
    choice_ids: tuple[int, ...] = ()
    text: str = ""
    is_correct: bool = False

    @property
    def points(self) -> int:
        return self.question.points if self.is_correct else 0


def answer_mark(*, question: Question, answer: Any) -> Marked | None:
    """Mark one answer to a question (its choices prefetched); ``None`` when it is no answer.

    Single choice and true/false take a choice id; multiple choice a list of ids (right only
    when exactly the correct ones are ticked); short answer a text, right when it matches an
    accepted answer ignoring case and spacing.
    """
    choices = {choice.pk: choice for choice in question.choices.all()}
    if question.kind == QuestionKind.SHORT:
        text = " ".join(str(answer or "").split())[:500]
        if not text:
            return None
        accepted = {normalise_answer(a) for a in question.accepted_answers}
        return Marked(question=question, text=text, is_correct=normalise_answer(text) in accepted)
    if question.kind == QuestionKind.MULTIPLE:
        ids = answer if isinstance(answer, list | tuple | set) else [answer]
        try:
            ticked = {int(i) for i in ids if i not in (None, "")}
        except (TypeError, ValueError):
            return None
        if not ticked or not ticked <= choices.keys():
            return None
        correct = {pk for pk, choice in choices.items() if choice.is_correct}
        return Marked(
            question=question, choice_ids=tuple(sorted(ticked)), is_correct=ticked == correct
        )
    try:
        choice = choices.get(int(answer))
    except (TypeError, ValueError):
        return None
    if choice is None:
        return None
    return Marked(question=question, choice=choice, is_correct=choice.is_correct)


def answers_mark(
    *, questions: Sequence[Question], answers: Mapping[int, Any]
) -> tuple[list[Marked], dict[str, str]]:
    """Mark every question; the errors name each one left unanswered."""
    marked, errors = [], {}
    for question in questions:
        result = answer_mark(question=question, answer=answers.get(question.pk))
        if result is None:
            errors[f"question_{question.pk}"] = (
                _("Write an answer to this question.")
                if question.kind == QuestionKind.SHORT
                else _("Choose an answer to this question.")
            )
        else:
            marked.append(result)
    return marked, errors
