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


def _client(admin_user, acting_user, scopes):
    _, secret = api_token_create(user=admin_user, name="DMS", acting_user=acting_user, scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def api(admin_user, manager):
    return _client(admin_user, manager, ["read", "charge_saved_cards"])


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
def test_charging_needs_the_charge_saved_cards_scope_not_request_payments(
    admin_user, client, stripe_server, manager, customer, team, account, deliver
):
    save_card_from_link(client, stripe_server, manager, customer, deliver=deliver)
    card = SavedCard.objects.get(customer=customer)
    body = {"amount_minor": 4_200, "description": "Wiper blades", "reference": "RO-77"}
    plan_body = {
        "card_id": card.pk,
        "description": "Deposit",
        "reference": "DEAL-6",
        "installments": [
            {"due_date": (plans.organization_today(customer.organization) + timedelta(days=30)).isoformat(),
             "amount_minor": 50_000},
        ],
    }  # fmt: skip
    requester = _client(admin_user, manager, ["read", "request_payments", "refund", "reconcile"])
    for url, payload in (
        (f"/api/v1/saved-cards/{card.pk}/charges/", body),
        ("/api/v1/installment-plans/", plan_body),
    ):
        denied = checked(requester.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="k1"), 403)
        assert denied["message"].startswith("This API token lacks the 'charge_saved_cards' scope")
    assert CardCharge.objects.count() == 0 and stripe_server.charges_summary().get("succeeded", 0) == 0

    charger = _client(admin_user, manager, ["charge_saved_cards"])
    assert (
        checked(
            charger.post(
                f"/api/v1/saved-cards/{card.pk}/charges/", body, format="json", HTTP_IDEMPOTENCY_KEY="k2"
            ),
            201,
        )["status"]
        == "succeeded"
    )
    assert checked(
        charger.post("/api/v1/installment-plans/", plan_body, format="json", HTTP_IDEMPOTENCY_KEY="k3"), 201
    )
    # the scope never widens the person's own rule (an Advisor may charge only where the Admin allows)
    advisor = UserFactory(organization=customer.organization, role="advisor", teams=[team])
    as_advisor = _client(admin_user, advisor, ["charge_saved_cards"])
    url = f"/api/v1/saved-cards/{card.pk}/charges/"
    refused = checked(as_advisor.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k4"), 400)
    assert "may charge saved cards" in refused["extra"]["fields"]["team_id"][0]
    assert CardCharge.objects.count() == 1


@pytest.mark.django_db
def test_tokens_made_before_the_scope_keep_charging_and_new_ones_do_not_by_default(admin_user, manager):
    from importlib import import_module

    from django.apps import apps

    from organizations.models import ApiToken, default_api_scopes

    migration = import_module("organizations.migrations.0007_apitoken_charge_saved_cards_scope")
    old_writer, _ = api_token_create(
        user=admin_user, name="old", acting_user=manager, scopes=["read", "request_payments"]
    )
    old_reader, _ = api_token_create(user=admin_user, name="ro", acting_user=manager, scopes=["read"])
    migration.grant(apps, None)
    assert ApiToken.objects.get(pk=old_writer.pk).scopes == ["read", "request_payments", "charge_saved_cards"]
    assert ApiToken.objects.get(pk=old_reader.pk).scopes == ["read"]
    assert "charge_saved_cards" not in default_api_scopes()


@pytest.mark.django_db
def test_the_admin_token_form_offers_the_scope(client, admin_user, manager):
    from organizations.models import ApiToken

    client.force_login(admin_user)
    page = client.get("/admin-tab/api-tokens/").content.decode()
    assert 'value="charge_saved_cards"' in page and "without the customer acting" in page
    client.post(
        "/admin-tab/api-tokens/",
        {"name": "DMS charges", "acting_user": manager.pk, "scopes": ["read", "charge_saved_cards"]},
    )
    assert ApiToken.objects.get(name="DMS charges").scopes == ["read", "charge_saved_cards"]


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
