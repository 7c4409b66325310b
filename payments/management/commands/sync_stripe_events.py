"""Store and process Stripe events that never reached our webhooks (lost in transit, downtime)."""

import time

from django.core.management.base import BaseCommand

from payments.webhooks.pipeline import webhook_events_sync


class Command(BaseCommand):
    help = (
        "List recent events from Stripe (platform + each connected account) and process any not stored yet."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=float, default=3.0, help="How far back to look (Stripe keeps 30 days)."
        )

    def handle(self, *args, days: float, **options):
        counts = webhook_events_sync(since=int(time.time() - days * 86400))
        self.stdout.write(f"Listed {counts['listed']} events, stored {counts['stored']} new ones.")
