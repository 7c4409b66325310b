import pytest

from notifications.models import OutboundMessage


@pytest.fixture
def outbox_urls(settings):
    settings.ROOT_URLCONF = "tests.urls_with_outbox"


def test_outbox_lists_sms_and_email_with_clickable_links(client, org, settings, outbox_urls):
    settings.DEV_OUTBOX_ENABLED = True
    OutboundMessage.objects.create(
        organization=org,
        channel="sms",
        backend="outbox",
        to="+13125550199",
        body="Pay here: https://pay.example/p/abc",
    )
    OutboundMessage.objects.create(
        organization=org,
        channel="email",
        backend="outbox",
        to="carla@example.net",
        subject="Receipt",
        body="Thanks",
    )
    response = client.get("/dev/outbox/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="https://pay.example/p/abc"' in html
    assert "carla@example.net" in html and "Receipt" in html
    assert (
        client.get("/dev/outbox/?channel=email").content.decode().count('data-testid="outbox-message"') == 1
    )


def test_outbox_is_not_served_without_debug_or_the_setting(client, db, settings, outbox_urls):
    settings.DEBUG = False
    settings.DEV_OUTBOX_ENABLED = False
    assert client.get("/dev/outbox/").status_code == 404


def test_outbox_is_not_mounted_in_production_urls(client, db):
    # The test settings run with DEBUG off and DEV_OUTBOX_ENABLED unset, like production.
    assert client.get("/dev/outbox/").status_code == 404
