"""Receipt numbers per dealership: `MRM-2026-000123` = the organization's prefix
(`Organization.receipt_prefix`, derived from its name at the first receipt, editable by an Admin),
the year of the payment in the dealership's time zone, and a sequence per organization and year.

Assigned inside the transaction that records the successful payment (`payment_receipt_number_assign`):
the (organization, year) counter row is locked with `select_for_update`, so two payments at once get
two numbers, and a transaction that rolls back returns its number (no gap). Failed attempts get none.
Stripe's id (pi_...) stays beside it everywhere the number is shown.

Lock order: the payment request, the payment, then the receipt counter (last, held briefly)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction

from organizations.models import Organization, receipt_prefix_from_name
from payments.models import Payment, ReceiptCounter


def receipt_number_format(*, prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


def organization_receipt_prefix(*, organization: Organization) -> str:
    """The organization's prefix; a blank one is derived from the name and kept."""
    if not organization.receipt_prefix:
        organization.receipt_prefix = receipt_prefix_from_name(organization.name)
        Organization.objects.filter(pk=organization.pk, receipt_prefix="").update(
            receipt_prefix=organization.receipt_prefix
        )
        organization.refresh_from_db(fields=["receipt_prefix"])
    return organization.receipt_prefix


def _counter_next(*, organization_id: int, year: int, count: int = 1) -> int:
    """Take the next `count` numbers of (organization, year), under the counter row's lock; returns
    the last one taken (the first is last - count + 1)."""
    counter = (
        ReceiptCounter.objects.select_for_update().filter(organization_id=organization_id, year=year).first()
    )
    if counter is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent first insert loses here, not outside
                ReceiptCounter.objects.create(organization_id=organization_id, year=year)
        except IntegrityError:
            pass
        counter = ReceiptCounter.objects.select_for_update().get(organization_id=organization_id, year=year)
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return counter.last_number


def receipt_numbers_take(*, organization: Organization, year: int, count: int) -> list[str]:
    """`count` consecutive receipt numbers of the organization's `year`, for payments recorded
    together (a bulk run's batch). Call inside the recording transaction; the numbers are written
    with the payments (a rollback returns them, as for one)."""
    prefix = organization_receipt_prefix(organization=organization)
    last = _counter_next(organization_id=organization.pk, year=year, count=count)
    return [
        receipt_number_format(prefix=prefix, year=year, number=n) for n in range(last - count + 1, last + 1)
    ]


def receipt_year(*, occurred_at, organization: Organization) -> int:
    """The year a payment's receipt is numbered in: its date in the dealership's time zone."""
    return occurred_at.astimezone(ZoneInfo(organization.time_zone)).year


def payment_receipt_number_assign(*, payment: Payment, organization: Organization) -> str:
    """Give a succeeded payment its receipt number (once). Call inside the recording transaction."""
    if payment.receipt_number:
        return payment.receipt_number
    year = receipt_year(occurred_at=payment.occurred_at, organization=organization)
    prefix = organization_receipt_prefix(organization=organization)
    number = _counter_next(organization_id=organization.pk, year=year)
    payment.receipt_number = receipt_number_format(prefix=prefix, year=year, number=number)
    Payment.objects.filter(pk=payment.pk).update(receipt_number=payment.receipt_number)
    return payment.receipt_number
