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


def test_bulk_charge_progress_fills_in_without_a_reload_and_stops_polling_when_done(
    browser, site, client, settings, manager, team, customer
):
    """Card on file: the bulk run's progress box follows the run (htmx), then stops asking."""
    from payments.models import BulkCharge, BulkChargeItem
    from tests.factories import CustomerFactory

    customers = [customer, *(CustomerFactory(organization=customer.organization) for _ in range(2))]
    run = BulkCharge.objects.create(
        organization=manager.organization, team=team, created_by=manager, description="Late fee",
        reference="LF-9", currency="USD", status=BulkCharge.Status.RUNNING,
    )  # fmt: skip
    items = [BulkChargeItem.objects.create(run=run, customer=c, amount_minor=1_000) for c in customers]
    tab = advisor_page(browser, client, settings, manager, site)
    tab.goto(f"{site}/cards/bulk/{run.pk}/")
    box = tab.get_by_test_id("bulk-progress")
    expect(box).to_have_attribute("data-status", "running")
    expect(tab.locator("[data-field='left']")).to_have_text("3")
    mark_loaded(tab)

    BulkChargeItem.objects.filter(pk=items[0].pk).update(status="succeeded")
    expect(tab.locator("[data-field='done']")).to_have_text("1", timeout=10_000)
    expect(tab.locator("[data-field='left']")).to_have_text("2")
    BulkChargeItem.objects.filter(pk=items[1].pk).update(status="succeeded")
    BulkChargeItem.objects.filter(pk=items[2].pk).update(status="failed", message="Your card was declined.")
    BulkCharge.objects.filter(pk=run.pk).update(status=BulkCharge.Status.DONE)
    expect(box).to_have_attribute("data-status", "done", timeout=10_000)
    expect(tab.locator("[data-field='done']")).to_have_text("2")
    expect(tab.locator("[data-field='failed']")).to_have_text("1")
    expect(tab.locator("[data-field='paid']")).to_have_text("$20.00")
    expect(tab.get_by_test_id("bulk-failures")).to_contain_text("Your card was declined.")
    assert still_same_document(tab)
    tab.screenshot(path="/tmp/bulk-progress-done.png", full_page=True)

    polls = []
    tab.on("request", lambda r: polls.append(r.url) if f"/cards/bulk/{run.pk}/" in r.url else None)
    tab.wait_for_timeout(3_000)  # > the 1 s period: a finished run is not polled any more
    assert polls == []
