"""QA regression: the sandbox Express dashboard (make run's stand-in for Stripe's) was wider than a
360 px phone once a payout was listed (a long payout id in a table cell)."""

import os
import time

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_express_dashboard_with_a_payout_fits_a_phone(stripe_server):
    from playwright.sync_api import sync_playwright

    sdk = stripe_server.client()
    account = sdk.v1.accounts.create(
        {
            "type": "express",
            "country": "US",
            "email": "owner@smith.example",
            "business_profile": {"name": "Smith"},
        }
    )
    stripe_server.complete_onboarding(account.id)
    session = sdk.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 123_456,
                        "product_data": {"name": "RO-1"},
                    },
                }
            ],
            "allowed_payment_method_types": ["card"],
            "expires_at": int(time.time()) + 3600,
            "success_url": "https://app.example/done",
            "cancel_url": "https://app.example/cancel",
            "customer_email": "carla@example.net",
        },
        {"stripe_account": account.id},
    )
    assert stripe_server.pay_checkout(session.url).paid
    stripe_server.create_payout(account.id)
    url = sdk.v1.accounts.login_links.create(account.id).url
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 360, "height": 740})
        page.goto(url)
        assert "po_" in page.inner_text("body")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        browser.close()
