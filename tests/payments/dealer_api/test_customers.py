"""API v1 customers: scopes, organization scoping, idempotent create, upsert by external id."""

import pytest

from customers.models import Customer
from tests.factories import CustomerFactory
from tests.payments.dealer_api.conftest import checked

pytestmark = pytest.mark.django_db
URL = "/api/v1/customers/"
MARIE = {
    "name": "Marie-Ève Tremblay",
    "phone": "+15145550123",
    "email": "Marie@Example.com",
    "language": "fr",
}


def test_create_needs_the_request_payments_scope_and_an_idempotency_key(token_client):
    reader = token_client(["read"])
    assert checked(reader.post(URL, MARIE, format="json", HTTP_IDEMPOTENCY_KEY="k1"), 403)[
        "message"
    ].startswith("This API token lacks the 'request_payments' scope")
    writer = token_client(["read", "request_payments"])
    missing = checked(writer.post(URL, MARIE, format="json"), 400)
    assert "Idempotency-Key" in missing["extra"]["fields"]
    first = checked(
        writer.post(URL, {**MARIE, "external_id": "C-100"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"), 201
    )
    again = checked(
        writer.post(URL, {**MARIE, "external_id": "C-100"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"), 200
    )
    assert first["id"] == again["id"] and Customer.objects.count() == 1
    assert (
        first["email"] == "marie@example.com"
        and first["language"] == "fr"
        and first["phone"] == "+15145550123"
    )
    changed = checked(
        writer.post(URL, {**MARIE, "name": "Other"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"), 409
    )
    assert list(changed["extra"]["fields"]) == ["name"]
    taken = checked(
        writer.post(URL, {**MARIE, "external_id": "C-100"}, format="json", HTTP_IDEMPOTENCY_KEY="k2"), 400
    )
    assert "external_id" in taken["extra"]["fields"]


def test_put_by_external_id_creates_then_updates(token_client):
    writer = token_client(["read", "request_payments"])
    created = checked(writer.put(f"{URL}by-external-id/DMS-7/", MARIE, format="json"), 201)
    updated = checked(
        writer.put(f"{URL}by-external-id/DMS-7/", {**MARIE, "name": "Marie Tremblay"}, format="json"), 200
    )
    assert (
        created["id"] == updated["id"]
        and updated["name"] == "Marie Tremblay"
        and updated["external_id"] == "DMS-7"
    )
    assert checked(writer.get(f"{URL}by-external-id/DMS-7/"), 200)["id"] == created["id"]
    assert [c["id"] for c in checked(writer.get(URL, {"external_id": "DMS-7"}), 200)["results"]] == [
        created["id"]
    ]
    bad = checked(writer.put(f"{URL}by-external-id/DMS-8/", {"name": "No Contact"}, format="json"), 400)
    assert "phone" in bad["extra"]["fields"]
    assert checked(token_client(["read"]).put(f"{URL}by-external-id/DMS-7/", MARIE, format="json"), 403)


def test_another_organizations_customer_is_404_and_search_is_scoped(token_client, other_org, customer):
    theirs = CustomerFactory(organization=other_org, name="Carla Rival", external_id="DMS-7")
    reader = token_client(["read"])
    assert checked(reader.get(f"{URL}{theirs.pk}/"), 404)
    assert checked(reader.get(f"{URL}by-external-id/DMS-7/"), 404)
    assert [c["id"] for c in checked(reader.get(URL, {"q": "Carla"}), 200)["results"]] == [customer.pk]
    writer = token_client(["read", "request_payments"])
    assert checked(writer.patch(f"{URL}{theirs.pk}/", {"name": "X"}, format="json"), 404)
    assert checked(writer.patch(f"{URL}{customer.pk}/", {"email": "new@example.net"}, format="json"), 200)[
        "email"
    ] == ("new@example.net")


def test_cursor_pagination(token_client, org):
    for n in range(5):
        CustomerFactory(organization=org, name=f"Customer {n}")
    reader = token_client(["read"])
    page = checked(reader.get(URL, {"limit": 2}), 200)
    seen = [c["id"] for c in page["results"]]
    while page["next"]:
        page = checked(reader.get(page["next"]), 200)
        seen += [c["id"] for c in page["results"]]
    assert seen == sorted(
        Customer.objects.filter(organization=org).values_list("pk", flat=True), reverse=True
    )


def test_a_payment_request_with_the_customer_inline_upserts_it_by_external_id(token_client, advisor, org):
    from payments.models import PaymentRequestEvent
    from tests.factories import StripeAccountFactory

    StripeAccountFactory(organization=org)
    api = token_client(["read", "request_payments"], acting_user=advisor)
    body = {
        "customer": {**MARIE, "external_id": "DMS-9"},
        "amount_minor": 12_550,
        "description": "Brake service",
        "reference": "RO-7781",
        "channel": "sms",
    }
    first = checked(
        api.post("/api/v1/payment-requests/create/", body, format="json", HTTP_IDEMPOTENCY_KEY="a"), 201
    )
    customer = Customer.objects.get(external_id="DMS-9")
    assert first["customer_id"] == customer.pk and first["reference"] == "RO-7781"
    retry = checked(
        api.post("/api/v1/payment-requests/create/", body, format="json", HTTP_IDEMPOTENCY_KEY="a"), 200
    )
    assert retry["id"] == first["id"]
    body["customer"]["name"] = "Marie Tremblay"  # the DMS renamed her: the same customer, updated
    second = checked(
        api.post("/api/v1/payment-requests/create/", body, format="json", HTTP_IDEMPOTENCY_KEY="b"), 201
    )
    assert second["customer_id"] == customer.pk and Customer.objects.filter(organization=org).count() == 1
    assert Customer.objects.get(pk=customer.pk).name == "Marie Tremblay"
    no_key = {**body, "channel": "email", "customer": {"name": "New Person", "email": "new@example.com"}}
    third = checked(
        api.post("/api/v1/payment-requests/create/", no_key, format="json", HTTP_IDEMPOTENCY_KEY="c"), 201
    )
    assert Customer.objects.get(pk=third["customer_id"]).name == "New Person"
    assert PaymentRequestEvent.objects.filter(kind="sent").count() == 3
