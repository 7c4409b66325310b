"""In a real browser: the pay page in the customer's language on a phone, its language switch,
and the staff pages in French for a Quebec dealership."""

import os
import re

import pytest

from customers.models import Customer
from tests.factories import CustomerFactory, PaymentRequestFactory, UserFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR", "")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def quebec(org):
    org.country, org.currency, org.state, org.time_zone = "CA", "CAD", "QC", "America/Montreal"
    org.name = "Garage Tremblay"
    org.save()
    return org


def test_pay_page_in_canadian_french_then_german_by_the_switch(live_server, browser, quebec):
    pr = PaymentRequestFactory(
        organization=quebec, customer=CustomerFactory(organization=quebec, preferred_language="fr-ca")
    )
    page = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    page.goto(f"{live_server.url}/pay/{pr.token}/")
    assert page.locator("html").get_attribute("lang") == "fr-ca"
    assert page.get_by_test_id("pay-button").inner_text().replace("\u00a0", " ") == "Payer 125,50 $"
    assert "heure de Montréal" in page.get_by_test_id("expires").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "pay-fr-ca")
    page.get_by_test_id("language-switch").get_by_text("Deutsch").click()
    page.wait_for_url(re.compile(r".*\?lang=de$"))
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_test_id("pay-button").inner_text().replace("\u00a0", " ") == "125,50 CA$ bezahlen"
    shot(page, "pay-de")
    assert Customer.objects.get(pk=pr.customer_id).preferred_language == "de"


def test_staff_pages_in_french_for_a_quebec_dealership(live_server, browser, client, settings, quebec):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    admin = UserFactory(organization=quebec, role="admin", email="admin@tremblay.example", name="Anne Admin")
    CustomerFactory(organization=quebec, name="Luc Lapointe", phone="+15145550111")
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("button", name="Log in").is_visible()  # no profile yet: the browser's language
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill("pass-Word-123")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/customers/")
    assert page.locator("html").get_attribute("lang") == "fr-ca"
    assert page.get_by_role("heading", name="Clients").is_visible()
    assert page.get_by_role("link", name="Nouveau client").is_visible()
    shot(page, "staff-customers-fr")
    page.goto(f"{live_server.url}/admin-tab/")
    assert page.get_by_label("Courriel du soutien").is_visible()  # fr-CA's own word, over fr's "E-mail"
    shot(page, "staff-admin-fr")
    # the person chooses English in the sidebar; the dealership stays French for the others
    with page.expect_navigation():
        page.get_by_test_id("staff-language").locator("select").select_option("en")
    assert page.get_by_role("heading", name="Admin").is_visible()
    assert page.locator("html").get_attribute("lang") == "en-ca"
