"""The mixed soak (issue 13): everything a dealership does, together, at a steady rate, for
--minutes on the bench stack (bench/stack.py: gunicorn, the relay, Celery workers, the emulator).

    python bench/soak.py [--minutes 10] [--rate 1.0]

Streams, each paced on its own clock (per second, times --rate):
- request creation through the API (POST /api/v1/payment-requests/create/ with an Idempotency-Key): 1;
- customers paying them (the pay page, its Pay button, the emulator's card form): 1;
- Stripe's webhooks for those payments, signed, as the emulator emitted them (~2 events per payment);
- repeat pay page views of open links: 10;
- the Payments tab as the dealership's admin (first page, "All dates"): 1.

Every 30 s it samples each queue's length, the RSS of each process group, and errors so far.
It reports, it does not pass or fail: errors, whether any queue grew (last sample vs the first
minutes' peak), and the RSS of each group at the start and the end of the run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from bench.stack import QUEUE_PREFIX, Config, Monitor, Stack, database_prepare, log, rss_mb  # noqa: E402


class Stream:
    """Calls `fn()` `rate` times a second on a small pool, keeping latencies and failures."""

    def __init__(self, name: str, rate: float, fn, threads: int = 8) -> None:
        self.name, self.rate, self.fn = name, rate, fn
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix=name)
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.done = 0

    def _one(self) -> None:
        started = time.perf_counter()
        try:
            self.fn()
        except Exception as exc:  # noqa: BLE001 - counted and reported
            with self.lock:
                self.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
        finally:
            with self.lock:
                self.latencies.append(time.perf_counter() - started)
                self.done += 1

    def run(self, until: float) -> None:
        if self.rate <= 0:
            return
        started, i = time.monotonic(), 0
        while True:
            due = started + i / self.rate
            if due >= until:
                break
            time.sleep(max(0.0, due - time.monotonic()))
            self.pool.submit(self._one)
            i += 1

    def summary(self) -> dict:
        with self.lock:
            ordered = sorted(self.latencies)

        def pct(q: float) -> float | None:
            return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1) if ordered else None

        return {
            "done": self.done,
            "errors": len(self.errors),
            "first_errors": self.errors[:5],
            "p50_ms": pct(0.5),
            "p99_ms": pct(0.99),
            "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
        }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=1.0, help="multiplies every stream's rate")
    args = parser.parse_args()
    cfg = Config()
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    log(f"load average before: {os.getloadavg()}")
    database_prepare(cfg)
    os.environ.update(cfg.env())
    import django

    django.setup()
    import redis
    from django.test import Client

    from bench import dataset
    from organizations.api_tokens.services import api_token_create
    from organizations.models import Role
    from tests.factories import UserFactory
    from tests.stripe_server import http as http_call

    stack, monitor = Stack(cfg), Monitor(cfg)
    r = redis.Redis.from_url(cfg.redis_url)
    out: dict = {"minutes": args.minutes, "rate": args.rate, "load_average_before": os.getloadavg()}
    try:
        stack.start_stripe()
        stack.start_web()
        stack.start_workers()
        # One customer per created request: the per-customer caps (5 an hour) never refuse one.
        people = int(args.minutes * 60 * args.rate) + 100
        org, team, advisor, customers, account = dataset.dealership_create(
            cfg, label="soak", customers=people
        )
        admin = UserFactory(organization=org, role=Role.ADMIN, email=f"admin-{org.pk}@bench.example")
        acting = UserFactory(
            organization=org, role=Role.ADVISOR, email=f"api-{org.pk}@bench.example", teams=[team]
        )
        _, secret = api_token_create(user=admin, name="DMS", acting_user=acting)
        browser = Client()
        browser.force_login(admin)
        session_cookie = f"sessionid={browser.cookies['sessionid'].value}"
        open_tokens = [q.token for q in dataset.requests_create(
            org=org, team=team, advisor=advisor, customers=customers, stripe_account=account, count=200
        )]  # fmt: skip
        to_pay: list[str] = []
        seen_events: set[str] = set()
        lock = threading.Lock()
        n = iter(range(10**9))

        def create() -> None:
            i = next(n)
            body = json.dumps({
                "customer_id": customers[i % len(customers)].pk, "amount_minor": 10_000 + i,
                "description": "Soak service", "reference": f"SOAK-{org.pk}-{i}", "channel": "email",
            }).encode()  # fmt: skip
            conn = http.client.HTTPConnection("127.0.0.1", cfg.web_port, timeout=30)
            conn.request(
                "POST", "/api/v1/payment-requests/create/", body,
                {"Authorization": f"Bearer {secret}", "Idempotency-Key": f"soak-{org.pk}-{i}",
                 "Content-Type": "application/json"},
            )  # fmt: skip
            response = conn.getresponse()
            status, answer = response.status, response.read()
            conn.close()
            assert status == 201, (status, answer[:300])
            token = json.loads(answer)["pay_url"].rstrip("/").rsplit("/", 1)[1]
            with lock:
                to_pay.append(token)

        def pay() -> None:
            with lock:
                token = to_pay.pop(0) if to_pay else None
            if token:
                dataset._pay_one(cfg, token)

        def webhooks() -> None:
            page = dataset.stripe_api(cfg, "GET", "/v1/events", {"limit": 100}, account=account.stripe_id)
            with lock:
                fresh = [e for e in reversed(page["data"]) if e["id"] not in seen_events]
                seen_events.update(e["id"] for e in fresh)
            if fresh:
                result = loadgen.run(
                    "127.0.0.1", cfg.web_port, [dataset.signed_post(e) for e in fresh], concurrency=4
                )
                bad = {s: c for s, c in result.statuses.items() if s != 200}
                assert not bad and not result.errors, (bad, result.errors[:3])

        def view() -> None:
            status, _, body = http_call("GET", f"{cfg.web_url}/pay/{random.choice(open_tokens)}/")
            assert status == 200, (status, body[:200])

        def tab() -> None:
            status, _, body = http_call(
                "GET", f"{cfg.web_url}/payments/?date_from=", headers={"Cookie": session_cookie}
            )
            assert status == 200, (status, body[:200])

        streams = [
            Stream("create", 1 * args.rate, create),
            Stream("pay", 1 * args.rate, pay),
            Stream("webhooks", 1.0, webhooks, threads=1),  # posts what Stripe emitted since the last poll
            Stream("pay_page_view", 10 * args.rate, view),
            Stream("payments_tab", 1 * args.rate, tab),
        ]
        groups = ("web", "worker0", "worker1", "relay")
        samples = []
        started = time.monotonic()
        until = started + args.minutes * 60
        runners = [threading.Thread(target=s.run, args=(until,), daemon=True) for s in streams]
        for t in runners:
            t.start()
        log(f"soak: {args.minutes} min, streams {[(s.name, s.rate) for s in streams]}")
        while time.monotonic() < until + 1:
            queues = {
                k.decode()[len(QUEUE_PREFIX) :]: r.llen(k)
                for k in r.scan_iter(f"{QUEUE_PREFIX}*")
                if r.type(k) == b"list"
            }
            sample = {
                "t": round(time.monotonic() - started),
                "queues": queues,
                "unacked": r.hlen("unacked"),
                "rss_mb": {g: round(rss_mb(stack.group_pids(g)), 1) for g in groups},
                "errors": sum(len(s.errors) for s in streams),
                "load": os.getloadavg()[0],
            }
            samples.append(sample)
            log(json.dumps(sample))
            time.sleep(30)
        for t in runners:
            t.join()
        for s in streams:
            s.pool.shutdown(wait=True)
        drain_started = time.monotonic()
        while time.monotonic() - drain_started < 300:
            if not any(r.llen(k) for k in r.scan_iter(f"{QUEUE_PREFIX}*") if r.type(k) == b"list"):
                break
            time.sleep(1)
        out["drained_after_seconds"] = round(time.monotonic() - drain_started, 1)
        out["streams"] = {s.name: s.summary() for s in streams}
        out["samples"] = samples
        first = samples[: max(1, len(samples) // 5)]
        last = samples[-1]
        out["verdict"] = {
            "errors": sum(len(s.errors) for s in streams),
            "queue_max_first_fifth": max(sum(s["queues"].values()) for s in first),
            "queue_at_end": sum(last["queues"].values()),
            "rss_mb_start": samples[min(1, len(samples) - 1)]["rss_mb"],  # after a minute's warm-up
            "rss_mb_end": last["rss_mb"],
        }
        from payments.models import Payment, PaymentRequest, WebhookEvent

        out["totals"] = {
            "requests_created": PaymentRequest.objects.filter(
                organization=org, reference__startswith="SOAK-"
            ).count(),
            "payments": Payment.objects.filter(organization=org).count(),
            "requests_paid": PaymentRequest.objects.filter(organization=org, status="paid").count(),
            "events_posted": len(seen_events),
            "events_not_done": WebhookEvent.objects.filter(account=account.stripe_id)
            .exclude(status__in=["succeeded", "ignored"])
            .count(),
        }
    finally:
        stack.stop_all()
        monitor.close()
    out["load_average_after"] = os.getloadavg()
    (ROOT / "bench" / "out" / "soak.json").write_text(json.dumps(out, indent=2))
    print(
        json.dumps(
            {k: out[k] for k in ("streams", "verdict", "totals", "drained_after_seconds") if k in out},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
