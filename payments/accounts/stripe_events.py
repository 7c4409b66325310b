"""Stripe events about connected accounts (routed here by payments/webhooks/routes.py)."""

import logging

from payments import gateway
from payments.accounts.selectors import stripe_account_by_stripe_id
from payments.accounts.services import stripe_account_apply, stripe_account_deauthorize
from payments.models import WebhookEvent

logger = logging.getLogger(__name__)


def account_updated(webhook_event: WebhookEvent, data_object: dict) -> None:
    """Follow onboarding: Onboarding incomplete -> Restricted -> Connected.

    An event older than the newest one applied is skipped (never move backwards). Otherwise the
    account is fetched again from Stripe, so what we store is Stripe's current state rather than
    the snapshot in a possibly delayed event; if Stripe no longer lets us read it, the snapshot is used."""
    stripe_id = data_object.get("id") or webhook_event.account
    stripe_account = stripe_account_by_stripe_id(stripe_id=stripe_id)
    if stripe_account is None:
        logger.info("account.updated for unknown account %s", stripe_id)
        return
    if webhook_event.created < stripe_account.last_event_created:
        logger.info("account.updated %s is older than the state we have: skipped", webhook_event.stripe_id)
        return
    try:
        info = gateway.account_retrieve(account_id=stripe_id)
    except gateway.GatewayUnavailable:
        raise
    except gateway.GatewayError:
        info = gateway.account_from_event(data_object=data_object)
    stripe_account_apply(stripe_account_id=stripe_account.pk, info=info, event_created=webhook_event.created)


def account_application_deauthorized(webhook_event: WebhookEvent, data_object: dict) -> None:
    """The account removed our platform: mark it disconnected (its history stays)."""
    stripe_account = stripe_account_by_stripe_id(stripe_id=webhook_event.account)
    if stripe_account is None:
        logger.info("Deauthorization of unknown account %s", webhook_event.account)
        return
    stripe_account_deauthorize(stripe_account_id=stripe_account.pk)
