"""Forms for setting work quickly: the essay task of the one-screen page, and copying work."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from courseware.models import Classroom, Course
from courseware.rubric_templates import rubric_templates
from courseware.selectors.content import latest_rubrics
from courseware.selectors.teaching import assignable_prompts, assignable_readings
from courseware.services.setting import NewPrompt


class EssayTaskForm(forms.Form):
    """The essay question: an earlier one of the course, or one written here with its word
    limits, readings and rubric (picked, or made from a template)."""

    prompt = forms.ModelChoiceField(
        label=_("Re-use an earlier question"),
        queryset=None,
        required=False,
        empty_label=_("— write a new question below —"),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    question = forms.CharField(
        label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    guidance = forms.CharField(
        label=_("Guidance for students"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    min_words = forms.IntegerField(label=_("Minimum words"), min_value=0, initial=0, required=False)
    max_words = forms.IntegerField(label=_("Maximum words"), min_value=1, required=False)
    readings = forms.ModelMultipleChoiceField(
        label=_("Readings to use"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rubric = forms.ModelChoiceField(
        label=_("Rubric"), queryset=None, required=False, empty_label=_("— none picked —")
    )
    rubric_template = forms.ChoiceField(
        label=_("…or start a rubric from a template"), required=False
    )

    def __init__(self, *args, course: Course, building_rubric: bool = False, **kwargs):
        """``building_rubric``: a rubric is being built on the page, so none need be picked."""
        super().__init__(*args, **kwargs)
        self.building_rubric = building_rubric
        self.fields["prompt"].queryset = assignable_prompts(course=course).select_related("rubric")
        self.fields["readings"].queryset = assignable_readings(course=course)
        self.fields["rubric"].queryset = latest_rubrics()
        self.fields["rubric_template"].choices = [("", _("— no template —"))] + [
            (template.key, template.title) for template in rubric_templates().values()
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("prompt") is not None:
            return cleaned
        missing = {
            "title": _("Give the essay a title."),
            "question": _("Write the question, or pick an earlier one."),
            "max_words": _("Give a word limit."),
        }
        for name, message in missing.items():
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        picked = [bool(cleaned.get("rubric")), bool(cleaned.get("rubric_template"))]
        if not any(picked) and not self.building_rubric:
            self.add_error(
                "rubric", _("Pick a rubric, start one from a template or build one below.")
            )
        elif sum(picked) + self.building_rubric > 1:
            self.add_error(
                "rubric", _("Pick a rubric, start one from a template or build one: only one.")
            )
        minimum, maximum = cleaned.get("min_words") or 0, cleaned.get("max_words")
        if maximum and minimum > maximum:
            self.add_error("min_words", _("The minimum cannot be more than the maximum."))
        return cleaned

    @staticmethod
    def initial_for(draft) -> dict:
        """A draft's question as the form's initial data."""
        if draft.prompt_id is not None:
            return {"prompt": draft.prompt_id}
        return {
            "title": draft.prompt_title,
            "question": draft.question,
            "guidance": draft.guidance,
            "min_words": draft.min_words,
            "max_words": draft.max_words,
            "readings": [reading.pk for reading in draft.readings.all()],
            "rubric": draft.rubric_id,
        }

    def new_prompt(self) -> NewPrompt | None:
        data = self.cleaned_data
        if data.get("prompt") is not None:
            return None
        return NewPrompt(
            title=data["title"],
            question=data["question"],
            guidance=data.get("guidance", ""),
            min_words=data.get("min_words") or 0,
            max_words=data["max_words"],
            readings=tuple(data.get("readings") or ()),
        )


class WorkCopyForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Copy to the class"), queryset=Classroom.objects.none())
    offset_days = forms.IntegerField(
        label=_("Move every date by (days)"),
        min_value=-3650,
        max_value=3650,
        initial=0,
        help_text=_("For next year's class, 364 keeps the weekdays; 0 for a parallel class."),
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = classes
        self.fields["target"].empty_label = _("Choose a class…")
