"""When does a request expire: here.

The pay link expires PAYMENT_REQUEST_LIFETIME_HOURS (24 h) after it is sent (`payment_request_send`
stamps `expires_at`). Expiry is applied twice over: by the beat sweep
(`tasks.expire_overdue_requests_task`, every minute) and lazily, on any use of the link after
`expires_at` (`payment_request_expire_if_due`, called by the pay page, the Pay click, the request
pages and the API). An expired or cancelled request's open Stripe Checkout Session is closed in a
task (`payment_request_checkout_session_expire`).

The Pay button stops taking payments 31 minutes before expiry: Stripe refuses a Checkout Session
that expires less than 30 minutes from now (`payments.checkout.session.CHECKOUT_MIN_LIFETIME`, plus
a 1-minute margin), so the customer is asked for a new link instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from payments import gateway
from payments.models import PaymentRequest
from payments.requests.recording import payment_record_from_intent
from payments.requests.states import (
    OPEN_STATUSES,
    S,
    checkout_session_remember,
    payment_request_move,
    payment_requests_move_bulk,
)

if TYPE_CHECKING:
    pass


# ---------------------------------------------------------------------------------------------
# Cancel and expire
# ---------------------------------------------------------------------------------------------
def checkout_session_expire_callbacks(request: PaymentRequest) -> list[Callable[[], Any]]:
    return _session_expire_callbacks(request_id=request.pk, session_id=request.checkout_session_id)


def _session_expire_callbacks(*, request_id: int, session_id: str) -> list[Callable[[], Any]]:
    """Close the request's open Checkout Session in a task (the money queue), after the commit."""
    if not session_id:
        return []
    from payments.requests.tasks import checkout_session_expire_task

    return [lambda: checkout_session_expire_task.delay(request_id, session_id)]


def _expiry_move() -> dict[str, str]:
    """What expiring a request writes: the same for one request and for a sweep's batch."""
    return {
        "to_status": S.EXPIRED,
        "kind": "expired",
        "actor_label": "system",
        "message": f"Link expired {settings.PAYMENT_REQUEST_LIFETIME_HOURS} h after sending",
    }


def payment_request_expire_if_due(*, payment_request_id: int, now: datetime | None = None) -> PaymentRequest:
    """Expire the request if its link is past `expires_at`. Safe to call anywhere, any number of
    times: it is what makes expiry hold on use even when no sweep has run."""
    now = now or timezone.now()
    with transaction.atomic():
        request = PaymentRequest.objects.select_for_update(of=("self",)).get(pk=payment_request_id)
        if request.status not in OPEN_STATUSES or request.expires_at is None or request.expires_at > now:
            return request
        return payment_request_move(
            payment_request_id=request.pk,
            locked=request,
            on_commit=checkout_session_expire_callbacks(request),
            **_expiry_move(),
        )


def payment_requests_expire_due(*, now: datetime | None = None, limit: int = 1000) -> list[int]:
    """The sweep's batch: expire up to `limit` open requests past `expires_at` (oldest first) in
    set operations, one short transaction, with the history rows and the queued closing of
    their Checkout Sessions that `payment_request_expire_if_due` writes for one. Returns their ids."""
    overdue = PaymentRequest.objects.filter(status__in=OPEN_STATUSES, expires_at__lte=now or timezone.now())
    return payment_requests_move_bulk(
        candidates=overdue.order_by("expires_at", "id"),
        limit=limit,
        on_commit_for=lambda row: _session_expire_callbacks(
            request_id=row["id"], session_id=row["checkout_session_id"]
        ),
        **_expiry_move(),
    )


def payment_request_checkout_session_expire(*, payment_request_id: int, session_id: str) -> None:
    """Close a Checkout Session of a request that is no longer payable (cancelled/expired). If
    the customer completed it meanwhile, the payment is recorded instead."""
    request = PaymentRequest.objects.select_related("stripe_account").get(pk=payment_request_id)
    account_id = request.stripe_account.stripe_id
    session = gateway.checkout_session_retrieve(account_id=account_id, session_id=session_id)
    if session.status == "open":
        try:
            session = gateway.checkout_session_expire(account_id=account_id, session_id=session_id)
        except gateway.InvalidRequest:
            session = gateway.checkout_session_retrieve(account_id=account_id, session_id=session_id)
    if session.status == "complete" and session.payment_intent_id:
        payment_record_from_intent(
            account_id=account_id,
            payment_intent_id=session.payment_intent_id,
            checkout_session_id=session.id,
            source="session_expire",
        )
    with transaction.atomic():
        request = PaymentRequest.objects.select_for_update(of=("self",)).get(pk=payment_request_id)
        if request.checkout_session_id == session_id and session.status == "expired":
            checkout_session_remember(request, session_id="", url="", amount_minor=None)
