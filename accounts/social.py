"""Sign in with Google and Microsoft: who may, which account they reach, and what a new one is.

The rules, applied to every sign-in before allauth signs anyone in or creates anything:

- The provider must vouch for the address: Google's ``email_verified``; for Microsoft the user
  principal name, whose domain Entra ID has verified for the tenant (a guest's ``#EXT#`` name
  and the unverified ``mail`` attribute are not trusted).
- While the school lists domains (``SignInDomain``), the address must be in one of them, and a
  Google account must belong to one of them as its Workspace (the ``hd`` claim), so a personal
  Google account made with a school address is refused.
- An existing account is reached by its address only when that address is in a listed domain
  (allauth's e-mail authentication, connected at once) and the account is not a school admin's.
  Otherwise a sign-in whose address belongs to an account is refused: that person signs in with
  their password. When a provider reaches an account whose own address was never verified,
  allauth wipes its password, so someone who registered another person's address in advance
  does not keep a way in.
- A new account is a student, unless a school admin listed the address as a teacher
  (``ListedTeacher``). Never a school admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import ListedTeacher, Role, SignInDomain, User


@dataclass(frozen=True)
class Identity:
    """The address a provider vouches for, and the organisation it says the account is in."""

    email: str
    verified: bool
    organisation_domain: str | None  # Google's hd; None for a personal account

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]


def identity_of(sociallogin) -> Identity:
    """What the provider says about the person signing in."""
    data = sociallogin.account.extra_data or {}
    if sociallogin.account.provider == "microsoft":
        # Entra ID lets a user principal name end only in a domain verified for the tenant; a
        # guest's is "name_home.example#EXT#@tenant.onmicrosoft.com" and is not their address.
        upn = (data.get("userPrincipalName") or "").strip().lower()
        verified = "@" in upn and "#ext#" not in upn
        return Identity(email=upn, verified=verified, organisation_domain=upn.rpartition("@")[2])
    email = (data.get("email") or "").strip().lower()
    verified = bool(data.get("email_verified") or data.get("verified_email"))
    hosted = (data.get("hd") or "").strip().lower() or None
    return Identity(email=email, verified=verified, organisation_domain=hosted)


def allowed_domains() -> set[str]:
    return set(SignInDomain.objects.values_list("domain", flat=True))


def refusal(identity: Identity, domains: set[str]) -> str | None:
    """Why this identity may not sign in, or None."""
    if not identity.email or not identity.verified:
        return _(
            "Your account did not give Lectern a verified e-mail address, so it cannot be used "
            "to sign in. Sign in with your school account, or with your password."
        )
    if domains and identity.domain not in domains:
        return _(
            "Only accounts of the school's own domains (%(domains)s) may sign in here; "
            "%(email)s is not one. Sign in with your school account."
        ) % {"domains": ", ".join(sorted(domains)), "email": identity.email}
    if domains and identity.organisation_domain not in domains:
        return _(
            "%(email)s is not an account of the school's Google Workspace or Microsoft "
            "organisation. Sign in with your school account."
        ) % {"email": identity.email}
    return None


def role_for_new_account(email: str) -> str:
    """A first sign-in makes a student, unless a school admin listed the address as a teacher."""
    if ListedTeacher.objects.filter(email__iexact=email).exists():
        return Role.TEACHER
    return Role.STUDENT


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        """A provider that is not configured has no sign-in pages: its URLs are a 404."""
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as error:
            raise Http404(_("This way of signing in is not available.")) from error

    def authenticate_by_email(self, sociallogin):
        """Reach an existing account by a verified address of a listed domain, never a school
        admin's."""
        identity = identity_of(sociallogin)
        domains = allowed_domains()
        if refusal(identity, domains) is not None or not domains:
            return None
        user = User.objects.filter(email__iexact=identity.email, is_active=True).first()
        if user is None or user.is_staff or user.role == Role.ADMIN:
            return None
        return user, identity.email

    def pre_social_login(self, request, sociallogin):
        """Refuse, with a page that says why, any sign-in the rules above do not allow."""
        identity = identity_of(sociallogin)
        reason = refusal(identity, allowed_domains())
        linked = sociallogin.account.pk is not None or sociallogin.is_existing
        connecting = request.user.is_authenticated and sociallogin.state.get("process") == (
            "connect"
        )
        if (
            reason is None
            and not linked
            and not connecting
            and User.objects.filter(email__iexact=identity.email).exists()
        ):
            reason = _(
                "An account with the address %(email)s already exists. Sign in with its "
                "username and password; a school admin can tell you which it is."
            ) % {"email": identity.email}
        if reason is not None:
            raise ImmediateHttpResponse(
                render(
                    request,
                    "accounts/sign_in_refused.html",
                    {"reason": reason, "provider": sociallogin.provider.name},
                    status=403,
                )
            )
        # Microsoft's profile names the account by its principal name: that is the address.
        if sociallogin.account.provider == "microsoft":
            sociallogin.email_addresses = [
                EmailAddress(email=identity.email, verified=True, primary=True)
            ]
            if not linked:
                sociallogin.user.email = identity.email

    def save_user(self, request, sociallogin, form=None):
        """A new account from a provider: a student, or a teacher the school listed."""
        user = sociallogin.user
        user.email = user.email.lower()
        user.role = role_for_new_account(user.email)
        user.is_staff = False
        user.is_superuser = False
        return super().save_user(request, sociallogin, form=form)
