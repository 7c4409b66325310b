"""A small HTTP load generator: N threads (the concurrency), each sending its share of a
bounded list of requests over loopback with http.client, one at a time, timing each.

gunicorn's sync workers close the connection after every response, so every request is a new
TCP connection here too (as it is for Stripe's deliveries behind a proxy without keep-alive).
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Req:
    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Result:
    sent: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    bytes_received: int = 0

    @property
    def rate(self) -> float:
        return self.sent / self.elapsed if self.elapsed else 0.0

    def pct(self, q: float) -> float:
        """Latency percentile in ms."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000

    def summary(self) -> dict:
        return {
            "requests": self.sent,
            "seconds": round(self.elapsed, 2),
            "per_second": round(self.rate, 1),
            "p50_ms": round(self.pct(50), 1),
            "p99_ms": round(self.pct(99), 1),
            "max_ms": round(max(self.latencies) * 1000, 1) if self.latencies else None,
            "statuses": dict(sorted(self.statuses.items())),
            "errors": len(self.errors),
        }


def run(host: str, port: int, requests: list[Req], *, concurrency: int, timeout: float = 30.0) -> Result:
    """Send every request once, `concurrency` at a time; returns when all are answered."""
    result = Result()
    lock = threading.Lock()
    cursor = iter(range(len(requests)))

    def worker() -> None:
        latencies, statuses, errors, received = [], {}, [], 0
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            req = requests[i]
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
                conn.request(req.method, req.path, body=req.body, headers=dict(req.headers))
                response = conn.getresponse()
                received += len(response.read())
                conn.close()
                status = response.status
            except OSError as exc:
                errors.append(f"{req.path}: {exc!r}")
                status = 0
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
        with lock:
            result.latencies += latencies
            result.errors += errors
            result.bytes_received += received
            for status, n in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + n

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - started
    result.sent = len(requests)
    return result
