"""The movements of one local day, as rows of the reconciliation file.

    kind            amount        when
    payment         + amount      a succeeded (or since refunded/disputed) payment, when Stripe charged it
    failed_attempt  0 (flagged)   a failed, expired or cancelled attempt; `attempted` holds its amount
    platform_fee    - fee         our application fee on each payment of the day
    refund          - amount      a refund that succeeded (or is on its way), when it was made
    platform_fee_refund + fee back  the platform fee that refund gave back (Stripe's application fee
                                  refund, settings.PLATFORM_REFUND_APPLICATION_FEE), beside it
    dispute         - amount      a dispute debit, when the customer's bank opened it
    payout          - amount      a payout paid to the bank, on its arrival date

The payment rows carry the same columns as the Payments tab (advisor, team, method, status, fee,
refunded, net = amount - fee + fee_refunded - refunded, the receipt number) and their sums are the tab's totals for that day. Times are ISO 8601 with the
dealership's offset (2026-03-08T01:59:00-05:00)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from payments.models import Payment, PaymentRequestEvent, Payout, Refund
from payments.tab.selectors import DISPLAY_STATUS_LABELS, NO_MONEY_STATUSES, payment_method_label

COLUMNS = [
    "kind",
    "occurred_at",
    "amount",
    "fee",
    "refunded",
    "net",
    "attempted",
    "currency",
    "status",
    "failed",
    "method",
    "customer",
    "customer_external_id",
    "advisor",
    "team",
    "reference",
    "dms_document_number",
    "payment_request_id",
    "payment_id",
    "refund_id",
    "payout_id",
    "stripe_id",
    "stripe_charge_id",
    "stripe_payout_id",
    "payout_arrival_date",
    "reconciled_at",
    "reconciled_by",
    # Added at the end (existing columns keep their place).
    "fee_refunded",
    "receipt_number",
]


@dataclass
class Row:
    kind: str
    occurred_at: dt.datetime
    amount_minor: int
    currency: str
    values: dict = field(default_factory=dict)


def day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[local midnight, next local midnight): 23 or 25 hours on a DST change day."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def _payment_values(p: Payment) -> dict:
    return {
        "method": payment_method_label(method=p.method, card_brand=p.card_brand, card_last4=p.card_last4),
        "customer": p.customer.name,
        "customer_external_id": p.customer.external_id,
        "advisor": p.advisor.name,
        "team": p.team.name,
        "reference": p.reference,
        "receipt_number": p.receipt_number,
        "dms_document_number": p.dms_document_number,
        "payment_request_id": p.payment_request_id,
        "payment_id": p.pk,
        "stripe_charge_id": p.stripe_charge_id,
        "payout_id": p.payout_id or "",
        "stripe_payout_id": p.payout.stripe_payout_id if p.payout_id else "",
        "payout_arrival_date": p.payout.arrival_date if p.payout_id and p.payout.arrival_date else "",
        "reconciled_at": p.reconciled_at,
        "reconciled_by": p.reconciled_by.name if p.reconciled_by_id else "",
    }


def day_rows(
    *, organization_id: int, payments: QuerySet[Payment], day: dt.date, zone: ZoneInfo, with_payouts: bool
) -> list[Row]:
    """Every movement of `day` among `payments` (already scoped to the user / team)."""
    start, end = day_bounds(day, zone)
    rows: list[Row] = []
    related = ("customer", "advisor", "team", "payout", "reconciled_by")
    for p in (
        payments.filter(occurred_at__gte=start, occurred_at__lt=end)
        .select_related(*related)
        .order_by("occurred_at", "id")
    ):
        values = {**_payment_values(p), "stripe_id": p.stripe_payment_intent_id}
        status = DISPLAY_STATUS_LABELS.get(p.display_status, p.display_status)
        if p.display_status in NO_MONEY_STATUSES:
            rows.append(
                Row("failed_attempt", p.occurred_at, 0, p.currency,
                    {**values, "status": status, "failed": "yes", "attempted": p.amount_minor,
                     "fee": 0, "refunded": 0, "net": 0}),
            )  # fmt: skip
            continue
        rows.append(
            Row("payment", p.occurred_at, p.amount_minor, p.currency,
                {**values, "status": status, "failed": "no", "fee": p.fee_minor,
                 "refunded": p.refunded_minor, "fee_refunded": p.fee_refunded_minor, "net": p.net_minor}),
        )  # fmt: skip
        if p.fee_minor:
            rows.append(
                Row("platform_fee", p.occurred_at, -p.fee_minor, p.currency, {**values, "status": "Fee"})
            )
    refunds = (
        Refund.objects.filter(
            payment__in=payments.values("pk"),
            created_at__gte=start,
            created_at__lt=end,
            status__in=[Refund.Status.SUCCEEDED, Refund.Status.PENDING],
        )
        .select_related("payment__customer", "payment__advisor", "payment__team", "payment__payout",
                        "payment__reconciled_by", "payout")
        .order_by("created_at", "id")
    )  # fmt: skip
    for r in refunds:
        values = {
            **_payment_values(r.payment),
            "refund_id": r.pk,
            "stripe_id": r.stripe_refund_id or "",
            "status": Refund.Status(r.status).label,
            "payout_id": r.payout_id or "",
            "stripe_payout_id": r.payout.stripe_payout_id if r.payout_id else "",
            "payout_arrival_date": r.payout.arrival_date if r.payout_id and r.payout.arrival_date else "",
        }
        rows.append(Row("refund", r.created_at, -r.amount_minor, r.currency, values))
        if r.fee_refunded_minor:
            fee_back = {**values, "fee_refunded": r.fee_refunded_minor, "status": "Fee refund"}
            rows.append(Row("platform_fee_refund", r.created_at, r.fee_refunded_minor, r.currency, fee_back))
    disputes = (
        PaymentRequestEvent.objects.filter(
            kind="disputed", payment__in=payments.values("pk"), created_at__gte=start, created_at__lt=end
        )
        .select_related("payment__customer", "payment__advisor", "payment__team", "payment__payout",
                        "payment__reconciled_by")
        .order_by("created_at", "id")
    )  # fmt: skip
    for event in disputes:
        p = event.payment
        amount = int((event.data or {}).get("amount_minor") or p.amount_minor)
        values = {
            **_payment_values(p),
            "stripe_id": (event.data or {}).get("dispute_id") or "",
            "status": "Disputed",
        }
        rows.append(Row("dispute", event.created_at, -amount, p.currency, values))
    if with_payouts:
        for po in Payout.objects.filter(
            organization_id=organization_id, arrival_date=day, status="paid"
        ).order_by("id"):
            values = {"payout_id": po.pk, "stripe_id": po.stripe_payout_id, "stripe_payout_id": po.stripe_payout_id,
                      "payout_arrival_date": po.arrival_date, "status": "Paid"}  # fmt: skip
            rows.append(Row("payout", start, -po.amount_minor, po.currency, values))
    rows.sort(key=lambda row: row.occurred_at)
    return rows
