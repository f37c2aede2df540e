"""Quiz authoring pages: write, edit, duplicate, reorder, import, export, statistics.

Only people who write course content reach these pages; to anyone else a quiz here is missing
(404), since its answers are on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config import input_policy
from config.input_policy import InputRefused
from courseware.forms_quizzes import (
    QuestionForm,
    QuestionFormSet,
    QuizForm,
    QuizImportForm,
    add_question_data,
    quiz_spec_from_forms,
    show_errors,
)
from courseware.selectors import quizzes as selectors
from courseware.services import quizzes as services


def _unit_url(unit) -> str:
    return unit.get_absolute_url() + "#quizzes-heading"


@login_required
def quiz_create(request, course_slug: str, slug: str):
    """Write a quiz on a unit: settings and every question on one page."""
    unit = selectors.unit_get_for_author(user=request.user, course_slug=course_slug, slug=slug)
    return _quiz_form(request, unit=unit, quiz=None)


@login_required
def quiz_edit(request, pk: int):
    """Edit a quiz; one with attempts becomes a new version instead."""
    quiz = selectors.quiz_get_for_author(user=request.user, pk=pk)
    latest = selectors.quiz_latest(quiz=quiz)
    if latest.pk != quiz.pk:
        messages.info(request, _("That is an old version; this is the latest."))
        return redirect("courseware:quiz-edit", pk=latest.pk)
    return _quiz_form(request, unit=quiz.unit, quiz=quiz)


def _quiz_form(request, *, unit, quiz):
    data = request.POST or None
    adding = data is not None and "add_question" in data
    if adding:
        data = add_question_data(data)
    initial_quiz, initial_questions = {"max_attempts": 1}, [{"points": 1}]
    if quiz is not None:
        spec = services.quiz_spec_of(quiz=quiz)
        initial_quiz = {
            "title": spec.title,
            "instructions": spec.instructions,
            "shuffle": spec.shuffle,
            "max_attempts": spec.max_attempts,
            "time_limit_minutes": spec.time_limit_minutes,
        }
        initial_questions = [QuestionForm.initial_for(question) for question in spec.questions]
    form = QuizForm(data, initial=initial_quiz)
    questions = QuestionFormSet(data, prefix="questions", initial=initial_questions)
    attempted = quiz is not None and services.quiz_is_attempted(quiz=quiz)
    if data is not None and not adding and form.is_valid() and questions.is_valid():
        spec = quiz_spec_from_forms(form, questions)
        try:
            if quiz is None:
                saved = services.quiz_author(unit=unit, spec=spec, by=request.user)
                messages.success(request, _("Quiz added."))
            else:
                saved = services.quiz_update(quiz=quiz, spec=spec, by=request.user)
                if saved.pk != quiz.pk:
                    messages.success(
                        request,
                        _(
                            "The quiz has attempts, so your edit is version %(version)s; "
                            "recorded attempts keep version %(old)s and their scores."
                        )
                        % {"version": saved.version, "old": quiz.version},
                    )
                else:
                    messages.success(request, _("Quiz saved."))
        except ValidationError as error:
            show_errors(form, questions, error)
        else:
            return redirect("courseware:quiz-detail", pk=saved.pk)
    has_errors = data is not None and not adding and (form.errors or questions.total_error_count())
    return render(
        request,
        "courseware/quizzes/quiz_form.html",
        {
            "form": form,
            "questions": questions,
            "unit": unit,
            "course": unit.course,
            "quiz": quiz,
            "attempted": attempted,
        },
        status=400 if has_errors else 200,
    )


@login_required
def quiz_detail(request, pk: int):
    """A quiz as its author sees it: every question with its answers, feedback and evidence."""
    quiz = selectors.quiz_get_for_author(user=request.user, pk=pk)
    return render(
        request,
        "courseware/quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "unit": quiz.unit,
            "course": quiz.unit.course,
            "questions": selectors.quiz_questions_for_author(quiz=quiz),
            "versions": selectors.quiz_versions(quiz=quiz),
            "is_latest": not hasattr(quiz, "next_version"),
        },
    )


@login_required
@require_POST
def quiz_duplicate(request, pk: int):
    """Copy a quiz (none of its attempts) as a new quiz on the same unit."""
    quiz = selectors.quiz_get_for_author(user=request.user, pk=pk)
    copy = services.quiz_duplicate(quiz=quiz, by=request.user)
    messages.success(request, _("Quiz copied: this is the copy."))
    return redirect("courseware:quiz-detail", pk=copy.pk)


@login_required
@require_POST
def quiz_move(request, pk: int):
    """Move a quiz up or down the unit's list."""
    quiz = selectors.quiz_get_for_author(user=request.user, pk=pk)
    services.quiz_move(quiz=selectors.quiz_latest(quiz=quiz), up=request.POST.get("to") == "up")
    return redirect(_unit_url(quiz.unit))


@login_required
def quiz_export(request, pk: int):
    """The quiz as a JSON file in the documented exchange format."""
    quiz = selectors.quiz_get_for_author(user=request.user, pk=pk)
    response = JsonResponse(
        services.quiz_to_json(quiz=quiz), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = f'attachment; filename="{quiz.slug}-v{quiz.version}.json"'
    return response


@login_required
def quiz_import(request, course_slug: str, slug: str):
    """Add a quiz to a unit from a JSON file (the format quiz export writes)."""
    unit = selectors.unit_get_for_author(user=request.user, course_slug=course_slug, slug=slug)
    form = QuizImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            data = input_policy.loads(form.cleaned_data["raw"])
            quiz = services.quiz_import(unit=unit, data=data, by=request.user)
        except InputRefused as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            errors = _flat_errors(error)
        else:
            messages.success(request, _("Quiz imported."))
            return redirect("courseware:quiz-detail", pk=quiz.pk)
    return render(
        request,
        "courseware/quizzes/quiz_import.html",
        {"form": form, "unit": unit, "course": unit.course, "errors": errors},
        status=400 if form.errors or errors else 200,
    )


def _flat_errors(error: ValidationError) -> list[str]:
    """Each problem with where it is, e.g. "questions.2.choices: Mark the correct answer"."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [f"{key}: {message}" for key, errors in error.message_dict.items() for message in errors]


@login_required
def quiz_statistics(request, pk: int):
    """How the quiz went in the teacher's classes: score spread, facility, common errors."""
    quiz = selectors.quiz_get_for_author(user=request.user, pk=pk)
    return render(
        request,
        "courseware/quizzes/quiz_statistics.html",
        {
            "quiz": quiz,
            "unit": quiz.unit,
            "course": quiz.unit.course,
            "stats": selectors.quiz_statistics(user=request.user, quiz=quiz),
            "versions": selectors.quiz_versions(quiz=quiz),
        },
    )
