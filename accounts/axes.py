"""django-axes, limited to the Django admin login.

``AXES_ONLY_ADMIN_SITE`` stops axes refusing site logins, but it still counts their failures and
locks the account out; the site login has allauth's own limits, so failures elsewhere are ignored.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings


class AdminLoginHandler(AxesDatabaseHandler):
    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None or not self.is_admin_request(request):
            return None
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        if request is None or not self.is_admin_request(request):
            return None
        return super().user_logged_in(sender, request, user, **kwargs)


def attempted_username(request, credentials: dict | None = None) -> str | None:
    """The username axes records for a failed admin login (``AXES_USERNAME_CALLABLE``): what was
    typed, cut to the length of axes' column. Django's login form does not enforce the field's
    length, so a very long "username" would otherwise end in a database error (PostgreSQL
    refuses it) instead of a refused login."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if not isinstance(username, str):
        return username
    return username[: AccessAttempt._meta.get_field("username").max_length]
