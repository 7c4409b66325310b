"""Issue 11, item 1 in a real browser: "12,34" is refused next to the Amount field; "12.34" leads to
the confirmation step (amount in large type, customer, channel) at 1280 px and on a 360 px phone;
Enter sends it, so a keyboard user confirms in one key."""

import os
import re
from pathlib import Path

import pytest

from payments.models import PaymentRequest
from tests.browser.sessions import signed_in_page
from tests.factories import StripeAccountFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/textpay-shots"))


@pytest.mark.parametrize("width", [1280, 360])
def test_confirmation_step_in_the_browser(
    browser, live_server, settings, client, org, advisor, customer, width
):
    settings.SITE_URL = live_server.url
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    StripeAccountFactory(organization=org)
    page = signed_in_page(
        browser, client, settings, advisor, live_server.url, viewport={"width": width, "height": 800}
    )
    page.goto(f"{live_server.url}/requests/new/?customer={customer.pk}")
    page.get_by_label("Amount").fill("12,34")
    page.get_by_label("Description").fill("Oil change")
    page.get_by_label("Reference number (invoice or contract)").fill("RO-12")
    page.get_by_label("SMS", exact=True).check()
    page.get_by_test_id("send").click()
    error = page.locator("#id_amount_error")
    assert "ambiguous" in error.inner_text() and "12.34" in error.inner_text()
    assert not PaymentRequest.objects.exists()

    page.get_by_label("Amount").fill("12.34")
    page.get_by_test_id("send").click()
    page.get_by_test_id("request-confirm").wait_for()
    amount = page.get_by_test_id("confirm-amount")
    assert amount.inner_text() == "$12.34"
    assert float(amount.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 32
    assert page.get_by_test_id("confirm-customer").inner_text() == customer.name
    assert "SMS to" in page.get_by_test_id("confirm-channel").inner_text()
    assert page.evaluate("document.activeElement.dataset.testid") == "confirm-send"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"request-confirm-{width}.png"), full_page=True)
    assert not PaymentRequest.objects.exists()

    page.keyboard.press("Enter")  # one key
    page.wait_for_url(re.compile(r".*/requests/\d+/$"))
    assert PaymentRequest.objects.get().amount_minor == 1234
    page.context.close()
