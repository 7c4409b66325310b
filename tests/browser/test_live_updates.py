"""Screens that update themselves (issue 17, item 2): while the customer pays on their phone, the
advisor's request page, the advisor's notification badge and the manager's Payments tab (a new
row, the totals) change without a reload (htmx polling)."""

import os
import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser.test_payment_request_journey import (
    advisor_page,
    open_link_from_outbox,
    pay_with_card,
    phone_page,
    send_request,
)
from tests.payments.request_helpers import connected_account

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, stripe_server, settings, org):
    settings.SITE_URL = live_server.url
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.DEV_OUTBOX_ENABLED = True
    settings.ROOT_URLCONF = "tests.urls_with_outbox"
    settings.LIVE_UPDATE_SECONDS = 1
    stripe_server.deliver_to(live_server.url, mode="sync")
    connected_account(stripe_server, org)
    return live_server.url


def mark_loaded(page):
    """A flag that only survives if the page is never reloaded."""
    page.evaluate("window.__sameDocument = true")


def still_same_document(page):
    return page.evaluate("window.__sameDocument === true")


def test_paying_updates_the_other_pages_without_a_reload(
    browser, site, client, settings, advisor, manager, customer, stripe_server
):
    advisor_tab = advisor_page(browser, client, settings, advisor, site)
    pr = send_request(advisor_tab, site, customer, "RO-8100")
    expect(advisor_tab.get_by_test_id("status")).to_have_text("Sent")
    assert advisor_tab.get_by_test_id("unread-badge").count() == 0
    mark_loaded(advisor_tab)

    # Another test client: logging the manager in on the same one would end the advisor's session.
    manager_tab = advisor_page(browser, Client(), settings, manager, site)
    manager_tab.goto(f"{site}/payments/")
    expect(manager_tab.get_by_test_id("total-count")).to_have_text("0")
    mark_loaded(manager_tab)

    phone = phone_page(browser)
    open_link_from_outbox(phone, site, customer)
    phone.get_by_test_id("pay-button").click()
    phone.wait_for_url(stripe_server.url + "/pay/**")
    pay_with_card(phone, stripe_server, "4242 4242 4242 4242")
    phone.wait_for_url(f"{site}/pay/{pr.token}/")

    expect(advisor_tab.get_by_test_id("status")).to_have_text("Paid", timeout=15_000)
    expect(advisor_tab.get_by_test_id("amount-paid")).to_have_text("$125.50 of $125.50")
    expect(advisor_tab.get_by_test_id("attempts")).to_contain_text("Paid")
    expect(advisor_tab.get_by_test_id("unread-badge")).to_have_text("1", timeout=15_000)
    assert still_same_document(advisor_tab)

    table = manager_tab.get_by_test_id("payments-table")
    expect(table).to_contain_text("RO-8100", timeout=15_000)
    expect(manager_tab.get_by_test_id("total-count")).to_have_text("1")
    expect(manager_tab.get_by_test_id("total-collected")).to_have_text("$125.50")
    assert still_same_document(manager_tab)


def test_a_final_request_stops_asking_and_the_badge_leaves_a_signed_out_menu_alone(
    client, advisor, org, team, customer, site
):
    from tests.factories import PaymentRequestFactory

    paid = PaymentRequestFactory(
        organization=org, team=team, customer=customer, created_by=advisor, status="paid"
    )
    sent = PaymentRequestFactory(organization=org, team=team, customer=customer, created_by=advisor)
    client.force_login(advisor)
    assert "hx-trigger" not in re.search(
        r'<div id="live-request"[^>]*>', client.get(f"/requests/{paid.pk}/").content.decode()
    ).group(0)
    assert "hx-trigger" in re.search(
        r'<div id="live-request"[^>]*>', client.get(f"/requests/{sent.pk}/").content.decode()
    ).group(0)
    client.logout()
    assert client.get("/notifications/badge/").status_code == 204
