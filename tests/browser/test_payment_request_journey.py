"""An advisor sends a payment request in a real browser; the customer opens the link from the
outbox on a 360 px phone, pays on the (emulated) Stripe Checkout with the sandbox card, sees the
receipt; the advisor sees the notification. Second run: a declined card first, then 4242."""

import os
import re

import pytest

from notifications.models import Notification
from payments.models import Payment, PaymentRequest
from tests.browser.sessions import signed_in_page
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


def advisor_page(browser, client, settings, advisor, site):
    return signed_in_page(browser, client, settings, advisor, site)


def phone_page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def send_request(page, site, customer, reference):
    page.goto(f"{site}/customers/{customer.pk}/")
    page.get_by_test_id("request-payment").click()
    page.wait_for_url(re.compile(r".*/requests/new/.*"))
    page.get_by_label("Amount").fill("125.50")
    page.get_by_label("Description").fill("Brake service")
    page.get_by_label("Reference number (invoice or contract)").fill(reference)
    page.get_by_label("SMS", exact=True).check()
    page.get_by_test_id("send").click()
    page.get_by_test_id("request-confirm").wait_for()  # the confirmation step: Enter sends
    assert page.get_by_test_id("confirm-amount").inner_text() == "$125.50"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/requests/\d+/$"))
    assert "Payment request sent" in page.content()
    return PaymentRequest.objects.get(reference=reference)


def open_link_from_outbox(phone, site, customer):
    phone.goto(f"{site}/dev/outbox/?channel=sms")
    message = phone.get_by_test_id("outbox-message").filter(has_text=str(customer.phone)).first
    message.locator("a[href*='/pay/']").first.click()
    phone.wait_for_url(re.compile(r".*/pay/[\w-]{22,}/$"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    assert phone.get_by_test_id("amount").inner_text() == "$125.50"
    assert phone.get_by_test_id("pay-button").is_visible()


def pay_with_card(phone, stripe_server, number):
    phone.get_by_label("Card number").fill(number)
    phone.get_by_label("Expiry (MM / YY)").fill("12 / 34")
    phone.get_by_label("CVC").fill("123")
    phone.get_by_role("button", name=re.compile(r"^Pay \$125\.50")).click()


def test_send_open_from_outbox_pay_receipt_notification(
    browser, site, client, settings, advisor, customer, stripe_server
):
    advisor_tab = advisor_page(browser, client, settings, advisor, site)
    pr = send_request(advisor_tab, site, customer, "RO-7001")

    phone = phone_page(browser)
    open_link_from_outbox(phone, site, customer)
    phone.get_by_test_id("pay-button").click()
    phone.wait_for_url(stripe_server.url + "/pay/**")
    pay_with_card(phone, stripe_server, "4242 4242 4242 4242")

    phone.wait_for_url(f"{site}/pay/{pr.token}/")
    assert phone.get_by_test_id("paid").is_visible()
    phone.get_by_test_id("receipt-link").click()
    assert "Visa •••• 4242" in phone.get_by_test_id("receipt-method").inner_text()
    assert phone.get_by_test_id("receipt-reference").inner_text() == "RO-7001"
    assert "UTC" in phone.get_by_test_id("receipt-date").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    assert Payment.objects.filter(payment_request=pr, status="succeeded").count() == 1
    advisor_tab.goto(f"{site}/notifications/")
    assert advisor_tab.get_by_test_id("unread-badge").inner_text() == "1"
    assert "Carla Customer paid $125.50" in advisor_tab.get_by_test_id("notification-list").inner_text()
    advisor_tab.get_by_test_id("mark-read").click()
    assert advisor_tab.get_by_test_id("unread-badge").count() == 0
    assert Notification.objects.get(payment_request=pr).read_at is not None


def test_declined_card_then_paid(browser, site, client, settings, advisor, customer, stripe_server):
    advisor_tab = advisor_page(browser, client, settings, advisor, site)
    pr = send_request(advisor_tab, site, customer, "RO-7002")

    phone = phone_page(browser)
    open_link_from_outbox(phone, site, customer)
    phone.get_by_test_id("pay-button").click()
    phone.wait_for_url(stripe_server.url + "/pay/**")
    pay_with_card(phone, stripe_server, "4000 0000 0000 0002")
    assert "declined" in phone.get_by_role("alert").inner_text().lower()
    failed = Payment.objects.get(payment_request=pr)
    assert failed.status == "failed"
    pr.refresh_from_db()
    assert pr.status == "opened"

    pay_with_card(phone, stripe_server, "4242 4242 4242 4242")
    phone.wait_for_url(f"{site}/pay/{pr.token}/")
    assert phone.get_by_test_id("paid").is_visible()
    pr.refresh_from_db()
    assert pr.status == "paid"

    advisor_tab.goto(f"{site}/requests/{pr.pk}/")
    attempts = advisor_tab.get_by_test_id("attempts").inner_text()
    assert attempts.index("Failed") < attempts.index("Paid")
