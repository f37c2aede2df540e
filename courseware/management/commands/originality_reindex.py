"""``manage.py originality_reindex``: rebuild the peer index from every handed-in essay."""

from django.core.management.base import BaseCommand

from courseware.services.originality import peer_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the originality checks' peer index from scratch: every submission's latest "
        "handed-in version, in one transaction (checks use the old index until it commits)."
    )

    def handle(self, *args, **options):
        def out(indexed: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{indexed:,} essays indexed…")

        indexed = peer_index_rebuild(out=out)
        self.stdout.write(self.style.SUCCESS(f"Peer index rebuilt: {indexed:,} essays."))
