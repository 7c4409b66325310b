"""Events: the missed-event sync (`GET /v1/events`) and webhook signature checks."""

from __future__ import annotations

import json

import stripe
from django.conf import settings

from payments.gateway.client import _call, _client, _dict, _webhook_secret
from payments.gateway.errors import (
    WebhookSignatureInvalid,
)

# --- events and webhooks ---------------------------------------------------------------------


def events_list(*, account_id: str | None, created_gte: int) -> list[dict]:
    """GET /v1/events?created[gte]=...&limit=100 for the platform (account_id None) or a
    connected account, all pages, as plain dicts (the shape webhooks deliver)."""

    def all_pages(options: dict) -> list:
        page = _client().v1.events.list({"created": {"gte": int(created_gte)}, "limit": 100}, options)
        return list(page.auto_paging_iter())

    return [_dict(event) for event in _call(all_pages, account_id=account_id, post=False)]


def webhook_event_verify(*, payload: bytes, signature_header: str, connect: bool) -> dict:
    """Check `Stripe-Signature` (HMAC-SHA256 of "<t>.<payload>" with the endpoint's secret,
    STRIPE_WEBHOOK_TOLERANCE_SECONDS tolerance) and return the event as a dict.
    Raises WebhookSignatureInvalid for a missing, forged or stale signature."""
    secret = _webhook_secret(connect=connect)
    if not secret:
        raise WebhookSignatureInvalid("No webhook secret is configured for this endpoint.")
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature_header, secret, settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
        )
    except stripe.SignatureVerificationError as exc:
        raise WebhookSignatureInvalid(exc.user_message or "Invalid signature.")
    try:
        event = json.loads(payload)
    except ValueError:
        raise WebhookSignatureInvalid("The payload is not JSON.")
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise WebhookSignatureInvalid("The payload is not a Stripe event.")
    return event
