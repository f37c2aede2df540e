"""Forms for teaching pages: they parse and check input; services make the changes.

Dates are typed in the school's time zone (``TIME_ZONE``) with ``datetime-local`` inputs and
stored in UTC. A local time that does not exist or happens twice (the hour skipped or repeated
when daylight saving starts or ends) is a field error, never a guess.
"""

from __future__ import annotations

import random

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from config.input_policy import InputRefused, check_moment
from courseware.enrolment import decode_upload
from courseware.models import Assignment, AssignmentKind, Course, LatePenaltyUnit, QuestionKind
from courseware.models.teaching import MAX_LATE_GRACE_MINUTES
from courseware.selectors.teaching import (
    assignable_prompts,
    assignable_quizzes,
    assignable_readings,
)

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"
ENROLMENT_SALT = "courseware.enrolment.csv"
ENROLMENT_MAX_AGE = 60 * 60  # a preview may be confirmed within the hour


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed in the school's time zone with the browser's date-time picker."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT_FORMAT)

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [LOCAL_INPUT_FORMAT, "%Y-%m-%dT%H:%M:%S"])
        kwargs.setdefault(
            "help_text",
            _("%(zone)s time.") % {"zone": settings.TIME_ZONE.split("/")[-1].replace("_", " ")},
        )
        super().__init__(**kwargs)

    def clean(self, value):
        """Refuse a moment outside the input policy's years, as every date field does."""
        moment = super().clean(value)
        if moment is not None:
            try:
                check_moment(moment)
            except InputRefused as error:
                raise forms.ValidationError(str(error), code="out_of_range") from error
        return moment


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.name} ({obj.username})"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.name} ({obj.username})"


# --- Classes -------------------------------------------------------------------------------------


class ClassroomCreateForm(forms.Form):
    name = forms.CharField(label=_("Class name"), max_length=120)
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.order_by("title"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    term = forms.CharField(label=_("Term"), max_length=40, required=False)
    teachers = UserMultipleChoiceField(
        label=_("Teachers"),
        queryset=User.objects.filter(role__in=[Role.TEACHER, Role.ADMIN], is_active=True).order_by(
            "last_name", "first_name", "username"
        ),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick every teacher of the class; co-teachers can be added later too."),
    )


class TeacherAddForm(forms.Form):
    teacher = UserChoiceField(label=_("Teacher"), queryset=User.objects.none())

    def __init__(self, *args, teachers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers
        self.fields["teacher"].empty_label = _("Choose a teacher…")


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Join code"),
        max_length=32,
        required=False,  # the service says what an empty code means, in its own words
        # No example code: any example could be a real class's code, and a student would join it.
        help_text=_(
            "The eight-character code your teacher gave you. Upper or lower case and dashes "
            "do not matter."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


# --- Bulk enrolment ------------------------------------------------------------------------------


class EnrolmentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Comma-separated, UTF-8, with a header row: username, email, first_name, last_name "
            "and optionally display_name."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> str:
        """The file's text, decoded; what is wrong with its rows is the preview's to show."""
        upload = self.cleaned_data["file"]
        return decode_upload(upload.read())


class EnrolmentConfirmForm(forms.Form):
    """Carries the previewed file back, signed, so what is confirmed is what was previewed."""

    payload = forms.CharField(widget=forms.HiddenInput)

    @staticmethod
    def sign(text: str) -> str:
        return signing.dumps(text, salt=ENROLMENT_SALT, compress=True)

    def clean_payload(self) -> str:
        try:
            return signing.loads(
                self.cleaned_data["payload"], salt=ENROLMENT_SALT, max_age=ENROLMENT_MAX_AGE
            )
        except signing.SignatureExpired as error:
            raise forms.ValidationError(
                _("The preview is more than an hour old; upload the file again.")
            ) from error
        except signing.BadSignature as error:
            raise forms.ValidationError(
                _("The preview could not be read back; upload the file again.")
            ) from error


# --- Assignments ---------------------------------------------------------------------------------

KIND_FIELDS = {
    AssignmentKind.READING: (),
    AssignmentKind.ESSAY: (
        "late_penalty_percent_per_day",
        "late_penalty_floor_percent",
        "late_penalty_unit",
        "late_grace_minutes",
        "allow_resubmission",
        "anonymous_marking",
    ),
    AssignmentKind.QUIZ: ("max_attempts",),
    AssignmentKind.ANALYSIS: (
        "late_penalty_percent_per_day",
        "late_penalty_floor_percent",
        "late_penalty_unit",
        "late_grace_minutes",
        "allow_resubmission",
        "anonymous_marking",
    ),
}
KIND_ONLY_FIELDS = {name for names in KIND_FIELDS.values() for name in names}
TARGET_LABELS = {
    AssignmentKind.READING: _("Reading"),
    AssignmentKind.ESSAY: _("Essay prompt"),
    AssignmentKind.QUIZ: _("Quiz"),
    AssignmentKind.ANALYSIS: _("Source"),
}


class AssignmentForm(forms.Form):
    """An assignment of one kind: what is set, when, and (by kind) its rules."""

    target = forms.ModelChoiceField(queryset=Assignment.objects.none())
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the title of what is set."),
    )
    instructions = forms.CharField(
        label=_("Instructions"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    opens_at = LocalDateTimeField(label=_("Opens"))
    due_at = LocalDateTimeField(label=_("Due"))
    cutoff_at = LocalDateTimeField(
        label=_("Cut-off"),
        required=False,
        help_text=_(
            "Late work is accepted until then; nothing after it. Leave empty to accept late "
            "work at any time."
        ),
    )
    late_penalty_percent_per_day = forms.DecimalField(
        label=_("Late penalty (% of the mark)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=0,
    )
    late_penalty_floor_percent = forms.DecimalField(
        label=_("Never keep less than (% of the mark)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=0,
    )
    late_penalty_unit = forms.ChoiceField(
        label=_("Charged"),
        choices=LatePenaltyUnit.choices,
        initial=LatePenaltyUnit.DAY,
        required=False,  # left out: per started day, as before the choice existed
        help_text=_("Each started day (or hour) after the due time costs the penalty again."),
    )
    late_grace_minutes = forms.IntegerField(
        label=_("Grace period (minutes)"),
        min_value=0,
        max_value=MAX_LATE_GRACE_MINUTES,
        initial=0,
        required=False,  # left out: no grace
        help_text=_("Work handed in up to this many minutes late is not penalised."),
    )
    allow_resubmission = forms.BooleanField(label=_("Allow resubmission"), required=False)
    anonymous_marking = forms.BooleanField(
        label=_("Anonymous marking (names hidden while marking)"), required=False
    )
    max_attempts = forms.IntegerField(
        label=_("Attempts allowed"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_(
            "Each student may start this many attempts (you can grant one more to a student "
            "later). Leave empty for the number the quiz was written with."
        ),
    )

    def __init__(self, *args, kind: str, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in KIND_ONLY_FIELDS - set(KIND_FIELDS[kind]):
            del self.fields[name]
        queryset = {
            AssignmentKind.READING: assignable_readings,
            AssignmentKind.ESSAY: assignable_prompts,
            AssignmentKind.QUIZ: assignable_quizzes,
            AssignmentKind.ANALYSIS: assignable_readings,
        }[kind](course=course)
        target = self.fields["target"]
        target.queryset = queryset
        target.label = TARGET_LABELS[kind]
        target.empty_label = _("Choose…")

    def clean_late_penalty_unit(self) -> str:
        return self.cleaned_data["late_penalty_unit"] or LatePenaltyUnit.DAY

    def clean_late_grace_minutes(self) -> int:
        return self.cleaned_data["late_grace_minutes"] or 0

    def service_kwargs(self) -> dict:
        """The cleaned data as the assignment services take it (attempts left empty: the
        service's default on a new quiz, unchanged on an edit)."""
        data = dict(self.cleaned_data)
        if data.get("max_attempts", 0) is None:
            del data["max_attempts"]
        return data


class ExtensionForm(forms.Form):
    student = UserChoiceField(label=_("Student"), queryset=User.objects.none())
    due_at = LocalDateTimeField(label=_("New due date"))
    cutoff_at = LocalDateTimeField(
        label=_("New cut-off"),
        required=False,
        help_text=_("Leave empty to keep the class's late window after the new due date."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, students, label=None, **kwargs):
        """``label`` names each student (``StudentNaming.label``: pseudonyms while an
        anonymously marked assignment's names are hidden)."""
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        self.fields["student"].empty_label = _("Choose a student…")
        if label is not None:
            self.fields["student"].label_from_instance = label


# --- Quizzes -------------------------------------------------------------------------------------


class AttemptGrantForm(forms.Form):
    student = UserChoiceField(label=_("Student"), queryset=User.objects.none())

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        self.fields["student"].empty_label = _("Choose a student…")


class QuizAttemptForm(forms.Form):
    """One field per question, each a fieldset whose legend is the question: radio buttons for
    single choice and true/false, checkboxes for multiple choice, a text box for short answer.
    With ``shuffle`` the order of questions and choices is the attempt's own (``seed``)."""

    def __init__(self, *args, questions, shuffle: bool = False, seed: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        questions = list(questions)
        rng = random.Random(seed)  # noqa: S311 - an order to show, not a secret
        if shuffle:
            rng.shuffle(questions)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            choices = [(choice.pk, choice.text) for choice in question.choices.all()]
            if shuffle and question.kind != QuestionKind.TRUE_FALSE:
                rng.shuffle(choices)
            label = f"{number}. {question.text}"
            name = f"question_{question.pk}"
            # Not required: the service names every question left unanswered.
            if question.kind == QuestionKind.SHORT:
                self.fields[name] = forms.CharField(label=label, max_length=500, required=False)
            elif question.kind == QuestionKind.MULTIPLE:
                self.fields[name] = forms.TypedMultipleChoiceField(
                    label=label,
                    choices=choices,
                    coerce=int,
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    help_text=_("Tick every right answer."),
                )
            else:
                self.fields[name] = forms.TypedChoiceField(
                    label=label,
                    choices=choices,
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=False,
                )

    def answers(self) -> dict[int, object]:
        """Question id → the answer given, for the questions answered."""
        return {
            question.pk: self.cleaned_data[f"question_{question.pk}"]
            for question in self.questions
            if self.cleaned_data.get(f"question_{question.pk}") not in (None, "", [])
        }
