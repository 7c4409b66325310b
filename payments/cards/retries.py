"""Retries of declined saved-card charges.

Policy: a SOFT decline (`insufficient_funds`, `processing_error`, or Stripe's advice
`try_again_later`) is tried again on the organization's schedule, counted from the first decline
(default +1 d, +3 d, +7 d: CardSettings.retry_days). A HARD decline (anything else: lost/stolen card,
generic decline, expired card...) or the advice `do_not_try_again` is never retried. When no try is
left, the customer gets a "please update your card" link and the staff who made the charge (and the
organization's Admins) get a notification. Each retry is a new CardCharge (attempt + 1, its own
idempotency key) for the same payment request."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError
from notifications.models import Notification
from organizations.models import Role, User
from payments.models import CardCharge, CardSettings, Installment, SavedCardRequest

logger = logging.getLogger(__name__)

SOFT_DECLINES = frozenset({"insufficient_funds", "processing_error"})


def card_settings_get(*, organization_id: int) -> CardSettings:
    return CardSettings.objects.get_or_create(organization_id=organization_id)[0]


def decline_is_soft(charge: CardCharge) -> bool:
    if charge.advice_code == "do_not_try_again":
        return False
    return charge.decline_code in SOFT_DECLINES or charge.advice_code == "try_again_later"


def card_charge_failed(*, charge: CardCharge) -> CardCharge:
    """After a decline: schedule the next try, or give up."""
    schedule = card_settings_get(organization_id=charge.organization_id).retry_schedule()
    if decline_is_soft(charge) and charge.attempt <= len(schedule):
        first = CardCharge.objects.filter(payment_request_id=charge.payment_request_id, attempt=1).first()
        start = (first or charge).updated_at
        charge.next_retry_at = start + timedelta(days=schedule[charge.attempt - 1])
        charge.save(update_fields=["next_retry_at"])
        return charge
    card_charge_gave_up(charge=charge)
    return charge


def card_charge_gave_up(*, charge: CardCharge) -> None:
    """No try left: ask the customer for a new card, tell the staff."""
    from payments.cards.services import card_request_create  # noqa: PLC0415 - services import charges

    if charge.installment_id:
        Installment.objects.filter(pk=charge.installment_id).update(status=Installment.Status.FAILED)
    try:
        card_request_create(customer=charge.customer, user=None, reason=SavedCardRequest.Reason.UPDATE)
    except ApplicationError as exc:
        logger.warning("card charge %s: no update link sent: %s", charge.pk, exc)
    staff = set(User.objects.filter(organization_id=charge.organization_id, role=Role.ADMIN, is_active=True))
    if charge.created_by_id:
        staff.add(charge.created_by)
    reason = charge.failure_message or charge.decline_code
    for user in staff:
        Notification.objects.create(
            user=user,
            title=f"Saved card charge failed: {charge.customer.name}",
            body=f"{charge.saved_card.label}, attempt {charge.attempt}: {reason}. "
            "The customer was asked to update their card.",
            url=f"/customers/{charge.customer_id}/",
            payment_request_id=charge.payment_request_id,
        )


def card_retries_run(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """The beat's sweep: make and send the retries that are due. Returns the new charges' ids."""
    from payments.cards.charges import card_charge_retry_prepare, card_charge_submit  # noqa: PLC0415

    now = now or timezone.now()
    made = []
    due = CardCharge.objects.filter(status=CardCharge.Status.FAILED, next_retry_at__lte=now).order_by(
        "next_retry_at"
    )
    for charge_id in list(due.values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            previous = (
                CardCharge.objects.select_for_update(skip_locked=True)
                .filter(pk=charge_id, next_retry_at__isnull=False)
                .first()
            )
            if previous is None:
                continue
            previous.next_retry_at = None
            previous.save(update_fields=["next_retry_at"])
            retry = card_charge_retry_prepare(previous=previous)
        made.append(retry.pk)
        card_charge_submit(charge_id=retry.pk)
    return made
