"""Issue 11, item 10: `make run` survives an unclean stop. Every process of `make run` (the
devserver, runserver and the Celery worker with beat) is killed with SIGKILL in the middle of a burst
of 200 Stripe webhook events; started again on the same var/, it serves and every stored event is
processed. (Before: the filesystem broker left a half-written message, and the restarted worker died
on it with JSONDecodeError, taking `make run` down.) Bounded: at most about a minute."""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from payments.gateway import consts
from tests.payments.webhooks.stripe_events import event_build, signature_header, stripe_object

ROOT = Path(__file__).resolve().parents[2]
BURST = 200
PORT = int(os.environ.get("DEVSERVER_TEST_PORT", "0")) or 18000 + os.getpid() % 1000

pytestmark = pytest.mark.devserver


def _env(var_dir: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_", "CACHE_"))
    }
    env.update(
        DJANGO_DEBUG="1", VAR_DIR=str(var_dir), SITE_URL=f"http://127.0.0.1:{PORT}", LOG_LEVEL="WARNING"
    )
    return env


def _tree(pid: int) -> list[int]:
    """pid and all its descendants (the devserver starts its children in their own sessions)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _kill_tree(pids: list[int], sig: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def _start(var_dir: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "scripts/devserver.py", "--port", str(PORT)],
        cwd=ROOT,
        env=_env(var_dir),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _wait_serving(process: subprocess.Popen, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "make run exited"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise AssertionError("make run did not serve in time")


def _post_event(n: int) -> int:
    event = event_build("application_fee.created", stripe_object("application_fee"))
    event["id"] = f"evt_crash{n:05d}{os.getpid()}"
    payload = json.dumps(event).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/webhooks/stripe/",
        data=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": signature_header(payload, consts.SANDBOX_WEBHOOK_SECRET),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


def _event_statuses(var_dir: Path) -> dict[str, int]:
    with sqlite3.connect(var_dir / "db.sqlite3", timeout=30) as db:
        rows = db.execute("SELECT status, COUNT(*) FROM payments_webhookevent GROUP BY status").fetchall()
    return dict(rows)


def test_make_run_survives_sigkill_in_a_burst_of_webhooks(tmp_path):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    log = tmp_path / "make-run.log"
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=_env(var_dir),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stderr
    first = _start(var_dir, log)
    second = None
    try:
        _wait_serving(first)
        answered = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(_post_event, n) for n in range(BURST)]
            for future in futures[: BURST // 3]:
                answered.append(future.result())
            _kill_tree(_tree(first.pid), signal.SIGKILL)  # mid-burst: every process of make run at once
            answered += [future.result() for future in futures[BURST // 3 :]]
        first.wait(timeout=10)
        accepted = answered.count(200)
        assert BURST // 3 <= accepted < BURST, answered
        stored_before = sum(_event_statuses(var_dir).values())
        assert stored_before >= accepted

        second = _start(var_dir, log)
        _wait_serving(second)
        # it serves: the rest of the burst (Stripe retries what got no answer) is accepted too
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            retried = list(pool.map(_post_event, range(BURST)))
        assert retried.count(200) == BURST, retried
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            statuses = _event_statuses(var_dir)
            if sum(statuses.values()) == BURST and set(statuses) == {"ignored"}:
                break
            assert second.poll() is None, log.read_text()[-3000:]
            time.sleep(0.5)
        statuses = _event_statuses(var_dir)
        assert statuses == {"ignored": BURST}, (statuses, log.read_text()[-3000:])
        assert "JSONDecodeError" not in log.read_text()
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    _kill_tree(_tree(process.pid), signal.SIGKILL)
        _kill_tree([pid for p in (first, second) if p for pid in _tree(p.pid)[1:]], signal.SIGKILL)
