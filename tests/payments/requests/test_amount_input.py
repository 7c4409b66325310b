"""QA regressions: amounts typed by people. "1e30" used to escape parse_major as
decimal.InvalidOperation (a 500 on the request form, the Payments tab filter and the refund form),
and "1e3" / non-ASCII digits were silently accepted as $1,000.00 / $3.00."""

import pytest

from payments.models import PaymentRequest
from tests.factories import StripeAccountFactory


@pytest.mark.django_db
@pytest.mark.parametrize(("amount", "text"), [("1e30", "amount such as"), ("1e3", "amount such as")])
def test_request_form_names_the_amount_and_keeps_it(client, advisor, team, customer, org, amount, text):
    StripeAccountFactory(organization=org)
    client.force_login(advisor)
    response = client.post(
        f"/requests/new/?customer={customer.pk}",
        {
            "confirm": "yes",
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
