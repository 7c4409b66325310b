"""QA regression: submitting the "Request payment" form twice (double click on a slow network,
reload after POST) created two requests and texted the customer two pay links for the same debt.
Each rendered form carries a random submission key; a second submit of it lands on the first
request."""

import re

import pytest

from notifications.models import OutboundMessage
from payments.models import PaymentRequest
from tests.factories import StripeAccountFactory


def _form_data(html: str, customer, team) -> dict:
    key = re.search(r'name="submission_key" value="([^"]+)"', html).group(1)
    return {
        "customer": customer.pk,
        "team": team.pk,
        "amount": "19.99",
        "description": "Wipers",
        "reference": "RO-2",
        "channel": "sms",
        "submission_key": key,
        "confirm": "yes",
    }


@pytest.mark.django_db
def test_the_same_form_submitted_twice_sends_one_request(client, advisor, team, customer, org):
    StripeAccountFactory(organization=org)
    client.force_login(advisor)
    url = f"/requests/new/?customer={customer.pk}"
    data = _form_data(client.get(url).content.decode(), customer, team)
    first = client.post(url, data)
    second = client.post(url, data)
    request = PaymentRequest.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == f"/requests/{request.pk}/"
    assert OutboundMessage.objects.filter(payment_request=request, channel="sms").count() == 1

    # A new form (a new key) is a new request, as intended.
    again = _form_data(client.get(url).content.decode(), customer, team)
    assert again["submission_key"] != data["submission_key"]
    assert client.post(url, again).status_code == 302
    assert PaymentRequest.objects.count() == 2


@pytest.mark.django_db
def test_a_form_with_an_error_keeps_its_key_and_still_sends_once(client, advisor, team, customer, org):
    StripeAccountFactory(organization=org)
    client.force_login(advisor)
    url = f"/requests/new/?customer={customer.pk}"
    data = _form_data(client.get(url).content.decode(), customer, team)
    bad = client.post(url, {**data, "amount": "0"})
    assert bad.status_code == 400 and f'value="{data["submission_key"]}"' in bad.content.decode()
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert PaymentRequest.objects.count() == 1
