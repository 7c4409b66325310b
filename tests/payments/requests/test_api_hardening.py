"""Issue 11, items 4 to 6 on the REST API: no input gives a 5xx (huge ids, deeply nested JSON,
non-integer ids, an empty filter), every error has the one shape {"message", "extra"}, creating
needs an Idempotency-Key, and each token is rate-limited with 429 + Retry-After."""

import pytest
from rest_framework.test import APIClient

from organizations.api_tokens.services import api_token_create
from payments.models import PaymentRequest
from tests.factories import StripeAccountFactory
from tests.payments.requests.openapi_check import assert_matches_schema, openapi_schema

URL = "/api/v1/payment-requests/"


@pytest.fixture
def api(admin_user, advisor, org):
    StripeAccountFactory(organization=org)
    _, secret = api_token_create(user=admin_user, name="DMS", acting_user=advisor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def error_of(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    data = response.json()
    assert set(data) == {"message", "extra"} and data["message"], data
    return data


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


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999999999999999999", "-99999999999999999999", "9223372036854775808"])
def test_a_huge_customer_id_filter_is_a_400_naming_it(api, value):
    data = error_of(api.get(URL, {"customer_id": value}), 400)
    assert "customer_id" in data["extra"]["fields"]


@pytest.mark.django_db
def test_huge_ids_in_the_body_are_400s(api, customer):
    for field in ("customer_id", "opportunity_id", "team_id", "amount_minor"):
        response = api.post(
            URL + "create/",
            body(customer, **{field: 10**30}),
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"huge-{field}",
        )
        data = error_of(response, 400)
        assert field in data["extra"]["fields"], data


@pytest.mark.django_db
def test_a_huge_id_in_the_path_is_a_json_404(api):
    error_of(api.get(f"{URL}99999999999999999999/"), 404)
    error_of(api.post(f"{URL}99999999999999999999/cancel/"), 404)


@pytest.mark.django_db
def test_deeply_nested_json_is_a_400(api):
    response = api.generic(
        "POST", URL + "create/", "[" * 100_000, content_type="application/json", HTTP_IDEMPOTENCY_KEY="deep"
    )
    data = error_of(response, 400)
    assert "JSON" in data["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [f"{URL}abc/", f"{URL}abc/cancel/", "/api/v1/nothing-here/", f"{URL}1.5/"])
def test_api_404s_are_json_in_the_error_shape(api, path):
    error_of(api.get(path), 404)


@pytest.mark.django_db
def test_an_empty_status_filter_is_refused_with_a_message(api):
    data = error_of(api.get(URL, {"status": ""}), 400)
    assert "status" in data["extra"]["fields"] and "status" in data["message"]


@pytest.mark.django_db
def test_create_without_idempotency_key_is_a_400_naming_it(api, customer):
    data = error_of(api.post(URL + "create/", body(customer), format="json"), 400)
    assert "Idempotency-Key" in data["message"] and "Idempotency-Key" in data["extra"]["fields"]
    assert PaymentRequest.objects.count() == 0
    blank = error_of(api.post(URL + "create/", body(customer), format="json", HTTP_IDEMPOTENCY_KEY="  "), 400)
    assert "Idempotency-Key" in blank["message"]
    assert PaymentRequest.objects.count() == 0


def test_the_schema_documents_the_required_idempotency_key():
    operation = openapi_schema()["paths"][f"{URL}create/"]["post"]
    header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and header["required"] is True
    assert "400" in operation["responses"] and "429" in operation["responses"]


@pytest.mark.django_db
def test_each_token_is_rate_limited_with_429_and_retry_after(api, settings, admin_user, advisor):
    settings.API_RATE_PER_TOKEN = "5/min"
    for _ in range(5):
        assert api.get(URL).status_code == 200
    limited = api.get(URL)
    data = error_of(limited, 429)
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert "throttled" in data["message"].lower() or "too many" in data["message"].lower()
    assert_matches_schema(limited)
    # another token of the same organization has its own budget
    _, other_secret = api_token_create(user=admin_user, name="CRM", acting_user=advisor)
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {other_secret}")
    assert other.get(URL).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["amount_minor", "customer_id"])
def test_the_api_takes_ascii_digits_only(api, customer, field):
    """QA regression (issue 11, item 1): the API took "١٢٣" as 123."""
    value = "١٢٣٤٥" if field == "amount_minor" else "".join(chr(0x0660 + int(d)) for d in str(customer.pk))
    response = api.post(
        URL + "create/", body(customer, **{field: value}), format="json", HTTP_IDEMPOTENCY_KEY="ar"
    )
    data = error_of(response, 400)
    assert data["extra"]["fields"][field] == ["Use the digits 0-9 only."]
    assert PaymentRequest.objects.count() == 0
