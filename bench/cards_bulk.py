"""Bulk charge benchmark (issue 14): 5,000 saved cards charged by real Celery workers against the Stripe
emulator limited to 100 requests/s, with the shared Redis token bucket at 100/s.

    python bench/cards_bulk.py [--cards 5000] [--rate 100] [--workers 2] [--concurrency 6] [--shards 12]

Target: done in at most 1.1 x the floor set by the limit (5,000 / 100 = 50 s), 0 double charges
(counted in the emulator: succeeded charges per payment request), and no 429 left unretried (every
item paid). Not a test: timings never decide pass/fail. Uses its own database (BENCH_CARDS_DATABASE_URL,
default textpay_cards_bench, dropped and migrated each run), Redis db 12 and port 8116.

The emulator runs in its own process (`--serve`), holds the dealership's account, 5,000 Customers and
their saved cards made directly in its state, answers 429 rate_limit above --rate, and keeps no events.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
API_KEY = "sk_test_bench_cards"
PORT = int(os.environ.get("BENCH_CARDS_PORT", "8116"))
DB_URL = os.environ.get("BENCH_CARDS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/textpay_cards_bench")
REDIS_URL = os.environ.get("BENCH_CARDS_REDIS_URL", "redis://127.0.0.1:6379/12")


# --- the emulator process ------------------------------------------------------------------------
def serve(cards: int, out: str) -> None:
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from stripe_sandbox import Emulator, EmulatorConfig
    from stripe_sandbox.cards import TEST_CARDS
    from stripe_sandbox.operations import accounts as acc_ops
    from stripe_sandbox.operations.charges import card_details, payment_method_create
    from stripe_sandbox.operations.customers import customer_build, payment_method_attach

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        request_queue_size = 512

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args) -> None:
            pass

    url = f"http://127.0.0.1:{PORT}"
    emu = Emulator(
        EmulatorConfig(api_keys=frozenset({API_KEY}), public_url=url, delivery_mode="off", sweep_interval=0.5)
    )
    card = TEST_CARDS["4242424242424242"]
    with emu.lock:
        account = acc_ops.account_build(
            emu, country="US", email="bench@example.com", params={"type": "express"}
        )
        emu.put(account, None)
        acc_ops.onboarding_complete(emu, account)
        made = []
        for i in range(cards):
            customer = customer_build(
                emu, account["id"], {"email": f"c{i}@bench.example", "name": f"Fleet {i}"}
            )
            pm = payment_method_create(
                emu, account["id"], "card", card_details(account["id"], card, "4242", 12, 2034), {}, card
            )
            payment_method_attach(emu, pm, customer["id"])
            made.append([customer["id"], pm["id"], pm["card"]["fingerprint"]])
        emu.state["events"].clear()
        for oid in [o for o, obj in emu.state["objects"].items() if obj.get("object") == "event"]:
            del emu.state["objects"][oid], emu.state["owners"][oid]
        emu._outbox.clear()
    Path(out).write_text(json.dumps({"account": account["id"], "cards": made}))
    httpd = make_server("127.0.0.1", PORT, emu, server_class=Server, handler_class=Quiet)
    print(f"emulator ready on {url}", flush=True)
    httpd.serve_forever()


def control(method: str, path: str, data: dict | None = None) -> dict:
    from urllib.parse import urlencode

    body = urlencode(data).encode() if data else None
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", data=body, method=method)
    request.add_header("Authorization", f"Bearer {API_KEY}")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


# --- the driver ----------------------------------------------------------------------------------
def env_for(prefix: str, rate: float, shards: int, burst: float) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only",
        "DATABASE_URL": DB_URL,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_QUEUE_PREFIX": prefix,
        "STRIPE_SECRET_KEY": API_KEY,
        "STRIPE_WEBHOOK_SECRET": "whsec_bench_cards_platform",  # production settings require both
        "STRIPE_CONNECT_WEBHOOK_SECRET": "whsec_bench_cards_connect",
        "STRIPE_API_BASE": f"http://127.0.0.1:{PORT}",
        "CARD_CHARGE_RATE_PER_SECOND": str(rate),
        "CARD_CHARGE_RATE_BURST": str(burst),
        "BULK_CHARGE_SHARDS": str(shards),
        "TWILIO_ACCOUNT_SID": "",
        "EMAIL_URL": "",
        "LOG_LEVEL": "WARNING",
    }


def database_reset(env: dict) -> None:
    import psycopg

    base, name = DB_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)


def rows_load(fixture: dict):
    """Dealership, team, manager, 5,000 customers with a saved card and consent, in bulk."""
    from django.utils import timezone

    from customers.models import Customer
    from organizations.models import Organization, Role, User
    from payments.models import CardConsent, SavedCard, StripeAccount, StripeCustomer
    from teams.models import Team

    org = Organization.objects.create(name="Bench Fleet Motors", time_zone="America/Chicago")
    team = Team.objects.create(organization=org, name="Fleet", payments_enabled=True)
    manager = User.objects.create_user(
        email="manager@bench.example", password="x", name="Bench Manager", organization=org, role=Role.MANAGER
    )
    team.members.add(manager)
    account = StripeAccount.objects.create(
        organization=org,
        stripe_id=fixture["account"],
        country="US",
        charges_enabled=True,
        payouts_enabled=True,
    )
    customers = Customer.objects.bulk_create(
        Customer(organization=org, name=f"Fleet {i}", email=f"c{i}@bench.example")
        for i in range(len(fixture["cards"]))
    )
    stripe_customers = StripeCustomer.objects.bulk_create(
        StripeCustomer(organization=org, customer=c, stripe_account=account, stripe_customer_id=row[0])
        for c, row in zip(customers, fixture["cards"], strict=True)
    )
    cards = SavedCard.objects.bulk_create(
        SavedCard(
            organization=org,
            customer=c,
            stripe_customer=sc,
            stripe_payment_method_id=row[1],
            brand="visa",
            last4="4242",
            exp_month=12,
            exp_year=2034,
            fingerprint=row[2],
        )
        for c, sc, row in zip(customers, stripe_customers, fixture["cards"], strict=True)
    )
    now = timezone.now()
    CardConsent.objects.bulk_create(
        CardConsent(
            organization=org,
            customer=c,
            saved_card=card,
            source="save_link",
            text_version="bench",
            text="bench",
            dealership_name=org.name,
            accepted_at=now,
        )
        for c, card in zip(customers, cards, strict=True)
    )
    return manager, team, customers


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


def profile_items(run, count: int) -> None:
    """Charge the run's `count` items in this process, as one shard (batches of BULK_CHARGE_BATCH):
    CPU per charge, SQL statements per charge, and the top functions by cumulative time (where our
    side of a charge goes)."""
    import cProfile
    import pstats

    from django.db import connection

    from payments.cards import bulk
    from payments.models import BulkCharge

    BulkCharge.objects.filter(pk=run.pk).update(status=BulkCharge.Status.RUNNING)
    statements = []
    connection.execute_wrappers.append(lambda execute, sql, *a: (statements.append(sql), execute(sql, *a))[1])
    profiler = cProfile.Profile()
    wall, cpu = time.perf_counter(), time.process_time()
    profiler.enable()
    bulk.bulk_charge_shard_run(run_id=run.pk, shard=0, shards=1)
    profiler.disable()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{count} charges: {1000 * wall / count:.1f} ms wall, {1000 * cpu / count:.1f} ms CPU of this process, "
        f"{len(statements) / count:.1f} SQL statements each",
        flush=True,
    )
    kinds = {}
    for sql in statements:
        head = " ".join(sql.split()[:4])[:70]
        kinds[head] = kinds.get(head, 0) + 1
    for head, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:25]:
        print(f"  {n / count:5.2f}/charge  {head}")
    pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(35)


def queued(queue: str) -> int:
    """Messages waiting on a Celery queue (kombu's Redis list, and its priority lists)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    return sum(client.llen(key) for key in client.scan_iter(match=f"{queue}*") if client.type(key) == b"list")


def receipts_drain(prefix: str, env: dict, concurrency: int) -> dict:
    """The follow-on work of the run: one worker on the messages queue sends each payment's receipt
    and the advisor's notice (email here: the customers have no phone). Not part of the run's time."""
    queue = prefix + "messages"
    before = queued(queue)
    worker = subprocess.Popen(
        [PY, "-m", "celery", "-A", "config", "worker", "--pool", "threads", "--concurrency", str(concurrency),
         "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--queues", queue, "-n", "bench-messages@%h"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        start, cpu = time.monotonic(), 0.0
        while queued(queue) > 0 and time.monotonic() - start < 1800:
            cpu = cpu_seconds(worker.pid)
            time.sleep(0.5)
        time.sleep(2)  # the last tasks in hand
        cpu = cpu_seconds(worker.pid)
        elapsed = time.monotonic() - start
    finally:
        worker.terminate()
        worker.wait(20)
    return {
        "tasks": before,
        "drained_s": round(elapsed, 1),
        "per_s": round(before / elapsed, 1),
        "worker_cpu_ms_each": round(1000 * cpu / max(before, 1), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=100.0, help="emulator limit and shared bucket, req/s")
    parser.add_argument("--burst", type=float, default=10.0, help="the shared bucket's burst")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--pool", default="threads")
    parser.add_argument("--shards", type=int, default=12)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        help="charge this many items in this process under cProfile (one shard), SQL counted",
    )
    parser.add_argument(
        "--receipts",
        action="store_true",
        help="after the run, one worker on the messages queue sends the receipts: time and CPU per receipt",
    )
    parser.add_argument("--fixture", default="/tmp/textpay-bench-cards.json")
    args = parser.parse_args()
    if args.serve:
        serve(args.cards, args.fixture)
        return

    prefix = f"bench-cards-{uuid.uuid4().hex[:8]}."
    env = env_for(prefix, args.rate, args.shards, args.burst)
    os.environ.update({k: v for k, v in env.items() if k not in ("CELERY_TASK_ALWAYS_EAGER",)})
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    print(f"database {DB_URL}: reset and migrate", flush=True)
    database_reset(env)
    Path(args.fixture).unlink(missing_ok=True)
    emulator = subprocess.Popen(
        [PY, __file__, "--serve", "--cards", str(args.cards), "--fixture", args.fixture], cwd=ROOT
    )
    workers = []
    try:
        t0 = time.monotonic()
        while not Path(args.fixture).exists():
            assert emulator.poll() is None, "the emulator stopped"
            time.sleep(0.5)
        time.sleep(1)
        fixture = json.loads(Path(args.fixture).read_text())
        print(f"emulator: {len(fixture['cards'])} saved cards in {time.monotonic() - t0:.0f} s", flush=True)

        import django

        django.setup()
        from payments.cards import bulk
        from payments.models import BulkCharge, BulkChargeItem

        manager, team, customers = rows_load(fixture)
        run = bulk.bulk_charge_create(
            user=manager, team=team, description="Fleet month end", reference="ME-BENCH",
            rows=[(c.pk, 2_500) for c in customers[: args.profile or None]],
        )  # fmt: skip
        if args.profile:
            profile_items(run, args.profile)
            return
        queue = f"{prefix}bulk"
        for i in range(args.workers):
            workers.append(
                subprocess.Popen(
                    [
                        PY,
                        "-m",
                        "celery",
                        "-A",
                        "config",
                        "worker",
                        "--pool",
                        args.pool,
                        "--concurrency",
                        str(args.concurrency),
                        "--loglevel",
                        "WARNING",
                        "--without-gossip",
                        "--without-mingle",
                        "--without-heartbeat",
                        "--queues",
                        queue,
                        "-n",
                        f"bench{i}@%h",
                    ],
                    cwd=ROOT,
                    env=env,
                )  # fmt: skip
            )
        time.sleep(8)  # workers up
        control("POST", "/_sandbox/rate_limit", {"rate": args.rate, "burst": args.rate})
        start = time.monotonic()
        cpu_before = {
            "workers": sum(cpu_seconds(w.pid) for w in workers),
            "emulator": cpu_seconds(emulator.pid),
        }
        busy_before, total_before = machine_busy_seconds()
        bulk.bulk_charge_confirm(user=manager, run=run)
        last = -1
        while BulkCharge.objects.get(pk=run.pk).status != "done":
            done = BulkChargeItem.objects.filter(run=run).exclude(status="pending").count()
            if done != last and int(time.monotonic() - start) % 5 == 0:
                print(f"  {time.monotonic() - start:5.1f} s: {done} / {args.cards}", flush=True)
                last = done
            assert all(w.poll() is None for w in workers), "a worker stopped"
            assert time.monotonic() - start < 1800, "over 30 minutes"
            time.sleep(0.25)
        elapsed = time.monotonic() - start
        busy_after, total_after = machine_busy_seconds()
        cpu_ms = {
            "workers": 1000 * (sum(cpu_seconds(w.pid) for w in workers) - cpu_before["workers"]) / args.cards,
            "emulator": 1000 * (cpu_seconds(emulator.pid) - cpu_before["emulator"]) / args.cards,
        }
        machine_ms = 1000 * (busy_after - busy_before) / args.cards
        cores = os.cpu_count() or 1
        summary = control("GET", "/_sandbox/charges/summary?metadata_key=payment_request_id")
        limits = control("GET", "/_sandbox/rate_limit")
        doubles = sum(1 for n in summary["succeeded_by"].values() if n > 1)
        paid = BulkChargeItem.objects.filter(run=run, status="succeeded").count()
        floor = args.cards / args.rate
        result = {
            "cards": args.cards,
            "rate_limit": args.rate,
            "elapsed_s": round(elapsed, 1),
            "floor_s": floor,
            "ratio_to_floor": round(elapsed / floor, 3),
            "succeeded_charges_in_emulator": summary["succeeded"],
            "double_charges": doubles,
            "items_paid": paid,
            "items_not_paid": args.cards - paid,
            "429_answered": limits["refused"],
            "workers": f"{args.workers} x {args.pool}/{args.concurrency}, {args.shards} shards, bucket burst {args.burst}",
            "cpu_ms_per_charge": {k: round(v, 1) for k, v in cpu_ms.items()},
            "machine_busy_ms_per_charge": round(machine_ms, 1),
            "machine_busy_share": round((busy_after - busy_before) / (total_after - total_before), 3),
            # What this machine could do if the charges had all of its CPU: cores / machine CPU per charge
            # (right on a quiet machine: the busy time includes whatever else runs).
            "cpu_bound_charges_per_s": round(cores * 1000 / machine_ms, 1),
            "load_average": os.getloadavg()[0],
        }
        result["receipts_queued"] = queued(prefix + "messages")
        if args.receipts:
            result["receipts"] = receipts_drain(prefix, env, args.concurrency)
        print(json.dumps(result, indent=2), flush=True)
    finally:
        for proc in [*workers, emulator]:
            proc.terminate()
        for proc in [*workers, emulator]:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
