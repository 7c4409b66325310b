"""The hosted pages in a real phone-sized browser: no sideways scrolling, decline then retry, onboarding."""

import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_customer_is_declined_then_pays_on_a_phone(stripe_server, sdk, make_account, make_session, phone):
    account_id = make_account(name="Smith Tractors")
    session = make_session(account_id, success_url=stripe_server.url + "/?paid={CHECKOUT_SESSION_ID}")
    phone.goto(session.url)
    assert phone.get_by_text("Pay Smith Tractors").is_visible() and _fits(phone)
    phone.fill("#card_number", "4000 0000 0000 0002")
    phone.fill("#card_exp", "12 / 34")
    phone.fill("#card_cvc", "123")
    phone.get_by_role("button", name="Pay $123.45 USD").click()
    assert phone.get_by_role("alert").inner_text() == "Your card was declined."
    assert _fits(phone)
    phone.fill("#card_number", "4242 4242 4242 4242")
    phone.fill("#card_exp", "12 / 34")
    phone.fill("#card_cvc", "123")
    phone.get_by_role("button", name="Pay $123.45 USD").click()
    phone.wait_for_url(f"{stripe_server.url}/?paid={session.id}")
    paid = sdk.v1.checkout.sessions.retrieve(session.id, None, {"stripe_account": account_id})
    assert paid.payment_status == "paid"


def test_owner_onboards_on_a_phone(stripe_server, sdk, make_account, phone):
    account_id = make_account(onboarded=False)
    link = sdk.v1.account_links.create(
        {
            "account": account_id,
            "type": "account_onboarding",
            "refresh_url": stripe_server.url + "/?refresh",
            "return_url": stripe_server.url + "/?done",
        }
    )
    phone.goto(link.url)
    assert phone.get_by_text("Step 1 of 3").is_visible() and _fits(phone)
    phone.fill("#business_name", "Smith Tractors")
    phone.fill("#product_description", "Tractor sales and service")
    phone.fill("#first_name", "Jenny")
    phone.fill("#last_name", "Rosen")
    phone.fill("#dob", "1980-01-01")
    phone.fill("#id_number", "0000")
    phone.get_by_role("button", name="Continue").click()
    assert phone.get_by_text("Step 2 of 3").is_visible() and _fits(phone)
    phone.fill("#routing_number", "110000000")
    phone.fill("#account_number", "000123456789")
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_label("I agree to the Stripe Connected Account Agreement.").check()
    phone.get_by_role("button", name="Agree and submit").click()
    phone.wait_for_url(stripe_server.url + "/?done")
    assert sdk.v1.accounts.retrieve(account_id).charges_enabled
