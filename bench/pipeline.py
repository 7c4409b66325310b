"""Webhooks, the pay page and the expiry sweep at dealer scale, each next to a reference measured
in the same run on the same machine (bench/README.md, "Webhooks, pay page, sweep").

    python bench/pipeline.py [--only healthz,webhooks,mixed,paypage,sweep,references]
                             [--events 1000] [--mixed-requests 1000] [--pay-requests 1000]
                             [--sweep-size 100000] [--sweep-seconds 120]

Starts its own stack (bench/stack.py: gunicorn + Celery workers + the Stripe emulator, on
PostgreSQL `textpay_bench` and Redis db 5, ports 8104/8105), makes its own data in a fresh
dealership each run, and prints one table of figures (also written to bench/out/pipeline.json).
Timings never decide anything here: it reports, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from bench.stack import QUEUE_PREFIX, Config, CpuMeter, Monitor, Stack, database_prepare, log  # noqa: E402

ALL = ("healthz", "webhooks", "mixed", "paypage", "sweep", "references")  # "profile", "gunicorn" on request


def django_setup(cfg: Config) -> None:
    os.environ.update(cfg.env())
    import django

    django.setup()


def hit(cfg: Config, requests: list[loadgen.Req], concurrency: int) -> loadgen.Result:
    return loadgen.run("127.0.0.1", cfg.web_port, requests, concurrency=concurrency)


def healthz(cfg: Config, stack: Stack, monitor: Monitor, *, concurrency: int, count: int) -> dict:
    hit(cfg, [loadgen.Req("GET", "/healthz")] * 200, concurrency)  # warm every worker
    meter = CpuMeter(stack, monitor)
    meter.start()
    result = hit(cfg, [loadgen.Req("GET", "/healthz")] * count, concurrency).summary()
    result["cpu_ms"] = {k: round(v * 1000 / count, 2) for k, v in meter.stop().items()}
    return result


def queues_idle(redis_url: str) -> bool:
    import redis

    r = redis.Redis.from_url(redis_url)
    pending = sum(r.llen(key) for key in r.scan_iter(f"{QUEUE_PREFIX}*") if r.type(key) == b"list")
    return pending == 0 and r.hlen("unacked") == 0


def wait_until(predicate, timeout: float, step: float = 0.2) -> float | None:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if predicate():
            return time.perf_counter() - started
        time.sleep(step)
    return None


def webhooks(
    cfg: Config, stack: Stack, monitor: Monitor, *, count: int, hold_processing: bool = False
) -> dict:
    """`count` payment_intent.succeeded events for real, paid requests, posted at concurrency 16
    with the workers running: acknowledged/s, then until every payment is recorded, then until
    the follow-on work (receipts, notifications) has drained."""
    from bench import dataset
    from payments.models import Payment, WebhookEvent

    org, team, advisor, customers, account = dataset.dealership_create(cfg, label="webhooks")
    warm = 32  # posted first, untimed: each web and worker process runs the path once
    reqs = dataset.requests_create(org=org, team=team, advisor=advisor, customers=customers,
                                   stripe_account=account, count=count + warm)  # fmt: skip
    log(f"webhooks: paying {count + warm} requests through the pay page and the emulator's Checkout")
    dataset.requests_pay(cfg, [r.token for r in reqs])
    events = dataset.events_of(cfg, account.stripe_id, ["payment_intent.succeeded"])
    assert len(events) == count + warm, (len(events), count + warm)
    hit(cfg, [dataset.signed_post(e) for e in events[:warm]], 16)
    wait_until(lambda: queues_idle(cfg.redis_url), 120, step=0.5)
    events = events[warm:]
    (ROOT / "bench" / "out" / "webhook_events.json").write_text(json.dumps(events))  # profile_wsgi.py
    posts = [dataset.signed_post(e) for e in events]
    log(f"webhooks: posting {len(posts)} signed events, concurrency 16")
    before, meter = monitor.counters(), CpuMeter(stack, monitor)
    held = cfg.relay and hold_processing
    if held:  # the web tier alone: events stored, their processing queued once all are acknowledged
        stack.stop("relay")
    meter.start()
    started = time.perf_counter()
    ack = hit(cfg, posts, 16)
    if held:
        stack.start_relay()
    recorded = wait_until(lambda: Payment.objects.filter(organization=org).count() >= count + warm, 600)
    processed_at = time.perf_counter() - started
    drained = wait_until(lambda: queues_idle(cfg.redis_url), 900, step=0.5)
    drained_at = time.perf_counter() - started
    cpu = meter.stop()
    after = monitor.counters()
    stored = WebhookEvent.objects.filter(stripe_id__in=[e["id"] for e in events]).count()
    payments = Payment.objects.filter(organization=org).count() - warm
    return {
        "processing_held_during_acks": held,
        "acknowledged": ack.summary(),
        "processed_seconds": round(processed_at, 2) if recorded is not None else None,
        "processed_per_second": round(count / processed_at, 1) if recorded is not None else None,
        "follow_on_drained_seconds": round(drained_at, 2) if drained is not None else None,
        "stored_events": stored,
        "payments": payments,
        "new_pg_sessions_per_event": round((after["sessions"] - before["sessions"]) / count, 3),
        "pg_commits_per_event": round((after["commits"] - before["commits"]) / count, 2),
        "cpu_ms_per_event": {k: round(v * 1000 / count, 1) for k, v in cpu.items()},
    }


def profile_processing(cfg: Config, stack: Stack, *, count: int) -> None:
    """Where a webhook event's processing goes, in this process under cProfile: `count` events
    posted with the workers stopped (stored, acknowledged), their queued messages dropped, then
    each processed as the worker would, with the follow-on tasks run eagerly in line."""
    import redis

    from bench import dataset
    from bench.profile_wsgi import profile_calls
    from config.celery import app
    from payments.models import WebhookEvent

    org, team, advisor, customers, account = dataset.dealership_create(cfg, label="profile")
    reqs = dataset.requests_create(org=org, team=team, advisor=advisor, customers=customers,
                                   stripe_account=account, count=count)  # fmt: skip
    dataset.requests_pay(cfg, [r.token for r in reqs])
    events = dataset.events_of(cfg, account.stripe_id, ["payment_intent.succeeded"])
    stack.stop_workers()
    hit(cfg, [dataset.signed_post(e) for e in events], 16)
    r = redis.Redis.from_url(cfg.redis_url)
    for key in r.scan_iter(f"{QUEUE_PREFIX}*"):
        r.delete(key)
    app.loader.import_default_modules()
    app.conf.task_always_eager = True
    task = app.tasks["payments.process_webhook_event"]
    ids = WebhookEvent.objects.filter(stripe_id__in=[e["id"] for e in events]).values_list("pk", flat=True)
    profile_calls([lambda pk=pk: task(pk) for pk in ids], top=45)
    app.conf.task_always_eager = False
    stack.start_workers()


def mixed(cfg: Config, *, count: int) -> dict:
    """Correctness under Stripe's delivery habits: for `count` paid requests, their
    checkout.session.completed and payment_intent.succeeded events (2 per request), 20 % of the
    events posted twice and 20 % of the requests' pairs in reverse order, shuffled, concurrency 16.
    The final state must equal an in-order delivery: each request paid once, one payment each."""
    from bench import dataset
    from payments.models import Payment, PaymentRequest, WebhookEvent

    org, team, advisor, customers, account = dataset.dealership_create(cfg, label="mixed")
    reqs = dataset.requests_create(org=org, team=team, advisor=advisor, customers=customers,
                                   stripe_account=account, count=count)  # fmt: skip
    dataset.requests_pay(cfg, [r.token for r in reqs])
    types = ["checkout.session.completed", "payment_intent.succeeded"]
    events = dataset.events_of(cfg, account.stripe_id, types)
    rng = random.Random(13)
    by_request: dict[str, list[dict]] = {}
    for event in events:
        by_request.setdefault(event["data"]["object"]["metadata"]["payment_request_id"], []).append(event)
    sequence = []
    for pair in by_request.values():
        if rng.random() < 0.2:
            pair = list(reversed(pair))
        sequence += pair
    sequence += rng.sample(sequence, k=len(sequence) // 5)  # duplicates
    # Shuffle within windows of 64, so that close events (and the duplicates) arrive together.
    windows = [sequence[i : i + 64] for i in range(0, len(sequence), 64)]
    for window in windows:
        rng.shuffle(window)
    posts = [dataset.signed_post(e) for window in windows for e in window]
    result = hit(cfg, posts, 16)
    wait_until(lambda: queues_idle(cfg.redis_url), 900, step=0.5)
    paid = PaymentRequest.objects.filter(organization=org, status="paid").count()
    payments = Payment.objects.filter(organization=org)
    duplicates = payments.count() - payments.values("stripe_payment_intent_id").distinct().count()
    return {
        "posted": len(posts),
        "distinct_events": len(events),
        "acknowledged": result.summary(),
        "stored_events": WebhookEvent.objects.filter(stripe_id__in=[e["id"] for e in events]).count(),
        "requests_paid": paid,
        "payments": payments.count(),
        "duplicate_payments": duplicates,
        "final_state_equals_in_order": paid == count and payments.count() == count and duplicates == 0,
    }


def paypage(cfg: Config, stack: Stack, monitor: Monitor, *, count: int) -> dict:
    """GET /pay/<token>/ at 100 connections: first visits (the request is marked opened) and
    repeat visits; the page's weight with its assets."""
    from bench import dataset

    org, team, advisor, customers, account = dataset.dealership_create(cfg, label="pay")
    reqs = dataset.requests_create(org=org, team=team, advisor=advisor, customers=customers,
                                   stripe_account=account, count=count)  # fmt: skip
    pages = [loadgen.Req("GET", f"/pay/{r.token}/") for r in reqs]
    meter = CpuMeter(stack, monitor)
    meter.start()
    first = hit(cfg, pages, 100)
    first_cpu = meter.stop()
    meter.start()
    repeat = hit(cfg, pages, 100)
    repeat_cpu = meter.stop()
    status, _, body = dataset.http("GET", f"{cfg.web_url}/pay/{reqs[0].token}/")
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', body)
    weight = len(body) + sum(len(dataset.http("GET", cfg.web_url + a.decode())[2]) for a in assets)
    return {
        "first_visit": first.summary(),
        "repeat_visit": repeat.summary(),
        "first_visit_cpu_ms": {k: round(v * 1000 / count, 2) for k, v in first_cpu.items()},
        "repeat_visit_cpu_ms": {k: round(v * 1000 / count, 2) for k, v in repeat_cpu.items()},
        "page_bytes": len(body),
        "page_with_assets_bytes": weight,
        "assets": [a.decode() for a in assets],
    }


def gunicorn_configs(cfg: Config, stack: Stack, monitor: Monitor, *, count: int) -> dict:
    """The web service's shape, measured: sync workers 2/4/8 (1, 2, 4 per core) and gthread
    2 x 4, each on /healthz at concurrency 16 and repeat pay-page visits at 100 connections."""
    from bench import dataset

    org, team, advisor, customers, account = dataset.dealership_create(cfg, label="gunicorn")
    reqs = dataset.requests_create(org=org, team=team, advisor=advisor, customers=customers,
                                   stripe_account=account, count=count)  # fmt: skip
    pages = [loadgen.Req("GET", f"/pay/{r.token}/") for r in reqs]
    out = {}
    for workers, threads in ((2, 1), (4, 1), (8, 1), (2, 4)):
        stack.stop("web")
        stack.start_web(workers=workers, threads=threads)
        hit(cfg, pages, 100)  # warm up (and the first visits' writes)
        name = f"{workers} workers x {threads} thread(s)"
        out[name] = {
            "healthz_c16": healthz(cfg, stack, monitor, concurrency=16, count=count),
            "pay_repeat_c100": hit(cfg, pages, 100).summary(),
        }
        log(f"gunicorn {name}: {json.dumps(out[name])}")
    stack.stop("web")
    stack.start_web()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default=",".join(ALL))
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--mixed-requests", type=int, default=1000)
    parser.add_argument("--pay-requests", type=int, default=1000)
    parser.add_argument("--sweep-size", type=int, default=100_000)
    parser.add_argument("--sweep-seconds", type=float, default=120)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--healthz", type=int, default=3000, help="requests per /healthz round")
    args = parser.parse_args()
    only = set(args.only.split(","))
    cfg = Config(web_workers=args.web_workers)
    (ROOT / "bench" / "out").mkdir(exist_ok=True)
    log(f"load average before: {os.getloadavg()}")
    database_prepare(cfg)
    django_setup(cfg)
    stack, monitor = Stack(cfg), Monitor(cfg)
    results: dict = {"load_average_before": os.getloadavg(), "web_workers": args.web_workers}
    try:
        stack.start_stripe()
        stack.start_web()
        stack.start_workers()
        if only & {"healthz", "webhooks", "mixed"}:
            results["healthz_c16"] = healthz(cfg, stack, monitor, concurrency=16, count=args.healthz)
            log(f"healthz c16: {results['healthz_c16']}")
        if "webhooks" in only:
            results["webhooks"] = webhooks(cfg, stack, monitor, count=args.events)
            log(f"webhooks: {json.dumps(results['webhooks'])}")
            if cfg.relay:  # the same with the relay held back while the events arrive: the web tier alone
                results["webhooks_held"] = webhooks(
                    cfg, stack, monitor, count=args.events, hold_processing=True
                )
                log(f"webhooks, processing held: {json.dumps(results['webhooks_held'])}")
        if "gunicorn" in only:
            results["gunicorn"] = gunicorn_configs(cfg, stack, monitor, count=args.pay_requests)
        if "profile" in only:
            profile_processing(cfg, stack, count=args.events)
        if "mixed" in only:
            results["mixed"] = mixed(cfg, count=args.mixed_requests)
            log(f"mixed: {json.dumps(results['mixed'])}")
        if "paypage" in only:
            results["healthz_c100"] = healthz(cfg, stack, monitor, concurrency=100, count=args.healthz)
            results["paypage"] = paypage(cfg, stack, monitor, count=args.pay_requests)
            log(f"pay page: {json.dumps(results['paypage'])}; healthz c100 {results['healthz_c100']}")
        if "sweep" in only or "references" in only:
            from bench import references

            if "references" in only:
                results["pgbench_insert"] = references.pgbench_insert(cfg)
                log(f"pgbench: {results['pgbench_insert']}")
            if "sweep" in only:
                results["sweep"] = references.sweep(cfg, size=args.sweep_size, seconds=args.sweep_seconds)
                log(f"sweep: {json.dumps(results['sweep'])}")
    finally:
        stack.stop_all()
        monitor.close()
    results["load_average_after"] = os.getloadavg()
    from bench.report import ratios

    results["ratios"] = ratios(results)
    (ROOT / "bench" / "out" / "pipeline.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results["ratios"], indent=2))


if __name__ == "__main__":
    main()
