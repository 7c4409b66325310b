"""The developer tools page at the emulator's root (on in `make run`, off by default)."""

from tests.stripe_server import http


def test_tools_page_is_off_by_default(stripe_server, make_account):
    make_account(onboarded=False)
    status, _, body = http("GET", stripe_server.url + "/")
    assert status == 200 and "Complete onboarding" not in body.decode()
    http("POST", stripe_server.url + "/", {"action": "clock", "seconds": "3600"})
    assert stripe_server.state()["clock_offset"] == 0


def test_tools_page_onboards_pays_out_disputes_and_moves_the_clock(
    stripe_server, sdk, make_account, make_session
):
    stripe_server.emulator.config.dev_tools = True
    account_id = make_account(onboarded=False)
    page = http("GET", stripe_server.url + "/")[2].decode()
    assert "Onboarding incomplete" in page and "Complete onboarding" in page
    http("POST", stripe_server.url + "/", {"action": "onboard", "account": account_id})
    assert sdk.v1.accounts.retrieve(account_id).charges_enabled
    stripe_server.pay_checkout(make_session(account_id).url)
    charge_id = sdk.v1.charges.list({}, {"stripe_account": account_id}).data[0].id
    stripe_server.take_held()
    body = http("POST", stripe_server.url + "/", {"action": "payout", "account": account_id})[2].decode()
    assert "paid." in body
    http("POST", stripe_server.url + "/", {"action": "dispute", "charge": charge_id})
    assert stripe_server.held_types() == [
        "payout.created",
        "payout.updated",
        "payout.paid",
        "charge.dispute.created",
    ]
    http("POST", stripe_server.url + "/", {"action": "clock", "seconds": "3600"})
    assert stripe_server.state()["clock_offset"] == 3600
