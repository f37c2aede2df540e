"""Register an LMS with Lectern's LTI 1.3 tool, or list the registered ones.

    manage.py lti_platform add --name "School Moodle" --issuer https://moodle.example.edu \\
        --client-id AbC123 --deployment-id 1 \\
        --auth-url https://moodle.example.edu/mod/lti/auth.php \\
        --token-url https://moodle.example.edu/mod/lti/token.php \\
        --keyset-url https://moodle.example.edu/mod/lti/certs.php
    manage.py lti_platform list
    manage.py lti_platform urls      # what to enter in the LMS

Running ``add`` again for the same issuer and client id updates the registration and adds the
deployment ids given. The first registration makes the tool's first signing key.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from lti_tool.models import LtiRegistration

from courseware.services import integrations


class Command(BaseCommand):
    help = "Register an LMS (LTI 1.3 platform) with Lectern, list them, or print the tool's URLs."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="register a platform or update its registration")
        add.add_argument("--name", required=True)
        add.add_argument("--issuer", required=True, help="the platform's issuer (iss)")
        add.add_argument("--client-id", required=True, help="the client id the LMS gave Lectern")
        add.add_argument(
            "--deployment-id",
            action="append",
            default=[],
            dest="deployment_ids",
            help="a deployment id (repeat for more)",
        )
        add.add_argument("--auth-url", required=True, help="OIDC authentication request URL")
        add.add_argument("--token-url", required=True, help="OAuth2 access token URL")
        add.add_argument("--keyset-url", required=True, help="the platform's public keyset URL")
        add.add_argument("--audience", default="", help="token audience, if not the token URL")
        sub.add_parser("list", help="list registered platforms and their deployments")
        sub.add_parser("urls", help="print the URLs to enter in the LMS")

    def handle(self, *args, action: str, **options):
        if action == "add":
            if not options["deployment_ids"]:
                raise CommandError("Give at least one --deployment-id.")
            try:
                registration = integrations.platform_register(
                    name=options["name"],
                    issuer=options["issuer"],
                    client_id=options["client_id"],
                    auth_url=options["auth_url"],
                    token_url=options["token_url"],
                    keyset_url=options["keyset_url"],
                    deployment_ids=options["deployment_ids"],
                    audience=options["audience"],
                )
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
            self.stdout.write(f"Registered {registration.name} ({registration.issuer}).")
        elif action == "list":
            registrations = LtiRegistration.objects.prefetch_related("deployments").order_by("pk")
            for registration in registrations:
                deployments = ", ".join(
                    d.deployment_id + ("" if d.is_active else " (inactive)")
                    for d in registration.deployments.all()
                )
                state = "" if registration.is_active else " (inactive)"
                self.stdout.write(
                    f"{registration.name}{state}: issuer {registration.issuer}, client id "
                    f"{registration.client_id}, deployments: {deployments or 'none'}"
                )
        else:
            site = settings.LECTERN_SITE_URL
            for label, name in [
                ("Login initiation (OIDC)", "courseware:lti-login"),
                ("Launch / redirect URI / deep linking", "courseware:lti-launch"),
                ("Public keyset (JWKS)", "courseware:lti-jwks"),
            ]:
                self.stdout.write(f"{label}: {site}{reverse(name)}")
