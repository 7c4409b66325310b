"""The staff interface in French walks the spine in a real browser, for a Quebec dealership:
the advisor sends a request typing a French amount (1 234,56), the customer pays from the link
(the pay page in Canadian French, Checkout opened with locale fr-CA), the manager refunds part
of it typing 100,25 (the confirmation shows what was understood) and reconciles it."""

import os
import re

import pytest

from payments.models import Payment, PaymentRequest
from tests.factories import CustomerFactory
from tests.payments.request_helpers import connected_account

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def nbsp(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def staff_page(browser, client, settings, user, site):
    client.force_login(user)
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_send_pay_refund_reconcile_in_french(
    live_server, stripe_server, settings, client, browser, org, team, advisor, manager
):
    org.name, org.country, org.currency, org.state, org.time_zone = (
        "Garage Tremblay",
        "CA",
        "CAD",
        "QC",
        "America/Montreal",
    )
    org.save()
    settings.SITE_URL = live_server.url
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    stripe_server.deliver_to(live_server.url, mode="sync")
    connected_account(stripe_server, org, country="CA")
    customer = CustomerFactory(
        organization=org, name="Luc Lapointe", phone="+15145550111", preferred_language="fr-ca"
    )
    site = live_server.url

    # 1. The advisor sends, in French, typing the amount as a Quebecer does.
    desk = staff_page(browser, client, settings, advisor, site)
    desk.goto(f"{site}/customers/{customer.pk}/")
    assert desk.locator("html").get_attribute("lang") == "fr-ca"
    desk.get_by_test_id("request-payment").click()
    desk.wait_for_url(re.compile(r".*/requests/new/.*"))
    desk.get_by_label("Montant").fill("1 234,56")
    desk.get_by_label("Description").fill("Entretien des freins")
    desk.get_by_label("Numéro de référence (facture ou contrat)").fill("RO-9001")
    desk.get_by_label("Texto", exact=True).check()
    shot(desk, "fr-1-request")
    desk.get_by_test_id("send").click()
    # The confirmation step shows the amount as it was read, in French, before anything is sent.
    assert nbsp(desk.get_by_test_id("confirm-amount").inner_text()) == "1 234,56 $"
    assert nbsp(desk.get_by_test_id("confirm-send").inner_text()) == "Envoyer 1 234,56 $"
    shot(desk, "fr-1b-request-confirm")
    desk.get_by_test_id("confirm-send").click()
    desk.wait_for_url(re.compile(r".*/requests/\d+/$"))
    assert "Demande de paiement envoyée à Luc Lapointe" in desk.content()
    pr = PaymentRequest.objects.get(reference="RO-9001")
    assert pr.amount_minor == 123_456  # 1 234,56 read as 1234.56
    assert "1 234,56 $" in nbsp(desk.locator("h1").inner_text())

    # 2. The customer pays from the link, in Canadian French.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    phone.set_default_timeout(15_000)
    phone.goto(f"{site}/pay/{pr.token}/")
    assert phone.locator("html").get_attribute("lang") == "fr-ca"
    assert nbsp(phone.get_by_test_id("pay-button").inner_text()) == "Payer 1 234,56 $"
    phone.get_by_test_id("pay-button").click()
    phone.wait_for_url(stripe_server.url + "/pay/**")
    pr.refresh_from_db()  # Checkout opened in Canadian French
    status, _, session = stripe_server.api(
        "GET", f"/v1/checkout/sessions/{pr.checkout_session_id}", account=pr.stripe_account.stripe_id
    )
    assert session["locale"] == "fr-CA"
    phone.get_by_label("Card number").fill("4242 4242 4242 4242")
    phone.get_by_label("Expiry (MM / YY)").fill("12 / 34")
    phone.get_by_label("CVC").fill("123")
    phone.get_by_role("button", name=re.compile(r"^Pay ")).click()
    phone.wait_for_url(f"{site}/pay/{pr.token}/")
    assert phone.get_by_test_id("paid").inner_text().startswith("Payé — merci !")
    shot(phone, "fr-2-paid")
    payment = Payment.objects.get(payment_request=pr, status="succeeded")

    # 3. The manager refunds part of it, typing a French amount; the confirmation says what it read.
    office = staff_page(browser, client, settings, manager, site)
    office.goto(f"{site}/payments/{payment.pk}/")
    assert office.locator("html").get_attribute("lang") == "fr-ca"
    office.get_by_test_id("refund").click()
    office.get_by_label("Montant (CAD)").fill("100,25")
    office.get_by_test_id("refund-continue").click()
    assert nbsp(office.get_by_test_id("confirm-amount").inner_text()) == "100,25 $"
    shot(office, "fr-3-refund-confirm")
    office.get_by_test_id("refund-confirm").click()
    office.wait_for_url(re.compile(rf".*/payments/{payment.pk}/$"))
    assert nbsp(office.get_by_test_id("refunded").inner_text()) == "100,25 $"
    assert office.get_by_test_id("status").inner_text() == "Remboursé en partie"

    # 4. ... and reconciles it.
    office.get_by_placeholder("N° de pièce du système du concessionnaire (facultatif)").fill("DMS-42")
    office.get_by_test_id("reconcile").click()
    office.wait_for_url(re.compile(rf".*/payments/{payment.pk}/$"))
    assert "1 paiement rapproché." in office.content()
    assert "par Max Manager" in office.get_by_test_id("reconciled").inner_text()
    shot(office, "fr-4-reconciled")
    payment.refresh_from_db()
    assert (
        payment.reconciled_at and payment.dms_document_number == "DMS-42" and payment.refunded_minor == 10_025
    )
    # 5. The payment's timeline reads in French, dates in the French format in Montréal time.
    timeline = nbsp(office.get_by_test_id("timeline").inner_text())
    assert "Créée · Avery Advisor — 1 234,56 $ demandés par texto" in timeline
    assert "Remboursement de 100,25 $ demandé" in timeline and "Rapproché (pièce DMS-42)" in timeline
    assert "requested by" not in timeline and re.search(r"\d{4}-\d\d-\d\d", timeline) is None
    assert re.search(r"\d{1,2} [a-zé]+\.? 20\d\d, \d{1,2} h \d\d", timeline), timeline
    assert "heure de Montréal" in nbsp(office.locator("h2", has_text="Chronologie").inner_text())
    office.goto(f"{site}/payments/")
    table = nbsp(office.get_by_test_id("payments-table").inner_text())
    assert "heure de Montréal" in table and "Remboursé en partie" in table
    assert re.search(r"\d{4}-\d\d-\d\d", table) is None
    shot(office, "fr-5-payments-tab")
