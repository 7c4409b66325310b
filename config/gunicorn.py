"""gunicorn settings for the web service: `gunicorn -c config/gunicorn.py config.wsgi`.

Measured with `bench/pipeline.py --only gunicorn` on 2 vCPU (2026-12-01, a shared machine at load
average ~15, so rates are low in absolute terms; the comparison is what counts):

    shape                 /healthz c16    pay page (repeat visits) c100
    2 sync workers         46.8 req/s      11.3 req/s
    4 sync workers         77.7 req/s      12.8 req/s   <- chosen: 2 per core
    8 sync workers         53.4 req/s       9.3 req/s
    2 workers x 4 threads  91.9 req/s      11.0 req/s

Sync workers, one request at a time each, suit this app: its requests are short and CPU-bound in
Python (threads only add GIL switching on the pages that matter), and two per core keep the CPU
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
