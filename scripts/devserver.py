#!/usr/bin/env python
"""`make run`: the Django development server plus a Celery worker with embedded beat, both as
child processes, on SQLite and a SQLite-backed broker under var/ (no PostgreSQL, no Redis).

Ctrl-C (or SIGTERM) is forwarded to both children; if one of them dies, the other is stopped too.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_SECONDS = 10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--no-worker", action="store_true", help="run tasks eagerly in the web process")
    parser.add_argument(
        "--connect-demo",
        action="store_true",
        help="once the server answers, connect the living demo dealership to the Stripe sandbox",
    )
    args = parser.parse_args()

    env = dict(os.environ)
    env.setdefault("DJANGO_DEBUG", "1")
    env.setdefault("SITE_URL", f"http://127.0.0.1:{args.port}")
    env["PYTHONUNBUFFERED"] = "1"
    var_dir = Path(env.get("VAR_DIR", ROOT / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)

    python = sys.executable
    children: list[tuple[str, subprocess.Popen]] = []
    if args.no_worker:
        env["CELERY_TASK_ALWAYS_EAGER"] = "1"
    else:
        worker_cmd = [
            python, "-m", "celery", "-A", "config", "worker", "-B",
            "--pool", "solo", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
            "--schedule", str(var_dir / "celerybeat-schedule"),
        ]  # fmt: skip
        children.append(("worker", subprocess.Popen(worker_cmd, cwd=ROOT, env=env, start_new_session=True)))
    web_cmd = [python, "manage.py", "runserver", f"127.0.0.1:{args.port}"]
    children.append(("web", subprocess.Popen(web_cmd, cwd=ROOT, env=env, start_new_session=True)))

    stopping = False

    def stop(signum=None, frame=None):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        print("\nStopping the web server and the worker...", flush=True)
        for _name, child in children:
            if child.poll() is None:
                # SIGTERM, not SIGINT: a child started from a background job ignores SIGINT.
                # Celery answers SIGTERM with a warm shutdown; runserver simply exits.
                _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for _name, child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    print(
        f"TextPay on http://127.0.0.1:{args.port}/  (Ctrl-C stops the web server and the worker)", flush=True
    )
    if args.connect_demo:
        children_after_start.append(
            (f"http://127.0.0.1:{args.port}/healthz", [python, "manage.py", "load_demo_history", "--connect"])
        )
    exit_code = 0
    while not stopping:
        _run_after_start(env)
        for name, child in children:
            code = child.poll()
            if code is not None:
                print(f"The {name} process exited with code {code}; stopping.", flush=True)
                exit_code = code or 1
                stop()
                break
        time.sleep(0.5)
    stop()
    return exit_code


children_after_start: list[tuple[str, list[str]]] = []


def _run_after_start(env: dict) -> None:
    """Commands that need the running server (the sandbox is served by it): each runs once, as soon
    as its address answers."""
    import urllib.request

    for item in list(children_after_start):
        url, cmd = item
        try:
            with urllib.request.urlopen(url, timeout=2):
                pass
        except OSError:
            return
        children_after_start.remove(item)
        subprocess.run(cmd, cwd=ROOT, env=env, check=False)


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except ProcessLookupError:
        pass


if __name__ == "__main__":
    sys.exit(main())
