"""A token bucket shared by every process (Redis), for calls a third party rate-limits across all of them.

Celery's own `rate_limit` is per worker: four workers at 10/s send 40/s. This bucket lives in Redis, so
every worker and every web process draw from the same tokens. `acquire()` RESERVES the next token
atomically (a Lua script on Redis's own clock) and sleeps until it is due, so callers are paced evenly at
`rate` per second with at most `burst` at once, and nobody polls. Without Redis (`make run` on the
filesystem broker, one worker process) the same bucket runs in this process.

    bucket = TokenBucket(name="stripe:cards", rate=10, burst=10)
    bucket.acquire()          # blocks (sleeps) until this caller's token is due
"""

from __future__ import annotations

import threading
import time
from functools import lru_cache

from django.conf import settings

# KEYS[1] = bucket; ARGV = rate, burst, max_wait. Returns the seconds to wait (as a string), or "-1" when
# the wait would exceed max_wait (nothing is reserved then).
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate, burst, max_wait = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local data = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(data[1]) or burst
local ts = tonumber(data[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate)
local wait = 0
if tokens < 1 then wait = (1 - tokens) / rate end
if wait > max_wait then return '-1' end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst / rate + max_wait) * 1000) + 1000)
return tostring(wait)
"""


class RateLimitTimeout(Exception):
    """No token within `max_wait` seconds (the bucket is booked further ahead than that)."""


@lru_cache(maxsize=4)
def _redis(url: str):
    import redis  # noqa: PLC0415 - only where Redis is configured

    client = redis.Redis.from_url(url)
    return client, client.register_script(_RESERVE)


class _LocalBucket:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tokens: float | None = None
        self.stamp = time.monotonic()

    def reserve(self, rate: float, burst: float, max_wait: float) -> float:
        with self.lock:
            now = time.monotonic()
            tokens = burst if self.tokens is None else self.tokens
            tokens = min(burst, tokens + (now - self.stamp) * rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / rate
            if wait > max_wait:
                return -1.0
            self.tokens, self.stamp = tokens - 1, now
            return wait


_local: dict[str, _LocalBucket] = {}
_local_lock = threading.Lock()


def redis_url() -> str:
    """RATE_LIMIT_REDIS_URL, else the Celery broker when it is Redis, else "" (in-process buckets)."""
    url = getattr(settings, "RATE_LIMIT_REDIS_URL", "") or ""
    if not url and str(settings.CELERY_BROKER_URL).startswith(("redis://", "rediss://")):
        url = settings.CELERY_BROKER_URL
    return url


class TokenBucket:
    def __init__(self, *, name: str, rate: float, burst: float | None = None):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.name = name
        self.rate = float(rate)
        self.burst = float(burst or rate)

    def _reserve(self, max_wait: float) -> float:
        url = redis_url()
        if url:
            _, script = _redis(url)
            return float(script(keys=[f"textpay:bucket:{self.name}"], args=[self.rate, self.burst, max_wait]))
        with _local_lock:
            bucket = _local.setdefault(self.name, _LocalBucket())
        return bucket.reserve(self.rate, self.burst, max_wait)

    def acquire(self, *, max_wait: float = 30.0) -> float:
        """Take one token, sleeping until it is due; returns the seconds slept. Raises RateLimitTimeout
        when the next free token is more than `max_wait` seconds away (then nothing is taken)."""
        wait = self._reserve(max_wait)
        if wait < 0:
            raise RateLimitTimeout(f"{self.name}: no token within {max_wait:g} s")
        if wait > 0:
            time.sleep(wait)
        return wait
