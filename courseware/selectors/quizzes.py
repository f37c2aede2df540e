"""Reading quizzes for their authors: one quiz with its versions, and its statistics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.permissions import is_school_admin
from courseware import permissions
from courseware.models import (
    Membership,
    MembershipRole,
    Question,
    QuestionKind,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    Unit,
)
from courseware.selectors.content import units_for_user

SCORE_BANDS = 10  # the distribution is shown in tenths of the full score


def quiz_get_for_author(*, user: User | AnonymousUser, pk: int) -> Quiz:
    """A quiz (any version) on a unit the user may see, for a user who writes quizzes; 404
    otherwise: the answers are in it."""
    if not permissions.can_author_content(user):
        raise Http404
    return get_object_or_404(
        Quiz.objects.filter(unit__in=units_for_user(user=user)).select_related(
            "unit__course", "previous", "next_version"
        ),
        pk=pk,
    )


def unit_get_for_author(*, user: User | AnonymousUser, course_slug: str, slug: str) -> Unit:
    """A unit the user may write quizzes on; 404 otherwise."""
    if not permissions.can_author_content(user):
        raise Http404
    return get_object_or_404(
        units_for_user(user=user).select_related("course"), course__slug=course_slug, slug=slug
    )


def quiz_latest(*, quiz: Quiz) -> Quiz:
    """The latest version of the quiz this one belongs to."""
    return Quiz.objects.current().get(unit=quiz.unit_id, slug=quiz.slug)


def quiz_versions(*, quiz: Quiz) -> QuerySet[Quiz]:
    """Every version of the quiz, newest first."""
    return Quiz.objects.filter(unit=quiz.unit_id, slug=quiz.slug).order_by("-version")


def quiz_questions_for_author(*, quiz: Quiz) -> list[Question]:
    """The questions with their choices and evidence, in three queries."""
    return list(
        quiz.questions.select_related("evidence__reading")
        .prefetch_related("choices")
        .order_by("order")
    )


def _attempts_seen_by(*, user: User, quiz: Quiz) -> QuerySet[QuizAttempt]:
    """Handed-in attempts at this version in classes the user teaches (every class for an
    admin)."""
    attempts = QuizAttempt.objects.filter(quiz=quiz, submitted_at__isnull=False)
    if is_school_admin(user):
        return attempts
    taught = Membership.objects.filter(user=user, role=MembershipRole.TEACHER)
    return attempts.filter(assignment__classroom__in=taught.values("classroom_id"))


@dataclass
class QuestionStatistics:
    question: Question
    answered: int = 0
    right: int = 0
    wrong_answers: Counter = field(default_factory=Counter)

    @property
    def facility(self) -> float | None:
        """The share of answers that were right, 0–1 (``None`` when nobody answered)."""
        return self.right / self.answered if self.answered else None

    @property
    def facility_percent(self) -> int | None:
        return None if self.facility is None else round(self.facility * 100)

    @property
    def most_chosen_wrong(self) -> tuple[str, int] | None:
        """The wrong answer given most often and how often; ``None`` when none was wrong."""
        if not self.wrong_answers:
            return None
        return max(self.wrong_answers.items(), key=lambda item: (item[1], item[0]))


@dataclass
class QuizStatistics:
    attempts: int
    mean_percent: float | None
    bands: list[tuple[str, int]]
    questions: list[QuestionStatistics]

    @property
    def band_max(self) -> int:
        return max((count for _label, count in self.bands), default=0)


def quiz_statistics(*, user: User, quiz: Quiz) -> QuizStatistics:
    """How a version of a quiz went in the classes the user teaches: the spread of scores (in
    tenths of the full score), each question's facility (share answered right) and its most
    often given wrong answer. A fixed number of queries whatever the number of attempts."""
    questions = quiz_questions_for_author(quiz=quiz)
    attempts = _attempts_seen_by(user=user, quiz=quiz)
    scores = list(attempts.values_list("score", "max_score"))
    counts = [0] * SCORE_BANDS
    percents = []
    for score, max_score in scores:
        percent = 100 * score / max_score if max_score else 0
        percents.append(percent)
        counts[min(int(percent // SCORE_BANDS), SCORE_BANDS - 1)] += 1
    bands = [
        (f"{n * 10}–{n * 10 + 9}%" if n < SCORE_BANDS - 1 else "90–100%", counts[n])
        for n in range(SCORE_BANDS)
    ]
    by_question = {question.pk: QuestionStatistics(question=question) for question in questions}
    choice_text = {
        choice.pk: choice.text for question in questions for choice in question.choices.all()
    }
    answers = QuizAnswer.objects.filter(attempt__in=attempts).values_list(
        "question_id", "is_correct", "choice_id", "choice_ids", "text"
    )
    for question_id, is_correct, choice_id, choice_ids, text in answers:
        row = by_question.get(question_id)
        if row is None:
            continue
        row.answered += 1
        if is_correct:
            row.right += 1
            continue
        if row.question.kind == QuestionKind.SHORT:
            row.wrong_answers[" ".join(text.split()).casefold()] += 1
        elif row.question.kind == QuestionKind.MULTIPLE:
            row.wrong_answers[" + ".join(choice_text.get(pk, "?") for pk in choice_ids)] += 1
        else:
            row.wrong_answers[choice_text.get(choice_id, "?")] += 1
    return QuizStatistics(
        attempts=len(scores),
        mean_percent=round(sum(percents) / len(percents), 1) if percents else None,
        bands=bands,
        questions=list(by_question.values()),
    )
