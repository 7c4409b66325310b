"""The production-like stack bench/pipeline.py measures, on this machine and loopback only:
gunicorn serving config.wsgi (DEBUG off, config/gunicorn.py), Celery workers on Redis, the
Stripe emulator in its own process, PostgreSQL (database `textpay_bench`). Plus counters read
from /proc and pg_stat_database (CPU per process group, new PostgreSQL sessions).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
WEBHOOK_SECRET = "whsec_bench_platform"
CONNECT_WEBHOOK_SECRET = "whsec_bench_connect"
QUEUE_PREFIX = "bench."
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


@dataclass
class Config:
    database_url: str = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/textpay_bench"
    )
    redis_url: str = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    web_port: int = int(os.environ.get("BENCH_WEB_PORT", "8104"))
    stripe_port: int = int(os.environ.get("BENCH_STRIPE_PORT", "8105"))
    web_workers: int = 4
    # "queues:concurrency" per Celery worker process group (worker0, worker1: their CPU is measured apart).
    relay: bool = (
        os.environ.get("BENCH_RELAY", "1") == "1"
    )  # WEBHOOK_EVENTS_RELAY + `manage.py webhook_relay`
    # The workers' CPU priority below the web processes' (docker-compose.yml: cpu_shares): on a node
    # that runs both, an acknowledgement never queues behind a burst's processing. 0 = equal.
    worker_nice: int = int(os.environ.get("BENCH_WORKER_NICE", "10"))
    workers: list[str] = field(default_factory=lambda: ["webhooks,money:2", "messages,reports,bulk:1"])

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def stripe_url(self) -> str:
        return f"http://127.0.0.1:{self.stripe_port}"

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-secret",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_COOKIES": "0",
            # Plain HTTP on loopback (a proxy terminates TLS in production).
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_QUEUE_PREFIX": QUEUE_PREFIX,
            "SITE_URL": self.web_url,
            "STRIPE_SECRET_KEY": "sk_test_bench",
            "STRIPE_API_BASE": self.stripe_url,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_CONNECT_WEBHOOK_SECRET": CONNECT_WEBHOOK_SECRET,
            "TWILIO_ACCOUNT_SID": "",
            "TWILIO_AUTH_TOKEN": "",
            "TWILIO_FROM_NUMBER": "",
            "EMAIL_URL": "",
            "LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESS_LOG": "",
            "PYTHONPATH": str(ROOT),
            "WEBHOOK_EVENTS_RELAY": "1" if self.relay else "0",
        }
        return env


def database_prepare(cfg: Config) -> None:
    """Create the database if it is missing, migrate it, collect static files (DEBUG off serves
    them through WhiteNoise's manifest)."""
    parsed = urlparse(cfg.database_url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    env = cfg.env()
    for args in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


class Stack:
    """Start/stop the processes; each is its own process group, stopped by its own pid."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.procs: dict[str, subprocess.Popen] = {}

    def _start(self, name: str, cmd: list[str], nice: int = 0) -> subprocess.Popen:
        logfile = open(ROOT / "bench" / "out" / f"{name}.log", "w")  # noqa: SIM115 - lives with the process
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=self.cfg.env(),
            stdout=logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=(lambda: os.nice(nice)) if nice else None,
        )
        self.procs[name] = proc
        return proc

    def start_stripe(self) -> None:
        self._start(
            "stripe",
            [PY, "bench/stripe_emulator.py", "--port", str(self.cfg.stripe_port),
             "--webhook-secret", WEBHOOK_SECRET, "--connect-webhook-secret", CONNECT_WEBHOOK_SECRET],
        )  # fmt: skip
        _wait_http(f"{self.cfg.stripe_url}/v1/balance", ok=(200, 401))

    def start_web(self, workers: int | None = None, threads: int = 1) -> None:
        self._start(
            "web",
            [PY, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application",
             "--bind", f"127.0.0.1:{self.cfg.web_port}", "--workers", str(workers or self.cfg.web_workers),
             "--threads", str(threads), "--backlog", "2048"],
        )  # fmt: skip
        _wait_http(f"{self.cfg.web_url}/healthz")

    def start_workers(self) -> None:
        if not any(n.startswith("worker") for n in self.procs):
            # The bench's own Redis db: messages a killed earlier run left reserved ("unacked") would
            # never drain and stall every "until the queues are idle" wait.
            import redis

            redis.Redis.from_url(self.cfg.redis_url).flushdb()
        for i, spec in enumerate(self.cfg.workers):
            queues, _, concurrency = spec.partition(":")
            self._start(
                f"worker{i}",
                [PY, "-m", "celery", "-A", "config", "worker", "--loglevel", "WARNING",
                 "--queues", ",".join(QUEUE_PREFIX + q for q in queues.split(",")),
                 "--concurrency", concurrency or "1", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "-n", f"bench{i}@%h"],
                nice=self.cfg.worker_nice,
            )  # fmt: skip
        self.start_relay()
        time.sleep(4)  # the workers import Django and connect to Redis

    def start_relay(self) -> None:
        if self.cfg.relay and "relay" not in self.procs:
            self._start("relay", [PY, "manage.py", "webhook_relay"])

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_workers(self) -> None:
        for name in [n for n in self.procs if n.startswith("worker") or n == "relay"]:
            self.stop(name)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    def group_pids(self, prefix: str) -> list[int]:
        roots = [p.pid for n, p in self.procs.items() if n.startswith(prefix) and p.poll() is None]
        return _descendants(roots)


def _wait_http(url: str, ok: tuple[int, ...] = (200,), timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status in ok:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code in ok:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s (see bench/out/*.log)")


def _descendants(roots: list[int]) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime
    return out


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Monitor:
    """One long-lived connection reading our database's statistics (so reading them opens no
    session of its own): new sessions, commits, and the backends' pids."""

    def __init__(self, cfg: Config) -> None:
        self.name = urlparse(cfg.database_url).path.lstrip("/")
        self.conn = psycopg.connect(cfg.database_url, autocommit=True)

    def counters(self) -> dict[str, int]:
        time.sleep(1.2)  # backends flush their statistics at most once a second
        self.conn.execute("SELECT pg_stat_clear_snapshot()")
        sessions, commits = self.conn.execute(
            "SELECT sessions, xact_commit FROM pg_stat_database WHERE datname = %s", [self.name]
        ).fetchone()
        return {"sessions": sessions, "commits": commits}

    def backend_pids(self) -> list[int]:
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.name]
        ).fetchall()
        return [r[0] for r in rows]

    def close(self) -> None:
        self.conn.close()


class CpuMeter:
    """CPU seconds used between start() and stop() by process groups and by the PostgreSQL
    backends of our database (persistent connections live across a measurement)."""

    def __init__(
        self, stack: Stack, monitor: Monitor, groups=("web", "worker0", "worker1", "relay", "stripe")
    ) -> None:
        self.stack, self.monitor, self.groups = stack, monitor, groups

    def _snapshot(self) -> dict[str, dict[int, float]]:
        snap = {g: cpu_seconds(self.stack.group_pids(g)) for g in self.groups}
        snap["postgres"] = cpu_seconds(self.monitor.backend_pids())
        snap["load generator"] = cpu_seconds([os.getpid()])  # this process: its client threads
        return snap

    def start(self) -> None:
        self.before = self._snapshot()

    def stop(self) -> dict[str, float]:
        after = self._snapshot()
        return {
            group: sum(value - self.before.get(group, {}).get(pid, 0.0) for pid, value in pids.items())
            for group, pids in after.items()
        }
