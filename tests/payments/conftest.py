"""Fixtures shared by the payments tests: the Stripe emulator ones, and API clients with tokens."""

import pytest
from rest_framework.test import APIClient

from organizations.api_tokens.services import api_token_create
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


@pytest.fixture
def token_client(admin_user):
    """token_client(scopes, acting_user=admin): an APIClient with a Bearer token of those scopes."""

    def make(scopes, acting_user=None):
        _, secret = api_token_create(
            user=admin_user, name="DMS", acting_user=acting_user or admin_user, scopes=list(scopes)
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return make
