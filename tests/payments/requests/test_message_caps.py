"""Issue 11, item 4: payment requests to one customer are capped per hour and per day (organization
settings, defaults 5 and 10). QA regression: a cancel-then-resend loop through the API sent one phone
over 200 SMS in 7 minutes. The cap is said clearly on the web and in the API."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import OutboundMessage
from organizations.api_tokens.services import api_token_create
from payments.models import PaymentRequest
from tests.factories import PaymentRequestFactory, StripeAccountFactory
from tests.payments.request_helpers import request_form

URL = "/api/v1/payment-requests/"


@pytest.fixture
def api(org, admin_user, advisor):
    StripeAccountFactory(organization=org)
    _, secret = api_token_create(user=admin_user, name="DMS", acting_user=advisor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def create(api, customer, n):
    body = {
        "customer_id": customer.pk,
        "amount_minor": 1000 + n,
        "description": "x",
        "reference": f"R{n}",
        "channel": "sms",
    }
    return api.post(URL + "create/", body, format="json", HTTP_IDEMPOTENCY_KEY=f"cap-{n}")


@pytest.mark.django_db
def test_a_cancel_then_resend_loop_stops_at_the_hourly_cap(api, customer, org):
    assert (org.max_requests_per_customer_hour, org.max_requests_per_customer_day) == (5, 10)
    first = create(api, customer, 0).json()
    current = first["id"]
    answers = []
    for _ in range(10):
        api.post(f"{URL}{current}/cancel/")
        response = api.post(f"{URL}{current}/resend/")
        answers.append(response.status_code)
        if response.status_code != 201:
            break
        current = response.json()["id"]
    assert answers == [201, 201, 201, 201, 400]
    error = response.json()
    assert "already sent 5 payment requests in the last hour" in error["message"]
    assert "customer_id" in error["extra"]["fields"]
    assert PaymentRequest.objects.filter(customer=customer).count() == 5
    assert OutboundMessage.objects.filter(channel="sms", to=str(customer.phone)).count() == 5


@pytest.mark.django_db
def test_the_daily_cap_counts_the_last_24_hours(api, customer, org, team, advisor):
    for hours_ago in range(10):
        PaymentRequestFactory(
            organization=org,
            team=team,
            customer=customer,
            created_by=advisor,
            sent_at=timezone.now() - timedelta(hours=2 + hours_ago * 2),
        )
    response = create(api, customer, 1)
    assert response.status_code == 400 and "in the last day" in response.json()["message"]
    org.max_requests_per_customer_day = 11
    org.save()
    assert create(api, customer, 2).status_code == 201


@pytest.mark.django_db
def test_the_web_form_says_so_before_the_confirmation(client, advisor, team, customer, org):
    StripeAccountFactory(organization=org)
    org.max_requests_per_customer_hour = 1
    org.save()
    PaymentRequestFactory(organization=org, team=team, customer=customer, created_by=advisor)
    client.force_login(advisor)
    response = client.post(f"/requests/new/?customer={customer.pk}", request_form(customer, team, confirm=""))
    assert response.status_code == 400
    text = response.content.decode()
    assert "was already sent 1 payment request in the last hour" in text and "Payment settings" in text
    assert PaymentRequest.objects.count() == 1


@pytest.mark.django_db
def test_admins_set_the_caps(client, admin_user, org):
    client.force_login(admin_user)
    data = {
        "reminders_enabled": "on",
        "reminder_hours_before_expiry": "4",
        "max_payment": "50000",
        "max_requests_per_customer_hour": "2",
        "max_requests_per_customer_day": "6",
    }
    assert client.post("/admin-tab/payment-settings/", data).status_code == 302
    org.refresh_from_db()
    assert (org.max_requests_per_customer_hour, org.max_requests_per_customer_day) == (2, 6)
    bad = client.post("/admin-tab/payment-settings/", {**data, "max_requests_per_customer_day": "1"})
    assert bad.status_code == 400 and "can&#x27;t be below the hourly one" in bad.content.decode()
