"""The gateway's contract with Stripe, over real HTTP against the emulator in strict mode (issue 10).

Every public gateway function that talks to Stripe is called here with the parameters the product
sends (the shapes its services build), and each request must pass the SDK's typed definition for the
pinned API version (stripe_sandbox/definition). A new gateway function fails
`test_every_gateway_function_that_calls_stripe_is_in_the_contract` until it is added here.
"""

from datetime import UTC, datetime, timedelta

import pytest

from payments import gateway
from payments.gateway import accounts as gateway_accounts
from payments.gateway import cards as gateway_cards
from payments.gateway import checkout as gateway_checkout
from payments.gateway import money as gateway_money
from payments.gateway.types import PayoutSchedule
from stripe_sandbox.definition.objects import field_type, resource_class

# Public gateway functions that make no Stripe request (nothing to hold to the definition).
NO_REQUEST = {
    "account_from_event": "reads the account snapshot inside an account.updated event",
    "saved_card_from_event": "reads the card inside a payment_method.* event",
    "webhook_event_verify": "checks Stripe-Signature locally",
}
ADDRESS = {
    "line1": "100 Main St",
    "city": "Springfield",
    "state": "IL",
    "postal_code": "62701",
    "country": "US",
}


def _gateway_functions() -> set[str]:
    return {name for name in gateway.__all__ if name[0].islower() and callable(getattr(gateway, name))}


class Contract:
    """Calls gateway functions and checks that each produced only requests the definition accepts."""

    def __init__(self, stripe_server):
        self.server = stripe_server
        self.called: dict[str, int] = {}

    def __call__(self, function: str, /, **kwargs):
        before = self.server.product_requests()
        result = getattr(gateway, function)(**kwargs)
        after = self.server.product_requests()
        delta = {k: after.get(k, 0) - before.get(k, 0) for k in set(after) | set(before)}
        checked = delta.get("valid", 0) + delta.get("parameterless", 0)
        assert checked >= 1, f"{function} made no request the definition checked: {delta}"
        assert delta.get("invalid", 0) == 0 and delta.get("undefined", 0) == 0, (
            function,
            delta,
            self.server.refused_requests()[-1:],
        )
        self.called[function] = self.called.get(function, 0) + checked
        return result


def _checkout_params(acct: str, key: str, amount: int = 12_550) -> dict:
    """What payments.services.requests sends for a payment request (card + Afterpay where allowed)."""
    return dict(
        account_id=acct,
        amount_minor=amount,
        currency="USD",
        product_name="RO-000123",
        description="Brake service",
        application_fee_minor=438,
        payment_method_types=["card", "afterpay_clearpay"],
        expires_at=datetime.now(UTC) + timedelta(hours=23, minutes=30),
        success_url="http://testserver/pay/tok/done?session_id={CHECKOUT_SESSION_ID}",
        cancel_url="http://testserver/pay/tok",
        metadata={"payment_request_id": "1", "organization_id": "1"},
        customer_email="carla@example.net",
        idempotency_key=key,
    )


@pytest.fixture
def contract(stripe_server):
    return Contract(stripe_server)


def test_every_gateway_function_that_calls_stripe_is_in_the_contract(stripe_server, contract):
    acct = contract(
        "account_create",
        country="US",
        email="ada@smith.example",
        business_name="Smith Tractors LLC",
        business_url="https://smith.example",
        support_phone="+12175550100",
        support_email="service@smith.example",
        address=ADDRESS,
        idempotency_key="account-org1-1",
    ).id
    contract(
        "account_link_create",
        account_id=acct,
        refresh_url="http://testserver/admin-tab/connections/refresh",
        return_url="http://testserver/admin-tab/connections/return",
    )
    stripe_server.complete_onboarding(acct)
    contract("account_retrieve", account_id=acct)
    contract("login_link_create", account_id=acct)
    for schedule in (
        PayoutSchedule(interval="weekly", weekly_anchor="friday", delay_days=3),
        PayoutSchedule(interval="monthly", monthly_anchor=15),
        PayoutSchedule(interval="manual"),
        PayoutSchedule(interval="daily", delay_days=2),
    ):
        contract("account_update", account_id=acct, payout_schedule=schedule)
    contract("account_update", account_id=acct, statement_descriptor="SMITH TRACTORS")

    session = contract("checkout_session_create", **_checkout_params(acct, "checkout-1-1"))
    contract("checkout_session_retrieve", account_id=acct, session_id=session.id)
    assert stripe_server.pay_checkout(session.url).paid
    paid = contract("checkout_session_retrieve", account_id=acct, session_id=session.id)
    intent = contract("payment_intent_retrieve", account_id=acct, payment_intent_id=paid.payment_intent_id)
    single = _checkout_params(acct, "checkout-2-1", amount=60)
    single.update(
        payment_method_types=["card"], customer_email=None, description="", application_fee_minor=32
    )
    other = contract("checkout_session_create", **single)
    contract("checkout_session_expire", account_id=acct, session_id=other.id)

    refund = contract(
        "refund_create",
        account_id=acct,
        payment_intent_id=intent.id,
        amount_minor=5_000,
        reason="requested_by_customer",
        metadata={"refund_id": "9", "payment_id": "3"},
        idempotency_key="refund-9",
    )
    contract("refund_retrieve", account_id=acct, refund_id=refund.id)
    contract(  # the platform fee given back with it (settings.PLATFORM_REFUND_APPLICATION_FEE)
        "refund_create",
        account_id=acct,
        payment_intent_id=intent.id,
        amount_minor=1_000,
        reason=None,
        metadata={"refund_id": "10", "payment_id": "3"},
        idempotency_key="refund-10",
        refund_application_fee=True,
    )
    fee = contract("application_fee_for_charge", account_id=acct, charge_id=intent.latest_charge_id)
    assert fee.amount_refunded > 0 and fee.charge_id == intent.latest_charge_id
    payout_id = stripe_server.create_payout(acct, outcome="paid")["id"]
    contract("payout_retrieve", account_id=acct, payout_id=payout_id)
    contract("balance_transactions_list", account_id=acct, payout_id=payout_id)
    now = int(datetime.now(UTC).timestamp())
    run = contract(
        "report_run_create",
        account_id=acct,
        report_type="balance_change_from_activity.itemized.3",
        interval_start=now - 86_400,
        interval_end=now - 60,
        idempotency_key="report-run-1",
    )
    done = contract("report_run_retrieve", account_id=acct, report_run_id=run.id)
    contract("file_download", file_url=done.result_file_url)
    contract("events_list", account_id=None, created_gte=now - 3600)
    contract("events_list", account_id=acct, created_gte=now - 3600)

    # Saved cards (card on file): the same standard from day one.
    customer = contract(
        "customer_create",
        account_id=acct,
        email="carla@example.net",
        name="Carla Diaz",
        phone="+13125550100",
        metadata={"customer_id": "5"},
        idempotency_key="stripe-customer-5",
    )
    setup = contract(
        "setup_session_create",
        account_id=acct,
        customer_id=customer.id,
        currency="USD",
        locale="fr",
        success_url="http://testserver/cards/saved",
        cancel_url="http://testserver/cards/cancel",
        expires_at=datetime.now(UTC) + timedelta(hours=23),
        metadata={"saved_card_request": "5"},
        idempotency_key="card-setup-5",
    )
    assert stripe_server.save_card(setup.url, card="4242 4242 4242 4242").status == 303
    card = contract("setup_intent_retrieve", account_id=acct, setup_intent_id=setup.setup_intent_id).card
    contract("customer_cards_list", account_id=acct, customer_id=customer.id)
    saved = dict(_checkout_params(acct, "checkout-6-1"), customer_id=customer.id, save_card=True)
    contract("checkout_session_create", **saved)
    contract(
        "off_session_charge_create",
        account_id=acct,
        customer_id=customer.id,
        payment_method_id=card.id,
        amount_minor=10_000,
        currency="USD",
        application_fee_minor=355,
        description="Service plan, March",
        metadata={"card_charge": "1"},
        idempotency_key="card-charge-1",
    )
    contract("payment_method_detach", account_id=acct, payment_method_id=card.id)

    expected = _gateway_functions() - set(NO_REQUEST)
    assert set(contract.called) == expected, (
        f"gateway functions without a contract call: {sorted(expected - set(contract.called))}"
    )
    assert stripe_server.product_requests().get("invalid", 0) == 0


def test_checkout_sends_allowed_payment_method_types_never_the_removed_name(stripe_server, contract):
    acct = gateway.account_create(
        country="US",
        email="ada@smith.example",
        business_name="Smith Tractors LLC",
        business_url="",
        support_phone="",
        support_email="",
        address={},
        idempotency_key="account-org2-1",
    ).id
    stripe_server.complete_onboarding(acct)
    session = contract("checkout_session_create", **_checkout_params(acct, "checkout-3-1"))
    _, _, raw = stripe_server.api("GET", f"/v1/checkout/sessions/{session.id}", account=acct)
    assert raw["allowed_payment_method_types"] == ["card", "afterpay_clearpay"]
    assert raw["payment_method_types"] == ["card", "afterpay_clearpay"]


class Recorder(dict):
    """A Stripe object that records every field a converter reads (dotted paths)."""

    def __init__(self, data: dict, seen: set[str], path: str = ""):
        super().__init__(data)
        self._seen = seen
        self._path = path

    def _child(self, key: str, value):
        path = f"{self._path}.{key}" if self._path else key
        self._seen.add(path)
        if isinstance(value, dict):
            return Recorder(value, self._seen, path)
        if isinstance(value, list):
            return [Recorder(v, self._seen, path) if isinstance(v, dict) else v for v in value]
        return value

    def get(self, key, default=None):
        if key in self:
            return self._child(key, super().__getitem__(key))
        self._seen.add(f"{self._path}.{key}" if self._path else key)
        return default

    def __getitem__(self, key):
        return self._child(key, super().__getitem__(key))


def test_the_gateway_reads_only_fields_the_definition_has(stripe_server):
    """Each converter runs on a real emulator object; every field it reads must exist on Stripe's
    definition of that object (e.g. a typo like `amount_recieved` or a field removed by a new version)."""
    acct = gateway.account_create(
        country="US",
        email="ada@smith.example",
        business_name="Smith Tractors LLC",
        business_url="https://smith.example",
        support_phone="+12175550100",
        support_email="service@smith.example",
        address=ADDRESS,
        idempotency_key="account-org3-1",
    ).id
    stripe_server.complete_onboarding(acct)
    session = gateway.checkout_session_create(**_checkout_params(acct, "checkout-4-1"))
    assert stripe_server.pay_checkout(session.url).paid
    intent_id = gateway.checkout_session_retrieve(account_id=acct, session_id=session.id).payment_intent_id
    refund = gateway.refund_create(
        account_id=acct,
        payment_intent_id=intent_id,
        amount_minor=100,
        reason=None,
        metadata={},
        idempotency_key="refund-1",
    )
    gateway.refund_create(
        account_id=acct,
        payment_intent_id=intent_id,
        amount_minor=100,
        reason=None,
        metadata={},
        idempotency_key="refund-2",
        refund_application_fee=True,
    )
    payout_id = stripe_server.create_payout(acct, outcome="failed")["id"]
    declined = gateway.checkout_session_create(**_checkout_params(acct, "checkout-5-1"))
    assert not stripe_server.pay_checkout(declined.url, card="4000 0000 0000 9995").paid
    declined_intent = gateway.checkout_session_retrieve(
        account_id=acct, session_id=declined.id
    ).payment_intent_id
    now = int(datetime.now(UTC).timestamp())
    run = gateway.report_run_create(
        account_id=acct,
        report_type="payouts.itemized.3",
        interval_start=now - 3600,
        interval_end=now - 60,
        idempotency_key="report-run-2",
    )

    def raw(path: str, **params) -> dict:
        status, _, body = stripe_server.api("GET", path, params or None, account=acct)
        assert status == 200, body
        return body

    customer = gateway.customer_create(
        account_id=acct, email="", name="Carla", phone="", metadata={}, idempotency_key="stripe-customer-1"
    )
    setup = gateway.setup_session_create(
        account_id=acct,
        customer_id=customer.id,
        currency="USD",
        locale="",
        success_url="http://testserver/saved",
        cancel_url="http://testserver/cancel",
        expires_at=datetime.now(UTC) + timedelta(hours=2),
        metadata={},
        idempotency_key="card-setup-1",
    )
    assert stripe_server.save_card(setup.url, card="4242 4242 4242 4242").status == 303
    card_id = gateway.setup_intent_retrieve(account_id=acct, setup_intent_id=setup.setup_intent_id).card.id
    balance_transaction = raw("/v1/balance_transactions", payout=payout_id)["data"][0]
    cases = [
        (gateway_accounts._account_info, "account", raw(f"/v1/accounts/{acct}")),
        (
            gateway_checkout._checkout_session_info,
            "checkout.session",
            raw(f"/v1/checkout/sessions/{session.id}"),
        ),
        (
            gateway_checkout._payment_intent_info,
            "payment_intent",
            raw(f"/v1/payment_intents/{intent_id}", expand=["latest_charge"]),
        ),
        (
            gateway_checkout._payment_intent_info,
            "payment_intent",
            raw(f"/v1/payment_intents/{declined_intent}", expand=["latest_charge"]),
        ),
        (gateway_money._refund_info, "refund", raw(f"/v1/refunds/{refund.id}")),
        (
            gateway_money._application_fee_info,
            "application_fee",
            stripe_server.api(  # the platform's object: no Stripe-Account
                "GET", f"/v1/application_fees/{raw(f'/v1/charges/{refund.charge_id}')['application_fee']}"
            )[2],
        ),
        (gateway_cards._saved_card_info, "payment_method", raw(f"/v1/payment_methods/{card_id}")),
        (gateway_money._payout_info, "payout", raw(f"/v1/payouts/{payout_id}")),
        (gateway_money._balance_transaction_info, "balance_transaction", balance_transaction),
        (gateway_money._report_run_info, "reporting.report_run", raw(f"/v1/reporting/report_runs/{run.id}")),
    ]
    assert raw(f"/v1/payment_intents/{declined_intent}")["last_payment_error"]["decline_code"]
    for convert, kind, obj in cases:
        seen: set[str] = set()
        convert(Recorder(obj, seen))
        cls = resource_class(kind)
        assert seen, kind
        unknown = []
        for path in sorted(seen):
            try:
                field_type(cls, path)
            except KeyError:
                unknown.append(path)
        assert unknown == [], f"{convert.__name__} reads fields {kind} doesn't have: {unknown}"


def test_the_read_check_catches_a_field_the_definition_does_not_have():
    cls = resource_class("payment_intent")
    assert field_type(cls, "latest_charge.payment_method_details.card.last4") is not None
    with pytest.raises(KeyError):
        field_type(cls, "amount_recieved")
    with pytest.raises(KeyError):
        field_type(resource_class("checkout.session"), "payment_method_types.card")
