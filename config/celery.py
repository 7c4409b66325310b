import os

from celery import Celery, signals
from celery.schedules import crontab
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("textpay")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The payments app keeps its tasks in its capability folders (`payments/<capability>/tasks.py`).
app.autodiscover_tasks(
    [
        "payments.requests",
        "payments.refunds",
        "payments.payouts",
        "payments.reports",
        "payments.webhooks",
        "payments.cards",
        "payments.dealer_webhooks",
        "payments.reconciliation_files",
    ],
    related_name="tasks",
)

# Queues by kind, each served by its own workers so that one kind of work never waits behind
# another (a burst of receipts never delays money events; a sweep never delays webhooks). The
# README's production section says which to scale for what. Routing is by task NAME: names are
# explicit in every @shared_task and do not change when code moves.
QUEUE_KINDS = ("webhooks", "money", "messages", "reports", "bulk", "outbound")
TASK_QUEUE_KIND = {
    # Stripe events: acknowledged by the web process, recorded here (payments, refunds, disputes).
    "payments.process_webhook_event": "webhooks",
    "payments.process_webhook_events": "webhooks",  # a batch of events queued by the relay
    "payments.requeue_pending_webhook_events": "webhooks",
    # Calls that move money or stop it from moving (a customer must not pay an expired request).
    "payments.refund_submit": "money",
    "payments.checkout_session_expire": "money",
    "payments.card_charge_submit": "money",  # one saved card charged (on behalf, installment, retry)
    # SMS and email: receipts and advisor notifications after a payment, invitations, payout emails.
    "notifications.deliver_message": "messages",
    "organizations.send_invitation": "messages",
    "payments.after_payment": "messages",
    "payments.payout_email": "messages",
    # Stripe reports (minutes of polling each).
    "payments.report_run_submit": "reports",
    "payments.report_run_poll": "reports",
    # Periodic sweeps over many rows.
    "payments.expire_overdue_requests": "bulk",
    "payments.send_payment_reminders": "bulk",
    "payments.sync_missed_events": "bulk",
    # Card on file: bulk runs (many charges, paced by the shared token bucket) and their sweeps.
    "payments.bulk_charge_shard": "bulk",
    "payments.bulk_charges_resume": "bulk",
    "payments.card_retries_due": "bulk",
    "payments.installments_due": "bulk",
    "payments.reconciliation_files_due": "bulk",
    "payments.reconciliation_file_build": "reports",  # one organization's day (seconds, not minutes)
    # Webhooks to the dealer's systems: waits on receivers we don't run (up to 10 s each), so a
    # slow DMS never delays our own work; the sweep queues the due retries.
    "payments.outbound_webhook_deliver": "outbound",
    "payments.outbound_webhooks_sweep": "outbound",
    "payments.outbound_events_prune": "bulk",  # retention: finished deliveries and events > 30 days
}
DEFAULT_QUEUE_KIND = "bulk"  # a task missing from the table waits where it cannot delay money


def queue_name(kind: str) -> str:
    from django.conf import settings

    return f"{settings.CELERY_QUEUE_PREFIX}{kind}"


def queue_names() -> list[str]:
    """Every queue, prefixed: what a worker serving all kinds consumes (make run, the tests)."""
    return [queue_name(kind) for kind in QUEUE_KINDS]


def route_task(name, args, kwargs, options, task=None, **kw):
    return {"queue": queue_name(TASK_QUEUE_KIND.get(name, DEFAULT_QUEUE_KIND))}


app.conf.task_routes = (route_task,)
# Declared so that a worker started without --queues (make run) consumes every kind.
app.conf.task_queues = [Queue(name) for name in queue_names()]
app.conf.task_default_queue = queue_name(DEFAULT_QUEUE_KIND)


@signals.task_prerun.connect
@signals.task_postrun.connect
def _close_old_connections(sender=None, **kwargs) -> None:
    """Between tasks, close only connections past CONN_MAX_AGE or broken, as Django does between
    requests (Celery's own fixup, with CELERY_DB_REUSE_MAX set, would keep a broken one)."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


# Periodic jobs. Names are the task names declared with @shared_task(name=...).
app.conf.beat_schedule = {
    "payments.expire-overdue-requests": {"task": "payments.expire_overdue_requests", "schedule": 60.0},
    "payments.send-reminders": {"task": "payments.send_payment_reminders", "schedule": 300.0},
    "payments.sync-missed-stripe-events": {
        "task": "payments.sync_missed_events",
        "schedule": crontab(minute="*/10"),
    },
    # Card on file (payments/cards/): installments due today in each dealership's zone, soft-decline
    # retries that are due, bulk runs whose worker stopped.
    "payments.installments-due": {"task": "payments.installments_due", "schedule": crontab(minute="*/15")},
    "payments.card-retries-due": {"task": "payments.card_retries_due", "schedule": crontab(minute="*/15")},
    "payments.bulk-charges-resume": {"task": "payments.bulk_charges_resume", "schedule": 60.0},
    "payments.outbound-webhooks-sweep": {"task": "payments.outbound_webhooks_sweep", "schedule": 60.0},
    # Outbound events and their delivery log past OUTBOUND_EVENT_RETENTION_DAYS, in bounded batches.
    "payments.outbound-events-prune": {
        "task": "payments.outbound_events_prune",
        "schedule": crontab(minute=40),
    },
    # Each dealership's file of yesterday, once its midnight has passed (hourly: every time zone).
    "payments.reconciliation-files": {
        "task": "payments.reconciliation_files_due",
        "schedule": crontab(minute=15),
    },
}


@signals.worker_ready.connect
def requeue_pending_webhook_events(sender=None, **kwargs) -> None:
    """A worker that starts queues again the Stripe events stored but not processed: after an
    unclean stop, the event whose message was taken but not finished, or one stored just before the
    web process died, is not left waiting for the 10-minute missed-event sync."""
    sender.app.send_task("payments.requeue_pending_webhook_events")
