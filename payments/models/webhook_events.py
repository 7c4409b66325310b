"""Every Stripe event we received, stored once (unique `stripe_id`), with its processing status."""

from django.db import models


class WebhookEvent(models.Model):
    """A Stripe event, stored once. Processed asynchronously; failures are kept for replay."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSING = "processing", "Processing"
        SUCCEEDED = "succeeded", "Succeeded"
        IGNORED = "ignored", "Ignored (unhandled type)"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        WEBHOOK = "webhook", "Webhook"
        SYNC = "sync", "Missed-event sync"

    stripe_id = models.CharField(max_length=255, unique=True)
    account = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="Connected account, blank = platform"
    )
    type = models.CharField(max_length=100, db_index=True)
    api_version = models.CharField(max_length=40, blank=True)
    created = models.BigIntegerField(help_text="Stripe's `created` (Unix seconds)")
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEBHOOK)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Stored by a web process with WEBHOOK_EVENTS_RELAY on: its processing is not queued yet. The
    # relay (payments/webhooks/relay.py) queues such events in batches and clears the flag, so the
    # acknowledgement is one INSERT and no broker round trip.
    awaiting_relay = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(
                fields=["id"], name="webhookevent_relay_idx", condition=models.Q(awaiting_relay=True)
            ),
        ]

    def __str__(self):
        return f"{self.type} {self.stripe_id}"
