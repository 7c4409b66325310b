"""REST API v1 for card on file, with organization API tokens, against the emulator; every response
checked against the published OpenAPI schema. Idempotency-Key is required for charges and plans."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from organizations.api_tokens.services import api_token_create
from payments.cards import plans
from payments.models import CardCharge, SavedCard
from tests.factories import CustomerFactory, OrganizationFactory, UserFactory
from tests.payments.cards.test_card_flows import save_card_from_link
from tests.payments.requests.openapi_check import assert_matches_schema


@pytest.fixture
def api(admin_user, manager):
    _, secret = api_token_create(user=admin_user, name="DMS", acting_user=manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def checked(response, status):
    assert response.status_code == status, response.content
    assert_matches_schema(response)
    return response.json()


@pytest.mark.django_db
def test_list_cards_charge_with_a_required_idempotency_key_and_plans(
    api, client, stripe_server, manager, customer, team, account, deliver
):
    save_card_from_link(client, stripe_server, manager, customer, deliver=deliver)
    card = SavedCard.objects.get(customer=customer)
    cards = checked(api.get(f"/api/v1/customers/{customer.pk}/saved-cards/"), 200)
    assert [(c["id"], c["last4"], c["chargeable"]) for c in cards] == [(card.pk, "4242", True)]
    url = f"/api/v1/saved-cards/{card.pk}/charges/"
    body = {"amount_minor": 4_200, "description": "Wiper blades", "reference": "RO-77"}
    missing = checked(api.post(url, body, format="json"), 400)
    assert "Idempotency-Key" in missing["extra"]["fields"]
    assert CardCharge.objects.count() == 0
    first = checked(api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="dms-77"), 201)
    again = checked(api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="dms-77"), 200)
    assert first["id"] == again["id"] and first["status"] == "succeeded"
    other = checked(
        api.post(url, {**body, "amount_minor": 99_00}, format="json", HTTP_IDEMPOTENCY_KEY="dms-77"), 409
    )
    assert other["extra"]["charge_id"] == first["id"]
    assert stripe_server.charges_summary()["succeeded"] == 1
    assert checked(api.get(f"/api/v1/card-charges/{first['id']}/"), 200)["amount_minor"] == 4_200
    bad = checked(
        api.post(url, {**body, "amount_minor": 10}, format="json", HTTP_IDEMPOTENCY_KEY="dms-78"), 400
    )
    assert "amount_minor" in bad["extra"]["fields"]

    today = plans.organization_today(customer.organization)
    plan_body = {
        "card_id": card.pk,
        "description": "Deposit then delivery",
        "reference": "DEAL-5",
        "installments": [
            {"due_date": (today + timedelta(days=30)).isoformat(), "amount_minor": 50_000},
            {"due_date": (today + timedelta(days=60)).isoformat(), "amount_minor": 150_000},
        ],
    }
    assert checked(api.post("/api/v1/installment-plans/", plan_body, format="json"), 400)
    plan = checked(
        api.post("/api/v1/installment-plans/", plan_body, format="json", HTTP_IDEMPOTENCY_KEY="p1"), 201
    )
    assert plan["total_minor"] == 200_000 and [i["status"] for i in plan["installments"]] == ["scheduled"] * 2
    same = checked(
        api.post("/api/v1/installment-plans/", plan_body, format="json", HTTP_IDEMPOTENCY_KEY="p1"), 200
    )
    assert same["id"] == plan["id"]
    assert checked(api.get(f"/api/v1/installment-plans/{plan['id']}/"), 200)["reference"] == "DEAL-5"


@pytest.mark.django_db
def test_another_organizations_card_is_404(api):
    stranger = CustomerFactory(organization=OrganizationFactory())
    checked(api.get(f"/api/v1/customers/{stranger.pk}/saved-cards/"), 404)
    checked(api.post("/api/v1/saved-cards/999999/charges/", {}, format="json", HTTP_IDEMPOTENCY_KEY="x"), 404)
    assert UserFactory  # factories import check


@pytest.mark.django_db
def test_schema_lists_the_card_endpoints(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml"))
    text = (tmp_path / "schema.yml").read_text()
    for path in (
        "/api/v1/saved-cards/{card_id}/charges/",
        "/api/v1/installment-plans/",
        "/api/v1/customers/{customer_id}/saved-cards/",
    ):
        assert path in text
