"""Rotate the LTI tool's signing keys.

    manage.py lti_keys rotate            # a new key signs from now on; the old stay published
    manage.py lti_keys retire --days 7   # unpublish keys older than 7 days (never the newest)
    manage.py lti_keys list

Platforms cache the tool's JWKS, so rotate first and retire the old key only once every
platform has had time to fetch the new one (a day or more).
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from lti_tool.models import Key

from courseware.services import integrations


class Command(BaseCommand):
    help = "Rotate (add a new signing key), retire old keys, or list the LTI tool's keys."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rotate", help="make a new signing key; older keys stay in the JWKS")
        retire = sub.add_parser("retire", help="remove old keys from the JWKS")
        retire.add_argument("--days", type=int, default=7, help="retire keys older than this")
        sub.add_parser("list", help="list the keys")

    def handle(self, *args, action: str, **options):
        now = timezone.now()
        if action == "rotate":
            key = integrations.key_rotate(now=now)
            self.stdout.write(f"New signing key {key}.")
        elif action == "retire":
            count = integrations.keys_retire(older_than=now - timedelta(days=options["days"]))
            self.stdout.write(f"Retired {count} key(s).")
        else:
            for key in Key.objects.order_by("datetime_created", "pk"):
                state = "published" if key.is_active else "retired"
                self.stdout.write(f"{key} {state} (made {key.datetime_created:%Y-%m-%d %H:%M})")
