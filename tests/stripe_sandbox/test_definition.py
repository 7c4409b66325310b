"""Strict mode: every /v1 request is held to Stripe's published definition for the pinned version,
read from the installed SDK's typed params (stripe_sandbox/definition), and refused the way Stripe
refuses it (issue 10)."""

import pytest
import stripe

from stripe_sandbox import Emulator, EmulatorConfig
from stripe_sandbox.definition.endpoints import endpoint_for, endpoints
from stripe_sandbox.definition.params import check_object

from .conftest import session_params


def _create_session(stripe_server, account_id: str, params: dict):
    """Raw form POST (not the SDK), so any shape can be sent."""
    return stripe_server.api("POST", "/v1/checkout/sessions", params, account=account_id)


def test_the_definition_comes_from_the_installed_sdk_for_its_pinned_version():
    assert stripe.api_version == "2026-10-28.endive"
    assert len(endpoints()) > 300
    create = endpoint_for("POST", "/v1/checkout/sessions")
    assert create.params_class == "SessionCreateParams"
    assert (
        endpoint_for("POST", "/v1/accounts/acct_1/login_links").template
        == "/v1/accounts/{account}/login_links"
    )
    assert (
        endpoint_for("GET", "/v1/checkout/sessions/cs_1/line_items").params_class
        == "SessionLineItemListParams"
    )
    assert endpoint_for("GET", "/v1/nothing_like_this") is None


def test_removed_payment_method_types_is_refused_and_its_replacement_accepted(stripe_server, make_account):
    account_id = make_account()
    old = {**session_params(), "payment_method_types": ["card"]}
    old.pop("allowed_payment_method_types")
    status, _, body = _create_session(stripe_server, account_id, old)
    assert status == 400
    assert body["error"] == {
        "type": "invalid_request_error",
        "code": "parameter_unknown",
        "param": "payment_method_types",
        "message": "Received unknown parameter: payment_method_types",
        "doc_url": "https://stripe.com/docs/error-codes/parameter-unknown",
    }
    status, _, body = _create_session(stripe_server, account_id, session_params())
    assert status == 200 and body["allowed_payment_method_types"] == ["card"]


def _with(path: tuple, value):
    params = session_params()
    node = params
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return params


@pytest.mark.parametrize(
    "path, value, code, param, message",
    [
        (
            ("line_items", 0, "price_data", "unit_amount"),
            "12.50",
            "parameter_invalid_integer",
            "line_items[0][price_data][unit_amount]",
            "Invalid integer: 12.50",
        ),
        (
            ("line_items", 0, "price_data", "product_data", "name"),
            KeyError,
            "parameter_missing",
            "line_items[0][price_data][product_data][name]",
            "Missing required param: line_items[0][price_data][product_data][name].",
        ),
        (
            ("line_items", 0, "price_data", "colour"),
            "red",
            "parameter_unknown",
            "line_items[0][price_data][colour]",
            "Received unknown parameter: line_items[0][price_data][colour]",
        ),
        (
            ("customer_email",),
            "",
            "parameter_invalid_empty",
            "customer_email",
            "You passed an empty string for 'customer_email'. We assume empty values are an attempt to unset a "
            "parameter; however 'customer_email' cannot be unset. You should remove 'customer_email' from your "
            "request or supply a non-empty value.",
        ),
        (("mode",), "rental", None, "mode", "Invalid mode: must be one of payment, setup, or subscription"),
        (("allow_promotion_codes",), "yes", None, "allow_promotion_codes", "Invalid boolean: yes"),
        (("line_items",), "all", None, "line_items", "Invalid array"),
        (("payment_intent_data",), "x", None, "payment_intent_data", "Invalid object"),
    ],
)
def test_each_kind_of_mistake_is_answered_as_stripe_answers_it(
    stripe_server, make_account, path, value, code, param, message
):
    status, _, body = _create_session(stripe_server, make_account(), _with(path, value))
    assert status == 400
    error = body["error"]
    assert (error["type"], error.get("code"), error["param"], error["message"]) == (
        "invalid_request_error",
        code,
        param,
        message,
    )
    if code:
        assert error["doc_url"] == "https://stripe.com/docs/error-codes/" + code.replace("_", "-")
    assert stripe_server.emulator.objects_of("checkout.session", None) == []


def test_query_parameters_of_a_get_are_checked_too(stripe_server):
    status, _, body = stripe_server.api("GET", "/v1/events", {"created": {"after": 5}})
    assert status == 400 and body["error"]["param"] == "created[after]"
    assert body["error"]["code"] == "parameter_unknown"
    status, _, body = stripe_server.api("GET", "/v1/events", {"limit": "ten"})
    assert status == 400 and body["error"]["code"] == "parameter_invalid_integer"
    assert stripe_server.api("GET", "/v1/events", {"created": {"gte": 5}, "limit": 3})[0] == 200


def test_a_refused_request_is_never_saved_under_its_idempotency_key(stripe_server, make_account):
    account_id = make_account()
    bad = _with(("line_items", 0, "quantity"), "one")
    assert (
        stripe_server.api("POST", "/v1/checkout/sessions", bad, account=account_id, idempotency_key="k1")[0]
        == 400
    )
    good = session_params()
    status, _, body = stripe_server.api(
        "POST", "/v1/checkout/sessions", good, account=account_id, idempotency_key="k1"
    )
    assert status == 200 and body["object"] == "checkout.session"


def test_emulator_rules_still_apply_on_top_of_the_definition(stripe_server, make_account):
    """Valid for Stripe, but the sandbox rules (lifetime 30 min to 24 h, cards + Afterpay only) still hold."""
    account_id = make_account()
    status, _, body = _create_session(
        stripe_server, account_id, _with(("allowed_payment_method_types",), ["card", "klarna"])
    )
    assert status == 400 and body["error"]["param"] == "allowed_payment_method_types[1]"
    assert "not supported by this sandbox" in body["error"]["message"]


def test_counts_per_api_key_and_the_file_download_takes_no_parameters(stripe_server):
    emulator = Emulator(EmulatorConfig(api_keys=frozenset({"sk_a"})))
    before = stripe_server.emulator.fidelity.counts(stripe_server.harness_key)
    stripe_server.api("GET", "/v1/accounts", {"limit": 1})
    stripe_server.api("GET", "/v1/accounts", {"limit": "x"})
    after = stripe_server.emulator.fidelity.counts(stripe_server.harness_key)
    assert after["valid"] == before.get("valid", 0) + 1 and after["invalid"] == before.get("invalid", 0) + 1
    assert emulator.fidelity.counts() == {}
    status, _, body = stripe_server.api("GET", "/v1/files/file_123/contents", {"foo": "1"})
    assert status == 400 and body["error"]["code"] == "parameter_unknown"


def test_non_strict_mode_skips_the_definition_only():
    from stripe_sandbox.core import Request

    emulator = Emulator(EmulatorConfig(strict=False))
    request = Request("POST", "/v1/checkout/sessions", {}, {"colour": "red"}, {}, "http://x", "127.0.0.1")
    emulator.fidelity.before(request)  # no error: the handler's own rules run next
    with pytest.raises(Exception) as caught:
        check_object({"colour": "red"}, endpoint_for("POST", "/v1/checkout/sessions").params_type())
    assert "colour" in str(caught.value)
