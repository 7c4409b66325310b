"""Fixtures shared by the payments tests that run against the Stripe emulator."""

import pytest

from tests.payments.emulator import connected_account


@pytest.fixture
def deliver(stripe_server, client, django_capture_on_commit_callbacks):
    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            stripe_server.deliver_held(client, **kwargs)

    return run


@pytest.fixture
def account(stripe_server, org):
    return connected_account(stripe_server, org)
