"""Authentication, error shapes, Stripe-Account scoping and Idempotency-Key, over real HTTP."""

import time

import pytest
import stripe

from .conftest import session_params


def test_missing_and_wrong_api_keys_get_401_in_stripes_shape(stripe_server):
    status, _, body = stripe_server.api("GET", "/v1/accounts", api_key=" ")
    assert status == 401
    assert body["error"]["type"] == "invalid_request_error"
    assert "You did not provide an API key" in body["error"]["message"]
    status, _, body = stripe_server.api("GET", "/v1/accounts", api_key="sk_test_wrong_key_123")
    assert status == 401 and body["error"]["message"].startswith("Invalid API Key provided")
    with pytest.raises(stripe.AuthenticationError):
        stripe.StripeClient("sk_test_nope", base_addresses={"api": stripe_server.url}).v1.accounts.list()


def test_unknown_url_is_a_stripe_404(stripe_server):
    status, _, body = stripe_server.api("GET", "/v1/nothing_here")
    assert status == 404 and body["error"]["message"].startswith(
        "Unrecognized request URL (GET: /v1/nothing_here)"
    )


def test_account_is_created_express_with_requirements_and_listed(sdk):
    account = sdk.v1.accounts.create(
        {
            "type": "express",
            "country": "CA",
            "email": "a@b.example",
            "business_profile": {"name": "Maple Motors"},
        }
    )
    assert account.id.startswith("acct_") and account.object == "account"
    assert account.type == "express" and account.default_currency == "cad"
    assert account.charges_enabled is False and account.details_submitted is False
    assert "external_account" in account.requirements.currently_due
    assert "representative.id_number" in account.requirements.currently_due
    assert [a.id for a in sdk.v1.accounts.list().data] == [account.id]
    assert sdk.v1.accounts.retrieve(account.id).settings.payouts.schedule.interval == "daily"


@pytest.mark.parametrize(
    "params, param",
    [
        ({"country": "US"}, "type"),
        ({"type": "express", "country": "FR"}, "country"),
        ({"type": "express", "email": "not-an-email"}, "email"),
        ({"type": "express", "business_profile": {"url": "smith"}}, "business_profile[url]"),
        ({"type": "express", "colour": "red"}, "colour"),
    ],
)
def test_account_create_validation_names_the_param(sdk, params, param):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sdk.v1.accounts.create(params)
    assert exc.value.http_status == 400
    assert exc.value.param == param
    assert exc.value.error.type == "invalid_request_error"


def test_objects_are_scoped_to_their_connected_account(stripe_server, sdk, make_account, make_session):
    mine, theirs = make_account(), make_account(name="Rival Motors")
    session = make_session(mine)
    assert sdk.v1.checkout.sessions.retrieve(session.id, None, {"stripe_account": mine}).id == session.id
    for account in (theirs, None):
        status, _, body = stripe_server.api("GET", f"/v1/checkout/sessions/{session.id}", account=account)
        assert status == 404
        assert body["error"]["code"] == "resource_missing"
        assert body["error"]["type"] == "invalid_request_error"
        assert body["error"]["message"] == f"No such checkout.session: '{session.id}'"
        assert body["error"]["doc_url"].endswith("/resource-missing")
    # an account is visible to the platform and to itself, not to another connected account
    assert stripe_server.api("GET", f"/v1/accounts/{mine}", account=theirs)[0] == 404
    assert stripe_server.api("GET", f"/v1/accounts/{mine}", account=mine)[0] == 200


def test_unknown_stripe_account_header_is_refused(stripe_server):
    status, _, body = stripe_server.api("GET", "/v1/events", account="acct_1doesnotexist00")
    assert status == 403 and body["error"]["code"] == "account_invalid"


def test_same_idempotency_key_and_params_replays_the_same_object(stripe_server):
    params = {"type": "express", "country": "US", "email": "x@y.example"}
    first = stripe_server.api("POST", "/v1/accounts", params, idempotency_key="account-org-7")
    again = stripe_server.api("POST", "/v1/accounts", params, idempotency_key="account-org-7")
    assert first[0] == again[0] == 200
    assert first[2]["id"] == again[2]["id"]
    assert again[1].get("Idempotent-Replayed") == "true"
    assert "Idempotent-Replayed" not in first[1]
    assert len(stripe_server.api("GET", "/v1/accounts")[2]["data"]) == 1


def test_same_idempotency_key_with_other_params_is_an_idempotency_error(stripe_server, sdk):
    stripe_server.api(
        "POST", "/v1/accounts", {"type": "express", "email": "x@y.example"}, idempotency_key="k1"
    )
    status, _, body = stripe_server.api(
        "POST", "/v1/accounts", {"type": "express", "email": "z@y.example"}, idempotency_key="k1"
    )
    assert status == 400 and body["error"]["type"] == "idempotency_error"
    assert "k1" in body["error"]["message"]
    with pytest.raises(stripe.IdempotencyError):
        sdk.v1.accounts.create({"type": "express", "country": "CA"}, {"idempotency_key": "k1"})
    assert len(stripe_server.api("GET", "/v1/accounts")[2]["data"]) == 1


def test_idempotency_keys_are_per_connected_account_and_validation_errors_are_not_saved(
    stripe_server, make_account
):
    a, b = make_account(), make_account()
    params = session_params()
    ok_a = stripe_server.api(
        "POST", "/v1/checkout/sessions", params, account=a, idempotency_key="checkout-1-1"
    )
    ok_b = stripe_server.api(
        "POST", "/v1/checkout/sessions", params, account=b, idempotency_key="checkout-1-1"
    )
    assert ok_a[0] == ok_b[0] == 200 and ok_a[2]["id"] != ok_b[2]["id"]
    bad = dict(params, mode="")
    first = stripe_server.api("POST", "/v1/checkout/sessions", bad, account=a, idempotency_key="checkout-2-1")
    assert first[0] == 400 and first[2]["error"]["param"] == "mode"
    fixed = stripe_server.api(
        "POST", "/v1/checkout/sessions", params, account=a, idempotency_key="checkout-2-1"
    )
    assert fixed[0] == 200  # the key was not burnt by the rejected request


@pytest.mark.parametrize(
    "descriptor, ok",
    [
        ("SMITH TRACTORS", True),
        ("ABCD", False),
        ("A" * 23, False),
        ("12345", False),
        ("SMITH*TRACTORS", False),
        ("SMITH <TRACTORS>", False),
        ('SMITH "TRACTORS"', False),
        ("SMITH'S TRACTORS", False),
        ("SMITH\\TRACTORS", False),
        ("A" * 22, True),
    ],
)
def test_statement_descriptor_rules(sdk, make_account, descriptor, ok):
    account_id = make_account()
    params = {"settings": {"payments": {"statement_descriptor": descriptor}}}
    if ok:
        assert sdk.v1.accounts.update(account_id, params).settings.payments.statement_descriptor == descriptor
    else:
        with pytest.raises(stripe.InvalidRequestError) as exc:
            sdk.v1.accounts.update(account_id, params)
        assert exc.value.param == "settings[payments][statement_descriptor]"
        assert sdk.v1.accounts.retrieve(account_id).settings.payments.statement_descriptor != descriptor


@pytest.mark.parametrize(
    "schedule, expected, param",
    [
        (
            {"interval": "weekly", "weekly_anchor": "friday", "delay_days": 4},
            {"interval": "weekly", "weekly_anchor": "friday", "delay_days": 4},
            None,
        ),
        (
            {"interval": "monthly", "monthly_anchor": 15},
            {"interval": "monthly", "monthly_anchor": 15, "delay_days": 2},
            None,
        ),
        ({"interval": "daily", "delay_days": "minimum"}, {"interval": "daily", "delay_days": 2}, None),
        ({"interval": "weekly"}, None, "settings[payouts][schedule][weekly_anchor]"),
        (
            {"interval": "weekly", "weekly_anchor": "someday"},
            None,
            "settings[payouts][schedule][weekly_anchor]",
        ),
        ({"interval": "monthly", "monthly_anchor": 32}, None, "settings[payouts][schedule][monthly_anchor]"),
        ({"interval": "hourly"}, None, "settings[payouts][schedule][interval]"),
        ({"interval": "daily", "delay_days": 1}, None, "settings[payouts][schedule][delay_days]"),
        (
            {"interval": "daily", "weekly_anchor": "monday"},
            None,
            "settings[payouts][schedule][weekly_anchor]",
        ),
    ],
)
def test_payout_schedule_updates(stripe_server, sdk, make_account, schedule, expected, param):
    account_id = make_account()
    stripe_server.take_held()
    params = {"settings": {"payouts": {"schedule": schedule}}}
    if expected:
        account = sdk.v1.accounts.update(account_id, params)
        assert account.settings.payouts.schedule.to_dict() == expected
        events = [d.event for d in stripe_server.take_held()]
        if expected == {"interval": "daily", "delay_days": 2}:  # the default: nothing changed, no event
            assert events == []
        else:
            (event,) = events
            assert event["type"] == "account.updated" and event["account"] == account_id
            assert "settings" in event["data"]["previous_attributes"]
    else:
        with pytest.raises(stripe.InvalidRequestError) as exc:
            sdk.v1.accounts.update(account_id, params)
        assert exc.value.param == param
        assert stripe_server.held() == []


@pytest.mark.parametrize(
    "overrides, param",
    [
        ({"mode": None}, "mode"),
        ({"success_url": "not a url"}, "success_url"),
        ({"line_items": None}, "line_items"),
        ({"allowed_payment_method_types": ["bitcoin"]}, "allowed_payment_method_types[0]"),
        ({"expires_at": int(time.time()) + 600}, "expires_at"),
        ({"expires_at": int(time.time()) + 25 * 3600}, "expires_at"),
        (
            {"payment_intent_data": {"application_fee_amount": 20_000}},
            "payment_intent_data[application_fee_amount]",
        ),
        ({"customer_email": "nope"}, "customer_email"),
    ],
)
def test_checkout_session_validation(sdk, make_account, overrides, param):
    from .conftest import session_params

    params = {k: v for k, v in session_params(**overrides).items() if v is not None}
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sdk.v1.checkout.sessions.create(params, {"stripe_account": make_account()})
    assert exc.value.http_status == 400 and exc.value.param == param


@pytest.mark.parametrize(
    "price_data, param",
    [
        ({"unit_amount": 100_000_000}, "line_items[0][price_data][unit_amount]"),
        ({"currency": "eur"}, "line_items[0][price_data][currency]"),
        ({"unit_amount": "12.50"}, "line_items[0][price_data][unit_amount]"),
    ],
)
def test_line_item_amount_and_currency_rules(sdk, make_account, price_data, param):
    params = session_params()
    params["line_items"][0]["price_data"].update(price_data)
    params["payment_intent_data"].pop("application_fee_amount")
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sdk.v1.checkout.sessions.create(params, {"stripe_account": make_account()})
    assert exc.value.param == param


def test_application_fee_needs_a_connected_account_and_charges_need_onboarding(sdk, make_account):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sdk.v1.checkout.sessions.create(session_params())
    assert exc.value.param == "payment_intent_data[application_fee_amount]"
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sdk.v1.checkout.sessions.create(session_params(), {"stripe_account": make_account(onboarded=False)})
    assert "charges_enabled" in str(exc.value)


def test_parallel_requests_with_one_idempotency_key_create_one_object(stripe_server):
    from concurrent.futures import ThreadPoolExecutor

    params = {"type": "express", "country": "US", "email": "x@y.example"}

    def create(_):
        return stripe_server.api("POST", "/v1/accounts", params, idempotency_key="parallel-1")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(create, range(8)))
    assert {status for status, _, _ in results} == {200}
    assert len({body["id"] for _, _, body in results}) == 1
    assert sum(1 for _, headers, _ in results if headers.get("Idempotent-Replayed") == "true") == 7


def test_account_create_with_bad_settings_stores_nothing(stripe_server, sdk):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sdk.v1.accounts.create({"type": "express", "settings": {"payments": {"statement_descriptor": "***"}}})
    assert exc.value.param == "settings[payments][statement_descriptor]"
    assert sdk.v1.accounts.list().data == []
    account = sdk.v1.accounts.create(
        {
            "type": "express",
            "settings": {"payouts": {"schedule": {"interval": "monthly", "monthly_anchor": 1}}},
        }
    )
    assert account.settings.payouts.schedule.monthly_anchor == 1
