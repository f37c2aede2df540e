"""Forms for authoring content: units, essay prompts, rubrics and readings.

Forms parse and check what a teacher sends; the views hand the cleaned data to the content
services, which do the writing.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from courseware.importers import ReadingParseError
from courseware.models import Course, Reading, ReadingKind, Rubric, Section, Unit
from courseware.selectors.content import latest_rubrics, reading_sections
from courseware.services.content import (
    MAX_READING_BYTES,
    CriterionSpec,
    LevelSpec,
    UnitReadingSpec,
    new_slug,
    reading_size_check,
    reading_text_decode,
)

MAX_LEVELS = 10
# Rows a new criterion starts with; more are added in place (or by "Add a level").
NEW_CRITERION_LEVELS = 4


def _slug_field(help_text: str) -> forms.SlugField:
    return forms.SlugField(
        label=_("Short name in links"),
        max_length=80,
        required=False,
        help_text=help_text,
    )


def _clean_new_slug(form: forms.Form, taken) -> str:
    """The slug the service will give the new object, checked now to show beside the field."""
    try:
        return new_slug(
            slug=form.cleaned_data.get("slug", ""),
            title=form.data.get(form.add_prefix("title"), ""),
            taken=taken,
        )
    except ValidationError as error:
        raise ValidationError(error.error_dict["slug"]) from error


# --- Units --------------------------------------------------------------------------------


class UnitForm(forms.Form):
    """A unit's text and what it sets: whole readings or single sections of them."""

    title = forms.CharField(label=_("Title"), max_length=200)
    slug = _slug_field(_("Made from the title if left empty; it cannot change later."))
    overview = forms.CharField(
        label=_("Overview"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    learning_intentions = forms.CharField(
        label=_("Learning intentions"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One per line."),
    )
    readings = forms.MultipleChoiceField(
        label=_("Readings"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("Choose whole readings or single sections; hold Ctrl (⌘ on a Mac) for more."),
    )

    def __init__(self, *args, course: Course, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.course = course
        self.unit = unit
        if unit is not None:
            del self.fields["slug"]
        readings = list(Reading.objects.order_by("title"))
        sections = reading_sections(readings=readings)
        self._choices: dict[str, tuple[Reading, Section | None]] = {}
        grouped = []
        for reading in readings:
            options = [(f"r{reading.pk}", _("%(title)s — whole reading") % {"title": reading})]
            self._choices[f"r{reading.pk}"] = (reading, None)
            for section in sections[reading.pk]:
                if section.title:
                    options.append((f"s{section.pk}", f"{reading} — {section.title}"))
                    self._choices[f"s{section.pk}"] = (reading, section)
            grouped.append((str(reading), options))
        self.fields["readings"].choices = grouped

    def clean_slug(self) -> str:
        return _clean_new_slug(self, self.course.units.all())

    @staticmethod
    def initial_for(unit: Unit) -> dict:
        return {
            "title": unit.title,
            "overview": unit.overview,
            "learning_intentions": unit.learning_intentions,
            "readings": [
                f"s{row.section_id}" if row.section_id else f"r{row.reading_id}"
                for row in unit.unit_readings.all()
            ],
        }

    def reading_specs(self) -> list[UnitReadingSpec]:
        notes = {}
        if self.unit is not None:
            notes = {
                (row.reading_id, row.section_id): row.note for row in self.unit.unit_readings.all()
            }
        specs = []
        for key in self.cleaned_data["readings"]:
            reading, section = self._choices[key]
            note = notes.get((reading.pk, section.pk if section else None), "")
            specs.append(UnitReadingSpec(reading=reading, section=section, note=note))
        return specs


# --- Essay prompts ------------------------------------------------------------------------


class EssayPromptForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = _slug_field(_("Made from the title if left empty; it cannot change later."))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    guidance = forms.CharField(
        label=_("Guidance"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    min_words = forms.IntegerField(label=_("Minimum words"), min_value=0, initial=0)
    max_words = forms.IntegerField(label=_("Maximum words"), min_value=1, initial=1200)
    readings = forms.ModelMultipleChoiceField(
        label=_("Readings"),
        queryset=Reading.objects.order_by("title"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rubric = forms.ModelChoiceField(label=_("Rubric"), queryset=Rubric.objects.none())

    def __init__(self, *args, course: Course, prompt=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.course = course
        self.fields["unit"].queryset = course.units.order_by("order")
        rubrics = latest_rubrics()
        if prompt is not None:
            del self.fields["slug"]
            # A prompt keeps the version it was set with even though newer ones exist.
            rubrics = rubrics | Rubric.objects.filter(pk=prompt.rubric_id)
        self.fields["rubric"].queryset = rubrics

    def clean_slug(self) -> str:
        return _clean_new_slug(self, self.course.prompts.all())

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_words"), cleaned.get("max_words")
        if low is not None and high is not None and low > high:
            self.add_error(
                "min_words",
                _("The minimum cannot be more than the maximum (%(max)s).") % {"max": high},
            )
        return cleaned

    @staticmethod
    def initial_for(prompt) -> dict:
        return {
            "title": prompt.title,
            "unit": prompt.unit_id,
            "question": prompt.question,
            "guidance": prompt.guidance,
            "min_words": prompt.min_words,
            "max_words": prompt.max_words,
            "readings": list(prompt.readings.all()),
            "rubric": prompt.rubric_id,
        }


# --- Rubrics ------------------------------------------------------------------------------


class RubricForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    total_marks = forms.DecimalField(
        label=_("Out of (optional check)"),
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=_(
            "If you give a total, the criteria's top marks (times their weights) must add up to it."
        ),
    )


class CriterionForm(forms.Form):
    """A criterion and its levels (up to ``MAX_LEVELS``); empty level rows are ignored.

    How many level rows the form has is ``level_count`` as posted (the page's script keeps it
    as rows are added or removed; "Add a level" without the script posts one more), or the
    highest level row posted, whichever is more; unbound, the levels given, or
    ``NEW_CRITERION_LEVELS`` empty rows.
    """

    title = forms.CharField(label=_("Criterion"), max_length=200)
    description = forms.CharField(
        label=_("What it assesses"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    weight = forms.IntegerField(
        label=_("Weight"),
        min_value=1,
        max_value=10,
        required=False,
        help_text=_("Each level's marks are multiplied by this (empty: 1)."),
    )
    level_count = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level_total = self._level_total()
        for n in range(1, self.level_total + 1):
            self.fields[f"level_{n}_title"] = forms.CharField(
                label=_("Level %(n)s name") % {"n": n}, max_length=100, required=False
            )
            self.fields[f"level_{n}_marks"] = forms.DecimalField(
                label=_("Level %(n)s marks") % {"n": n},
                min_value=Decimal(0),
                max_digits=6,
                decimal_places=2,
                required=False,
            )
            self.fields[f"level_{n}_descriptor"] = forms.CharField(
                label=_("Level %(n)s descriptor") % {"n": n},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def _level_total(self) -> int:
        if self.is_bound:
            prefix = self.add_prefix("level_")
            pattern = re.compile(rf"{re.escape(prefix)}(\d+)_(?:title|marks|descriptor)$")
            posted = [int(m.group(1)) for key in self.data if (m := pattern.match(key))]
            try:
                count = int(self.data.get(self.add_prefix("level_count")) or 0)
            except (TypeError, ValueError):
                count = 0
            total = max([count, *posted])
        else:
            initial = {**self.initial}
            given = [
                int(m.group(1)) for key in initial if (m := re.fullmatch(r"level_(\d+)_title", key))
            ]
            total = max(given, default=0) or NEW_CRITERION_LEVELS
        return min(max(total, 1), MAX_LEVELS)

    def has_changed(self) -> bool:
        # The level count is always posted (the page keeps it), so it alone does not make an
        # empty extra criterion one to check and save.
        return any(name != "level_count" for name in self.changed_data)

    def level_rows(self):
        """The level fields in rows of (name, marks, descriptor), for the template."""
        return [
            (self[f"level_{n}_title"], self[f"level_{n}_marks"], self[f"level_{n}_descriptor"])
            for n in range(1, self.level_total + 1)
        ]

    @property
    def can_add_level(self) -> bool:
        return self.level_total < MAX_LEVELS

    def clean(self):
        cleaned = super().clean()
        levels = []
        for n in range(1, self.level_total + 1):
            title = cleaned.get(f"level_{n}_title", "")
            marks = cleaned.get(f"level_{n}_marks")
            descriptor = cleaned.get(f"level_{n}_descriptor", "")
            if not (title or marks is not None or descriptor):
                continue
            if not title or marks is None or not descriptor:
                raise ValidationError(
                    _("Level %(n)s needs a name, marks and a descriptor (or leave it all empty).")
                    % {"n": n}
                )
            levels.append(LevelSpec(title=title, descriptor=descriptor, marks=marks))
        if cleaned.get("title") and not levels:
            raise ValidationError(_("Give the criterion at least one level."))
        cleaned["levels"] = tuple(levels)
        return cleaned

    @staticmethod
    def initial_for(criterion) -> dict:
        """A saved criterion, or a ``CriterionSpec`` (a template's), as the form's initial
        data; a saved criterion's levels show their marks before weighting."""
        weight = getattr(criterion, "weight", 1) or 1
        levels = criterion.levels.all() if hasattr(criterion.levels, "all") else criterion.levels
        initial = {"title": criterion.title, "description": criterion.description, "weight": weight}
        for n, level in enumerate(levels, start=1):
            marks = Decimal(str(level.marks))
            if hasattr(criterion, "pk"):
                marks = marks / weight
            initial |= {
                f"level_{n}_title": level.title,
                f"level_{n}_marks": marks.normalize() if marks == marks.to_integral() else marks,
                f"level_{n}_descriptor": level.descriptor,
            }
        return initial


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self):
        # A broken management form (a form count that is not a number) is already an error;
        # the order of the forms cannot be read then.
        if any(self.errors) or self.non_form_errors():
            return
        if not self.criteria():
            raise ValidationError(_("A rubric needs at least one criterion."))

    def kept_forms(self) -> list[CriterionForm]:
        """The criteria to save, in the order given (deleted and empty ones left out)."""
        forms_in_order = self.ordered_forms if self.can_order else self.forms
        return [
            form
            for form in forms_in_order
            if form.cleaned_data.get("title") and not form.cleaned_data.get("DELETE")
        ]

    def criteria(self) -> list[CriterionSpec]:
        return [
            CriterionSpec(
                title=form.cleaned_data["title"],
                description=form.cleaned_data.get("description", ""),
                levels=form.cleaned_data["levels"],
                weight=form.cleaned_data.get("weight") or 1,
            )
            for form in self.kept_forms()
        ]

    def show_errors(self, error: ValidationError) -> list:
        """Put a service's ``criteria.<i>`` errors on the i-th criterion kept; return the
        rest as (field, messages) for the rubric form."""
        rest = []
        kept = self.kept_forms()
        for key, messages in getattr(error, "error_dict", {None: error}).items():
            parts = (key or "").split(".")
            if parts[0] == "criteria" and len(parts) == 2 and int(parts[1]) < len(kept):
                kept[int(parts[1])].add_error(None, messages)
            else:
                rest.append((key, messages))
        return rest


# absolute_max: a form count sent as a huge number builds no more than the twelve forms a rubric
# may have (Django's default of max_num + 1,000 let one request build and echo a thousand).
CriterionFormSet = forms.formset_factory(
    CriterionForm,
    formset=BaseCriterionFormSet,
    extra=1,
    can_delete=True,
    can_order=True,
    max_num=12,
    absolute_max=12,
    validate_max=True,
)


def formset_data_with_one_more(data, *, prefix: str, max_num: int) -> dict:
    """The posted data of a formset with one more empty form (up to ``max_num``), for an "Add
    another" button without JavaScript. A form count that is not a number is left as it is:
    the formset's own check then reports the broken form."""
    data = data.copy()
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
    except (TypeError, ValueError):
        return data
    if 0 <= total < max_num:
        data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    return data


def add_criterion_data(data) -> dict:
    """The posted data with one more empty criterion, for "Add a criterion" without
    JavaScript."""
    return formset_data_with_one_more(data, prefix="criteria", max_num=12)


_CRITERION_PREFIX = re.compile(r"criteria-\d{1,2}")


def add_level_data(data) -> dict:
    """The posted data with one more level row on the criterion named by ``add_level`` (its
    form prefix, ``criteria-<n>``), for "Add a level" without JavaScript. Anything else
    posted as ``add_level`` changes nothing."""
    prefix = data.get("add_level") or ""
    if not _CRITERION_PREFIX.fullmatch(prefix):
        return data
    pattern = re.compile(rf"{re.escape(prefix)}-level_(\d+)_(?:title|marks|descriptor)$")
    posted = [int(m.group(1)) for key in data if (m := pattern.match(key))]
    try:
        count = int(data.get(f"{prefix}-level_count") or 0)
    except (TypeError, ValueError):
        count = 0
    data = data.copy()
    data[f"{prefix}-level_count"] = str(min(max([count, *posted]) + 1, MAX_LEVELS))
    return data


def builder_data_with_more(data) -> dict:
    """The rubric builder's posted data with the criterion or level row asked for added."""
    if "add_level" in data:
        return add_level_data(data)
    return add_criterion_data(data)


# --- Readings -----------------------------------------------------------------------------


class ReadingMetadataForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    author = forms.CharField(label=_("Author"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind of source"), choices=ReadingKind.choices)
    date_label = forms.CharField(
        label=_("Date"), max_length=60, required=False, help_text=_("As the source gives it.")
    )
    citation = forms.CharField(
        label=_("Citation"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    provenance = forms.CharField(
        label=_("Where the text came from"), max_length=300, required=False
    )
    licence_note = forms.CharField(
        label=_("Licence and attribution"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    METADATA = (
        "title",
        "author",
        "kind",
        "date_label",
        "citation",
        "provenance",
        "licence_note",
        "summary",
    )

    def metadata(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.METADATA}


class ReadingTextMixin(forms.Form):
    """Plain text pasted or uploaded; exactly one of the two."""

    text = forms.CharField(
        label=_("Paste the text"),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        required=False,
        strip=False,
    )
    file = forms.FileField(
        label=_("…or upload a plain-text file"),
        required=False,
        help_text=_("UTF-8 plain text (.txt), at most %(mb)s MB.")
        % {"mb": MAX_READING_BYTES // 1024 // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,text/plain"}),
    )
    text_required = True

    def clean(self):
        cleaned = super().clean()
        pasted, upload = cleaned.get("text", ""), cleaned.get("file")
        if pasted.strip() and upload:
            raise ValidationError(_("Paste the text or upload a file, not both."))
        if not pasted.strip() and not upload:
            if self.text_required:
                raise ValidationError(_("Paste the text or upload a plain-text file."))
            cleaned["source_text"] = None
            return cleaned
        try:
            if upload:
                reading_size_check(upload.size)
                cleaned["source_text"] = reading_text_decode(upload.read())
            else:
                cleaned["source_text"] = reading_text_decode(pasted.encode("utf-8"))
        except ReadingParseError as error:
            raise ValidationError(str(error)) from error
        return cleaned


class ReadingCreateForm(ReadingTextMixin, ReadingMetadataForm):
    slug = _slug_field(_("Made from the title if left empty; essays cite it, so it never changes."))

    field_order = [
        "title",
        "slug",
        "author",
        "kind",
        "date_label",
        "citation",
        "provenance",
        "licence_note",
        "summary",
        "text",
        "file",
    ]

    def clean_slug(self) -> str:
        return _clean_new_slug(self, Reading.objects.all())


class ReadingEditForm(ReadingTextMixin, ReadingMetadataForm):
    text_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Replace the text by pasting it")
        self.fields["text"].help_text = _(
            "Leave both empty to keep the text. Paragraphs keep their numbers where the text "
            "is unchanged, so citations keep working."
        )
