"""Where one request's time goes: the production WSGI app (config.wsgi) called in-process, under
cProfile, with every SQL statement counted and timed. Against the bench database and the
emulator of a running bench stack (or none, for paths that don't call Stripe).

    python bench/profile_wsgi.py pay <token> [--repeat 200]
    python bench/profile_wsgi.py webhook --events-file bench/out/events.json [--repeat 200]
    python bench/profile_wsgi.py worker --events-file ...   (the event task, in-process)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.stack import Config  # noqa: E402


class SqlCounter:
    def __init__(self) -> None:
        self.count, self.seconds, self.statements = 0, 0.0, {}

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.count += 1
            self.seconds += elapsed
            key = sql[:120]
            n, t = self.statements.get(key, (0, 0.0))
            self.statements[key] = (n + 1, t + elapsed)


def environ_for(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> dict:
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8104",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_ADDR": "127.0.0.1",
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        env[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["pay", "webhook", "worker"])
    parser.add_argument("token", nargs="?")
    parser.add_argument("--events-file")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    os.environ.update(Config().env())
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"

    from config.wsgi import application

    calls = []
    if args.what == "pay":
        calls = [environ_for("GET", f"/pay/{args.token}/") for _ in range(args.repeat)]
    else:
        from bench.dataset import signed_post

        events = json.loads(Path(args.events_file).read_text())[: args.repeat]
        if args.what == "webhook":  # new ids: each is stored as a new event (nothing consumes the queue)
            import uuid

            for event in events:
                event["id"] = f"evt_profile{uuid.uuid4().hex[:16]}"
        posts = [signed_post(e) for e in events]
        calls = [environ_for(p.method, p.path, p.body, dict(p.headers)) for p in posts]

    def one(env):
        out = application(env, lambda status, headers: None)
        b"".join(out)
        getattr(out, "close", lambda: None)()

    if args.what == "worker":
        from config.celery import app
        from payments.models import WebhookEvent

        app.loader.import_default_modules()
        task = app.tasks["payments.process_webhook_event"]
        ids = list(
            WebhookEvent.objects.filter(stripe_id__in=[e["id"] for e in events]).values_list("pk", flat=True)
        )
        work = [lambda pk=pk: task(pk, force=True) for pk in ids]
    else:
        one(calls[0])  # the first request imports and compiles
        work = [lambda env=env: one(env) for env in calls[1:]]
    profile_calls(work, top=args.top)


def profile_calls(work: list, *, top: int = 30) -> None:
    """Run each callable under cProfile with SQL counted; print per-call figures and the profile."""
    from django.db import connection

    counter = SqlCounter()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        profiler.enable()
        for call in work:
            call()
        profiler.disable()
    elapsed = time.perf_counter() - started
    n = len(work)
    print(f"{n} calls, {elapsed / n * 1000:.2f} ms each (profiled), {counter.count / n:.1f} SQL statements "
          f"each, {counter.seconds / n * 1000:.2f} ms of it in SQL round trips")  # fmt: skip
    for sql, (count, seconds) in sorted(counter.statements.items(), key=lambda kv: -kv[1][1])[:25]:
        print(f"  {count / n:5.1f}x {seconds / n * 1000:6.2f} ms  {sql}")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    main()
