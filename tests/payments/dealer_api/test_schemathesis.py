"""schemathesis over the dealer-system endpoints of /api/schema/ with a token holding every scope
(the hardening issue's run uses a read + request_payments token, which only sees 403s for refunds
and reconciliation): no server error, no response outside the schema, schema-breaking requests
refused. Same harness as the hardening test: the real WSGI app, hypothesis-driven, bounded."""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis

from organizations.api_tokens.services import api_token_create
from payments.models import ReconciliationFile
from tests.factories import CustomerFactory, PaymentRequestFactory, StripeAccountFactory
from tests.payments.tab.conftest import make_payment
from tests.schemathesis_run import examples, operations_run, wsgi_schema

EXAMPLES = examples(positive=15, negative=10)


OURS = (
    "/api/v1/customers",
    "/api/v1/payments",
    "/api/v1/refunds",
    "/api/v1/payouts",
    "/api/v1/reconciliation-files",
)
# Business rules a schema can't state (a refund of a failed or fully refunded payment, a customer
# without phone or email, a taken external id): a schema-valid body may be a 400/404/409 there.
_TOML = r"""
[[operations]]
include-path-regex = '^/api/v1/(customers|payments/\{id\}/refunds)'
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "403", "404", "409", "429"]
"""
CONFIG = schemathesis.config.SchemathesisConfig.from_str(_TOML)


@pytest.fixture
def api_token(db, org, admin_user, advisor, team, settings):
    settings.API_RATE_PER_TOKEN = "1000000/min"
    settings.TWILIO_ACCOUNT_SID = ""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    StripeAccountFactory(organization=org)
    customer = CustomerFactory(organization=org, external_id="DMS-1")
    PaymentRequestFactory(organization=org, team=team, customer=customer, created_by=advisor)
    for status in ("succeeded", "failed", "refunded"):
        make_payment(org=org, team=team, advisor=advisor, customer=customer, status=status)
    for file_team in (None, team):  # stored daily files, so the list has rows to check
        ReconciliationFile.objects.create(
            organization=org, team=file_team, day=dt.date(2026, 3, 8), content="kind\n"
        )
    _, secret = api_token_create(
        user=admin_user,
        name="schemathesis",
        acting_user=admin_user,
        scopes=["read", "request_payments", "reconcile"],
    )  # fmt: skip   (no `refund`: a generated refund would call the real Stripe path)
    return secret


@pytest.fixture
def api_schema(api_token):
    with wsgi_schema(config=CONFIG, token=api_token) as schema:
        yield schema


def test_dealer_endpoints_answer_every_generated_request_within_their_schema(api_schema, api_token, capsys):
    operations = [
        r.ok()
        for r in api_schema.get_all_operations()
        if r.ok().path.startswith(OURS) and "card" not in r.ok().path
    ]  # the card-on-file endpoints are the card issue's
    assert len(operations) >= 12
    cases = operations_run(operations, token=api_token, examples=EXAMPLES)
    with capsys.disabled():
        print(
            f"\nschemathesis (dealer endpoints): {sum(cases.values())} cases over {len(operations)} operations"
        )
    assert all(cases.values())
