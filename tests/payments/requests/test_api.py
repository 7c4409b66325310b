"""REST API v1 for payment requests, with organization API tokens. Every response is checked
against the published OpenAPI schema."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from organizations.api_tokens.services import api_token_create, api_token_revoke
from payments.models import PaymentRequest
from tests.factories import CustomerFactory, PaymentRequestFactory, StripeAccountFactory, UserFactory
from tests.payments.requests.openapi_check import assert_matches_schema

URL = "/api/v1/payment-requests/"


@pytest.fixture
def account(org):
    return StripeAccountFactory(organization=org)


@pytest.fixture
def api(admin_user, advisor, account):
    _, secret = api_token_create(user=admin_user, name="DMS", acting_user=advisor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def body(customer, **changes):
    data = {
        "customer_id": customer.pk,
        "amount_minor": 12_550,
        "description": "Brake service",
        "reference": "RO-1001",
        "channel": "sms",
    }
    data.update(changes)
    return data


def checked(response, status):
    assert response.status_code == status, response.content
    assert_matches_schema(response)
    return response.json()


@pytest.mark.django_db
def test_create_retrieve_list(api, customer, advisor):
    created = checked(
        api.post(URL + "create/", body(customer), format="json", HTTP_IDEMPOTENCY_KEY="t-1"), 201
    )
    assert created["status"] == "sent" and created["amount_minor"] == 12_550 and created["currency"] == "USD"
    assert created["pay_url"].endswith(f"/pay/{PaymentRequest.objects.get().token}/")
    assert created["created_by"] == advisor.name
    got = checked(api.get(f"{URL}{created['id']}/"), 200)
    assert got["reference"] == "RO-1001"
    listing = checked(api.get(URL, {"status": "open"}), 200)
    assert [r["id"] for r in listing["results"]] == [created["id"]]
    assert checked(api.get(URL, {"status": "paid"}), 200)["results"] == []
    assert checked(api.get(URL, {"reference": "nope"}), 200)["count"] == 0


@pytest.mark.django_db
def test_idempotency_key(api, customer):
    first = checked(api.post(URL + "create/", body(customer), format="json", HTTP_IDEMPOTENCY_KEY="k-1"), 201)
    again = checked(api.post(URL + "create/", body(customer), format="json", HTTP_IDEMPOTENCY_KEY="k-1"), 200)
    assert again["id"] == first["id"]
    conflict = checked(
        api.post(
            URL + "create/", body(customer, amount_minor=99_00), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
        ),
        409,
    )
    assert "Idempotency-Key" in conflict["message"] and "amount_minor" in conflict["extra"]["fields"]
    assert PaymentRequest.objects.count() == 1
    checked(api.post(URL + "create/", body(customer), format="json", HTTP_IDEMPOTENCY_KEY="k-2"), 201)
    assert PaymentRequest.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, field, text",
    [
        ({"amount_minor": 0}, "amount_minor", "greater than zero"),
        ({"amount_minor": 5_000_001}, "amount_minor", "$50,000.00"),
        ({"amount_minor": "12.50"}, "amount_minor", "valid integer"),
        ({"currency": "EUR"}, "currency", "USD"),
        ({"reference": ""}, "reference", "blank"),
        ({"channel": "fax"}, "channel", "valid choice"),
        ({"customer_id": 999999}, "customer_id", "No such customer"),
    ],
)
def test_bad_input_is_400_naming_the_field(api, customer, changes, field, text):
    error = checked(
        api.post(URL + "create/", body(customer, **changes), format="json", HTTP_IDEMPOTENCY_KEY="t-2"), 400
    )
    assert set(error) == {"message", "extra"}
    assert field in error["extra"]["fields"], error
    assert text in str(error["extra"]["fields"][field]) or text in error["message"]
    assert not PaymentRequest.objects.exists()


@pytest.mark.django_db
def test_invalid_phone_and_email(api, org):
    bad = CustomerFactory(organization=org, phone="+1555", email="nope")
    error = checked(
        api.post(URL + "create/", body(bad, channel="both"), format="json", HTTP_IDEMPOTENCY_KEY="t-3"), 400
    )
    assert {"phone", "email"} <= set(error["extra"]["fields"])
    assert not PaymentRequest.objects.exists()


@pytest.mark.django_db
def test_other_organizations_requests_are_404(api, advisor):
    foreign = PaymentRequestFactory()
    error = checked(api.get(f"{URL}{foreign.pk}/"), 404)
    assert set(error) == {"message", "extra"}
    checked(api.post(f"{URL}{foreign.pk}/cancel/"), 404)
    assert checked(api.get(URL), 200)["count"] == 0
    foreign_customer = CustomerFactory()
    checked(api.post(URL + "create/", body(foreign_customer), format="json", HTTP_IDEMPOTENCY_KEY="t-4"), 400)


@pytest.mark.django_db
def test_cancel_then_resend(api, customer):
    created = checked(
        api.post(URL + "create/", body(customer), format="json", HTTP_IDEMPOTENCY_KEY="t-5"), 201
    )
    cancelled = checked(api.post(f"{URL}{created['id']}/cancel/"), 200)
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"]
    again = checked(api.post(f"{URL}{created['id']}/cancel/"), 409)
    assert "cancelled" in again["message"]
    new = checked(api.post(f"{URL}{created['id']}/resend/"), 201)
    assert new["resent_from_id"] == created["id"] and new["status"] == "sent"
    checked(api.post(f"{URL}{new['id']}/resend/"), 409)  # open: nothing to re-send


@pytest.mark.django_db
def test_token_acts_as_its_user_and_revoked_token_stops(admin_user, advisor, org, customer, account):
    other_advisor = UserFactory(organization=org)
    mine = PaymentRequestFactory(organization=org, created_by=advisor, customer=customer)
    PaymentRequestFactory(organization=org, created_by=other_advisor, customer=customer)
    token, secret = api_token_create(user=admin_user, name="DMS", acting_user=advisor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert [r["id"] for r in checked(client.get(URL), 200)["results"]] == [
        mine.pk
    ]  # an advisor sees their own
    api_token_revoke(user=admin_user, token_id=token.pk)
    response = client.get(URL)
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"message", "extra"}
    assert APIClient().get(URL).status_code in (401, 403)


@pytest.mark.django_db
def test_schema_generates_without_warnings_and_is_served(tmp_path, client):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    assert "/api/v1/payment-requests/create/" in text and "ApiToken" in text
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_admin_tab_api_tokens_page_shows_secret_once_and_revokes(client, admin_user, advisor):
    client.force_login(admin_user)
    response = client.post(
        "/admin-tab/api-tokens/", {"name": "DMS", "acting_user": advisor.pk, "scopes": ["read", "refund"]}
    )
    html = response.content.decode()
    assert 'data-testid="new-secret"' in html
    secret = html.split("<code>tp_")[1].split("</code>")[0]
    assert "tp_" + secret not in client.get("/admin-tab/api-tokens/").content.decode()
    from organizations.models import ApiToken

    token = ApiToken.objects.get()
    assert token.key_hash != secret and token.acting_user == advisor
    assert token.scopes == ["read", "refund"]
    client.post(f"/admin-tab/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.force_login(advisor)
    assert client.get("/admin-tab/api-tokens/").status_code == 403


@pytest.mark.django_db
def test_admin_tab_payment_settings(client, admin_user, advisor, org):
    client.force_login(admin_user)
    data = {
        "sms_template": "{dealership}: pay {amount} {link}",
        "email_template": "",
        "reminders_enabled": "",
        "reminder_hours_before_expiry": "6",
        "max_payment": "20000.00",
    }
    assert client.post("/admin-tab/payment-settings/", data).status_code == 302
    org.refresh_from_db()
    assert (
        org.sms_template,
        org.reminders_enabled,
        org.reminder_hours_before_expiry,
        org.max_payment_minor,
    ) == (
        "{dealership}: pay {amount} {link}",
        False,
        6,
        2_000_000,
    )
    bad = client.post(
        "/admin-tab/payment-settings/", {**data, "sms_template": "Pay {amout}", "max_payment": "60000"}
    )
    html = bad.content.decode()
    assert bad.status_code == 400 and "{amout}" in html and "$50,000.00" in html
    org.refresh_from_db()
    assert org.max_payment_minor == 2_000_000
    client.force_login(advisor)
    assert client.get("/admin-tab/payment-settings/").status_code == 403


@pytest.mark.django_db
def test_overdue_request_reads_as_expired_and_can_be_resent(api, customer):
    from datetime import timedelta

    from django.utils import timezone

    created = checked(
        api.post(URL + "create/", body(customer), format="json", HTTP_IDEMPOTENCY_KEY="t-6"), 201
    )
    PaymentRequest.objects.filter(pk=created["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    got = checked(api.get(f"{URL}{created['id']}/"), 200)
    assert got["status"] == "expired" and got["expired_at"]
    assert checked(api.post(f"{URL}{created['id']}/resend/"), 201)["resent_from_id"] == created["id"]
