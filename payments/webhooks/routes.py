"""Where is the webhook for event X handled: this table, from Stripe event type to handler.

Each capability keeps its handlers in its own `stripe_events.py`; this module imports them by name,
so a renamed or deleted handler fails at import (and in tests/payments/webhooks/test_routes.py),
never silently. A handler receives the stored `WebhookEvent` and the event's `data.object` dict. It
must be idempotent (the same event may be processed twice) and must never move a record backwards
(events arrive out of order); it raises to mark the event failed (kept for replay). A type not in
the table is stored and marked ignored (payments/webhooks/pipeline.py).
"""

from collections.abc import Callable

from payments.accounts import stripe_events as accounts
from payments.cards import stripe_events as cards
from payments.checkout import stripe_events as checkout
from payments.payouts import stripe_events as payouts
from payments.refunds import stripe_events as refunds
from payments.reports import stripe_events as reports

Handler = Callable[..., None]

ROUTES: dict[str, Handler] = {
    # Connected accounts (Admin tab -> Connections)
    "account.updated": accounts.account_updated,
    "account.application.deauthorized": accounts.account_application_deauthorized,
    # Saved cards (card on file)
    "setup_intent.succeeded": cards.setup_intent_changed,
    "setup_intent.setup_failed": cards.setup_intent_changed,
    "setup_intent.canceled": cards.setup_intent_changed,
    "setup_intent.requires_action": cards.setup_intent_changed,
    "payment_method.attached": cards.payment_method_attached,
    "payment_method.automatically_updated": cards.payment_method_updated,
    "payment_method.updated": cards.payment_method_updated,
    "payment_method.detached": cards.payment_method_detached,
    # The customer's payment (pay page -> Stripe Checkout)
    "checkout.session.completed": checkout.checkout_session_finished,
    "checkout.session.async_payment_succeeded": checkout.checkout_session_finished,
    "checkout.session.async_payment_failed": checkout.checkout_session_finished,
    "checkout.session.expired": checkout.checkout_session_expired,
    "payment_intent.succeeded": checkout.payment_intent_finished,
    "payment_intent.payment_failed": checkout.payment_intent_finished,
    # Refunds and disputes
    "refund.created": refunds.handle_refund,
    "refund.updated": refunds.handle_refund,
    "refund.failed": refunds.handle_refund,
    "charge.refund.updated": refunds.handle_refund,
    "charge.refunded": refunds.handle_charge_refunded,
    "application_fee.refunded": refunds.handle_application_fee_refunded,
    "charge.dispute.created": refunds.handle_dispute,
    "charge.dispute.updated": refunds.handle_dispute,
    "charge.dispute.closed": refunds.handle_dispute,
    # Payouts to the dealership's bank
    "payout.created": payouts.handle_payout,
    "payout.updated": payouts.handle_payout,
    "payout.paid": payouts.handle_payout,
    "payout.failed": payouts.handle_payout,
    "payout.canceled": payouts.handle_payout,
    # Stripe reports
    "reporting.report_run.succeeded": reports.handle_report_run,
    "reporting.report_run.failed": reports.handle_report_run,
}


def handler_for(event_type: str) -> Handler | None:
    return ROUTES.get(event_type)
