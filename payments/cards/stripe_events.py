"""Stripe events about saved cards (routed here by payments/webhooks/routes.py). Each handler is
idempotent and reads Stripe (or only moves our copy forward), so a repeat or a late event changes
nothing the second time.

- setup_intent.* : a "save a card" page finished (or failed): card_request_complete asks Stripe.
- payment_method.attached : a card saved while paying a request (setup_future_usage) is kept.
- payment_method.automatically_updated / updated : the card network changed expiry or number.
- payment_method.detached : the event's object has customer=null; the card can't be charged."""

from __future__ import annotations

import logging

from payments import gateway
from payments.cards import services
from payments.models import SavedCardRequest, WebhookEvent

logger = logging.getLogger(__name__)


def _account_of(webhook_event: WebhookEvent) -> str:
    return webhook_event.account or (webhook_event.payload or {}).get("account") or ""


def setup_intent_changed(webhook_event: WebhookEvent, data_object: dict) -> None:
    card_request_id = (data_object.get("metadata") or {}).get("card_request_id") or ""
    card_request = None
    if str(card_request_id).isdigit():
        card_request = SavedCardRequest.objects.filter(
            pk=int(card_request_id), setup_intent_id=data_object.get("id") or ""
        ).first()
    if card_request is None:
        logger.info("%s %s is not one of our save-a-card pages", webhook_event.type, data_object.get("id"))
        return
    services.card_request_complete(card_request_id=card_request.pk)


def payment_method_attached(webhook_event: WebhookEvent, data_object: dict) -> None:
    if data_object.get("type") != "card" or not data_object.get("customer"):
        return
    services.saved_card_attached(
        account_id=_account_of(webhook_event), info=gateway.saved_card_from_event(data_object)
    )


def payment_method_updated(webhook_event: WebhookEvent, data_object: dict) -> None:
    if data_object.get("type") == "card":
        services.saved_card_updated(info=gateway.saved_card_from_event(data_object))


def payment_method_detached(webhook_event: WebhookEvent, data_object: dict) -> None:
    services.saved_card_detached(payment_method_id=data_object.get("id") or "")
