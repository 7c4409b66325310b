"""API v1 payments, reconciliation, refunds and payouts: scopes, organization scoping (404),
the Payments tab's filters, cursor pages, idempotent refunds over the Stripe emulator."""

import datetime as dt

import pytest
from django.utils import timezone

from organizations.models import Role
from payments.models import Payout, Refund
from tests.factories import TeamFactory, UserFactory
from tests.payments.dealer_api.conftest import checked
from tests.payments.emulator import connected_account, paid_payment
from tests.payments.tab.conftest import make_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def payments(org, other_org, team, advisor):
    sales = TeamFactory(organization=org, name="Sales")
    seller = UserFactory(organization=org, role=Role.ADVISOR, name="Bo Seller", teams=[sales])
    now = timezone.now()
    made = {
        "service": make_payment(
            org=org, team=team, advisor=advisor, amount=12_550, when=now - dt.timedelta(days=1)
        ),
        "sales": make_payment(
            org=org, team=sales, advisor=seller, amount=250_000, when=now - dt.timedelta(days=2)
        ),
        "failed": make_payment(
            org=org, team=team, advisor=advisor, amount=7_000, status="failed", fee_minor=0
        ),
    }
    rival_team = TeamFactory(organization=other_org)
    rival = UserFactory(organization=other_org, role=Role.ADMIN, teams=[rival_team])
    made["rival"] = make_payment(org=other_org, team=rival_team, advisor=rival, amount=999)
    return made


def test_list_and_filters_as_on_the_payments_tab(token_client, payments, team):
    reader = token_client(["read"])
    everything = checked(reader.get("/api/v1/payments/"), 200)
    ids = [p["id"] for p in everything["results"]]
    assert payments["rival"].pk not in ids and set(ids) == {
        payments[k].pk for k in ("service", "sales", "failed")
    }
    service = checked(reader.get("/api/v1/payments/", {"team_id": team.pk, "status": "paid"}), 200)["results"]
    assert [p["id"] for p in service] == [payments["service"].pk]
    row = service[0]
    assert (row["team"], row["advisor"], row["net_minor"]) == (
        "Service",
        "Avery Advisor",
        12_550 - row["fee_minor"],
    )
    big = checked(reader.get("/api/v1/payments/", {"amount_min_minor": 100_000}), 200)["results"]
    assert [p["id"] for p in big] == [payments["sales"].pk]
    bad = checked(reader.get("/api/v1/payments/", {"team_id": 987654}), 404)
    assert "team_id" in bad["extra"]["fields"]
    page = checked(reader.get("/api/v1/payments/", {"limit": 1}), 200)
    assert len(page["results"]) == 1 and page["next"]
    assert checked(reader.get(page["next"]), 200)["results"][0]["id"] != page["results"][0]["id"]
    assert checked(reader.get(f"/api/v1/payments/{payments['rival'].pk}/"), 404)
    assert checked(reader.get(f"/api/v1/payments/{payments['service'].pk}/"), 200)["refunds"] == []


def test_reconcile_many_and_undo_needs_the_reconcile_scope(token_client, payments):
    ids = [payments["service"].pk, payments["sales"].pk, payments["failed"].pk]
    assert checked(
        token_client(["read"]).post("/api/v1/payments/reconcile/", {"payment_ids": ids}, format="json"), 403
    )
    api = token_client(["read", "reconcile"])
    done = checked(
        api.post(
            "/api/v1/payments/reconcile/", {"payment_ids": ids, "document_number": "RO-5531"}, format="json"
        ),
        200,
    )
    assert done["changed"] == 2  # the failed attempt is left as it was
    by_id = {p["id"]: p for p in done["payments"]}
    assert by_id[payments["service"].pk]["dms_document_number"] == "RO-5531"
    assert (
        by_id[payments["service"].pk]["reconciled_at"]
        and by_id[payments["failed"].pk]["reconciled_at"] is None
    )
    other = checked(
        api.post("/api/v1/payments/reconcile/", {"payment_ids": [payments["rival"].pk]}, format="json"), 404
    )
    assert "payment_ids" in other["extra"]["fields"]
    undone = checked(api.post("/api/v1/payments/unreconcile/", {"payment_ids": ids[:1]}, format="json"), 200)
    assert undone["changed"] == 1 and undone["payments"][0]["reconciled_at"] is None


def test_an_advisors_token_cannot_reconcile_even_with_the_scope(token_client, payments, advisor):
    api = token_client(["read", "reconcile"], acting_user=advisor)
    done = checked(
        api.post("/api/v1/payments/reconcile/", {"payment_ids": [payments["service"].pk]}, format="json"), 200
    )
    assert done["changed"] == 0  # permissions.can_reconcile: Managers and Admins only


def test_refund_over_stripe_is_idempotent_and_follows_the_web_rules(
    stripe_server, token_client, org, team, advisor, customer, other_org
):
    account = connected_account(stripe_server, org)
    payment = paid_payment(
        stripe_server, account=account, team=team, advisor=advisor, amount=20_000, customer=customer
    )
    url = f"/api/v1/payments/{payment.pk}/refunds/"
    assert checked(
        token_client(["read"]).post(url, {"amount_minor": 5_000}, format="json", HTTP_IDEMPOTENCY_KEY="r1"),
        403,
    )
    api = token_client(["read", "refund"])
    assert (
        "Idempotency-Key"
        in checked(api.post(url, {"amount_minor": 5_000}, format="json"), 400)["extra"]["fields"]
    )
    first = checked(
        api.post(
            url, {"amount_minor": 5_000, "note": "Loaner fee"}, format="json", HTTP_IDEMPOTENCY_KEY="r1"
        ),
        201,
    )
    again = checked(
        api.post(
            url, {"amount_minor": 5_000, "note": "Loaner fee"}, format="json", HTTP_IDEMPOTENCY_KEY="r1"
        ),
        200,
    )
    assert (
        first["id"] == again["id"]
        and Refund.objects.count() == 1
        and first["status"] in ("pending", "succeeded")
    )
    assert (
        Refund.objects.get().stripe_refund_id
    )  # one row, one Stripe refund (its key is derived from the row)
    conflict = checked(
        api.post(
            url, {"amount_minor": 6_000, "note": "Loaner fee"}, format="json", HTTP_IDEMPOTENCY_KEY="r1"
        ),
        409,
    )
    assert "amount_minor" in conflict["extra"]["fields"]
    too_much = checked(api.post(url, {"amount_minor": 15_001}, format="json", HTTP_IDEMPOTENCY_KEY="r2"), 400)
    assert "amount_minor" in too_much["extra"]["fields"] and "150.00" in too_much["message"]
    assert (
        checked(api.get("/api/v1/refunds/", {"payment_id": payment.pk}), 200)["results"][0]["id"]
        == first["id"]
    )
    assert checked(api.get(f"/api/v1/refunds/{first['id']}/"), 200)["amount_minor"] == 5_000
    rival_admin = UserFactory(organization=other_org, role=Role.ADMIN)
    from rest_framework.test import APIClient

    from organizations.api_tokens.services import api_token_create

    _, secret = api_token_create(
        user=rival_admin, name="Rival", acting_user=rival_admin, scopes=["read", "refund"]
    )
    rival = APIClient()
    rival.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert checked(rival.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="x"), 404)
    assert checked(rival.get(f"/api/v1/refunds/{first['id']}/"), 404)


def test_payouts_with_their_payments_refunds_and_fees(token_client, payments, org, other_org):
    payout = Payout.objects.create(
        organization=org,
        stripe_account=payments["service"].stripe_account,
        stripe_payout_id="po_test_1",
        amount_minor=payments["service"].amount_minor - payments["service"].fee_minor,
        currency="USD",
        status="paid",
        arrival_date=timezone.now().date(),
    )
    payments["service"].payout = payout
    payments["service"].save(update_fields=["payout"])
    reader = token_client(["read"])
    [listed] = checked(reader.get("/api/v1/payouts/"), 200)["results"]
    assert (listed["gross_minor"], listed["fees_minor"], listed["other_minor"]) == (
        12_550, payments["service"].fee_minor, 0
    )  # fmt: skip
    detail = checked(reader.get(f"/api/v1/payouts/{payout.pk}/"), 200)
    assert [p["id"] for p in detail["payments"]] == [payments["service"].pk] and detail["refunds"] == []
    rival = Payout.objects.create(
        organization=other_org, stripe_account=payments["rival"].stripe_account, stripe_payout_id="po_rival",
        amount_minor=1, currency="USD", status="paid",
    )  # fmt: skip
    assert checked(reader.get(f"/api/v1/payouts/{rival.pk}/"), 404)
