import time

import pytest


@pytest.fixture
def sdk(stripe_server):
    """The official SDK client aimed at the emulator."""
    return stripe_server.client()


@pytest.fixture
def make_account(stripe_server, sdk):
    def make(onboarded: bool = True, country: str = "US", name: str = "Smith Tractors") -> str:
        account = sdk.v1.accounts.create(
            {
                "type": "express",
                "country": country,
                "email": "owner@smith.example",
                "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
                "business_profile": {"name": name, "url": "https://smith.example"},
            }
        )
        if onboarded:
            stripe_server.complete_onboarding(account.id)
        return account.id

    return make


def session_params(**overrides):
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "usd",
                    "unit_amount": 12_345,
                    "product_data": {"name": "Invoice 42", "description": "Brake job"},
                },
            }
        ],
        "allowed_payment_method_types": ["card"],
        "payment_intent_data": {
            "application_fee_amount": 431,
            "description": "Invoice 42",
            "metadata": {"payment_request": "42"},
        },
        "expires_at": int(time.time()) + 3600,
        "success_url": "https://app.example/pay/done?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "https://app.example/pay/cancel",
        "metadata": {"payment_request": "42"},
        "customer_email": "carla@example.net",
    }
    params.update(overrides)
    return params


@pytest.fixture
def make_session(sdk):
    def make(account_id: str, **overrides):
        return sdk.v1.checkout.sessions.create(session_params(**overrides), {"stripe_account": account_id})

    return make
