"""The OneRoster upload form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from courseware.models import Course
from courseware.oneroster import MAX_UPLOAD_BYTES


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("OneRoster export (.zip)"),
        help_text=_(
            "The OneRoster 1.1 CSV export from the school's information system: one zip with "
            "manifest.csv, orgs.csv, academicSessions.csv, classes.csv, users.csv and "
            "enrollments.csv. At most 5 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    course = forms.ModelChoiceField(
        label=_("Course for new classes"),
        queryset=Course.objects.order_by("title"),
        help_text=_("Classes the export brings in for the first time are classes of this course."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB."),
                params={"limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return upload.read()
