"""Account links and the hosted onboarding: steps shrink requirements and emit account.updated."""

import pytest
import stripe

from tests.stripe_server import http, parse_forms

URLS = {
    "refresh_url": "https://app.example/connect/refresh",
    "return_url": "https://app.example/connect/return",
}


def _link(sdk, account_id):
    return sdk.v1.account_links.create({"account": account_id, "type": "account_onboarding", **URLS})


def test_onboarding_in_several_steps(stripe_server, sdk, make_account):
    account_id = make_account(onboarded=False)
    stripe_server.take_held()
    link = _link(sdk, account_id)
    assert link.object == "account_link" and link.expires_at > link.created

    # step 1 (business details), then the user leaves
    stays = stripe_server.onboard(link.url, steps=1)
    assert stays.startswith(stripe_server.url + "/onboarding/")
    account = sdk.v1.accounts.retrieve(account_id)
    assert account.requirements.currently_due == [
        "external_account",
        "tos_acceptance.date",
        "tos_acceptance.ip",
    ]
    assert account.charges_enabled is False and account.business_profile.mcc == "5511"
    (event,) = [d.event for d in stripe_server.take_held()]
    assert event["type"] == "account.updated" and event["account"] == account_id
    assert "business_profile.url" not in event["data"]["object"]["requirements"]["currently_due"]
    assert "requirements" in event["data"]["previous_attributes"]

    # "save and return later" goes back to return_url; the used link now goes to refresh_url
    status, headers, _ = http("GET", stays + "/exit")
    assert (status, headers["Location"]) == (303, URLS["return_url"])
    assert stripe_server.onboard(link.url) == URLS["refresh_url"]

    # a new link continues where the user stopped: bank account, then review
    done = stripe_server.onboard(_link(sdk, account_id).url, steps=3)
    assert done == URLS["return_url"]
    account = sdk.v1.accounts.retrieve(account_id)
    assert account.requirements.currently_due == [] and account.requirements.disabled_reason is None
    assert account.details_submitted and account.charges_enabled and account.payouts_enabled
    assert account.external_accounts.data[0].last4 == "6789"
    assert account.tos_acceptance.date is not None
    events = [d.event for d in stripe_server.take_held()]
    assert [e["type"] for e in events] == ["account.updated", "account.updated"]
    assert events[-1]["data"]["object"]["charges_enabled"] is True
    assert events[-1]["data"]["previous_attributes"]["charges_enabled"] is False


def test_expired_link_goes_to_refresh_url(stripe_server, sdk, make_account):
    link = _link(sdk, make_account(onboarded=False))
    stripe_server.advance_clock(301)
    assert stripe_server.onboard(link.url) == URLS["refresh_url"]


def test_onboarding_refuses_non_test_bank_details_and_keeps_the_step(stripe_server, sdk, make_account):
    account_id = make_account(onboarded=False)
    page = stripe_server.onboard(_link(sdk, account_id).url, steps=1)
    form = parse_forms(http("GET", page)[2].decode())[0]
    assert form["fields"]["step"] == "bank"
    status, _, body = http(
        "POST", page, {"step": "bank", "routing_number": "021000021", "account_number": "12345678"}
    )
    assert status == 200 and "test routing number" in body.decode()
    assert "external_account" in sdk.v1.accounts.retrieve(account_id).requirements.currently_due
    assert "12345678" not in str(stripe_server.state())


def test_business_step_validates_its_fields(stripe_server, sdk, make_account):
    account_id = make_account(onboarded=False)
    status, headers, _ = http("GET", _link(sdk, account_id).url)
    page = headers["Location"]
    status, _, body = http(
        "POST",
        page,
        {
            "step": "business",
            "business_name": "Smith",
            "url": "smith",
            "product_description": "x",
            "first_name": "A",
            "last_name": "B",
            "dob": "1980-01-01",
            "id_number": "0000",
        },
    )
    assert status == 200 and "Business website must be a full address" in body.decode()
    assert "business_type" in sdk.v1.accounts.retrieve(account_id).requirements.currently_due


def test_canadian_account_onboards_with_canadian_test_data(stripe_server, sdk, make_account):
    account_id = make_account(onboarded=False, country="CA")
    assert stripe_server.onboard(_link(sdk, account_id).url) == URLS["return_url"]
    assert sdk.v1.accounts.retrieve(account_id).charges_enabled


def test_login_link_only_after_onboarding_and_opens_the_dashboard(stripe_server, sdk, make_account):
    account_id = make_account(onboarded=False)
    with pytest.raises(stripe.InvalidRequestError):
        sdk.v1.accounts.login_links.create(account_id)
    stripe_server.complete_onboarding(account_id)
    link = sdk.v1.accounts.login_links.create(account_id)
    assert link.object == "login_link"
    status, _, body = http("GET", link.url)
    assert status == 200 and "Express dashboard" in body.decode() and "Smith Tractors" in body.decode()


@pytest.mark.parametrize(
    "params, param",
    [
        ({"type": "account_onboarding", **URLS}, "account"),
        ({"account": "ACCOUNT", "type": "account_update", **URLS}, "type"),
        (
            {
                "account": "ACCOUNT",
                "type": "account_onboarding",
                "return_url": "nope",
                "refresh_url": "https://a.example",
            },
            "return_url",
        ),
    ],
)
def test_account_link_validation(sdk, make_account, params, param):
    account_id = make_account(onboarded=False)
    if params.get("account") == "ACCOUNT":
        params = {**params, "account": account_id}
    with pytest.raises(stripe.InvalidRequestError) as exc:
        sdk.v1.account_links.create(params)
    assert exc.value.param == param


def test_restricted_account_via_control(stripe_server, sdk, make_account):
    account_id = make_account()
    stripe_server.take_held()
    stripe_server.set_requirements(
        account_id,
        currently_due=["individual.verification.document"],
        disabled_reason="requirements.past_due",
        charges_enabled=False,
    )
    account = sdk.v1.accounts.retrieve(account_id)
    assert (
        account.charges_enabled is False and account.requirements.disabled_reason == "requirements.past_due"
    )
    assert stripe_server.held_types() == ["account.updated"]
