"""django-axes, limited to the Django admin login.

``AXES_ONLY_ADMIN_SITE`` stops axes refusing site logins, but it still counts their failures and
locks the account out; the site login has allauth's own limits, so failures elsewhere are ignored.
"""

from axes.handlers.database import AxesDatabaseHandler


class AdminLoginHandler(AxesDatabaseHandler):
    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None or not self.is_admin_request(request):
            return None
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        if request is None or not self.is_admin_request(request):
            return None
        return super().user_logged_in(sender, request, user, **kwargs)
