"""QA regressions: amounts typed by people. "1e30" used to escape parse_major as
decimal.InvalidOperation (a 500 on the request form, the Payments tab filter and the refund form),
and "1e3" / non-ASCII digits were silently accepted as $1,000.00 / $3.00."""

import pytest


@pytest.mark.django_db
def test_payments_tab_amount_filter_with_an_exponent_is_a_field_error(client, manager):
    client.force_login(manager)
    response = client.get("/payments/", {"amount_min": "1e30"})
    assert response.status_code == 200
    assert "Enter an amount such as 125.50" in response.content.decode()
