import pytest

from tests.payments.request_helpers import connected_account


@pytest.fixture
def account(stripe_server, org):
    return connected_account(stripe_server, org)


@pytest.fixture
def deliver(stripe_server, client, django_capture_on_commit_callbacks):
    """Deliver the held Stripe events, signed, to /webhooks/stripe/(connect/) and run their tasks."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return stripe_server.deliver_held(client, **kwargs)

    return run
