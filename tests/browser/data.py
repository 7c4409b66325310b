"""Data the page-wide browser checks share: a customer whose name and email are as long as they get,
and a paid request whose payment went out in a payout (what the tables and detail pages show)."""

from __future__ import annotations

import datetime as dt

from payments.models import Payment, PaymentRequest, Payout
from tests.factories import CustomerFactory, PaymentFactory, PaymentRequestFactory


def long_named_customer(org):
    return CustomerFactory(
        organization=org,
        name="Maximilian Bartholomew-Richardson",
        phone="+13125550199",
        email="maximilian.bartholomew-richardson@very-long-domain-name.example.com",
    )


def paid_out_request(*, org, team, advisor, customer, account) -> tuple[PaymentRequest, Payment, Payout]:
    """A paid request, its payment, and the payout it went out in (the payment linked to it)."""
    request = PaymentRequestFactory(
        organization=org,
        team=team,
        customer=customer,
        created_by=advisor,
        stripe_account=account,
        status=PaymentRequest.Status.PAID,
    )
    payment = PaymentFactory(
        payment_request=request,
        organization=org,
        team=team,
        customer=customer,
        advisor=advisor,
        stripe_account=account,
    )
    payout = Payout.objects.create(
        organization=org,
        stripe_account=account,
        stripe_payout_id="po_1AbCdEfGhIjKlMnOpQrStUvW",
        amount_minor=payment.amount_minor - payment.fee_minor,
        currency="USD",
        status="paid",
        arrival_date=dt.date(2026, 11, 30),
    )
    Payment.objects.filter(pk=payment.pk).update(payout=payout)
    return request, payment, payout
