"""Make real charges in the Stripe emulator (over HTTP, through our gateway) and the matching
Payment rows, so refunds/payouts/reports run the real money path."""

import datetime as dt

from django.utils import timezone

from payments import gateway
from tests.factories import StripeAccountFactory
from tests.payments.tab.conftest import make_payment

_n = [0]


def connected_account(stripe_server, org):
    _n[0] += 1
    info = gateway.account_create(
        country="US",
        email=f"owner{_n[0]}@example.com",
        business_name=org.name,
        business_url="https://dealer.example.com",
        support_phone="+12175550100",
        support_email="service@example.com",
        address={
            "line1": "100 Main St",
            "city": "Springfield",
            "state": "IL",
            "postal_code": "62701",
            "country": "US",
        },
        idempotency_key=f"test-account-{org.pk}-{_n[0]}",
    )
    stripe_server.complete_onboarding(info.id)
    return StripeAccountFactory(organization=org, stripe_id=info.id)


def paid_payment(stripe_server, *, account, team, advisor, amount=10_000, customer=None, **extra):
    """Pay a Checkout Session with 4242... and record the Payment as C's code would."""
    _n[0] += 1
    session = gateway.checkout_session_create(
        account_id=account.stripe_id,
        amount_minor=amount,
        currency="usd",
        product_name="Service",
        description="Brake service",
        application_fee_minor=(amount * 325 + 5000) // 10000 + 30,
        payment_method_types=["card"],
        expires_at=timezone.now() + dt.timedelta(hours=2),
        success_url="http://testserver/pay/done",
        cancel_url="http://testserver/pay/cancel",
        metadata={"test": str(_n[0])},
        customer_email=None,
        idempotency_key=f"test-checkout-{_n[0]}",
    )
    result = stripe_server.pay_checkout(session.url)
    assert result.paid, result.message
    session = gateway.checkout_session_retrieve(account_id=account.stripe_id, session_id=session.id)
    intent = gateway.payment_intent_retrieve(
        account_id=account.stripe_id, payment_intent_id=session.payment_intent_id
    )
    return make_payment(
        org=account.organization,
        team=team,
        advisor=advisor,
        account=account,
        amount=amount,
        customer=customer,
        stripe_payment_intent_id=intent.id,
        stripe_charge_id=intent.latest_charge_id,
        fee_minor=intent.application_fee_amount,
        **extra,
    )
