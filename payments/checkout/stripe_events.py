"""Stripe events about payment requests and their payments: Checkout Sessions and PaymentIntents
(routed here by payments/webhooks/routes.py).

Each handler asks Stripe for the current PaymentIntent (never trusts the event's snapshot alone)
and hands it to `payments.requests.recording`, which records at most one Payment per
PaymentIntent and never moves a request or payment backwards. So an event delivered twice, late,
or after the customer's own return to the success URL changes nothing the second time.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from payments.checkout.session import payment_request_checkout_session_expired
from payments.models import WebhookEvent
from payments.requests.recording import FailedAttempt, payment_record_from_intent

logger = logging.getLogger(__name__)


def _account_of(webhook_event: WebhookEvent, data_object: dict) -> str:
    return webhook_event.account or (webhook_event.payload or {}).get("account") or ""


def _is_ours(data_object: dict) -> bool:
    return bool((data_object.get("metadata") or {}).get("payment_request_id"))


def checkout_session_finished(webhook_event: WebhookEvent, data_object: dict) -> None:
    if not _is_ours(data_object):
        logger.info("%s %s is not a payment request's session", webhook_event.type, data_object.get("id"))
        return
    payment_intent_id = data_object.get("payment_intent")
    if isinstance(payment_intent_id, dict):
        payment_intent_id = payment_intent_id.get("id")
    if not payment_intent_id:
        return
    payment_record_from_intent(
        account_id=_account_of(webhook_event, data_object),
        payment_intent_id=payment_intent_id,
        checkout_session_id=data_object.get("id") or "",
        source=webhook_event.type,
    )


def checkout_session_expired(webhook_event: WebhookEvent, data_object: dict) -> None:
    if not _is_ours(data_object):
        return
    payment_request_checkout_session_expired(
        account_id=_account_of(webhook_event, data_object), session_id=data_object.get("id") or ""
    )


def _failed_attempt_of(webhook_event: WebhookEvent, data_object: dict) -> FailedAttempt | None:
    """The declined charge described by a payment_intent.payment_failed event's own snapshot."""
    charge = data_object.get("latest_charge")
    charge_id = (charge.get("id") if isinstance(charge, dict) else charge) or ""
    error = data_object.get("last_payment_error") or {}
    if not charge_id and not error:
        return None
    method = error.get("payment_method") if isinstance(error.get("payment_method"), dict) else {}
    card = method.get("card") or {}
    created = (webhook_event.payload or {}).get("created") or webhook_event.created
    return FailedAttempt(
        charge_id=str(charge_id),
        failure_code=error.get("decline_code") or error.get("code") or "",
        failure_message=error.get("message") or "",
        card_brand=card.get("brand") or "",
        card_last4=card.get("last4") or "",
        occurred_at=datetime.fromtimestamp(int(created), tz=UTC) if created else None,
    )


def payment_intent_finished(webhook_event: WebhookEvent, data_object: dict) -> None:
    if not _is_ours(data_object):
        return
    failed_attempt = None
    if webhook_event.type == "payment_intent.payment_failed":
        failed_attempt = _failed_attempt_of(webhook_event, data_object)
    payment_record_from_intent(
        account_id=_account_of(webhook_event, data_object),
        payment_intent_id=data_object.get("id") or "",
        source=webhook_event.type,
        failed_attempt=failed_attempt,
    )
