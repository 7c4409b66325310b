"""Rate limits kept in Django's cache (settings.CACHES): the password reset form, pay links with
unknown tokens, and the REST API (per token). The login lockout is django-axes' (settings AXES_*),
fed with the same client address.

A rate is written "<count>/<period>", the period in seconds or as DRF writes it (`120/min`)."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle

_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def rate_parse(rate: str) -> tuple[int, int]:
    """'3/3600' -> (3, 3600); '120/min' -> (120, 60)."""
    count, _, period = rate.partition("/")
    period = period.strip().lower()
    seconds = int(period) if period.isdigit() else _PERIODS[period]
    return int(count), seconds


def client_ip(request: HttpRequest) -> str:
    """The client's address: the connection's, or the one TRUSTED_PROXY_COUNT proxies put in
    X-Forwarded-For (the right-most entries are the ones our own proxies wrote)."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(hops, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """django-axes' AXES_USERNAME_CALLABLE: the typed email, trimmed and lower-cased as the login form
    does (so `Lou@…` and `lou@…` count as one account)."""
    value = (credentials or {}).get("username") or getattr(request, "POST", {}).get("username") or ""
    return value.strip().lower() or None


def axes_client_ip(request: HttpRequest) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE (None when unknown, e.g. the test client's force_login)."""
    return client_ip(request) or None


@dataclass(frozen=True)
class RateLimited:
    retry_after_seconds: int


def _key(scope: str, identity: str) -> str:
    return "rate:" + scope + ":" + hashlib.sha256(identity.encode()).hexdigest()[:32]


def rate_limit_check(*, scope: str, identity: str, rate: str) -> RateLimited | None:
    """Is `identity` already over `rate` in this fixed window? Does not count."""
    limit, period = rate_parse(rate)
    window = int(time.time() // period)
    used = cache.get(f"{_key(scope, identity)}:{window}", 0)
    if used >= limit:
        return RateLimited(retry_after_seconds=max(1, math.ceil((window + 1) * period - time.time())))
    return None


def rate_limit_hit(*, scope: str, identity: str, rate: str) -> RateLimited | None:
    """Count one use of `identity` in `scope`; answer RateLimited when it is over `rate`."""
    limit, period = rate_parse(rate)
    window = int(time.time() // period)
    key = f"{_key(scope, identity)}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period + 5)
        used = 1
    if used > limit:
        return RateLimited(retry_after_seconds=max(1, math.ceil((window + 1) * period - time.time())))
    return None


def retry_after_text(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    if minutes <= 1:
        return "in a minute"
    if minutes < 60:
        return f"in {minutes} minutes"
    hours = math.ceil(minutes / 60)
    return "in an hour" if hours == 1 else f"in {hours} hours"


class ApiTokenRateThrottle(SimpleRateThrottle):
    """Per API token (API_RATE_PER_TOKEN); a signed-in session counts per user. 429 + Retry-After."""

    scope = "api_token"

    def get_rate(self) -> str:
        return settings.API_RATE_PER_TOKEN

    def parse_rate(self, rate):
        return rate_parse(rate) if rate else (None, None)

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        token_id = getattr(token, "pk", None)
        if token_id is not None:
            ident = f"token-{token_id}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{client_ip(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
