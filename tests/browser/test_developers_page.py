"""An Admin registers the DMS's webhook endpoint on Admin tab -> Developers in a real browser,
copies the signing secret, sends a test event (delivered over HTTP to a receiver that verifies the
signature) and sees it in the delivery log; on a 360 px phone the page doesn't overflow."""

import os
from pathlib import Path

import pytest

from payments.models import WebhookEndpoint
from tests.webhook_receiver import webhook_receiver  # noqa: F401  (fixture)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/textpay-screenshots"))


def test_admin_adds_an_endpoint_and_sends_a_test_event(
    live_server,
    settings,
    client,
    admin_user,
    browser,
    webhook_receiver,  # noqa: F811
):
    settings.SITE_URL = live_server.url
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    client.force_login(admin_user)
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    page.goto(live_server.url + "/admin-tab/")
    page.get_by_role("link", name="Developers").click()
    page.get_by_label("Endpoint URL").fill(webhook_receiver.url)
    page.get_by_label("payment.succeeded — A payment succeeded").check()
    page.get_by_label("refund.succeeded — A refund succeeded").check()
    page.get_by_role("button", name="Add endpoint").click()
    page.wait_for_url("**/admin-tab/developers/endpoints/*/")
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.event_types == ["payment.succeeded", "refund.succeeded"]

    page.get_by_text("Reveal").click()
    webhook_receiver.secrets = [page.get_by_test_id("secret").inner_text()]
    page.get_by_test_id("send-test").click()
    page.wait_for_url("**/admin-tab/developers/endpoints/*/")
    log = page.get_by_test_id("delivery-log")
    assert "webhook_endpoint.test" in log.inner_text() and "Delivered" in log.inner_text()
    assert "HTTP 200" in log.inner_text()
    [event] = webhook_receiver.accepted.values()  # verified with the secret the page showed
    assert event["type"] == "webhook_endpoint.test" and event["id"] in log.inner_text()

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the endpoint page is {overflow}px wider than a 360px phone"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "developers-endpoint-360.png"), full_page=True)
    page.goto(live_server.url + "/admin-tab/developers/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the Developers page is {overflow}px wider than a 360px phone"
    page.screenshot(path=str(SHOTS / "developers-360.png"), full_page=True)
    context.close()
