"""Reconcile ("consolidate"): accounting ticks payments off against the dealer management system,
optionally with the DMS document number (e.g. a repair order). Undo is possible. Who and when are
kept on the payment and in its history."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError
from organizations.models import User
from organizations.permissions import can_reconcile
from payments.models import Payment
from payments.requests.history import history_record


def _locked_payments(*, user: User, payment_ids: list[int]) -> list[Payment]:
    ids = sorted({int(i) for i in payment_ids})
    if not ids:
        raise ApplicationError(
            "Select at least one payment.", extra={"fields": {"payment_ids": ["Select a payment."]}}
        )
    return list(
        Payment.objects.select_for_update(of=("self",))
        .select_related("payment_request", "team")
        .filter(organization_id=user.organization_id, pk__in=ids)
        .order_by("id")  # one lock order for everyone
    )


def payments_reconcile(*, user: User, payment_ids: list[int], document_number: str = "") -> int:
    """Mark the payments as reconciled. Returns how many changed; payments the user may not
    reconcile, failed attempts and already reconciled ones are left as they are."""
    document_number = (document_number or "").strip()
    if len(document_number) > 64:
        raise ApplicationError(
            "The document number is too long (64 characters at most).",
            extra={"fields": {"document_number": ["64 characters at most."]}},
        )
    now = timezone.now()
    changed = 0
    with transaction.atomic():
        for payment in _locked_payments(user=user, payment_ids=payment_ids):
            if not can_reconcile(user, payment):
                continue
            if payment.status == Payment.Status.FAILED or payment.reconciled_at:
                continue
            payment.reconciled_at = now
            payment.reconciled_by = user
            if document_number:
                payment.dms_document_number = document_number
            payment.save(
                update_fields=["reconciled_at", "reconciled_by", "dms_document_number", "updated_at"]
            )
            history_record(
                payment_request=payment.payment_request,
                payment=payment,
                kind="reconciled",
                actor=user,
                message="Reconciled" + (f" (document {document_number})" if document_number else ""),
                data={"document_number": document_number},
            )
            changed += 1
    return changed


def payments_unreconcile(*, user: User, payment_ids: list[int]) -> int:
    """Undo reconciliation (the history keeps both moves)."""
    changed = 0
    with transaction.atomic():
        for payment in _locked_payments(user=user, payment_ids=payment_ids):
            if not can_reconcile(user, payment) or payment.reconciled_at is None:
                continue
            payment.reconciled_at = None
            payment.reconciled_by = None
            payment.save(update_fields=["reconciled_at", "reconciled_by", "updated_at"])
            history_record(
                payment_request=payment.payment_request,
                payment=payment,
                kind="unreconciled",
                actor=user,
                message="Reconciliation undone",
            )
            changed += 1
    return changed
