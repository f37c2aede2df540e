"""Forms for accounts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignupForm(forms.Form):
    """Extra sign-up fields, added to allauth's form by ``ACCOUNT_SIGNUP_FORM_CLASS``."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        required=False,
        help_text=_("As your teachers and classmates will see it."),
    )

    def signup(self, request, user: User) -> None:
        """Nothing more to do: ``AccountAdapter.save_user`` has saved the display name."""


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
