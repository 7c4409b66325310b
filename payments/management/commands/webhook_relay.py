"""Queue the processing of the Stripe events the web processes stored (WEBHOOK_EVENTS_RELAY on)."""

import signal

from django.core.management.base import BaseCommand

from payments.webhooks.relay import webhook_events_relay_run


class Command(BaseCommand):
    help = "Run the webhook relay: queue stored Stripe events for processing, in batches (until SIGTERM)."

    def handle(self, *args, **options):
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        webhook_events_relay_run(stop=lambda: bool(stopping))
