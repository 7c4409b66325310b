"""A Celery worker killed in the middle of a delivery: the event arrives later, once.

Real worker processes on Redis (the pattern of tests/organizations/test_worker_delivery.py). The
receiver parks the first POST; the worker is SIGKILLed while waiting for the answer, so the attempt
is never recorded. Its lease runs out, the sweep queues the delivery again, a second worker sends
it, and the receiver, which drops ids it has seen, has the event exactly once."""

import time

import pytest
from django.utils import timezone

from organizations.models import Role
from payments.dealer_webhooks.delivery import webhook_deliveries_sweep
from payments.dealer_webhooks.events import outbound_event_emit
from payments.dealer_webhooks.services import webhook_endpoint_create
from payments.models import WebhookDelivery
from tests.factories import OrganizationFactory, UserFactory
from tests.organizations.test_worker_delivery import real_broker, worker  # noqa: F401  (fixtures)


@pytest.fixture
def outbound_worker_env(monkeypatch):
    """What the worker processes read: http to 127.0.0.1 allowed, a short lease, a long timeout."""
    monkeypatch.setenv("OUTBOUND_WEBHOOKS_ALLOW_INSECURE", "1")
    monkeypatch.setenv("OUTBOUND_WEBHOOK_LEASE_SECONDS", "3")
    monkeypatch.setenv("OUTBOUND_WEBHOOK_TIMEOUT_SECONDS", "60")


def _wait(condition, *, what: str, process=None, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None:
            assert process.poll() is None, process.stdout.read()
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_delivers_the_event_later_once(
    outbound_worker_env,
    webhook_receiver,
    worker,  # noqa: F811
):
    org = OrganizationFactory()
    admin = UserFactory(organization=org, role=Role.ADMIN)
    endpoint = webhook_endpoint_create(
        user=admin, url=webhook_receiver.url, event_types=["payment.succeeded"]
    )
    webhook_receiver.secrets = [endpoint.secret]
    release = webhook_receiver.hold_next()
    event = outbound_event_emit(
        organization_id=org.pk, type="payment.succeeded", object_type="payment", object_id=1, data={"id": 1}
    )  # committed; the delivery is queued on Redis
    delivery = WebhookDelivery.objects.get(event=event)

    first = worker()
    _wait(webhook_receiver.arrived.is_set, what="the first POST", process=first)
    first.kill()  # SIGKILL while the POST waits for its answer
    first.wait(timeout=30)
    release.set()  # the receiver gets the request after all; its answer goes nowhere
    _wait(lambda: event.public_id in webhook_receiver.accepted, what="the receiver to take the first POST")
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.log.count()) == ("pending", 1, 0)

    _wait(
        lambda: WebhookDelivery.objects.get(pk=delivery.pk).locked_until <= timezone.now(),
        what="the killed attempt's lease to expire",
    )
    assert webhook_deliveries_sweep() == 1  # what beat does every minute
    second = worker()
    _wait(
        lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "succeeded",
        what="the second worker's delivery",
        process=second,
    )
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and [line.response_status for line in delivery.log.all()] == [200]
    assert list(webhook_receiver.accepted) == [event.public_id]  # once
    assert len(webhook_receiver.received) == 2 and webhook_receiver.duplicates == 1  # the retry was dropped
