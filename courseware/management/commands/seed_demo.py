from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from courseware.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo school (admin, teachers, students, classes) and print its logins."

    def handle(self, *args, **options):
        # The demo's people get their notices in the app; e-mailing them (to the console on the
        # embedded default) would bury the logins under hundreds of lines of made-up mail.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            logins = demo_seed()
        width = max(len(login.username) for login in logins)
        self.stdout.write(self.style.SUCCESS("Demo school ready. Log in at /accounts/login/ with:"))
        self.stdout.write(f"  {'role':<13} {'username':<{width}}  password")
        for login in logins:
            self.stdout.write(
                f"  {login.role:<13} {login.username:<{width}}  {login.password}   ({login.name})"
            )
