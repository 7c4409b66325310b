"""Helpers of the payment request tests: create a request with sensible defaults, check nothing was saved."""

from notifications.models import OutboundMessage
from payments.models import PaymentRequest
from payments.requests.sending import payment_request_create


def create(advisor, team, customer, **kw):
    args = dict(
        user=advisor,
        team=team,
        customer=customer,
        amount_minor=12_550,
        description="Brake service",
        reference="RO-1001",
        channel="both",
        allow_partial=False,
    )
    args.update(kw)
    return payment_request_create(**args)


def nothing_saved():
    return not PaymentRequest.objects.exists() and not OutboundMessage.objects.exists()
