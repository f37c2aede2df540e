"""The form for setting a source-analysis task: the source (or a passage of it), the scaffold
and the rubric. Dates and late rules come from the assignment form, as for every kind of work."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from courseware.models import Course, Scaffold
from courseware.models.analysis import MAX_FIELDS
from courseware.rubric_templates import rubric_templates
from courseware.selectors.content import latest_rubrics
from courseware.selectors.teaching import assignable_readings


class AnalysisTaskForm(forms.Form):
    reading = forms.ModelChoiceField(
        label=_("Source"), queryset=None, empty_label=_("Choose a reading…")
    )
    paragraph_from = forms.IntegerField(
        label=_("From paragraph"),
        min_value=1,
        required=False,
        help_text=_("Leave both empty to analyse the whole reading."),
    )
    paragraph_to = forms.IntegerField(label=_("To paragraph"), min_value=1, required=False)
    scaffold = forms.ChoiceField(
        label=_("Scaffold"),
        choices=Scaffold.choices,
        initial=Scaffold.OPCVL,
        widget=forms.RadioSelect,
    )
    prompts = forms.CharField(
        label=_("Your prompts (one per line)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("For “My own prompts”: at most %(max)s.") % {"max": MAX_FIELDS},
    )
    rubric = forms.ModelChoiceField(
        label=_("Rubric"), queryset=None, required=False, empty_label=_("— none picked —")
    )
    rubric_template = forms.ChoiceField(
        label=_("…or start a rubric from a template"), required=False
    )
    max_mark = forms.DecimalField(
        label=_("…or no rubric: one overall mark out of"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal(1000),
        decimal_places=2,
        help_text=_("For example 20. Used only when no rubric or template is chosen."),
    )

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reading"].queryset = assignable_readings(course=course)
        self.fields["rubric"].queryset = latest_rubrics()
        self.fields["rubric_template"].choices = [("", _("— no template —"))] + [
            (template.key, template.title) for template in rubric_templates().values()
        ]

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("rubric")
            and not cleaned.get("rubric_template")
            and cleaned.get("max_mark") is None
            and "max_mark" not in self.errors
        ):
            self.add_error(
                "max_mark",
                _("Pick a rubric, start one from a template, or give the mark it is out of."),
            )
        if cleaned.get("scaffold") == Scaffold.CUSTOM:
            lines = [line for line in cleaned.get("prompts", "").splitlines() if line.strip()]
            if not lines:
                self.add_error("prompts", _("Write at least one prompt, one per line."))
            elif len(lines) > MAX_FIELDS:
                self.add_error("prompts", _("At most %(max)s prompts.") % {"max": MAX_FIELDS})
        first, last = cleaned.get("paragraph_from"), cleaned.get("paragraph_to")
        if (first is None) != (last is None):
            self.add_error(
                "paragraph_to", _("Give both the first and the last paragraph, or neither.")
            )
        elif first is not None and last < first:
            self.add_error("paragraph_to", _("The last paragraph must be on or after the first."))
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "reading": data["reading"],
            "scaffold": data["scaffold"],
            "prompts": data.get("prompts", "").splitlines(),
            "paragraph_from": data.get("paragraph_from"),
            "paragraph_to": data.get("paragraph_to"),
            "rubric": data.get("rubric"),
            "rubric_template": data.get("rubric_template", ""),
            "max_mark": data.get("max_mark"),
        }


class AnswersForm(forms.Form):
    """What the answer page posts: a text per prompt, the revision they were based on and, to
    hand them in, the honesty declaration. Fields are added per task."""

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    honesty = forms.BooleanField(required=False)

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        for field in task.fields:
            self.fields[f"field-{field['key']}"] = forms.CharField(
                label=field["label"], required=False, strip=False, widget=forms.Textarea
            )

    def answers(self) -> dict[str, str]:
        return {
            field["key"]: self.cleaned_data.get(f"field-{field['key']}", "").replace("\r\n", "\n")
            for field in self.task.fields
        }
