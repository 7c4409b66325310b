"""A Manager works the Payments tab in a real browser: filters, opens a payment, refunds part of
it (over the Stripe emulator, webhooks delivered to the live server), reconciles two payments and
downloads the CSV of the filtered view."""

import csv
import io
import os

import pytest

from payments.models import Payment, Refund

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_manager_filters_refunds_part_reconciles_two_and_downloads_csv(
    live_server, stripe_server, settings, client, org, team, manager, advisor, customer, browser_page
):
    from tests.factories import CustomerFactory
    from tests.payments.emulator import connected_account, paid_payment

    settings.SITE_URL = live_server.url
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    account = connected_account(stripe_server, org)
    brake = paid_payment(
        stripe_server,
        account=account,
        team=team,
        advisor=advisor,
        amount=40_000,
        customer=customer,
        reference="RO-7001",
    )
    tires = paid_payment(
        stripe_server,
        account=account,
        team=team,
        advisor=advisor,
        amount=12_000,
        customer=CustomerFactory(organization=org, name="Dan Driver"),
        reference="RO-7002",
    )
    paid_payment(
        stripe_server,
        account=account,
        team=team,
        advisor=advisor,
        amount=900,
        customer=CustomerFactory(organization=org, name="Eve Small"),
        reference="RO-7003",
    )
    stripe_server.take_held()
    stripe_server.deliver_to(live_server.url, mode="sync")

    client.force_login(manager)
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
    page.goto(live_server.url + "/payments/")
    rows = page.locator("[data-testid=payments-table] tbody tr")
    assert rows.count() == 3

    # Filter: amount of at least $100 -> the two bigger payments
    page.get_by_label("Min amount").fill("100")
    page.get_by_test_id("apply-filters").click()
    page.wait_for_url("**amount_min=100**")
    assert rows.count() == 2
    assert page.get_by_test_id("total-collected").inner_text() == "$520.00"

    # Open the brake payment and refund $150.25 of it
    page.get_by_role("link", name="RO-7001").click()
    page.get_by_test_id("refund").click()
    page.get_by_label("Amount (USD)").fill("150.25")
    page.get_by_test_id("refund-continue").click()
    assert page.get_by_test_id("confirm-amount").inner_text() == "$150.25"
    page.get_by_test_id("refund-confirm").click()
    page.wait_for_url(f"**/payments/{brake.pk}/")
    assert page.get_by_test_id("refunded").inner_text() == "$150.25"
    assert page.get_by_test_id("status").inner_text() == "Partially refunded"
    assert "Refunded" in page.get_by_test_id("timeline").inner_text()
    refund = Refund.objects.get(payment=brake)
    assert refund.status == "succeeded" and refund.amount_minor == 15_025

    # Back to the filtered list: reconcile both with a repair-order number
    page.goto(live_server.url + "/payments/?amount_min=100")
    page.get_by_label("Select RO-7001").check()
    page.get_by_label("Select RO-7002").check()
    page.get_by_label("Dealer system document no. (optional)").fill("RO-DMS-88")
    page.get_by_test_id("reconcile-selected").click()
    page.wait_for_selector("text=2 payments reconciled.")
    for p in (brake, tires):
        p.refresh_from_db()
        assert p.reconciled_by_id == manager.pk and p.dms_document_number == "RO-DMS-88"

    # Download the CSV of the same filtered view
    with page.expect_download() as download_info:
        page.get_by_test_id("csv").click()
    path = download_info.value.path()
    with open(path, newline="") as fh:
        data = list(csv.reader(io.StringIO(fh.read())))
    assert [r[1] for r in data[1:]] == ["RO-7002", "RO-7001"]  # newest first, like the table
    by_ref = {r[1]: dict(zip(data[0], r, strict=True)) for r in data[1:]}
    assert by_ref["RO-7001"]["refunded_amount"] == "150.25"
    assert by_ref["RO-7001"]["status"] == "Partially refunded"
    assert by_ref["RO-7002"]["reconciled_by"] == manager.name
    assert Payment.objects.get(pk=tires.pk).refunded_minor == 0
