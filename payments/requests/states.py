"""The ONE state machine of a payment request (who changes a request's status: only
`payment_request_move`, here). The services that move a request sit beside it: sending.py,
expiry.py, recording.py, checkout/session.py.

State table (TRANSITIONS below; `payment_request_move` is the only code that changes `status`,
with `payment_requests_move_bulk` the same move for many requests at once, for the sweep, and
`payment_requests_move_locked` for many requests a caller holds locked, for a bulk run's payments):

    from \\ to      sent  opened  partially_paid  paid  cancelled  expired
    created         yes   -       yes**           yes** yes        -
    sent            -     yes     yes             yes   yes        yes
    opened          -     -       yes             yes   yes        yes
    partially_paid  -     -       yes (another)   yes   yes        yes
    paid            (final)
    cancelled       -     -       yes*            yes*  -          -
    expired         -     -       yes*            yes*  -          -

    * only by recording a payment Stripe says succeeded (the customer paid on Checkout just
      before the link was cancelled/expired and the news arrived after): money taken is never
      ignored. Nothing else leaves a final state; nothing ever moves back to an earlier state.
    ** only by recording a succeeded payment: a saved card charged by the dealership (card on
      file, payments/cards/) pays a request that was never sent to the customer.

- created -> sent: when the messages are queued (same transaction as the creation); the link
  expires PAYMENT_REQUEST_LIFETIME_HOURS (24 h) after sending.
- sent -> opened: first visit of the pay page.
- -> partially_paid / paid: a succeeded PaymentIntent is recorded (webhook or success return).
- -> cancelled: the advisor (or a manager/admin) cancels while open.
- -> expired: the beat sweep, or lazily on any use of the link after `expires_at`.

Lock order (to avoid deadlocks): the PaymentRequest row first, then its Payment rows.
Stripe calls that create money movements carry idempotency keys derived from our records
(`checkout-<request id>-<n>`, n = sessions created so far for the request + 1).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError, Conflict
from payments.models import Payment, PaymentRequest
from payments.requests.history import history_entry, history_record, history_record_many

if TYPE_CHECKING:
    from organizations.models import User


S = PaymentRequest.Status
OPEN_STATUSES = (S.SENT, S.OPENED, S.PARTIALLY_PAID)
FINAL_STATUSES = (S.PAID, S.CANCELLED, S.EXPIRED)

TRANSITIONS: dict[str, frozenset[str]] = {
    S.CREATED: frozenset({S.SENT, S.CANCELLED, S.PARTIALLY_PAID, S.PAID}),
    S.SENT: frozenset({S.OPENED, S.PARTIALLY_PAID, S.PAID, S.CANCELLED, S.EXPIRED}),
    S.OPENED: frozenset({S.PARTIALLY_PAID, S.PAID, S.CANCELLED, S.EXPIRED}),
    S.PARTIALLY_PAID: frozenset({S.PARTIALLY_PAID, S.PAID, S.CANCELLED, S.EXPIRED}),
    S.PAID: frozenset(),
    S.CANCELLED: frozenset({S.PARTIALLY_PAID, S.PAID}),
    S.EXPIRED: frozenset({S.PARTIALLY_PAID, S.PAID}),
}
# Moves out of a final state are allowed only for this event kind (a succeeded payment).
PAYMENT_KIND = "payment_succeeded"

TIMESTAMP_FIELD = {
    S.SENT: "sent_at",
    S.OPENED: "opened_at",
    S.PAID: "paid_at",
    S.CANCELLED: "cancelled_at",
    S.EXPIRED: "expired_at",
}


class PaymentRequestError(ApplicationError):
    """A request can't be created or used as asked; `extra["fields"]` names the field."""


# ---------------------------------------------------------------------------------------------
# The state machine
# ---------------------------------------------------------------------------------------------
def payment_request_can_move(*, from_status: str, to_status: str, kind: str = "") -> bool:
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        return False
    if from_status in (S.CANCELLED, S.EXPIRED) and kind != PAYMENT_KIND:
        return False
    if from_status == S.CREATED and to_status in (S.PARTIALLY_PAID, S.PAID) and kind != PAYMENT_KIND:
        return False
    return True


def payment_request_move(
    *,
    payment_request_id: int,
    to_status: str,
    kind: str,
    actor: User | None = None,
    actor_label: str = "",
    message: str = "",
    data: dict[str, Any] | None = None,
    payment: Payment | None = None,
    changes: dict[str, Any] | None = None,
    on_commit: list[Callable[[], Any]] | None = None,
    expected_from: tuple[str, ...] | None = None,
    locked: PaymentRequest | None = None,
    skip_locked: bool = False,
) -> PaymentRequest | None:
    """Move a request to `to_status`: lock the row, check the table, apply `changes`, stamp the
    state's timestamp, write one history row, and queue `on_commit` side effects.

    `locked`: the request as the caller read it under its row lock, in the caller's transaction
    (so it is not read again). `skip_locked`: when another transaction holds the row (a payment
    being recorded), do nothing and return None instead of waiting (the pay page's `opened`).

    Raises Conflict when the move is not allowed from the current state (the caller decides
    whether that is an error or an already-done no-op)."""
    with transaction.atomic():
        if locked is not None and locked.pk == payment_request_id:
            request = locked
        else:
            request = (
                PaymentRequest.objects.select_for_update(of=("self",), skip_locked=skip_locked)
                .filter(pk=payment_request_id)
                .first()
            )
            if request is None:
                if skip_locked and PaymentRequest.objects.filter(pk=payment_request_id).exists():
                    return None
                raise PaymentRequest.DoesNotExist(f"No payment request {payment_request_id}")
        from_status = request.status
        if expected_from is not None and from_status not in expected_from:
            raise Conflict(
                _("This payment request is %(status)s.") % {"status": request.get_status_display().lower()},
                extra={"status": from_status},
            )
        if not payment_request_can_move(from_status=from_status, to_status=to_status, kind=kind):
            raise Conflict(
                _("A payment request that is %(status)s can't become %(to_status)s.")
                % {"status": request.get_status_display().lower(), "to_status": S(to_status).label.lower()},
                extra={"status": from_status},
            )
        fields = _move_apply(request, to_status=to_status, changes=changes, now=timezone.now())
        request.save(update_fields=sorted(fields))
        _payments_follow(payment_request_ids=[request.pk], to_status=to_status)
        history_record(
            payment_request=request,
            kind=kind,
            actor=actor,
            actor_label=actor_label,
            message=message,
            payment=payment,
            from_status=from_status,
            to_status=to_status,
            data=data,
        )
        for callback in on_commit or []:
            transaction.on_commit(callback)
    return request


def _move_apply(request: PaymentRequest, *, to_status: str, changes: dict[str, Any] | None, now) -> set[str]:
    """Set the new status on the locked request, stamp the state's time (once), apply `changes`;
    return the fields changed. Both moves of requests the caller holds locked go through here."""
    fields = {"status", "updated_at"}
    request.status, request.updated_at = to_status, now
    stamp = TIMESTAMP_FIELD.get(to_status)
    if stamp and getattr(request, stamp) is None:
        setattr(request, stamp, now)
        fields.add(stamp)
    for name, value in (changes or {}).items():
        setattr(request, name, value)
        fields.add(name)
    return fields


def _payments_follow(*, payment_request_ids: list[int], to_status: str) -> None:
    """The requests' payments carry a copy of their status (their display status on the Payments
    tab is computed from it by the database): keep it in step, here only."""
    Payment.objects.filter(payment_request_id__in=payment_request_ids).exclude(
        request_status=to_status
    ).update(request_status=to_status)


def payment_requests_move_bulk(
    *,
    candidates: QuerySet[PaymentRequest],
    to_status: str,
    kind: str,
    actor_label: str,
    message: str,
    limit: int,
    on_commit_for: Callable[[dict], list[Callable[[], Any]]] | None = None,
) -> list[int]:
    """`payment_request_move` for up to `limit` of `candidates` at once, in set operations, for the
    system's own moves (the expiry sweep). The same table decides which requests may move, and
    each moved request gets what one move writes: the status, its timestamp (if not already
    stamped), its payments' copy of the status, one history row, and its side effects on commit
    (`on_commit_for(row)`, row = {"id", "organization_id", "status", "checkout_session_id"} as
    before the move). One short transaction; rows another transaction holds (a payment being
    recorded) are skipped, not waited for: a later batch takes them. Returns the moved ids, in
    the candidates' order."""
    allowed_from = [
        status
        for status in TRANSITIONS
        if payment_request_can_move(from_status=status, to_status=to_status, kind=kind)
    ]
    with transaction.atomic():
        rows = list(
            candidates.filter(status__in=allowed_from)
            .select_for_update(of=("self",), skip_locked=True)
            .values("id", "organization_id", "status", "checkout_session_id")[:limit]
        )
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        now = timezone.now()
        changes: dict[str, Any] = {"status": to_status, "updated_at": now}
        stamp = TIMESTAMP_FIELD.get(to_status)
        if stamp:
            changes[stamp] = Coalesce(F(stamp), Value(now))
        PaymentRequest.objects.filter(pk__in=ids).update(**changes)
        _payments_follow(payment_request_ids=ids, to_status=to_status)
        history_record_many(
            [
                history_entry(
                    payment_request_id=row["id"],
                    organization_id=row["organization_id"],
                    kind=kind,
                    actor_label=actor_label,
                    message=message,
                    from_status=row["status"],
                    to_status=to_status,
                )
                for row in rows
            ]
        )
        for row in rows:
            for callback in on_commit_for(row) if on_commit_for else []:
                transaction.on_commit(callback)
    return ids


@dataclass(frozen=True)
class LockedMove:
    """One request's move in `payment_requests_move_locked`: what `payment_request_move` is given."""

    request: PaymentRequest  # read under its row lock, in the caller's transaction
    to_status: str
    kind: str
    actor_label: str = ""
    message: str = ""
    payment: Payment | None = None
    data: dict[str, Any] | None = None
    changes: dict[str, Any] | None = None
    on_commit: list[Callable[[], Any]] = field(default_factory=list)


def payment_requests_move_locked(*, moves: list[LockedMove]) -> None:
    """`payment_request_move` for many requests the caller read under their row locks (a bulk run's
    batch of payments), in set operations: the same table check, state timestamp, `changes`, the
    payments' copy of the status, one history row each and the side effects on commit. Raises
    Conflict before writing anything when one of the moves is not allowed (callers check first)."""
    for move in moves:
        request = move.request
        if not payment_request_can_move(from_status=request.status, to_status=move.to_status, kind=move.kind):
            raise Conflict(
                _("A payment request that is %(status)s can't become %(to_status)s.")
                % {
                    "status": request.get_status_display().lower(),
                    "to_status": S(move.to_status).label.lower(),
                },
                extra={"status": request.status},
            )
    if not moves:
        return
    with transaction.atomic():
        now = timezone.now()
        fields: set[str] = set()
        entries = []
        for move in moves:
            request, from_status = move.request, move.request.status
            # bulk_update writes each field for every row: the current value where this one didn't change it
            fields |= _move_apply(request, to_status=move.to_status, changes=move.changes, now=now)
            entries.append(
                history_entry(
                    payment_request_id=request.pk,
                    organization_id=request.organization_id,
                    kind=move.kind,
                    actor_label=move.actor_label,
                    message=move.message,
                    payment=move.payment,
                    from_status=from_status,
                    to_status=move.to_status,
                    data=move.data,
                )
            )
        PaymentRequest.objects.bulk_update([move.request for move in moves], sorted(fields))
        by_status: dict[str, list[int]] = defaultdict(list)
        for move in moves:
            by_status[move.to_status].append(move.request.pk)
        for to_status, ids in by_status.items():
            _payments_follow(payment_request_ids=ids, to_status=to_status)
        history_record_many(entries)
        for move in moves:
            for callback in move.on_commit:
                transaction.on_commit(callback)


def checkout_session_remember(
    request: PaymentRequest, *, session_id: str, url: str, amount_minor: int | None
) -> None:
    """Remember (or, with empty values, forget) the Checkout Session offered to the customer.
    The caller holds the request's row lock."""
    request.checkout_session_id = session_id
    request.checkout_session_url = url
    request.checkout_session_amount_minor = amount_minor
    request.save(
        update_fields=[
            "checkout_session_id",
            "checkout_session_url",
            "checkout_session_amount_minor",
            "updated_at",
        ]
    )
