"""allauth's hooks: sign-up makes students; teacher accounts are made by school admins."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.requests import RequestSite
from django.utils.encoding import force_str

from accounts.services import user_complete_signup


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Let allauth fill in username, email and password, then save through the service."""
        user = super().save_user(request, user, form, commit=False)
        if commit:
            user_complete_signup(user=user, display_name=form.cleaned_data.get("display_name", ""))
        return user

    def format_email_subject(self, subject: str) -> str:
        """Subjects start "[Lectern]", not the host name the request came to."""
        return f"[{settings.LECTERN_SITE_NAME}] {force_str(subject)}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Emails name the site "Lectern": without django.contrib.sites, allauth would use the
        request's host ("127.0.0.1:8000") as the site's name."""
        request = allauth_context.request
        if request is not None:
            site = RequestSite(request)
            site.name = force_str(settings.LECTERN_SITE_NAME)
            context = {"current_site": site, **context}
        super().send_mail(template_prefix, email, context)
