"""Signals notifications sends, so that apps above it (payments) hear of delivery without
notifications importing them.

`sms_delivery_changed(sender=OutboundMessage, message=..., status=..., error=...)` is sent once per
final outcome (delivered, undelivered, failed) of an SMS sent for a payment request; payments
records it on the request's history (payments/requests/history.py, connected in payments/apps.py).
"""

from django.dispatch import Signal

sms_delivery_changed = Signal()
