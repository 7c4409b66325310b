"""gunicorn settings for the web service: `gunicorn -c config/gunicorn.py config.wsgi`.

Measured with bench/pipeline.py (bench/README.md, "Webhooks, pay page, sweep") on 2 vCPU:
sync workers, one per request at a time, are the fastest for this app (every request is short
and CPU-bound in Python; threads only add GIL switching). Two workers per core keep the CPU
busy while one waits on PostgreSQL or Redis. Each value can be overridden from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
threads = 1
# Stripe retries a webhook not answered within its timeout; nothing of ours takes more than a few
# hundred ms, so a worker stuck for 30 s is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# Behind a proxy holding client connections open; sync workers close after each response anyway.
keepalive = 2
# Recycle a worker after this many requests (plus jitter, so they don't all restart together):
# bounds any slow growth of a process's memory.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
# Load the app once in the master: workers fork with the code (and config.wsgi's gc.freeze) shared.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
