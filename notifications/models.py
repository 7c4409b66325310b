from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "Email"


class OutboundMessage(models.Model):
    """Every SMS and email we send, whatever the backend. With Twilio/SMTP unconfigured the
    backend is `outbox` and the message is only stored here (the /dev/outbox/ page shows those)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        UNDELIVERED = "undelivered", "Undelivered"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=5, choices=Channel.choices)
    backend = models.CharField(max_length=10)  # "twilio", "smtp", "outbox"
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    purpose = models.CharField(
        max_length=40, blank=True, help_text="e.g. invitation, payment_request, receipt"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    provider_id = models.CharField(max_length=64, blank=True, db_index=True, help_text="Twilio Message SID")
    error = models.TextField(blank=True)
    payment_request = models.ForeignKey(
        "payments.PaymentRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    invitation = models.ForeignKey(
        "organizations.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.channel} to {self.to}"


class Notification(models.Model):
    """An in-app notification for one user (the unread badge)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    payment_request = models.ForeignKey(
        "payments.PaymentRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
