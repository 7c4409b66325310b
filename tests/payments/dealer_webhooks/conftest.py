import pytest

from tests.webhook_receiver import webhook_receiver  # noqa: F401  (fixture: a verifying receiver over HTTP)


@pytest.fixture
def endpoint(admin_user, webhook_receiver):  # noqa: F811
    from payments.dealer_webhooks.services import webhook_endpoint_create

    created = webhook_endpoint_create(
        user=admin_user, url=webhook_receiver.url, event_types=["payment.succeeded", "refund.succeeded"]
    )
    webhook_receiver.secrets = [created.secret]
    return created
