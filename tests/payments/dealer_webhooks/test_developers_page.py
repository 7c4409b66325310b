"""Admin tab -> Developers: endpoints, secret rotation, test event, delivery log with resend."""

import pytest
from django.urls import reverse

from payments.models import WebhookDelivery, WebhookEndpoint
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_admin_adds_an_endpoint_sends_a_test_event_and_resends_it_from_the_log(
    client, admin_user, webhook_receiver, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    assert "Developers" in client.get("/admin-tab/").content.decode()
    response = client.post(
        reverse("developers"),
        {
            "url": webhook_receiver.url,
            "description": "Our DMS",
            "event_types": ["payment.succeeded", "payout.paid"],
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302 and response.url == reverse("developers-endpoint", args=[endpoint.pk])
    assert endpoint.event_types == ["payment.succeeded", "payout.paid"] and endpoint.created_by == admin_user
    page = client.get(response.url).content.decode()
    assert endpoint.secret in page and "Nothing sent yet." in page
    webhook_receiver.secrets = [endpoint.secret]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("developers-endpoint-test", args=[endpoint.pk]))
    [event] = webhook_receiver.accepted.values()
    assert event["type"] == "webhook_endpoint.test"
    page = client.get(response.url).content.decode()
    assert event["id"] in page and "HTTP 200" in page and "Delivered" in page

    delivery = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("developers-delivery-resend", args=[delivery.pk]))
    assert webhook_receiver.duplicates == 1 and WebhookDelivery.objects.count() == 2

    old = endpoint.secret
    client.post(reverse("developers-endpoint-rotate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old
    assert "The previous secret still signs until" in client.get(response.url).content.decode()


def test_errors_name_the_field(client, admin_user, settings):
    settings.OUTBOUND_WEBHOOKS_ALLOW_INSECURE = False
    client.force_login(admin_user)
    response = client.post(reverse("developers"), {"url": "http://dms.example.com/", "event_types": []})
    assert response.status_code == 400
    assert response.context["form"].errors["event_types"] == ["Pick at least one event type."]
    response = client.post(
        reverse("developers"), {"url": "http://dms.example.com/", "event_types": ["payout.paid"]}
    )
    assert response.status_code == 400
    assert "https://" in response.context["form"].errors["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_edit_disable_and_enable_again(client, admin_user, endpoint):
    client.force_login(admin_user)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False, disabled_reason="Failed for 3 days")
    assert (
        "Failed for 3 days" in client.get(reverse("developers-endpoint", args=[endpoint.pk])).content.decode()
    )
    client.post(
        reverse("developers-endpoint", args=[endpoint.pk]),
        {"url": endpoint.url, "description": "", "event_types": ["refund.succeeded"], "enabled": "on"},
    )
    endpoint.refresh_from_db()
    assert (
        endpoint.enabled and endpoint.disabled_reason == "" and endpoint.event_types == ["refund.succeeded"]
    )


def test_managers_are_refused_and_another_organizations_endpoint_is_404(client, manager, other_org, endpoint):
    client.force_login(manager)
    assert client.get(reverse("developers")).status_code == 403
    other_admin = UserFactory(organization=other_org, role="admin")
    client.force_login(other_admin)
    for name in (
        "developers-endpoint",
        "developers-endpoint-rotate",
        "developers-endpoint-test",
        "developers-endpoint-delete",
    ):
        url = reverse(name, args=[endpoint.pk])
        assert (client.get(url) if name == "developers-endpoint" else client.post(url)).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
