"""Fixtures of the payment request tests (no Stripe calls: a ready connected account row)."""

import pytest

from tests.factories import StripeAccountFactory


@pytest.fixture
def account(org):
    return StripeAccountFactory(organization=org)
