"""Measure the Payments tab on the benchmark database (load it first with bench/load.py).

(a) The list page with typical filters, per role, in-process through the production WSGI
    application (the whole request: middleware, session, selectors, template), as gunicorn calls
    it minus the socket: server time p50/p95 and queries per page.
(b) The CSV export of every row of the largest organization: rows/s and the process's peak
    memory, next to `psql \\copy` of the same SELECT on the same machine; and the portable
    Python (server-side cursor) writer for comparison.

    python bench/run.py [--database-url ...] [--orgs 40] [--repeat 3]
"""

from __future__ import annotations

import argparse
import html
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
NEXT_LINK = re.compile(r'<a href="(\?[^"]*)" data-testid="next-page"')
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/textpay_bench"


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
    os.environ.setdefault("DJANGO_DEVELOPMENT", "1")  # a bench database: no production settings needed
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.pop("DJANGO_DEBUG", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    import config.wsgi  # noqa: F401 - the server's start-up as gunicorn runs it (gc.freeze included)

    # Render pages without `collectstatic` (the manifest storage needs it), as the tests do.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


STRESS = "search RO- (every row)"  # matches all of the organization's payments: reported apart


def scenarios(user, org_team_ids, customer_word, reference_prefix, rng):
    today = __import__("datetime").date.today()
    yield "default", {}
    yield "status=paid", {"status": "paid"}
    yield "not reconciled", {"reconciled": "no"}
    yield (
        "last 30 days",
        {"date_from": str(today - __import__("datetime").timedelta(days=30)), "date_to": str(today)},
    )
    yield "all dates", {"date_from": ""}  # the "All dates" link: totals over every payment
    yield "amount 100-500", {"amount_min": "100", "amount_max": "500"}
    yield "search name", {"q": customer_word}
    yield "search reference", {"q": reference_prefix}  # a real reference less 2 digits
    yield STRESS, {"q": "RO-"}
    yield "sort amount", {"sort": "-amount"}
    if org_team_ids:
        yield "team", {"team": str(rng.choice(org_team_ids))}
    yield "page 5", {"__pages": 5}


class WSGIClient:
    """GETs through the production WSGI application (config.wsgi: every middleware, the session
    cookie, gc.freeze at start-up), as gunicorn calls it, minus the socket. Not Django's test
    Client: it connects signal receivers per request and leaves a weakref finalizer behind each
    time, so its process grows and Python's full garbage collections got slower and slower
    (10 -> 64 ms pauses over a run), which no server has."""

    def __init__(self):
        from django.test import Client, RequestFactory

        from config.wsgi import application

        self.application, self.factory, self.login_client, self.cookie = (
            application,
            RequestFactory(),
            Client(),
            "",
        )

    def force_login(self, user) -> None:
        from django.conf import settings

        self.login_client.force_login(user)
        self.cookie = (
            f"{settings.SESSION_COOKIE_NAME}={self.login_client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )

    def get(self, url: str) -> tuple[int, bytes]:
        environ = self.factory.get(url, secure=True, HTTP_COOKIE=self.cookie).environ
        status = []
        body = b"".join(self.application(environ, lambda s, headers, exc_info=None: status.append(s)))
        return int(status[0].split()[0]), body


def bench_list(args) -> None:
    from django.db import connection

    from organizations.models import Organization, User
    from payments.models import Payment

    rng = random.Random(1)
    largest = Organization.objects.order_by("id").first()
    orgs = [largest, *rng.sample(list(Organization.objects.exclude(pk=largest.pk)), args.orgs - 1)]
    times: dict[str, list[float]] = {}
    large_times: list[float] = []
    queries: dict[str, set[int]] = {}
    client = WSGIClient()
    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    # One untimed request first: the process's first page imports modules and compiles templates
    # (~200 ms), which a running server has done long before; it is not a cost of any page.
    client.force_login(User.objects.filter(organization=orgs[-1], role="admin").first())
    client.get("/payments/")
    load_before = os.getloadavg()
    for org in orgs:
        for role in ("admin", "manager", "advisor"):
            user = User.objects.filter(organization=org, role=role).order_by("id").first()
            client.force_login(user)
            team_ids = list(user.teams.values_list("id", flat=True)) if role != "advisor" else []
            if role == "admin":
                team_ids = list(org.teams.values_list("id", flat=True))
            word = rng.choice(["Smith", "Garcia", "Carla", "Nguyen", "Patel"])
            refs = Payment.objects.filter(organization=org).order_by("id").values_list("reference", flat=True)
            prefix = refs[rng.randrange(refs.count())][:-2]
            for name, params in scenarios(user, team_ids, word, prefix, rng):
                key = f"{role}: {name}"
                for _ in range(args.repeat):
                    pages = params.get("__pages", 1)
                    query = {k: v for k, v in params.items() if not k.startswith("__")}
                    url = "/payments/?" + urlencode(query)
                    for _page in range(pages):
                        count[0] = 0
                        with connection.execute_wrapper(counting):
                            t0 = time.perf_counter()
                            status, body = client.get(url)
                            elapsed = (time.perf_counter() - t0) * 1000
                        assert status == 200, (url, status)
                        nxt = NEXT_LINK.search(body.decode())
                        if nxt:
                            url = "/payments/" + html.unescape(nxt.group(1))
                    times.setdefault(key, []).append(elapsed)  # the last page fetched
                    queries.setdefault(key, set()).add(count[0])
                    if org.pk == largest.pk and name != STRESS:
                        large_times.append(elapsed)
    load_after = os.getloadavg()
    everything = [t for key, ts in times.items() if not key.endswith(STRESS) for t in ts]
    with_stress = [t for ts in times.values() for t in ts]
    print(
        f"\n(a) Payments tab list: {len(everything)} requests, {len(orgs)} organizations x 3 roles x "
        f"{len(times) // 3} filters x {args.repeat}; 50 rows per page; server time in ms"
    )
    print(f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    print(f"{'scenario':34} {'p50':>7} {'p95':>7} {'max':>7}  queries/page")
    for key, ts in sorted(times.items()):
        print(
            f"{key:34} {statistics.median(ts):7.1f} {pct(ts, 95):7.1f} {max(ts):7.1f}  {sorted(queries[key])}"
        )
    print(
        f"{'ALL typical (without ' + STRESS + ')':34} {statistics.median(everything):7.1f} "
        f"{pct(everything, 95):7.1f} {max(everything):7.1f}"
    )
    print(
        f"{'ALL with it':34} {statistics.median(with_stress):7.1f} {pct(with_stress, 95):7.1f} "
        f"{max(with_stress):7.1f}"
    )
    print(
        f"{'largest org only (' + str(largest.payments.count()) + ' payments)':34} "
        f"{statistics.median(large_times):7.1f} {pct(large_times, 95):7.1f} {max(large_times):7.1f}"
    )


def _export_child(mode: str, url: str) -> None:
    """Runs in a fresh process so its peak RSS is the export's own."""
    setup(url)
    from django.test import Client

    from organizations.models import Organization, User
    from organizations.selectors import organization_zone
    from payments.tab.export import payment_csv_chunks_python
    from payments.tab.selectors import payments_visible_to

    org = Organization.objects.order_by("id").first()
    admin = User.objects.filter(organization=org, role="admin").first()
    client = Client()
    client.force_login(admin)
    client.get("/payments/?per_page=10", secure=True)  # warm imports, templates, connection
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    rows = size = 0
    if mode == "view":
        response = client.get("/payments/export.csv", secure=True)
        chunks = response.streaming_content
    else:
        chunks = payment_csv_chunks_python(
            queryset=payments_visible_to(user=admin), zone=organization_zone(org), sort="-date"
        )
    for chunk in chunks:
        data = chunk.encode() if isinstance(chunk, str) else chunk
        rows += data.count(b"\n")
        size += len(data)
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{rows - 1} {elapsed:.3f} {size} {base_rss} {peak}")


def bench_export(args) -> None:
    import psycopg

    from organizations.models import Organization, User
    from organizations.selectors import organization_zone
    from payments.tab.export import payment_csv_copy_sql
    from payments.tab.selectors import payments_visible_to

    org = Organization.objects.order_by("id").first()
    admin = User.objects.filter(organization=org, role="admin").first()
    sql, params = payment_csv_copy_sql(
        queryset=payments_visible_to(user=admin), zone=organization_zone(org), sort="-date"
    )
    with psycopg.connect(args.database_url) as conn:
        literal_sql = psycopg.ClientCursor(conn).mogrify(sql, params)
    results = {}
    for mode in ("view", "python"):
        best = None
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--export-child", mode, "--database-url", args.database_url],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            rows, secs, size, base, peak = int(out[0]), float(out[1]), int(out[2]), int(out[3]), int(out[4])
            if best is None or secs < best[1]:
                best = (rows, secs, size, base, peak)
        results[mode] = best
    psql_best = None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        subprocess.run(
            [
                "psql",
                args.database_url,
                "-q",
                "-c",
                f"\\copy ({literal_sql}) TO '/dev/null' WITH (FORMAT csv)",
            ],
            check=True,
        )
        secs = time.perf_counter() - t0
        psql_best = secs if psql_best is None else min(psql_best, secs)
    rows = results["view"][0]
    print(f"\n(b) CSV export of the largest organization ({org.name}): {rows:,} rows, best of {args.repeat}")
    print(f"{'method':44} {'seconds':>8} {'rows/s':>10} {'MB':>6} {'peak RSS MB (before)':>22}")
    labels = {
        "view": "our view: /payments/export.csv (COPY stream)",
        "python": "portable writer (iterator, chunk 5000)",
    }
    for mode, (n, secs, size, base, peak) in results.items():
        print(
            f"{labels[mode]:44} {secs:8.2f} {n / secs:10,.0f} {size / 1e6:6.1f} {peak / 1024:10.0f} ({base / 1024:.0f})"
        )
    label = "psql \\copy of the same SELECT"
    print(f"{label:44} {psql_best:8.2f} {rows / psql_best:10,.0f}")
    print(f"export rate / \\copy rate: {psql_best / results['view'][1]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--orgs", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--export-child")
    parser.add_argument("--only", choices=["list", "export"])
    args = parser.parse_args()
    if args.export_child:
        _export_child(args.export_child, args.database_url)
        return
    setup(args.database_url)
    from payments.models import Payment

    print(f"database: {args.database_url} · {Payment.objects.count():,} payments")
    if args.only in (None, "list"):
        bench_list(args)
    if args.only in (None, "export"):
        bench_export(args)


if __name__ == "__main__":
    main()
