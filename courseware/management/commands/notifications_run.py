"""Run the notifications' scheduled work once: for cron, or the embedded default without beat.

*/15 * * * *  manage.py notifications_run              # dispatch and reminders
0 17 * * *    manage.py notifications_run --digests    # the daily digests as well
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from courseware.services import notifications


class Command(BaseCommand):
    help = "Deliver pending notifications and due-in-24-hours reminders; --digests sends digests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--digests", action="store_true", help="also send today's daily digests"
        )

    def handle(self, *args, digests: bool = False, **options):
        now = timezone.now()
        recorded = notifications.reminders_record(now=now)
        sent = notifications.events_dispatch_ready(now=now)
        self.stdout.write(f"reminders recorded: {recorded}; e-mails sent: {sent}")
        if digests:
            count = notifications.digests_send(now=now)
            self.stdout.write(f"digests sent: {count}")
