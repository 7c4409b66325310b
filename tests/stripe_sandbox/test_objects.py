"""Every object the emulator returns or sends in an event carries the fields Stripe's definition marks
always present, with the right types, and nothing the definition doesn't have (issue 10). The
definition is the SDK's resource classes for the pinned version (stripe_sandbox/definition/objects.py)."""

import time

from stripe_sandbox.definition.objects import object_problems

from .conftest import session_params

KINDS = {
    "account",
    "account_link",
    "login_link",
    "checkout.session",
    "item",
    "payment_intent",
    "charge",
    "payment_method",
    "refund",
    "dispute",
    "payout",
    "balance_transaction",
    "balance",
    "application_fee",
    "reporting.report_run",
    "reporting.report_type",
    "file",
    "event",
    "application",
    "bank_account",
    "customer",
    "setup_intent",
}


def _every_kind_of_object(stripe_server, sdk, make_account) -> list[dict]:
    """Drive the emulator through everything it can do, and collect what it answered and sent."""
    answered: list[dict] = []

    def api(method, path, params=None, account=None):
        status, _, body = stripe_server.api(method, path, params, account=account)
        assert status == 200, (path, body)
        answered.append(body)
        return body

    pending = make_account(onboarded=False, name="Pending Motors")
    api(
        "POST",
        "/v1/account_links",
        {
            "account": pending,
            "refresh_url": "https://app.example/r",
            "return_url": "https://app.example/done",
            "type": "account_onboarding",
        },
    )
    account_id = make_account()
    api("POST", f"/v1/accounts/{account_id}/login_links")
    api(
        "POST",
        f"/v1/accounts/{account_id}",
        {"settings": {"payouts": {"schedule": {"interval": "weekly", "weekly_anchor": "monday"}}}},
    )
    paid = api("POST", "/v1/checkout/sessions", session_params(), account=account_id)
    assert stripe_server.pay_checkout(paid["url"]).paid
    afterpay = api(
        "POST",
        "/v1/checkout/sessions",
        session_params(allowed_payment_method_types=["card", "afterpay_clearpay"]),
        account=account_id,
    )
    assert stripe_server.pay_afterpay(afterpay["url"]).paid
    declined = api("POST", "/v1/checkout/sessions", session_params(), account=account_id)
    assert not stripe_server.pay_checkout(declined["url"], card="4000 0000 0000 0002").paid
    api("POST", f"/v1/checkout/sessions/{declined['id']}/expire", account=account_id)
    session = api("GET", f"/v1/checkout/sessions/{paid['id']}", account=account_id)
    api("GET", f"/v1/checkout/sessions/{paid['id']}/line_items", account=account_id)
    intent = api(
        "GET",
        f"/v1/payment_intents/{session['payment_intent']}",
        {"expand": ["latest_charge"]},
        account=account_id,
    )
    charge = intent["latest_charge"]
    api("GET", f"/v1/payment_methods/{charge['payment_method']}", account=account_id)
    refund = api(
        "POST",
        "/v1/refunds",
        {"payment_intent": intent["id"], "amount": 1000, "reason": "requested_by_customer"},
        account=account_id,
    )
    stripe_server.fail_refund(refund["id"])
    api("GET", f"/v1/refunds/{refund['id']}", account=account_id)
    stripe_server.dispute(charge["id"])
    api("GET", "/v1/disputes", account=account_id)
    paid_out = stripe_server.create_payout(account_id, outcome="paid")
    api("GET", f"/v1/payouts/{paid_out['id']}", account=account_id)
    api("GET", "/v1/balance_transactions", {"payout": paid_out["id"], "limit": 100}, account=account_id)
    api("GET", "/v1/balance", account=account_id)
    api("GET", f"/v1/application_fees/{charge['application_fee']}")  # the platform's object
    now = int(time.time())
    run = api(
        "POST",
        "/v1/reporting/report_runs",
        {
            "report_type": "balance_change_from_activity.itemized.3",
            "parameters": {"interval_start": now - 3600, "interval_end": now - 1},
        },
        account=account_id,
    )
    run = api("GET", f"/v1/reporting/report_runs/{run['id']}", account=account_id)
    api("GET", f"/v1/files/{run['result']['id']}", account=account_id)
    api("GET", "/v1/reporting/report_types/balance_change_from_activity.itemized.3", account=account_id)
    api("GET", "/v1/events", {"limit": 100}, account=account_id)
    api("GET", "/v1/events", {"limit": 100})
    customer = api(
        "POST", "/v1/customers", {"email": "carla@example.net", "name": "Carla"}, account=account_id
    )
    setup = api(
        "POST",
        "/v1/checkout/sessions",
        {
            "mode": "setup",
            "customer": customer["id"],
            "currency": "usd",
            "success_url": "https://app.example/saved",
            "cancel_url": "https://app.example/cancel",
        },
        account=account_id,
    )
    assert stripe_server.save_card(setup["url"]).status == 303
    setup = api(
        "GET", f"/v1/checkout/sessions/{setup['id']}", {"expand": ["setup_intent"]}, account=account_id
    )
    cards = api(
        "GET", f"/v1/customers/{customer['id']}/payment_methods", {"type": "card"}, account=account_id
    )
    api(
        "POST",
        "/v1/payment_intents",
        {
            "amount": 5000,
            "currency": "usd",
            "customer": customer["id"],
            "payment_method": cards["data"][0]["id"],
            "confirm": True,
            "off_session": True,
            "application_fee_amount": 180,
            "allowed_payment_method_types": ["card"],
        },
        account=account_id,
    )
    stripe_server.deauthorize(pending)  # account.application.deauthorized carries an application

    sent = [d.event for d in stripe_server.take_held()]
    objects = []
    for body in answered:
        if body.get("object") == "list":
            objects += body["data"]
        objects.append(body)
    for event in sent:
        objects += [event, event["data"]["object"]]
    objects += list(stripe_server.state()["objects"].values())
    return objects


def _nested(obj: dict) -> list[dict]:
    """Expanded objects inside (latest_charge, an account's external_accounts ...) are objects too."""
    out = []
    for value in obj.values():
        items = value.get("data") if isinstance(value, dict) and value.get("object") == "list" else [value]
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and "object" in item and "id" in item:
                out += [item, *_nested(item)]
    return out


def test_every_object_kind_matches_the_definition(stripe_server, sdk, make_account):
    objects = _every_kind_of_object(stripe_server, sdk, make_account)
    objects += [n for o in objects for n in _nested(o)]
    kinds = {o["object"] for o in objects}
    assert KINDS <= kinds, f"not produced: {sorted(KINDS - kinds)}"
    problems = {}
    for obj in objects:
        if obj.get("object") == "list":
            continue
        found = object_problems(obj)
        if found:
            problems.setdefault(obj["object"], sorted(set(found)))
    assert problems == {}


def test_the_check_catches_a_missing_field_a_wrong_type_and_an_unknown_field(stripe_server, make_account):
    account_id = make_account()
    _, _, session = stripe_server.api("POST", "/v1/checkout/sessions", session_params(), account=account_id)
    assert object_problems(session) == []
    broken = dict(session)
    del broken["expires_at"]
    broken["amount_total"] = "12345"
    broken["colour"] = "red"
    problems = object_problems(broken)
    assert any(p.startswith("expires_at: always present") for p in problems)
    assert any(p.startswith("amount_total: expected an integer") for p in problems)
    assert any(p.startswith("colour: not in the definition") for p in problems)
