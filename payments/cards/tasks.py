"""Celery tasks of card on file (names are explicit; config/celery.py routes them: single charges on
"money", bulk shards and the sweeps on "bulk"). Tasks take ids and call services; they are safe to
run twice (a SENDING charge is re-sent with its own idempotency key)."""

from __future__ import annotations

from celery import shared_task

from payments import gateway
from payments.cards import bulk, charges, plans, retries

RETRY = {"autoretry_for": (gateway.GatewayUnavailable,), "retry_backoff": 5, "retry_backoff_max": 300}


@shared_task(name="payments.card_charge_submit", max_retries=20, acks_late=True, **RETRY)
def card_charge_submit_task(charge_id: int) -> None:
    charges.card_charge_submit(charge_id=charge_id)


def card_charge_submit_queue(charge_id: int) -> None:
    card_charge_submit_task.delay(charge_id)


@shared_task(
    name="payments.bulk_charge_shard",
    max_retries=50,
    acks_late=True,
    time_limit=3600,
    soft_time_limit=3500,
    **RETRY,
)
def bulk_charge_shard_task(run_id: int, shard: int, shards: int) -> None:
    bulk.bulk_charge_shard_run(run_id=run_id, shard=shard, shards=shards)


def bulk_charge_shard_queue(run_id: int, shard: int, shards: int) -> None:
    bulk_charge_shard_task.delay(run_id, shard, shards)


@shared_task(name="payments.bulk_charges_resume")
def bulk_charges_resume_task() -> None:
    bulk.bulk_charges_resume()


@shared_task(name="payments.card_retries_due", time_limit=900, soft_time_limit=850)
def card_retries_due_task() -> None:
    retries.card_retries_run()


@shared_task(name="payments.installments_due", time_limit=900, soft_time_limit=850)
def installments_due_task() -> None:
    plans.installments_due_run()
