"""Helpers for B1's webhook tests: build Stripe events shaped like fixtures3.json and sign them
with Stripe's real `Stripe-Signature` scheme (HMAC-SHA256 over "<timestamp>.<payload>")."""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import time
from functools import lru_cache
from pathlib import Path

# The repository keeps the subset it uses (the emulator's); the full published set sits in ../shared
# beside a checkout.
REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO.parent / "shared" / "stripe" / "fixtures3.json"
_ids = itertools.count(1)


@lru_cache(maxsize=1)
def _resources() -> dict:
    local = REPO / "stripe_sandbox" / "stripe_fixtures.json"
    path = local if local.exists() else FIXTURES
    return json.loads(path.read_text())["resources"]


def stripe_object(kind: str, **changes) -> dict:
    obj = copy.deepcopy(_resources()[kind])
    obj.update(changes)
    return obj


def event_build(
    event_type: str, data_object: dict, *, account: str | None = None, created: int | None = None
) -> dict:
    event = stripe_object("event")
    event.update(
        {
            "id": f"evt_b1test{next(_ids):012d}{int(time.time() * 1000) % 100000}",
            "type": event_type,
            "created": int(time.time()) if created is None else created,
            "data": {"object": data_object},
            "livemode": False,
        }
    )
    if account:
        event["account"] = account
    else:
        event.pop("account", None)
    return event


def signature_header(payload: bytes, secret: str, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def webhook_post(
    client, url: str, event: dict, secret: str, *, timestamp: int | None = None, forge: bool = False
):
    payload = json.dumps(event).encode()
    header = signature_header(payload, secret + ("x" if forge else ""), timestamp=timestamp)
    return client.post(url, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
