"""Set-a-password links: "forgot your password" links and invitations to new accounts.

Both go through allauth's reset-from-key page, but they last differently: a reset link someone
asked for a moment ago works for ``PASSWORD_RESET_TIMEOUT`` (an hour), an invitation to an
account made by CSV enrolment or in the admin for ``LECTERN_INVITATION_TIMEOUT`` (a week). An
invitation has its own token (its own salt), so a reset token never lasts a week; both stop
working once the password is set or the e-mail address changes (Django's token holds the
password's hash and the address). allauth's forms module imports the generator named in
``ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR`` as it loads, so nothing here imports allauth.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """An invitation's token: valid for ``LECTERN_INVITATION_TIMEOUT`` seconds."""

    key_salt = "lectern.accounts.tokens.InvitationTokenGenerator"

    def check_token(self, user, token) -> bool:
        # Django's check reads PASSWORD_RESET_TIMEOUT; this is the same check with its own limit.
        if not (user and token):
            return False
        try:
            timestamp_b36, _hash = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - timestamp <= settings.LECTERN_INVITATION_TIMEOUT


invitation_token_generator = InvitationTokenGenerator()


class ResetOrInvitationTokenGenerator(PasswordResetTokenGenerator):
    """allauth's token generator (``ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR``): it makes reset
    tokens and accepts a reset token or an invitation's, each within its own time."""

    def check_token(self, user, token) -> bool:
        return super().check_token(user, token) or invitation_token_generator.check_token(
            user, token
        )
