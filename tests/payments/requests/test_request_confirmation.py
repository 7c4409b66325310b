"""Issue 11, item 1: amounts typed with a decimal comma are refused naming the field and showing
what could be meant; a payment request is sent only after a confirmation step that shows the amount
in large type, the customer and the channel; the refund's confirmation is the same."""

import pytest

from notifications.models import OutboundMessage
from payments.models import PaymentRequest
from tests.factories import StripeAccountFactory


@pytest.fixture
def url(customer):
    return f"/requests/new/?customer={customer.pk}"


def form(customer, team, **changes):
    data = {
        "customer": customer.pk,
        "team": team.pk,
        "amount": "49.95",
        "description": "Oil change",
        "reference": "RO-77",
        "channel": "sms",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "readings"), [("12,34", ("12.34", "1,234.00")), ("49,95", ("49.95", "4,995.00"))]
)
def test_a_decimal_comma_is_refused_on_the_form_naming_the_field(
    client, advisor, team, customer, org, url, typed, readings
):
    """QA regression: typing 12,34 sent a request for $1,234.00."""
    StripeAccountFactory(organization=org)
    client.force_login(advisor)
    for data in (form(customer, team, amount=typed), form(customer, team, amount=typed, confirm="yes")):
        response = client.post(url, data)
        assert response.status_code == 400
        errors = response.context["form"].errors["amount"]
        assert errors[0].startswith("Amount: ") and "ambiguous" in errors[0]
        assert all(reading in errors[0] for reading in readings)
    assert not PaymentRequest.objects.exists()


@pytest.mark.django_db
def test_the_request_is_sent_only_after_the_confirmation_step(client, advisor, team, customer, org, url):
    StripeAccountFactory(organization=org)
    client.force_login(advisor)
    step = client.post(url, form(customer, team, amount="1,234.56"))
    assert step.status_code == 200
    page = step.content.decode()
    assert 'data-testid="request-confirm"' in page
    assert 'class="confirm-amount" data-testid="confirm-amount">$1,234.56<' in page
    assert "Carla Customer" in page and "SMS to (312) 555-0199" in page
    assert "autofocus" in page and 'name="confirm" value="yes"' in page
    assert not PaymentRequest.objects.exists() and not OutboundMessage.objects.exists()

    change = client.post(url, {**form(customer, team, amount="1,234.56"), "confirm": "yes", "edit": "1"})
    assert change.status_code == 200 and 'data-testid="payment-request-form"' in change.content.decode()
    assert 'value="1,234.56"' in change.content.decode()
    assert not PaymentRequest.objects.exists()

    sent = client.post(url, {**form(customer, team, amount="1,234.56"), "confirm": "yes"})
    assert sent.status_code == 302
    assert PaymentRequest.objects.get().amount_minor == 123_456


@pytest.mark.django_db
def test_a_problem_the_service_sees_is_shown_before_the_confirmation(
    client, advisor, team, customer, org, url
):
    StripeAccountFactory(organization=org)
    customer.email = ""
    customer.save()
    client.force_login(advisor)
    response = client.post(url, form(customer, team, channel="email"))
    assert response.status_code == 400
    assert 'data-testid="request-confirm"' not in response.content.decode()


@pytest.mark.django_db
def test_the_refund_form_names_the_field_on_a_decimal_comma(client, manager, org, team):
    from tests.factories import PaymentFactory

    payment = PaymentFactory(payment_request__organization=org, payment_request__team=team)
    client.force_login(manager)
    response = client.post(
        f"/payments/{payment.pk}/refund/", {"amount": "12,34", "reason": "requested_by_customer"}
    )
    text = response.content.decode()
    assert "Refund amount: " in text and "ambiguous" in text
