"""QA regressions: amounts typed by people. "1e30" used to escape parse_major as
decimal.InvalidOperation (a 500 on the request form, the Payments tab filter and the refund form),
and "1e3" / non-ASCII digits were silently accepted as $1,000.00 / $3.00."""

import pytest

from core.money import parse_major
from payments.models import PaymentRequest
from tests.factories import StripeAccountFactory


@pytest.mark.parametrize("text", ["1e3", "1E+2", "1e30", "1e999999", "٣", "１０", "0x10", "1_000", "- 5"])
def test_parse_major_refuses_what_is_not_a_plain_amount(text):
    with pytest.raises(ValueError, match="amount such as"):
        parse_major(text)


def test_parse_major_refuses_overlong_numbers_with_a_message_not_an_exception():
    with pytest.raises(ValueError, match="too large"):
        parse_major("9" * 60)
    # Long but decimal-safe numbers still parse, so callers can say "at most $50,000.00".
    assert parse_major("9" * 30) == int("9" * 30) * 100


@pytest.mark.parametrize(("text", "minor"), [(" 10 ", 1000), (".5", 50), ("5.", 500), ("12.340", 1234)])
def test_parse_major_still_takes_ordinary_amounts(text, minor):
    assert parse_major(text) == minor


@pytest.mark.django_db
@pytest.mark.parametrize(("amount", "text"), [("1e30", "amount such as"), ("1e3", "amount such as")])
def test_request_form_names_the_amount_and_keeps_it(client, advisor, team, customer, org, amount, text):
    StripeAccountFactory(organization=org)
    client.force_login(advisor)
    response = client.post(
        f"/requests/new/?customer={customer.pk}",
        {
            "customer": customer.pk,
            "team": team.pk,
            "amount": amount,
            "description": "Brakes",
            "reference": "RO-1",
            "channel": "sms",
        },
    )
    assert response.status_code == 400  # the form again, with the field's error
    assert text in response.context["form"].errors["amount"][0]
    assert f'value="{amount}"' in response.content.decode()
    assert not PaymentRequest.objects.exists()


@pytest.mark.django_db
def test_payments_tab_amount_filter_with_an_exponent_is_a_field_error(client, manager):
    client.force_login(manager)
    response = client.get("/payments/", {"amount_min": "1e30"})
    assert response.status_code == 200
    assert "Enter an amount such as 125.50" in response.content.decode()
