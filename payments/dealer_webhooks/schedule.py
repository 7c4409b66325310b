"""When a failed delivery is tried again, and when an endpoint gives up.

Exponential back-off over 3 days: after the n-th failed attempt the next one waits
FIRST_DELAY * FACTOR**(n-1), capped at MAX_DELAY, and the last attempt is made exactly
RETRY_WINDOW after the first one. With the values below an event is tried at:

    0, +1 min, +5 min, +21 min, +1 h 25 min, +5 h 41 min, +17 h 41 min, +29 h 41 min,
    +41 h 41 min, +53 h 41 min, +65 h 41 min, +72 h          (12 attempts, then "failed")

An endpoint whose deliveries have failed without a single success for RETRY_WINDOW (3 days) is
disabled, and the organization's Admins are emailed (services.py). `retry_schedule()` prints
the table above; tests/payments/dealer_webhooks/test_schedule.py checks it.
"""

from __future__ import annotations

import datetime as dt

FIRST_DELAY = dt.timedelta(minutes=1)
FACTOR = 4
MAX_DELAY = dt.timedelta(hours=12)
RETRY_WINDOW = dt.timedelta(days=3)


def retry_delay(*, attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt (1 = the first)."""
    return min(FIRST_DELAY * FACTOR ** max(attempts - 1, 0), MAX_DELAY)


def retry_at(
    *, first_attempt_at: dt.datetime, last_attempt_at: dt.datetime, attempts: int
) -> dt.datetime | None:
    """When to try again after `attempts` failed attempts, or None when the 3 days are over."""
    deadline = first_attempt_at + RETRY_WINDOW
    if last_attempt_at >= deadline:
        return None
    return min(last_attempt_at + retry_delay(attempts=attempts), deadline)


def retry_schedule() -> list[dt.timedelta]:
    """Every attempt's offset from the first one, as the schedule above makes them."""
    start = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    offsets, at, attempts = [dt.timedelta(0)], start, 1
    while (at := retry_at(first_attempt_at=start, last_attempt_at=at, attempts=attempts)) is not None:
        offsets.append(at - start)
        attempts += 1
    return offsets
