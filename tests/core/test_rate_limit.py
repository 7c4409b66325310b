"""The shared token bucket on Redis: one bucket across processes, paced reservations, timeouts."""

import multiprocessing
import time

import pytest

from core.rate_limit import RateLimitTimeout, TokenBucket, redis_url


@pytest.fixture
def bucket_name(settings):
    assert redis_url().startswith("redis://"), "the tests run on Redis"
    import redis

    name = f"test-{time.monotonic_ns()}"
    yield name
    redis.Redis.from_url(redis_url()).delete(f"textpay:bucket:{name}")


def test_burst_is_free_then_tokens_come_at_the_rate(bucket_name):
    # One token per 100 s: a loaded machine's pauses between the calls (seconds at worst) barely move
    # the reservations, so this checks the pacing without depending on how fast the test runs.
    bucket = TokenBucket(name=bucket_name, rate=0.01, burst=5)
    waits = [bucket.acquire() for _ in range(5)]
    assert waits == [0, 0, 0, 0, 0]
    later = [bucket._reserve(1000) for _ in range(4)]  # reserved, not slept: 100 s apart
    assert later == pytest.approx([100, 200, 300, 400], abs=10)


def test_a_wait_beyond_max_wait_takes_nothing(bucket_name):
    bucket = TokenBucket(name=bucket_name, rate=0.01, burst=1)
    bucket.acquire()
    with pytest.raises(RateLimitTimeout):
        bucket.acquire(max_wait=0.1)
    assert 90 < bucket._reserve(200) <= 100  # the refused call did not book a token


def _reserve_many(name, url, n, out):
    import django

    django.setup()
    from django.conf import settings

    settings.RATE_LIMIT_REDIS_URL = url
    bucket = TokenBucket(name=name, rate=0.1, burst=1)
    out.put([time.time() + bucket._reserve(1000) for _ in range(n)])  # when each token is due


def test_processes_share_one_bucket(bucket_name):
    queue = multiprocessing.get_context("spawn").Queue()
    procs = [
        multiprocessing.get_context("spawn").Process(
            target=_reserve_many, args=(bucket_name, redis_url(), 5, queue)
        )
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    due = sorted(queue.get(timeout=60) + queue.get(timeout=60))
    for p in procs:
        p.join(30)
    # 10 reservations on one bucket of a token per 10 s (burst 1) from two processes: due 10 s apart,
    # none sharing a slot (the slots are wide enough that the processes' clock reads don't matter)
    gaps = [b - a for a, b in zip(due, due[1:], strict=False)]
    assert len(due) == 10 and min(gaps) > 7
