"""Stripe events about payouts (routed here by payments/webhooks/routes.py): payout.created,
updated, paid, failed and canceled. Idempotent; an older event never overwrites a newer state
(payouts/services.py payout_record)."""

from payments.payouts.services import payout_record


def handle_payout(event, obj: dict) -> None:
    payout_record(account_id=event.account, payout=obj, event_created=int(event.created))
