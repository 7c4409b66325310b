"""Card on file in a real browser: the manager asks a customer to save a card; the customer opens the
link from the outbox on a 360 px phone, agrees, saves 4242 on the (emulated) Stripe setup page and sees
"card saved"; the manager charges it on the customer page (form, confirmation) and finds the charge on
the Payments tab with its method "saved card". Then a bulk run's progress updates without a reload."""

import os
import re

import pytest

from payments.models import BulkCharge, CardConsent, Payment, SavedCard
from tests.browser.test_payment_request_journey import advisor_page, phone_page
from tests.payments.request_helpers import connected_account

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, stripe_server, settings, org):
    settings.SITE_URL = live_server.url
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.DEV_OUTBOX_ENABLED = True
    settings.ROOT_URLCONF = "tests.urls_with_outbox"
    stripe_server.deliver_to(live_server.url, mode="sync")
    connected_account(stripe_server, org)
    return live_server.url


def test_save_a_card_from_a_link_then_staff_charge_it_onto_the_payments_tab(
    browser, site, client, settings, manager, customer, stripe_server, tmp_path
):
    staff = advisor_page(browser, client, settings, manager, site)
    staff.goto(f"{site}/customers/{customer.pk}/")
    staff.get_by_test_id("ask-card").click()
    assert "link to save a card was sent" in staff.content()

    phone = phone_page(browser)
    phone.goto(f"{site}/dev/outbox/?channel=sms")
    phone.get_by_test_id("outbox-message").filter(has_text=str(customer.phone)).first.locator(
        "a[href*='/cards/save/']"
    ).first.click()
    phone.wait_for_url(re.compile(r".*/cards/save/[\w-]{22,}/$"))
    assert "Smith Tractors to save this card" in phone.get_by_test_id("consent-text").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path="/tmp/cards-consent-360.png", full_page=True)
    phone.get_by_test_id("consent").check()
    phone.get_by_test_id("save-card-continue").click()
    phone.wait_for_url(stripe_server.url + "/pay/**")
    phone.get_by_label("Card number").fill("4242 4242 4242 4242")
    phone.get_by_label("Expiry (MM / YY)").fill("12 / 34")
    phone.get_by_label("CVC").fill("123")
    phone.get_by_role("button", name="Save card").click()
    phone.wait_for_url(re.compile(r".*/cards/save/[\w-]{22,}/saved/$"))
    assert phone.get_by_test_id("card-saved").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path="/tmp/cards-saved-360.png", full_page=True)
    card = SavedCard.objects.get(customer=customer)
    assert CardConsent.objects.get(saved_card=card).user_agent

    staff.goto(f"{site}/customers/{customer.pk}/")
    assert "Visa •••• 4242" in staff.get_by_test_id("saved-cards").inner_text()
    staff.get_by_test_id("charge-card").click()
    staff.get_by_label("Amount").fill("64.00")
    staff.get_by_label("Description").fill("Tire storage, winter")
    staff.get_by_label("Reference number").fill("TS-22")
    staff.get_by_test_id("charge-review").click()
    assert "$64.00" in staff.get_by_test_id("confirm-amount").inner_text()
    staff.get_by_test_id("charge-confirm").click()
    staff.wait_for_url(re.compile(r".*/cards/charges/\d+/$"))
    assert staff.get_by_test_id("charge-status").inner_text() == "Paid"
    staff.get_by_test_id("payment-link").click()
    staff.wait_for_url(re.compile(r".*/payments/\d+/$"))
    staff.goto(f"{site}/payments/")
    row = staff.locator("tr[data-reference='TS-22']")
    assert "Saved card" in row.inner_text() and "$64.00" in row.inner_text()
    staff.screenshot(path="/tmp/cards-payments-tab.png", full_page=True)
    assert Payment.objects.get(reference="TS-22").method == "saved_card"

    # a bulk run for this customer: the progress box fills in without a reload
    staff.goto(f"{site}/cards/bulk/new/")
    staff.get_by_label("Amount for each selected customer").fill("10.00")
    staff.get_by_label("Description").fill("Late fee")
    staff.get_by_label("Reference number").fill("LF-1")
    staff.get_by_label(customer.name).check()
    staff.get_by_test_id("bulk-review").click()
    assert staff.get_by_test_id("review-count").inner_text() == "1"
    staff.get_by_test_id("bulk-confirm").click()
    staff.wait_for_selector("#bulk-progress[data-status='done']", timeout=30_000)
    assert staff.locator("[data-field='done']").inner_text() == "1"
    assert BulkCharge.objects.get().status == "done"
