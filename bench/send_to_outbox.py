#!/usr/bin/env python
"""Time from an advisor pressing "Send" on a payment request to the SMS being in the outbox.

Measures, per request: t0 just before the form POST (/requests/new/), t1 when the SMS's
OutboundMessage has been handed to the SMS backend (status "sent", i.e. it is in the outbox).
By default a real Celery worker (solo pool) consumes the delivery task from Redis, as in
production; `--eager` runs the task in the web process instead.

    .venv/bin/python bench/send_to_outbox.py [--requests 50] [--eager]

Uses PostgreSQL (BENCH_DATABASE_URL, default .../textpay_c_bench, created if missing) and Redis
(BENCH_BROKER_URL, default redis://127.0.0.1:6379/4). Prints p50 / p95 / max in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/textpay_c_bench")
BROKER = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/4")


def _env(eager: bool) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only",
        DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DJANGO_SECURE_COOKIES="0",
        DATABASE_URL=DB_URL,
        CELERY_BROKER_URL=BROKER,
        CELERY_TASK_ALWAYS_EAGER="1" if eager else "0",
        LOG_LEVEL="WARNING",
        SITE_URL="https://pay.example.com",
    )
    return env


def _create_database() -> None:
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--eager", action="store_true", help="deliver in the web process (no worker)")
    args = parser.parse_args()

    _create_database()
    env = _env(args.eager)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from django.test import Client

    from notifications.models import OutboundMessage
    from organizations.models import Role
    from payments.models import PaymentRequest
    from tests.factories import (
        CustomerFactory,
        OrganizationFactory,
        StripeAccountFactory,
        TeamFactory,
        UserFactory,
    )

    org = OrganizationFactory(name="Bench Motors")
    team = TeamFactory(organization=org, payments_enabled=True, name=f"Service {time.time_ns()}")
    advisor = UserFactory(
        organization=org, role=Role.ADVISOR, teams=[team], email=f"bench-{time.time_ns()}@example.com"
    )
    customer = CustomerFactory(organization=org, phone="+13125550199", email="bench@example.net")
    StripeAccountFactory(organization=org, stripe_id=f"acct_bench{time.time_ns()}")

    worker = None
    if not args.eager:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "-l",
                "WARNING",
                "-Q",
                "celery",
            ],
            cwd=ROOT,
            env=env,
        )
        time.sleep(4)  # worker start-up is not part of the measurement

    client = Client()
    client.force_login(advisor)
    send_ms, outbox_ms = [], []
    try:
        for i in range(args.requests + 3):  # the first 3 warm up
            form = {
                "customer": customer.pk,
                "team": team.pk,
                "amount": "125.50",
                "description": "Brake service",
                "reference": f"BENCH-{time.time_ns()}-{i}",
                "channel": "sms",
            }
            t0 = time.perf_counter()
            response = client.post(f"/requests/new/?customer={customer.pk}", form)
            t_response = time.perf_counter()
            assert response.status_code == 302, response.content[:500]
            pr_id = PaymentRequest.objects.get(reference=form["reference"]).pk
            deadline = t0 + 30
            while True:
                if OutboundMessage.objects.filter(
                    payment_request_id=pr_id, channel="sms", status=OutboundMessage.Status.SENT
                ).exists():
                    break
                if time.perf_counter() > deadline:
                    raise SystemExit(f"SMS for request {pr_id} not in the outbox after 30 s")
                time.sleep(0.002)
            t1 = time.perf_counter()
            if i >= 3:
                send_ms.append((t_response - t0) * 1000)
                outbox_ms.append((t1 - t0) * 1000)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=15)

    def summary(values):
        values = sorted(values)
        p95 = values[max(0, int(round(0.95 * len(values))) - 1)]
        return f"p50 {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms   max {values[-1]:7.1f} ms"

    mode = "eager (in the web process)" if args.eager else "Celery worker on Redis"
    print(f"{args.requests} payment requests, SMS channel, delivery: {mode}")
    print(f"  Send -> page answered : {summary(send_ms)}")
    print(f"  Send -> SMS in outbox : {summary(outbox_ms)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
