"""The signature on every outbound webhook: `TextPay-Signature: t=<unix>,v1=<hex>[,v1=<hex>]`.

v1 is the hex HMAC-SHA256, keyed with the endpoint's signing secret, of the bytes
`"<t>." + body` (the timestamp, a dot, the exact request body). While a rotated secret is still
valid (24 h), one v1 is sent per valid secret, newest first, so a receiver that still knows only
the old secret keeps verifying. A receiver accepts the request when one v1 matches a secret it
knows (compared in constant time) AND `t` is within TOLERANCE_SECONDS of its own clock, which
refuses a replay of a captured request. Framework-free: the README's receiver is this module's
`signature_verify` in 20 lines.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable

HEADER = "TextPay-Signature"
TOLERANCE_SECONDS = 300  # 5 minutes


class SignatureError(ValueError):
    """The header is missing or malformed, no v1 matches, or the timestamp is out of tolerance."""


def signature_compute(*, secret: str, timestamp: int, body: bytes) -> str:
    signed = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(*, secrets: Iterable[str], timestamp: int, body: bytes) -> str:
    """The header value: `t=...` then one `v1=...` per secret (newest first)."""
    parts = [f"t={int(timestamp)}"]
    parts += [f"v1={signature_compute(secret=s, timestamp=timestamp, body=body)}" for s in secrets]
    return ",".join(parts)


def signature_verify(
    *,
    header: str,
    body: bytes,
    secret: str,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """Return the header's timestamp when it is valid for `secret`; raise SignatureError if not."""
    timestamp, signatures = None, []
    for item in (header or "").split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureError(f"{HEADER} must look like t=<unix seconds>,v1=<hex>.")
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError(f"The timestamp is more than {tolerance} seconds away from now.")
    expected = signature_compute(secret=secret, timestamp=timestamp, body=body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureError("No v1 signature matches the secret.")
    return timestamp
