"""QA regression: an account Stripe has paused showed "Stripe: requirements.past_due" — a raw code —
on the Connections page. It must read as a sentence (unknown codes too)."""

import pytest

from payments.accounts.selectors import disabled_reason_in_words
from tests.factories import StripeAccountFactory


@pytest.fixture(autouse=True)
def unreachable_stripe(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_qa_unreachable"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"


@pytest.mark.django_db
def test_disabled_reason_is_a_sentence_on_the_connections_page(client, admin_user, org):
    StripeAccountFactory(
        organization=org,
        charges_enabled=False,
        payouts_enabled=False,
        details_submitted=False,
        requirements_currently_due=["external_account"],
        requirements_disabled_reason="requirements.past_due",
    )
    client.force_login(admin_user)
    html = client.get("/admin-tab/connections/").content.decode()
    assert "requirements.past_due" not in html
    assert "Payments are paused until the missing details below are sent to Stripe." in html


def test_unknown_disabled_reasons_still_read_as_words():
    assert disabled_reason_in_words("") == ""
    text = disabled_reason_in_words("rejected.something_new")
    assert "." not in text[:-1] and "_" not in text
    assert text == "Stripe has paused this account: rejected: something new."
