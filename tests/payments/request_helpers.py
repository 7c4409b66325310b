"""Helpers for payment-request tests against the Stripe emulator over HTTP."""

from __future__ import annotations

import itertools
from urllib.parse import urlparse

from payments import gateway
from tests.factories import StripeAccountFactory

_n = itertools.count(1)


def connected_account(stripe_server, org, *, country="US"):
    n = next(_n)
    info = gateway.account_create(
        country=country,
        email=f"owner-c{n}@example.com",
        business_name=org.name,
        business_url="https://dealer.example.com",
        support_phone="+12175550100",
        support_email="service@example.com",
        address={
            "line1": "100 Main St",
            "city": "Springfield" if country == "US" else "Toronto",
            "state": "IL" if country == "US" else "ON",
            "postal_code": "62701" if country == "US" else "M5V 2T6",
            "country": country,
        },
        idempotency_key=f"test-c-account-{org.pk}-{n}",
    )
    stripe_server.complete_onboarding(info.id)
    return StripeAccountFactory(organization=org, stripe_id=info.id, country=country)


def path_of(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def request_form(customer, team, **changes):
    data = {
        "customer": customer.pk,
        "team": team.pk,
        "amount": "125.50",
        "description": "Brake service",
        "reference": "RO-1001",
        "channel": "both",
        "confirm": "yes",  # the confirmation step's answer (issue 11): send
    }
    data.update(changes)
    return data
