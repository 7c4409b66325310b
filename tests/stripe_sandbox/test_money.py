"""Refunds, payouts, disputes, balance transactions and report runs."""

import csv
import io

import pytest
import stripe


@pytest.fixture
def paid(stripe_server, sdk, make_account, make_session):
    """(account id, PaymentIntent id, charge id) of a $123.45 card payment with a $4.31 platform fee."""

    def pay(card: str = "4242424242424242"):
        account_id = make_account()
        session = make_session(account_id)
        assert stripe_server.pay_checkout(session.url, card=card).paid
        session = sdk.v1.checkout.sessions.retrieve(session.id, None, {"stripe_account": account_id})
        intent = sdk.v1.payment_intents.retrieve(session.payment_intent, None, {"stripe_account": account_id})
        stripe_server.take_held()
        return account_id, intent.id, intent.latest_charge

    return pay


def test_partial_refunds_up_to_the_remaining_amount(stripe_server, sdk, paid):
    account_id, intent_id, charge_id = paid()
    opts = {"stripe_account": account_id}
    first = sdk.v1.refunds.create(
        {
            "payment_intent": intent_id,
            "amount": 2_345,
            "reason": "requested_by_customer",
            "metadata": {"refund": "9"},
        },
        {**opts, "idempotency_key": "refund-9"},
    )
    assert (first.status, first.amount, first.charge, first.payment_intent) == (
        "succeeded",
        2_345,
        charge_id,
        intent_id,
    )
    assert first.metadata.to_dict() == {"refund": "9"}
    assert stripe_server.held_types() == ["refund.created", "charge.refunded"]
    refunded = stripe_server.take_held()[1].event["data"]
    assert refunded["object"]["amount_refunded"] == 2_345 and refunded["object"]["refunded"] is False
    assert refunded["previous_attributes"] == {"amount_refunded": 0, "refunded": False}
    # a retry with the same key is the same refund, not a second one
    replay = sdk.v1.refunds.create(
        {
            "payment_intent": intent_id,
            "amount": 2_345,
            "reason": "requested_by_customer",
            "metadata": {"refund": "9"},
        },
        {**opts, "idempotency_key": "refund-9"},
    )
    assert replay.id == first.id and stripe_server.held() == []
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sdk.v1.refunds.create({"payment_intent": intent_id, "amount": 10_001}, opts)
    assert exc.value.param == "amount" and "greater than unrefunded amount" in str(exc.value)
    rest = sdk.v1.refunds.create({"payment_intent": intent_id}, opts)
    assert rest.amount == 10_000
    charge = sdk.v1.charges.retrieve(charge_id, None, opts)
    assert charge.refunded is True and charge.amount_refunded == 12_345
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sdk.v1.refunds.create({"payment_intent": intent_id, "amount": 1}, opts)
    assert exc.value.code == "charge_already_refunded"
    txn = sdk.v1.balance_transactions.retrieve(rest.balance_transaction, None, opts)
    assert (txn.type, txn.amount, txn.net) == ("refund", -10_000, -10_000)


@pytest.mark.parametrize(
    "params, param",
    [({"amount": 100}, None), ({"payment_intent": "pi_x", "reason": "changed_mind"}, "reason")],
)
def test_refund_params_are_validated(sdk, paid, params, param):
    account_id, intent_id, _ = paid()
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sdk.v1.refunds.create(
            {**params, **({"payment_intent": intent_id} if "payment_intent" in params else {})},
            {"stripe_account": account_id},
        )
    assert exc.value.param == param


def test_refund_on_an_unpaid_intent_is_refused(stripe_server, sdk, make_account, make_session):
    account_id = make_account()
    session = make_session(account_id)
    stripe_server.pay_checkout(session.url, card="4000000000000002")
    intent_id = sdk.v1.checkout.sessions.retrieve(
        session.id, None, {"stripe_account": account_id}
    ).payment_intent
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sdk.v1.refunds.create({"payment_intent": intent_id}, {"stripe_account": account_id})
    assert exc.value.param == "payment_intent"


def test_refund_on_the_refund_failure_test_card_fails_afterwards(stripe_server, sdk, paid):
    account_id, intent_id, charge_id = paid(card="4000000000005126")
    opts = {"stripe_account": account_id}
    refund = sdk.v1.refunds.create({"payment_intent": intent_id}, opts)
    assert refund.status == "succeeded"
    later = sdk.v1.refunds.retrieve(refund.id, None, opts)
    assert later.status == "failed" and later.failure_reason == "expired_or_canceled_card"
    assert "refund.updated" in stripe_server.held_types() and "refund.failed" in stripe_server.held_types()
    assert sdk.v1.charges.retrieve(charge_id, None, opts).amount_refunded == 0


def test_payout_sweeps_the_balance_and_lists_its_transactions(stripe_server, sdk, paid):
    account_id, intent_id, charge_id = paid()
    opts = {"stripe_account": account_id}
    sdk.v1.refunds.create({"payment_intent": intent_id, "amount": 1_000}, opts)
    stripe_server.take_held()
    payout = stripe_server.create_payout(account_id)
    assert payout["amount"] == 12_345 - 431 - 1_000
    assert stripe_server.held_types() == ["payout.created", "payout.updated", "payout.paid"]
    assert stripe_server.held()[-1].event["account"] == account_id
    fetched = sdk.v1.payouts.retrieve(payout["id"], None, opts)
    assert fetched.status == "paid" and fetched.amount == payout["amount"]
    txns = sdk.v1.balance_transactions.list({"payout": payout["id"], "limit": 100}, opts).data
    by_type = {t.type: t for t in txns}
    assert set(by_type) == {"charge", "refund", "payout"}
    assert by_type["charge"].source == charge_id and by_type["charge"].fee == 431
    assert sum(t.net for t in txns) == 0
    balance = stripe_server.api("GET", "/v1/balance", account=account_id)[2]
    assert balance["available"][0]["amount"] == 0
    with pytest.raises(AssertionError):
        stripe_server.create_payout(account_id)  # nothing left to pay out


def test_payout_to_a_failing_test_bank_account_fails(stripe_server, sdk, make_account, make_session):
    account_id = make_account(onboarded=False)
    link = sdk.v1.account_links.create(
        {
            "account": account_id,
            "type": "account_onboarding",
            "refresh_url": "https://a.example/r",
            "return_url": "https://a.example/done",
        }
    )
    assert stripe_server.onboard(link.url, steps=3, account_number="000111111113") == "https://a.example/done"
    stripe_server.pay_checkout(make_session(account_id).url)
    stripe_server.take_held()
    payout = stripe_server.create_payout(account_id)
    assert payout["status"] == "failed" and payout["failure_code"] == "account_closed"
    assert stripe_server.held_types()[-1] == "payout.failed"
    balance = stripe_server.api("GET", "/v1/balance", account=account_id)[2]
    assert balance["available"][0]["amount"] == 12_345 - 431  # the money came back


def test_dispute_control_and_the_auto_dispute_test_card(stripe_server, sdk, paid):
    account_id, _, charge_id = paid()
    dispute = stripe_server.dispute(charge_id)
    assert dispute["charge"] == charge_id and dispute["status"] == "needs_response"
    (event,) = [d.event for d in stripe_server.take_held()]
    assert event["type"] == "charge.dispute.created" and event["account"] == account_id
    assert sdk.v1.charges.retrieve(charge_id, None, {"stripe_account": account_id}).disputed is True
    account_id, _, charge_id = paid(card="4000000000000259")
    disputes = stripe_server.api("GET", "/v1/disputes", {"charge": charge_id}, account=account_id)[2]["data"]
    assert len(disputes) == 1


def test_report_run_succeeds_with_a_csv_of_the_accounts_balance_transactions(stripe_server, sdk, paid):
    account_id, intent_id, charge_id = paid()
    opts = {"stripe_account": account_id}
    sdk.v1.refunds.create({"payment_intent": intent_id, "amount": 345}, opts)
    paid()  # another account's money must not show up
    clock = stripe_server.api("GET", "/_sandbox/clock")[2]["now"]
    run = sdk.v1.reporting.report_runs.create(
        {
            "report_type": "balance_change_from_activity.itemized.3",
            "parameters": {"interval_start": clock - 3600, "interval_end": clock + 1},
        },
        {**opts, "idempotency_key": "report-1"},
    )
    assert run.status == "pending" and run.id.startswith("frr_")
    report_type = stripe_server.api(
        "GET", "/v1/reporting/report_types/balance_change_from_activity.itemized.3", account=account_id
    )[2]
    assert report_type["data_available_end"] >= clock
    run = sdk.v1.reporting.report_runs.retrieve(run.id, None, opts)
    assert run.status == "succeeded" and run.result.url.endswith(f"/v1/files/{run.result.id}/contents")
    status, _, body = stripe_server.api("GET", f"/v1/files/{run.result.id}/contents")
    assert status == 200
    rows = list(csv.DictReader(io.StringIO(body.decode() if isinstance(body, bytes) else body)))
    charge_row = next(r for r in rows if r["reporting_category"] == "charge")
    assert (charge_row["gross"], charge_row["fee"], charge_row["net"]) == ("123.45", "4.31", "119.14")
    assert charge_row["charge_id"] == charge_id and charge_row["payment_intent_id"] == intent_id
    assert [r["gross"] for r in rows if r["reporting_category"] == "refund"] == ["-3.45"]
    assert len(rows) == 2
    # another account can't read the file
    other = paid()[0]
    assert stripe_server.api("GET", f"/v1/files/{run.result.id}/contents", account=other)[0] == 404


@pytest.mark.parametrize(
    "params, param",
    [
        ({"report_type": "made.up.1"}, "report_type"),
        (
            {"report_type": "payouts.itemized.3", "parameters": {"interval_start": 20, "interval_end": 10}},
            "parameters[interval_start]",
        ),
        ({}, "report_type"),
    ],
)
def test_report_run_validation(sdk, make_account, params, param):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sdk.v1.reporting.report_runs.create(params, {"stripe_account": make_account()})
    assert exc.value.param == param


def test_refund_metadata_update_emits_refund_updated(stripe_server, sdk, paid):
    account_id, intent_id, _ = paid()
    opts = {"stripe_account": account_id}
    refund = sdk.v1.refunds.create({"payment_intent": intent_id, "amount": 500}, opts)
    stripe_server.take_held()
    updated = sdk.v1.refunds.update(refund.id, {"metadata": {"note": "goodwill"}}, opts)
    assert updated.metadata.to_dict() == {"note": "goodwill"}
    (event,) = [d.event for d in stripe_server.take_held()]
    assert event["type"] == "refund.updated" and event["data"]["previous_attributes"] == {"metadata": {}}
