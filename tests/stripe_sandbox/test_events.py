"""Events: listing, signed delivery (HTTP sync/async with retries, callback, hold and release)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe


class Receiver:
    """A tiny webhook endpoint: answers `statuses` in turn (then 200) and records what it got."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.received: list[tuple[str, bytes, str]] = []
        self.done = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((self.path, body, self.headers["Stripe-Signature"]))
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.end_headers()
                if status == 200:
                    outer.done.set()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(statuses=()):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for r in made:
        r.close()


def test_events_list_is_scoped_filtered_and_paginated(stripe_server, sdk, make_account, make_session):
    account_id = make_account()
    other = make_account()
    stripe_server.pay_checkout(make_session(account_id).url)
    events = stripe_server.events(account=account_id)
    assert [e["type"] for e in events][:3] == [
        "checkout.session.completed",
        "payment_intent.succeeded",
        "charge.succeeded",
    ]
    assert all(e["account"] == account_id for e in events)
    assert all(e["account"] == other for e in stripe_server.events(account=other))
    platform = stripe_server.events()
    assert [e["type"] for e in platform] == ["application_fee.created"]
    assert "account" not in platform[0]
    page1 = sdk.v1.events.list({"limit": 2}, {"stripe_account": account_id})
    assert len(page1.data) == 2 and page1.has_more
    page2 = sdk.v1.events.list(
        {"limit": 2, "starting_after": page1.data[-1].id}, {"stripe_account": account_id}
    )
    assert page2.data[0].id == events[2]["id"]
    all_ids = [
        e.id for e in sdk.v1.events.list({"limit": 3}, {"stripe_account": account_id}).auto_paging_iter()
    ]
    assert all_ids == [e["id"] for e in events]
    newest = events[0]["created"]
    assert stripe_server.events(account=account_id, created={"gte": newest + 1}) == []
    assert len(stripe_server.events(account=account_id, created={"gte": newest - 5})) == len(events)
    assert [e["type"] for e in stripe_server.events(account=account_id, type="charge.succeeded")] == [
        "charge.succeeded"
    ]
    fetched = sdk.v1.events.retrieve(events[0]["id"], None, {"stripe_account": account_id})
    assert fetched.data.object.object == "checkout.session"


def test_events_have_stripes_shape_and_verify_with_the_sdk(stripe_server, make_account, make_session):
    account_id = make_account()
    stripe_server.take_held()
    stripe_server.pay_checkout(make_session(account_id).url)
    for delivery in stripe_server.take_held():
        secret = stripe_server.connect_webhook_secret if delivery.connect else stripe_server.webhook_secret
        event = stripe.Webhook.construct_event(delivery.payload, delivery.signature(), secret)
        assert event.object == "event" and event.id.startswith("evt_") and event.livemode is False
        assert event.api_version and event.created and event.data.object.id
        assert set(event.request.to_dict()) == {"id", "idempotency_key"}
        assert delivery.connect == (event.to_dict().get("account") == account_id)
        with pytest.raises(stripe.SignatureVerificationError):
            other = stripe_server.webhook_secret if delivery.connect else stripe_server.connect_webhook_secret
            stripe.Webhook.construct_event(delivery.payload, delivery.signature(), other)


def test_sync_http_delivery_to_the_right_endpoints(stripe_server, make_account, make_session, receiver):
    endpoint = receiver()
    stripe_server.deliver_to(endpoint.url)  # also sends what was held so far
    account_id = make_account()
    stripe_server.pay_checkout(make_session(account_id).url)
    paths = {path for path, _, _ in endpoint.received}
    assert paths == {"/webhooks/stripe/", "/webhooks/stripe/connect/"}
    for path, body, header in endpoint.received:
        secret = (
            stripe_server.connect_webhook_secret
            if path.endswith("connect/")
            else stripe_server.webhook_secret
        )
        event = stripe.Webhook.construct_event(body, header, secret)
        assert (path.endswith("connect/")) == bool(event.to_dict().get("account"))
    types = [json.loads(body)["type"] for _, body, _ in endpoint.received]
    assert types[-1] == "checkout.session.completed"


def test_async_delivery_retries_until_the_endpoint_answers_2xx(stripe_server, make_account, receiver):
    endpoint = receiver(statuses=[500, 503])
    stripe_server.deliver_to(endpoint.url, mode="async")
    stripe_server.emulator.dispatcher.backoff = 0.01
    stripe_server.emit_event("ping.test", object={"object": "ping"})
    assert endpoint.done.wait(10)
    stripe_server.emulator.dispatcher.wait_idle()
    assert len(endpoint.received) == 3
    assert len({body for _, body, _ in endpoint.received}) == 1
    assert stripe_server.emulator.dispatcher.sent[-1][1] == 200


def test_callback_mode_and_resend(stripe_server, make_account):
    got = []
    stripe_server.on_event(got.append)
    account_id = make_account()
    assert got and all(d.event["type"] == "account.updated" for d in got)
    event_id = got[-1].event["id"]
    stripe_server.api("POST", f"/_sandbox/events/{event_id}/resend")
    assert got[-1].event["id"] == event_id and got[-1].event["account"] == account_id


def test_deauthorize_emits_the_connect_event_and_closes_the_account(stripe_server, sdk, make_account):
    account_id = make_account()
    stripe_server.take_held()
    stripe_server.deauthorize(account_id)
    (delivery,) = stripe_server.take_held()
    assert delivery.event["type"] == "account.application.deauthorized" and delivery.connect
    assert stripe_server.api("GET", "/v1/events", account=account_id)[0] == 403


def test_held_events_reach_the_apps_webhook_endpoints_signed(
    stripe_server, client, db, make_account, make_session
):
    """The app's own endpoints accept our signatures (and reject a forged one), twice and reversed."""
    account_id = make_account()
    stripe_server.pay_checkout(make_session(account_id).url)
    held = stripe_server.held()
    responses = stripe_server.deliver_held(client, order="reverse", repeat=2)
    assert len(responses) == 2 * len(held)
    assert {r.status_code for r in responses} == {200}
    forged = held[0]
    response = client.post(
        "/webhooks/stripe/connect/" if forged.connect else "/webhooks/stripe/",
        data=forged.payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_server.sign(forged.payload, "whsec_forged"),
    )
    assert response.status_code == 400
