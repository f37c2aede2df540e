"""allauth's hooks: sign-up makes students; teacher accounts are made by school admins."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.requests import RequestSite
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import user_complete_signup


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The account is locked, not the school's address: say so, and how to get in now.
        "too_many_login_attempts": _(
            "Too many wrong passwords for this account: it is locked for five minutes. "
            "Reset your password to sign in now, or ask your teacher."
        ),
    }

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Count failures per account whether the username or the email was typed: one
        account, one budget (allauth keys on the text typed)."""
        login = credentials.get("email") or credentials.get("username") or ""
        if "@" in login:
            match = User.objects.filter(email__iexact=login).values_list("username", flat=True)
            login = match.first() or login
        return super()._get_login_attempts_cache_key(request, username=login)

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
