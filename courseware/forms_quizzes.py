"""Forms for writing a quiz on one page: its settings and a formset of questions.

A question's choices are written one a line, the correct ones starting with ``*``; a short
answer's accepted answers one a line. The forms only parse; ``quiz_spec_check`` in the quiz
services judges what was written, and its errors come back beside the field they name.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from courseware.forms_content import formset_data_with_one_more
from courseware.models import QuestionKind
from courseware.services.quizzes import (
    MAX_QUESTIONS,
    QuestionSpec,
    QuizChoiceSpec,
    QuizSpec,
    true_false_choices,
)

TRUE_FALSE_CHOICES = [("", _("—")), ("true", _("True")), ("false", _("False"))]


class QuizForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = forms.CharField(
        label=_("Instructions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    shuffle = forms.BooleanField(
        label=_("Shuffle the questions and choices for each attempt"), required=False
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed"), min_value=1, max_value=20, initial=1
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"),
        min_value=1,
        max_value=600,
        required=False,
        help_text=_("Leave empty for no time limit."),
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}))
    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=100, initial=1)
    choices = forms.CharField(
        label=_("Choices"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Single or multiple choice: one a line; start each correct one with *."),
    )
    true_false = forms.ChoiceField(
        label=_("The statement is"), choices=TRUE_FALSE_CHOICES, required=False
    )
    accepted = forms.CharField(
        label=_("Accepted answers"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Short answer: one a line; case and spacing are ignored."),
    )
    evidence = forms.CharField(
        label=_("Paragraph it tests"),
        max_length=120,
        required=False,
        help_text=_("For example [[trotsky-lessons-of-october#p-12]]."),
    )
    feedback = forms.CharField(
        label=_("Feedback shown after the attempt"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def spec(self) -> QuestionSpec:
        data = self.cleaned_data
        kind = data["kind"]
        choices: tuple[QuizChoiceSpec, ...] = ()
        accepted: tuple[str, ...] = ()
        if kind == QuestionKind.TRUE_FALSE:
            if data.get("true_false"):
                choices = true_false_choices(data["true_false"] == "true")
        elif kind == QuestionKind.SHORT:
            accepted = tuple(_lines(data.get("accepted", "")))
        else:
            choices = tuple(
                QuizChoiceSpec(line[1:].strip(), True)
                if line.startswith("*")
                else QuizChoiceSpec(line, False)
                for line in _lines(data.get("choices", ""))
            )
        return QuestionSpec(
            kind=kind,
            text=data["text"],
            points=data["points"],
            feedback=data.get("feedback", ""),
            evidence=data.get("evidence", ""),
            choices=choices,
            accepted=accepted,
        )

    @staticmethod
    def initial_for(question) -> dict:
        initial = {
            "kind": question.kind,
            "text": question.text,
            "points": question.points,
            "feedback": question.feedback,
            "evidence": question.evidence,
            "accepted": "\n".join(question.accepted),
        }
        if question.kind == QuestionKind.TRUE_FALSE and question.choices:
            initial["true_false"] = "true" if question.choices[0].correct else "false"
        elif question.kind != QuestionKind.SHORT:
            initial["choices"] = "\n".join(
                f"*{c.text}" if c.correct else c.text for c in question.choices
            )
        return initial


class BaseQuestionFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[QuestionForm]:
        """The questions to save, in the order the teacher gave (deleted and blank ones out)."""
        kept = [
            form
            for form in self.ordered_forms
            if form.has_changed() or form.initial
            if not self._should_delete_form(form)
        ]
        return kept

    def clean(self):
        # A broken management form (a form count that is not a number) is already an error;
        # the order of the forms cannot be read then.
        if any(self.errors) or self.non_form_errors():
            return
        if not self.kept_forms():
            raise ValidationError(_("A quiz needs at least one question."))


QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=0,
    can_delete=True,
    can_order=True,
    max_num=MAX_QUESTIONS,
    absolute_max=MAX_QUESTIONS,
)

# Which question field shows a service error about a question's answers.
ERROR_FIELD = {"choices": "choices", "accepted": "accepted", "kind": "kind", "text": "text"}


def quiz_spec_from_forms(form: QuizForm, questions: BaseQuestionFormSet) -> QuizSpec:
    data = form.cleaned_data
    return QuizSpec(
        title=data["title"],
        instructions=data.get("instructions", ""),
        shuffle=data.get("shuffle", False),
        max_attempts=data["max_attempts"],
        time_limit_minutes=data.get("time_limit_minutes"),
        questions=tuple(question.spec() for question in questions.kept_forms()),
    )


def show_errors(form: QuizForm, questions: BaseQuestionFormSet, error: ValidationError) -> None:
    """Put a service's errors beside the fields they name: ``questions.<i>.<field>`` on the
    i-th question kept, the rest on the quiz form."""
    kept = questions.kept_forms()
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.error_dict.items():
        parts = key.split(".")
        if parts[0] == "questions" and len(parts) == 3 and int(parts[1]) < len(kept):
            question = kept[int(parts[1])]
            name = parts[2]
            if name == "choices" and question.cleaned_data.get("kind") == QuestionKind.TRUE_FALSE:
                name = "true_false"
            question.add_error(name if name in question.fields else None, messages)
        else:
            form.add_error(key if key in form.fields else None, messages)


def add_question_data(data) -> dict:
    """The posted data with one more (empty) question form, for "Add a question" without
    JavaScript."""
    return formset_data_with_one_more(data, prefix="questions", max_num=MAX_QUESTIONS)


class QuizImportForm(forms.Form):
    file = forms.FileField(label=_("Quiz file (.json)"), required=False)
    text = forms.CharField(
        label=_("…or paste the JSON"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > 1_000_000:
                raise ValidationError({"file": _("A quiz file is at most 1 MB.")})
            try:
                cleaned["raw"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as error:
                raise ValidationError({"file": _("The file is not UTF-8 text.")}) from error
        elif cleaned.get("text", "").strip():
            cleaned["raw"] = cleaned["text"]
        else:
            raise ValidationError(_("Choose a file or paste the quiz."))
        return cleaned
