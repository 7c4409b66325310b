"""Load a benchmark data set into its own PostgreSQL database (default `textpay_bench`):
200 organizations and 1,000,000 payments (one large organization holds ~10 %), with their teams,
people, customers, payment requests and weekly payouts. Rows go in with COPY (psycopg 3); the
secondary indexes of the two big tables are dropped during the load and rebuilt after it.

    python bench/load.py [--database-url postgres://postgres@127.0.0.1:5432/textpay_bench]
                         [--payments 1000000] [--orgs 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parents[1]
FIRST = "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah Carla Luis Ana Wei Priya Omar".split()
LAST = "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Nguyen Patel Tremblay".split()
ZONES = ["America/Chicago", "America/New_York", "America/Denver", "America/Los_Angeles", "America/Toronto"]
BRANDS = ["visa"] * 6 + ["mastercard"] * 3 + ["amex", "discover"]
PASSWORD = (
    "pbkdf2_sha256$1000000$benchsalt$Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE="  # unusable on purpose
)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def recreate_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench"))
    env.setdefault("DJANGO_DEVELOPMENT", "1")  # a bench database: no production settings needed
    env.pop("DJANGO_DEBUG", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def org_sizes(total: int, orgs: int, rng: random.Random) -> list[int]:
    large = total // 10
    weights = [rng.uniform(0.4, 1.6) for _ in range(orgs - 1)]
    rest = total - large
    sizes = [int(rest * w / sum(weights)) for w in weights]
    sizes[0] += rest - sum(sizes)
    return [large, *sizes]


_TYPE_DEFAULTS = {
    "text": "''", "character varying": "''", "smallint": "0", "integer": "0", "bigint": "0",
    "boolean": "false", "jsonb": "'{}'::jsonb", "timestamp with time zone": "now()",
}  # fmt: skip
_COLUMN_DEFAULTS = {"default_language": "'en'", "max_requests_per_customer_hour": "5",
                    "max_requests_per_customer_day": "10"}  # fmt: skip


def _defaults_for_new_columns(conn, table: str, columns: list[str]) -> None:
    """Columns added by later migrations that this loader doesn't write (Django keeps defaults in
    Python, not in the database): a database default of the model's value, or its type's empty."""
    rows = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s"
        " AND is_nullable = 'NO' AND column_default IS NULL AND is_generated = 'NEVER'",
        [table],
    ).fetchall()
    for name, data_type in rows:
        default = _COLUMN_DEFAULTS.get(name) or _TYPE_DEFAULTS.get(data_type)
        if name not in columns and default:
            conn.execute(f'ALTER TABLE {table} ALTER COLUMN "{name}" SET DEFAULT {default}')


def copy_rows(conn, table: str, columns: list[str], rows) -> int:
    _defaults_for_new_columns(conn, table, columns)
    n = 0
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/textpay_bench"),
    )
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--orgs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.monotonic()
    log(f"recreating {args.database_url} and migrating")
    recreate_database(args.database_url)

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    year_ago = now - dt.timedelta(days=365)
    sizes = org_sizes(args.payments, args.orgs, rng)

    orgs, users, teams, members, accounts, customers = [], [], [], [], [], []
    org_people: dict[int, dict] = {}
    uid = tid = cid = mid = 0
    for o, size in enumerate(sizes, 1):
        name = "Large Motors" if o == 1 else f"Dealer {o} Motors"
        orgs.append(
            (
                o,
                name,
                "US",
                "USD",
                ZONES[o % len(ZONES)],
                f"{name} LLC",
                "100 Main St",
                "",
                "Springfield",
                "IL",
                "62701",
                "+12175550100",
                "service@example.com",
                "",
                5_000_000,
                None,
                None,
                "",
                "",
                True,
                4,
                year_ago,
            )
        )
        accounts.append(
            (
                o,
                f"acct_bench{o:08d}",
                "",
                "US",
                "usd",
                True,
                True,
                True,
                "[]",
                "",
                "daily",
                "",
                None,
                None,
                "",
                "",
                None,
                None,
                0,
                year_ago,
                year_ago,
                None,
                o,
            )
        )
        people = {"admin": [], "managers": [], "advisors": [], "teams": []}
        for t in range(3):
            tid += 1
            teams.append((tid, ["Service", "Sales", "Parts"][t], True, year_ago, o, None))
            people["teams"].append(tid)

        def user(role, label, o=o):
            nonlocal uid
            uid += 1
            users.append(
                (
                    uid,
                    PASSWORD,
                    None,
                    False,
                    f"u{uid}@org{o}.bench",
                    f"{label} {uid}",
                    "",
                    role,
                    True,
                    False,
                    year_ago,
                    o,
                )
            )
            return uid

        people["admin"].append(user("admin", "Admin"))
        for m in range(2):
            u = user("manager", "Manager")
            people["managers"].append(u)
            for t in people["teams"][m : m + 2]:
                mid += 1
                members.append((mid, t, u))
        for a in range(12):
            u = user("advisor", "Advisor")
            team = people["teams"][a % 3]
            people["advisors"].append((u, team))
            mid += 1
            members.append((mid, team, u))
        n_customers = max(50, size // 4)
        people["customers"] = (cid + 1, cid + n_customers)
        for _ in range(n_customers):
            cid += 1
            first, last = rng.choice(FIRST), rng.choice(LAST)
            customers.append(
                (
                    cid,
                    f"{first} {last}",
                    f"+1312{cid % 10_000_000:07d}",
                    f"{first.lower()}.{last.lower()}{cid}@mail.example",
                    "en",
                    False,
                    year_ago,
                    year_ago,
                    o,
                )
            )
        org_people[o] = people

    with psycopg.connect(args.database_url) as conn:
        log("organizations, people, teams, customers")
        copy_rows(
            conn,
            "organizations_organization",
            [
                "id",
                "name",
                "country",
                "currency",
                "time_zone",
                "legal_name",
                "address_line1",
                "address_line2",
                "city",
                "state",
                "postal_code",
                "support_phone",
                "support_email",
                "website",
                "max_payment_minor",
                "fee_basis_points",
                "fee_fixed_minor",
                "sms_template",
                "email_template",
                "reminders_enabled",
                "reminder_hours_before_expiry",
                "created_at",
            ],
            orgs,
        )
        copy_rows(
            conn,
            "organizations_user",
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "email",
                "name",
                "phone",
                "role",
                "is_active",
                "is_staff",
                "date_joined",
                "organization_id",
            ],
            users,
        )
        copy_rows(
            conn,
            "payments_stripeaccount",
            [
                "id",
                "stripe_id",
                "display_name",
                "country",
                "default_currency",
                "charges_enabled",
                "payouts_enabled",
                "details_submitted",
                "requirements_currently_due",
                "requirements_disabled_reason",
                "payout_interval",
                "payout_weekly_anchor",
                "payout_monthly_anchor",
                "payout_delay_days",
                "statement_descriptor",
                "customer_label",
                "authorized_at",
                "disconnected_at",
                "last_event_created",
                "created_at",
                "updated_at",
                "authorized_by_id",
                "organization_id",
            ],
            accounts,
        )
        copy_rows(
            conn,
            "teams_team",
            ["id", "name", "payments_enabled", "created_at", "organization_id", "stripe_account_id"],
            teams,
        )
        copy_rows(conn, "teams_team_members", ["id", "team_id", "user_id"], members)
        copy_rows(
            conn,
            "customers_customer",
            [
                "id",
                "name",
                "phone",
                "email",
                "preferred_language",
                "sms_opted_out",
                "created_at",
                "updated_at",
                "organization_id",
            ],
            customers,
        )

        # Weekly payouts per organization.
        payouts = []
        payout_of: dict[tuple[int, int], int] = {}
        pid = 0
        weeks = 52
        for o in range(1, len(sizes) + 1):
            for w in range(weeks):
                pid += 1
                arrival = (year_ago + dt.timedelta(days=7 * (w + 1) + 2)).date()
                payouts.append(
                    (pid, f"po_bench{pid:010d}", 0, "USD", "paid", arrival, "", 0, "paid", now, now, o, o)
                )
                payout_of[(o, w)] = pid
        copy_rows(
            conn,
            "payments_payout",
            [
                "id",
                "stripe_payout_id",
                "amount_minor",
                "currency",
                "status",
                "arrival_date",
                "failure_message",
                "last_event_created",
                "notified_status",
                "created_at",
                "updated_at",
                "organization_id",
                "stripe_account_id",
            ],
            payouts,
        )
        conn.commit()

        log("dropping secondary indexes of the big tables for the load")
        index_defs = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('payments_payment','payments_paymentrequest') "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        ).fetchall()
        for name, _ in index_defs:
            conn.execute(f'DROP INDEX "{name}"')
        conn.commit()

        log(f"generating and copying {args.payments:,} payment requests and payments")
        span = int((now - year_ago).total_seconds())

        def generate():
            payment_id = 0
            for o, size in enumerate(sizes, 1):
                people = org_people[o]
                c_lo, c_hi = people["customers"]
                for _ in range(size):
                    payment_id += 1
                    at = year_ago + dt.timedelta(seconds=rng.randrange(span))
                    advisor, team = rng.choice(people["advisors"])
                    amount = rng.choice(
                        (
                            rng.randrange(2_000, 80_000),
                            rng.randrange(50_000, 900_000),
                            rng.randrange(900, 3_000),
                        )
                    )
                    fee = (amount * 325 + 5000) // 10000 + 30
                    r = rng.random()
                    status, refunded, req_status, req_amount = "succeeded", 0, "paid", amount
                    if r < 0.05:
                        status, fee = "failed", 0
                        req_status = rng.choice(("expired", "expired", "cancelled", "sent"))
                    elif r < 0.09:
                        status, refunded = "partially_refunded", amount // rng.choice((2, 3, 4))
                    elif r < 0.11:
                        status, refunded = "refunded", amount
                    elif r < 0.12:
                        status = "disputed"
                    elif r < 0.17:
                        req_status, req_amount = "partially_paid", amount * 2
                    age_days = (now - at).days
                    reconciled = status != "failed" and age_days > 7 and rng.random() < 0.8
                    manager = rng.choice(people["managers"])
                    payout = (
                        payout_of.get((o, min((at - year_ago).days // 7, weeks - 1)))
                        if status != "failed" and age_days > 3
                        else None
                    )
                    customer = rng.randint(c_lo, c_hi)
                    ref = f"RO-{o:03d}{payment_id:07d}"
                    afterpay = rng.random() < 0.05
                    yield (
                        (
                            payment_id,
                            req_amount,
                            "USD",
                            "Service",
                            ref,
                            rng.choice(("sms", "sms", "email", "both")),
                            req_status == "partially_paid",
                            amount if status != "failed" else 0,
                            req_status,
                            f"tok{payment_id:012d}",
                            at + dt.timedelta(hours=24),
                            at - dt.timedelta(minutes=30),
                            None,
                            at if status != "failed" else None,
                            None,
                            None,
                            None,
                            "",
                            "",
                            None,
                            "",
                            at - dt.timedelta(minutes=31),
                            at,
                            advisor,
                            customer,
                            None,
                            o,
                            None,
                            team,
                            o,
                        ),
                        (
                            payment_id,
                            f"pi_bench{payment_id:012d}",
                            f"ch_bench{payment_id:012d}",
                            "",
                            ref,
                            req_status,
                            req_amount,
                            amount,
                            "USD",
                            fee,
                            refunded,
                            status,
                            "afterpay_clearpay" if afterpay else "card",
                            "" if afterpay else rng.choice(BRANDS),
                            "" if afterpay else f"{rng.randrange(10000):04d}",
                            "" if afterpay else "credit",
                            "card_declined" if status == "failed" else "",
                            "Your card was declined." if status == "failed" else "",
                            at,
                            "needs_response" if status == "disputed" else "",
                            at + dt.timedelta(days=2) if reconciled else None,
                            f"RO{payment_id}" if reconciled and rng.random() < 0.5 else "",
                            at,
                            at,
                            advisor,
                            customer,
                            o,
                            manager if reconciled else None,
                            team,
                            payment_id,
                            payout,
                            o,
                        ),
                    )

        req_cols = [
            "id",
            "amount_minor",
            "currency",
            "description",
            "reference",
            "channel",
            "allow_partial",
            "amount_paid_minor",
            "status",
            "token",
            "expires_at",
            "sent_at",
            "opened_at",
            "paid_at",
            "cancelled_at",
            "expired_at",
            "reminder_sent_at",
            "checkout_session_id",
            "checkout_session_url",
            "checkout_session_amount_minor",
            "api_idempotency_key",
            "created_at",
            "updated_at",
            "created_by_id",
            "customer_id",
            "opportunity_id",
            "organization_id",
            "resent_from_id",
            "team_id",
            "stripe_account_id",
        ]
        pay_cols = [
            "id",
            "stripe_payment_intent_id",
            "stripe_charge_id",
            "checkout_session_id",
            "reference",
            "request_status",
            "request_amount_minor",
            "amount_minor",
            "currency",
            "fee_minor",
            "refunded_minor",
            "status",
            "method",
            "card_brand",
            "card_last4",
            "card_funding",
            "failure_code",
            "failure_message",
            "occurred_at",
            "dispute_status",
            "reconciled_at",
            "dms_document_number",
            "created_at",
            "updated_at",
            "advisor_id",
            "customer_id",
            "organization_id",
            "reconciled_by_id",
            "team_id",
            "payment_request_id",
            "payout_id",
            "stripe_account_id",
        ]
        # Two COPY streams at once on two connections (Django's foreign keys are DEFERRABLE
        # INITIALLY DEFERRED, and the requests commit first), so nothing is held in memory.
        with psycopg.connect(args.database_url) as conn2:
            # The generated rows are consistent by construction: skip the per-row foreign-key
            # triggers during the bulk load (superuser setting, this session only).
            for c in (conn, conn2):
                c.execute("SET session_replication_role = replica")
            with (
                conn.cursor() as cur1,
                cur1.copy(
                    f"COPY payments_paymentrequest ({', '.join(req_cols)}) FROM STDIN"
                ) as requests_copy,
                conn2.cursor() as cur2,
                cur2.copy(f"COPY payments_payment ({', '.join(pay_cols)}) FROM STDIN") as payments_copy,
            ):
                for req, pay in generate():
                    requests_copy.write_row(req)
                    payments_copy.write_row(pay)
            conn.commit()
            conn2.commit()
            conn.execute("SET session_replication_role = DEFAULT")
        log("rebuilding indexes")
        conn.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in index_defs:
            conn.execute(definition)
        conn.execute(
            "UPDATE payments_payout po SET amount_minor = s.net FROM (SELECT payout_id, "
            "SUM(amount_minor - fee_minor - refunded_minor) AS net FROM payments_payment WHERE payout_id IS NOT NULL "
            "GROUP BY payout_id) s WHERE s.payout_id = po.id"
        )
        for table in (
            "organizations_organization",
            "organizations_user",
            "teams_team",
            "teams_team_members",
            "customers_customer",
            "payments_stripeaccount",
            "payments_paymentrequest",
            "payments_payment",
            "payments_payout",
        ):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        conn.commit()
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        # The planner's default random_page_cost (4) is for spinning disks; 1.1 is the usual SSD
        # setting (this database only) and makes it pick the range/index-only scans it should.
        name = urlparse(args.database_url).path.lstrip("/")
        conn.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
    log(
        f"done: {args.payments:,} payments over {len(sizes)} organizations (largest {sizes[0]:,}) in {time.monotonic() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
