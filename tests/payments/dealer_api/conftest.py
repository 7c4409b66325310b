import pytest
from rest_framework.test import APIClient

from organizations.api_tokens.services import api_token_create
from tests.payments.openapi_check import assert_matches_schema


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


def checked(response, status):
    assert response.status_code == status, response.content
    if response["Content-Type"].startswith("application/json"):
        assert_matches_schema(response)
        return response.json()
    return response.content.decode()
