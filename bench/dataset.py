"""Data for bench/pipeline.py, made the way the product makes it where that is what is measured:
a dealership (team, advisor, customers) with a Stripe account onboarded in the emulator, payment
requests (rows, like the API would leave them: sent, 24 h to go), paid by a "customer" over HTTP
through our pay page and the emulator's Checkout page, and the events Stripe emitted for them,
signed with our webhook secret as Stripe signs them.

Needs Django set up (bench/pipeline.py does it) with STRIPE_API_BASE at the emulator.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookies import SimpleCookie

from bench.loadgen import Req
from bench.stack import CONNECT_WEBHOOK_SECRET, Config
from tests.stripe_server import flatten, http, parse_forms

_n = itertools.count(1)
STRIPE_KEY = "sk_test_bench"


def stripe_api(cfg: Config, method: str, path: str, params: dict | None = None, account: str | None = None):
    from urllib.parse import urlencode

    headers = {"Authorization": f"Bearer {STRIPE_KEY}"}
    if account:
        headers["Stripe-Account"] = account
    pairs = flatten(params or {})
    url = cfg.stripe_url + path
    if method == "GET" and pairs:
        url += "?" + urlencode(pairs)
    status, _, body = http(method, url, dict(pairs) if method != "GET" else None, headers=headers)
    assert status == 200, (path, status, body[:500])
    return json.loads(body)


def dealership_create(cfg: Config, *, label: str, customers: int = 50):
    """An organization with one team, an advisor, customers and an onboarded Stripe account."""
    from tests.factories import (
        CustomerFactory,
        OrganizationFactory,
        StripeAccountFactory,
        TeamFactory,
        UserFactory,
    )

    tag = f"{label}-{uuid.uuid4().hex[:6]}"
    org = OrganizationFactory(name=f"Bench {tag} Motors")
    team = TeamFactory(organization=org, name="Service")
    advisor = UserFactory(organization=org, email=f"advisor-{tag}@bench.example", name="Ben Advisor")
    people = [
        CustomerFactory(organization=org, name=f"Customer {i}", email=f"c{i}-{tag}@bench.example")
        for i in range(customers)
    ]
    account = stripe_api(
        cfg, "POST", "/v1/accounts", {"type": "express", "country": "US", "email": f"o-{tag}@bench.example"}
    )
    stripe_api(cfg, "POST", f"/_sandbox/accounts/{account['id']}/complete_onboarding")
    stripe_account = StripeAccountFactory(organization=org, stripe_id=account["id"])
    return org, team, advisor, people, stripe_account


def requests_create(*, org, team, advisor, customers, stripe_account, count: int, overdue: bool = False):
    """`count` sent payment requests (bulk insert), open for 24 h, or already past expiry."""
    from django.utils import timezone

    from payments.models import PaymentRequest, new_pay_token

    now = timezone.now()
    expires = now - timedelta(minutes=5) if overdue else now + timedelta(hours=24)
    rows = [
        PaymentRequest(
            organization=org,
            team=team,
            customer=customers[i % len(customers)],
            created_by=advisor,
            stripe_account=stripe_account,
            amount_minor=10_000 + (i % 500) * 100,
            currency=org.currency,
            description="Brake service",
            reference=f"RO-{next(_n):07d}",
            channel="sms",
            status="sent",
            token=new_pay_token(),
            sent_at=now - timedelta(hours=24),
            expires_at=expires,
        )
        for i in range(count)
    ]
    created = []
    for start in range(0, len(rows), 5000):
        created += PaymentRequest.objects.bulk_create(rows[start : start + 5000])
    return created


def _pay_one(cfg: Config, token: str) -> str:
    """A customer: our pay page, its Pay button (Checkout Session created), the emulator's card
    form. Returns the PaymentIntent id."""
    status, headers, body = http("GET", f"{cfg.web_url}/pay/{token}/")
    assert status == 200, (status, body[:300])
    cookie = SimpleCookie(headers.get("Set-Cookie", ""))
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    status, headers, body = http(
        "POST",
        f"{cfg.web_url}/pay/{token}/checkout/",
        {"csrfmiddlewaretoken": csrf},
        headers={
            "Cookie": f"csrftoken={cookie['csrftoken'].value}",
            "Referer": f"{cfg.web_url}/pay/{token}/",
        },
    )
    assert status == 303, (status, body[:500])
    session_url = headers["Location"]
    status, _, page = http("GET", session_url)
    form = next(f for f in parse_forms(page.decode()) if f["fields"].get("method") == "card")
    fields = {**form["fields"], "card_number": "4242 4242 4242 4242", "card_exp": "12 / 34",
              "card_cvc": "123", "name": "Carla Customer", "email": form["fields"].get("email") or "c@bench.example"}  # fmt: skip
    status, _, body = http("POST", form["action"] or session_url, fields)
    assert status in (302, 303), (status, body[:500])
    return session_url


def requests_pay(cfg: Config, tokens: list[str], threads: int = 6) -> None:
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda t: _pay_one(cfg, t), tokens))


def events_of(cfg: Config, account: str, types: list[str]) -> list[dict]:
    """The events the emulator emitted for the account, oldest first."""
    out, after = [], None
    while True:
        params = {"limit": 100, "types": types, **({"starting_after": after} if after else {})}
        page = stripe_api(cfg, "GET", "/v1/events", params, account=account)
        out += page["data"]
        if not page["has_more"]:
            return sorted(out, key=lambda e: (e["created"], e["id"]))
        after = page["data"][-1]["id"]


def signed_post(event: dict, *, timestamp: int | None = None) -> Req:
    """A Connect webhook delivery of `event`, signed as Stripe signs it."""
    payload = json.dumps(event).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(CONNECT_WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    header = f"t={timestamp},v1={mac.hexdigest()}"
    return Req(
        "POST",
        "/webhooks/stripe/connect/",
        payload,
        (("Content-Type", "application/json"), ("Stripe-Signature", header)),
    )
