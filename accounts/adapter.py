"""allauth's hooks: sign-up makes students; teacher accounts are made by school admins."""

from allauth.account.adapter import DefaultAccountAdapter

from accounts.services import user_complete_signup


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Let allauth fill in username, email and password, then save through the service."""
        user = super().save_user(request, user, form, commit=False)
        if commit:
            user_complete_signup(user=user, display_name=form.cleaned_data.get("display_name", ""))
        return user
