"""An Admin connects Stripe from Admin tab -> Connections in a real browser: Connect, the
sandbox's hosted onboarding (emulator pages over HTTP), back to *Connected*, then a weekly payout
schedule and a statement descriptor. Webhooks are delivered by the emulator to the live server."""

import os

import pytest

from payments.models import StripeAccount

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_admin_connects_stripe_and_sets_payouts_and_descriptor(
    live_server, stripe_server, settings, client, admin_user, org, browser_page
):
    settings.SITE_URL = live_server.url
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    stripe_server.deliver_to(live_server.url, mode="sync")
    org.legal_name = "Smith Tractors LLC"
    org.save()

    client.force_login(admin_user)
    page = browser_page
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(live_server.url + "/admin-tab/connections/")
    status = page.get_by_test_id("receive-payments-status")
    assert status.inner_text() == "Not connected"

    # Connect needs the authorisation tick
    page.get_by_test_id("connect").click()
    assert "authorised to sign" in page.content()
    page.get_by_label("I am authorised to sign for the organization").check()
    page.get_by_test_id("connect").click()

    # Stripe's hosted onboarding (the emulator's pages)
    page.wait_for_url(stripe_server.url + "/onboarding/**")
    assert page.get_by_label("Legal business name").input_value() == "Smith Tractors LLC"  # prefilled
    page.get_by_label("Business website").fill("https://smith.example")
    page.get_by_label("What do you sell?").fill("Tractor sales and service")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Admin")
    page.get_by_label("Date of birth").fill("1980-02-03")
    page.get_by_label("Last 4 digits of SSN (test: 0000)").fill("0000")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Routing number (test: 110000000)").fill("110000000")
    page.get_by_label("Account number (test: 000123456789)").fill("000123456789")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("I agree to the Stripe Connected Account Agreement.").check()
    page.get_by_role("button", name="Agree and submit").click()

    # Back on our return URL -> the Connections page shows Connected
    page.wait_for_url(live_server.url + "/admin-tab/connections/")
    assert page.get_by_test_id("receive-payments-status").inner_text() == "Connected"
    account = StripeAccount.objects.get(organization=org)
    assert account.charges_enabled and account.payouts_enabled
    assert account.last_event_created > 0  # account.updated webhooks reached the live server

    # Weekly payouts on Fridays
    prefix = f"#id_a{account.pk}-"
    page.select_option(prefix + "interval", "weekly")
    page.select_option(prefix + "weekly_anchor", "friday")
    page.get_by_role("button", name="Save payout schedule").click()
    assert "Payout schedule saved." in page.content()
    assert page.locator(prefix + "interval").input_value() == "weekly"
    assert page.locator(prefix + "weekly_anchor").input_value() == "friday"

    # A statement descriptor Stripe refuses shows the error next to the field and keeps the input
    page.fill(prefix + "statement_descriptor", "SMITH*TRACTORS")
    page.get_by_role("button", name="Save statement descriptor").click()
    assert "not allowed: *" in page.content()
    assert page.locator(prefix + "statement_descriptor").input_value() == "SMITH*TRACTORS"
    page.fill(prefix + "statement_descriptor", "SMITH TRACTORS")
    page.get_by_role("button", name="Save statement descriptor").click()
    assert "Statement descriptor saved." in page.content()

    remote = stripe_server.api("GET", f"/v1/accounts/{account.stripe_id}")[2]
    assert remote["settings"]["payouts"]["schedule"]["interval"] == "weekly"
    assert remote["settings"]["payouts"]["schedule"]["weekly_anchor"] == "friday"
    assert remote["settings"]["payments"]["statement_descriptor"] == "SMITH TRACTORS"
