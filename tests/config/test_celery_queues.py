"""Celery queues by kind: every task of ours is routed, by name, to the queue of its kind."""

from config.celery import DEFAULT_QUEUE_KIND, QUEUE_KINDS, TASK_QUEUE_KIND, queue_names
from config.celery import app as celery_app


def _our_tasks() -> set[str]:
    celery_app.loader.import_default_modules()
    return {name for name in celery_app.tasks if not name.startswith("celery.")}


def test_every_task_has_a_queue_of_a_known_kind():
    tasks = _our_tasks()
    assert "payments.process_webhook_event" in tasks  # the autodiscovery found the pipeline
    assert tasks - set(TASK_QUEUE_KIND) == set(), "add these tasks to config.celery.TASK_QUEUE_KIND"
    assert set(TASK_QUEUE_KIND) - tasks == set(), "TASK_QUEUE_KIND names tasks that do not exist"
    assert set(TASK_QUEUE_KIND.values()) == set(QUEUE_KINDS)
    assert DEFAULT_QUEUE_KIND in QUEUE_KINDS


def test_the_router_sends_money_events_and_receipts_to_different_queues(settings):
    settings.CELERY_QUEUE_PREFIX = "acme."
    router = celery_app.amqp.router

    def queue_of(name: str) -> str:
        return router.route({}, name)["queue"].name

    assert queue_of("payments.process_webhook_event") == "acme.webhooks"
    assert queue_of("payments.refund_submit") == "acme.money"
    assert queue_of("payments.after_payment") == "acme.messages"
    assert queue_of("notifications.deliver_message") == "acme.messages"
    assert queue_of("payments.report_run_poll") == "acme.reports"
    assert queue_of("payments.expire_overdue_requests") == "acme.bulk"
    assert queue_of("not.a.known.task") == "acme.bulk"
    assert queue_names() == [f"acme.{kind}" for kind in QUEUE_KINDS]


def test_a_worker_started_without_queues_consumes_every_kind():
    declared = set(celery_app.amqp.queues)
    assert set(QUEUE_KINDS) <= declared
