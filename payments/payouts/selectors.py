"""Reads for payouts: each payout with what Stripe settled in it (payments, fees, refunds, other),
its contents, and its CSV."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from core.money import minor_to_major_text
from organizations.models import User
from payments.models import Payment, Payout, Refund
from payments.tab.export import _DATE_FMT, _csv_text


# --- payouts and reports --------------------------------------------------------------------
def _payout_sum(queryset, expression):
    """One figure of a payout's contents, as a subquery (several joined Sums would multiply)."""
    value = queryset.filter(payout_id=OuterRef("pk")).order_by().values("payout_id").annotate(v=expression)
    return Coalesce(Subquery(value.values("v")), 0)


def payouts_with_figures(queryset: QuerySet[Payout]) -> QuerySet[Payout]:
    """Payouts with what Stripe settled in them: the payments (gross and platform fees) and the
    refunds deducted (often of payments paid out earlier), with the platform fee they gave back
    (`fees_returned_minor`, credited with the refund); net = gross - fees + fees returned - refunds. Whatever
    else the payout held (a dispute, an adjustment) is `other_minor` = amount - net."""
    payments = Payment.objects.exclude(status=Payment.Status.FAILED)
    refunds = Refund.objects.filter(status=Refund.Status.SUCCEEDED)
    return (
        queryset.annotate(
            n_payments=_payout_sum(payments, Count("*")),
            gross_minor=_payout_sum(payments, Sum("amount_minor")),
            fees_minor=_payout_sum(payments, Sum("fee_minor")),
            refunds_minor=_payout_sum(refunds, Sum("amount_minor")),
            fees_returned_minor=_payout_sum(refunds, Sum("fee_refunded_minor")),
        )
        .annotate(
            fees_kept_minor=F("fees_minor") - F("fees_returned_minor"),
            net_minor=F("gross_minor") - F("fees_minor") + F("fees_returned_minor") - F("refunds_minor"),
        )
        .annotate(other_minor=F("amount_minor") - F("net_minor"))
    )


def payouts_for_user(*, user: User) -> QuerySet[Payout]:
    return payouts_with_figures(Payout.objects.filter(organization_id=user.organization_id)).order_by(
        "-arrival_date", "-id"
    )


def payout_get_for_user(*, user: User, payout_id: int) -> Payout:
    """One payout of the user's organization with its figures (as `payouts_for_user`), else 404."""
    payout = payouts_for_user(user=user).filter(pk=payout_id).first()
    if payout is None:
        raise Http404("No such payout")
    return payout


def payout_contents(*, payout: Payout) -> tuple[list[Payment], list[Refund]]:
    """The payments and the refunds Stripe settled in the payout, oldest first."""
    payments = (
        payout.payments.exclude(status=Payment.Status.FAILED)
        .select_related("customer", "advisor")
        .order_by("occurred_at", "id")
    )
    refunds = (
        payout.refunds.filter(status=Refund.Status.SUCCEEDED)
        .select_related("payment", "payment__customer")
        .order_by("created_at", "id")
    )
    return list(payments), list(refunds)


# --- the CSV of one payout ------------------------------------------------------------------
PAYOUT_CSV_HEADER = ["type", "date", "reference", "customer", "amount", "platform_fee", "net", "currency"]


def payout_csv(*, payout: Payout, zone: ZoneInfo) -> str:
    """What Stripe settled in one payout, a line each: its payments (amount, fee, net = amount -
    fee) and the refunds deducted in it (negative, less the platform fee they gave back). The net column adds up to the payout's
    amount, less `other_minor` (a dispute, an adjustment: a last line when there is one)."""
    payments, refunds = payout_contents(payout=payout)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(PAYOUT_CSV_HEADER)
    for p in payments:
        writer.writerow(
            [
                "payment",
                p.occurred_at.astimezone(zone).strftime(_DATE_FMT),
                _csv_text(p.reference),
                _csv_text(p.customer.name),
                minor_to_major_text(p.amount_minor),
                minor_to_major_text(p.fee_minor),
                minor_to_major_text(p.amount_minor - p.fee_minor),
                p.currency,
            ]
        )
    for r in refunds:
        writer.writerow(
            [
                "refund",
                r.created_at.astimezone(zone).strftime(_DATE_FMT),
                _csv_text(r.payment.reference),
                _csv_text(r.payment.customer.name),
                minor_to_major_text(-r.amount_minor),
                minor_to_major_text(-r.fee_refunded_minor),
                minor_to_major_text(r.fee_refunded_minor - r.amount_minor),
                r.currency,
            ]
        )
    if payout.other_minor:
        writer.writerow(
            [
                "other",
                "",
                "",
                "",
                minor_to_major_text(payout.other_minor),
                minor_to_major_text(0),
                minor_to_major_text(payout.other_minor),
                payout.currency,
            ]
        )
    return buf.getvalue()
