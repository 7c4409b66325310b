"""The database's own pace, measured in the same run: pgbench single-row INSERTs at concurrency 16,
and one UPDATE ... SET status='expired' with its history rows (the floor under the expiry sweep);
and the sweep itself, with a concurrent update of an unrelated request timed all along."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from urllib.parse import urlparse

import psycopg

from bench.stack import Config, log

EXPIRE_SQL = """
WITH moved AS (
    UPDATE payments_paymentrequest
       SET status = 'expired', expired_at = now(), updated_at = now()
     WHERE organization_id = %(org)s AND status IN ('sent', 'opened', 'partially_paid')
       AND expires_at <= now()
 RETURNING id, organization_id
)
INSERT INTO payments_paymentrequestevent
       (organization_id, payment_request_id, kind, from_status, to_status, actor_label, message, data, created_at)
SELECT organization_id, id, 'expired', 'sent', 'expired', 'system', 'Link expired 24 h after sending', '{}', now()
  FROM moved
"""


def pgbench_insert(cfg: Config, *, seconds: int = 10) -> dict:
    """Single-row INSERT transactions (a unique key and a ~2 KB JSON payload, like a stored
    webhook event), 16 clients, 2 threads."""
    with psycopg.connect(cfg.database_url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_ref_insert")
        conn.execute(
            "CREATE TABLE bench_ref_insert (id bigserial PRIMARY KEY, k text UNIQUE NOT NULL,"
            " payload jsonb NOT NULL, created timestamptz NOT NULL DEFAULT now())"
        )
    payload = '{"object": "event", "data": {"object": {"metadata": {}, "note": "' + "x" * 2000 + '"}}}'
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(
            f"INSERT INTO bench_ref_insert (k, payload) VALUES (md5(random()::text || clock_timestamp()::text), '{payload}');\n"
        )
    parsed = urlparse(cfg.database_url)
    try:
        out = subprocess.run(
            ["pgbench", "-n", "-c", "16", "-j", "2", "-T", str(seconds), "-f", script.name,
             "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432),
             "-U", parsed.username or "postgres", parsed.path.lstrip("/")],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
        with psycopg.connect(cfg.database_url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS bench_ref_insert")
    tps = float(next(line for line in out.splitlines() if line.startswith("tps")).split()[2])
    latency = next((line for line in out.splitlines() if line.startswith("latency average")), "")
    return {"tps": round(tps), "latency": latency.split("=")[-1].strip()}


class UpdateProbe(threading.Thread):
    """Updates one unrelated request every 20 ms on its own connection and keeps each wait."""

    def __init__(self, cfg: Config, request_id: int) -> None:
        super().__init__(daemon=True)
        self.cfg, self.request_id = cfg, request_id
        self.waits: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.cfg.database_url, autocommit=True) as conn:
            while not self.stop.is_set():
                started = time.perf_counter()
                conn.execute(
                    "UPDATE payments_paymentrequest SET updated_at = now() WHERE id = %s", [self.request_id]
                )
                self.waits.append(time.perf_counter() - started)
                time.sleep(0.02)

    def summary(self) -> dict:
        ordered = sorted(self.waits) or [0.0]
        return {
            "updates": len(self.waits),
            "p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2),
        }


def sweep(cfg: Config, *, size: int, seconds: float) -> dict:
    """`size` overdue requests in a fresh dealership. Reference: the single UPDATE with history
    rows, rolled back. Then the product's sweep (the Celery task, by name, called in this
    process) until nothing is overdue or `seconds` have passed, with the probe running."""
    from bench import dataset
    from config.celery import app
    from payments.models import PaymentRequest, PaymentRequestEvent

    with psycopg.connect(cfg.database_url, autocommit=True) as conn:  # left by an interrupted run
        conn.execute(
            "UPDATE payments_paymentrequest SET status = 'expired', expired_at = now()"
            " WHERE status IN ('sent', 'opened', 'partially_paid') AND expires_at <= now()"
        )
    org, team, advisor, customers, account = dataset.dealership_create(cfg, label="sweep", customers=200)
    log(f"sweep: creating {size} overdue requests")
    dataset.requests_create(org=org, team=team, advisor=advisor, customers=customers,
                            stripe_account=account, count=size, overdue=True)  # fmt: skip
    bystander = dataset.requests_create(org=org, team=team, advisor=advisor, customers=customers,
                                        stripe_account=account, count=1)[0]  # fmt: skip
    with psycopg.connect(cfg.database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE payments_paymentrequest")
        conn.execute("VACUUM ANALYZE payments_paymentrequestevent")
    with psycopg.connect(cfg.database_url) as conn:
        started = time.perf_counter()
        conn.execute(EXPIRE_SQL, {"org": org.pk})
        reference_seconds = time.perf_counter() - started
        conn.rollback()
    with psycopg.connect(cfg.database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE payments_paymentrequest")
    app.loader.import_default_modules()  # the task modules, as a worker imports them
    task = app.tasks["payments.expire_overdue_requests"]
    if os.environ.get("BENCH_SWEEP_BATCH"):  # try another batch size than the product's
        from payments.requests import tasks as request_tasks

        request_tasks.SWEEP_BATCH_SIZE = int(os.environ["BENCH_SWEEP_BATCH"])
    idle = UpdateProbe(cfg, bystander.pk)  # the same update with no sweep running: the machine's pace
    idle.start()
    time.sleep(5)
    idle.stop.set()
    idle.join()
    probe = UpdateProbe(cfg, bystander.pk)
    probe.start()
    overdue = PaymentRequest.objects.filter(organization=org, status="sent", expires_at__lte=time_now())
    calls, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        calls += 1
        if not task() and not overdue.exists():
            break
    elapsed = time.perf_counter() - started
    probe.stop.set()
    probe.join()
    expired = PaymentRequest.objects.filter(organization=org, status="expired").count()
    history = PaymentRequestEvent.objects.filter(organization=org, kind="expired").count()
    return {
        "overdue": size,
        "batch_size": __import__("payments.requests.tasks", fromlist=["x"]).SWEEP_BATCH_SIZE,
        "reference_single_update_seconds": round(reference_seconds, 2),
        "reference_per_second": round(size / reference_seconds),
        "expired": expired,
        "history_rows": history,
        "seconds": round(elapsed, 2),
        "task_calls": calls,
        "per_second": round(expired / elapsed, 1),
        "finished": expired == size,
        "concurrent_unrelated_update": probe.summary(),
        "unrelated_update_without_sweep": idle.summary(),
    }


def time_now():
    from django.utils import timezone

    return timezone.now()
