"""The Payments tab's filters: the query string read into a FilterSet (search, status, dates, team,
advisor, amount, reconciled), with the default period."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import django_filters
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from core.money import parse_major
from organizations.models import User
from organizations.selectors import organization_zone
from payments.models import Payment
from payments.tab.selectors import (
    DISPLAY_STATUSES,
    advisors_for_filter,
    payments_visible_to,
    teams_for_filter,
)
from teams.models import Team


# --- filters --------------------------------------------------------------------------------
class _MajorAmountFilter(django_filters.CharFilter):
    """An amount typed in dollars ("125.50"), compared in minor units."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return super().filter(qs, parse_major(value))


SEARCH_CUSTOMERS_MAX = 5000


def _search_customer_ids(*, organization_id: int, value: str, digits: str) -> list[int] | None:
    """Ids of the organization's customers whose name or email contains `value` (case-
    insensitive, like `icontains`) or whose phone contains `digits`; None when there are more
    than SEARCH_CUSTOMERS_MAX (a one-letter search): then the caller uses a subquery instead."""
    pattern = f"%{connection.ops.prep_for_like_query(value)}%"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM payments_tab_customer_ids(%s, %s, %s) AS found(id) LIMIT %s",
            [organization_id, pattern, f"%{digits}%" if digits else "", SEARCH_CUSTOMERS_MAX + 1],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) <= SEARCH_CUSTOMERS_MAX else None


class PaymentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label="Search")
    status = django_filters.ChoiceFilter(choices=DISPLAY_STATUSES, method="filter_status", empty_label="Any")
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.none(), empty_label="All teams")
    advisor = django_filters.ModelChoiceFilter(queryset=User.objects.none(), empty_label="All advisors")
    date_from = django_filters.DateFilter(method="filter_date_from", label="From")
    date_to = django_filters.DateFilter(method="filter_date_to", label="To")
    amount_min = _MajorAmountFilter(field_name="amount_minor", lookup_expr="gte", label="Min amount")
    amount_max = _MajorAmountFilter(field_name="amount_minor", lookup_expr="lte", label="Max amount")
    reconciled = django_filters.ChoiceFilter(
        choices=[("no", "Not yet reconciled"), ("yes", "Reconciled")],
        method="filter_reconciled",
        empty_label="Any",
    )

    class Meta:
        model = Payment
        fields: list[str] = []

    def __init__(self, data=None, *args, user: User, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.zone = organization_zone(user.organization)
        self.filters["team"].queryset = teams_for_filter(user=user)
        self.filters["advisor"].queryset = advisors_for_filter(user=user)

    def is_valid(self):
        for name in ("amount_min", "amount_max"):
            raw = (self.data or {}).get(name)
            if raw:
                try:
                    parse_major(raw)
                except ValueError as exc:
                    self.form.is_valid()
                    self.form.add_error(name, str(exc))
        return super().is_valid()

    def filter_search(self, qs, name, value):
        """Customer name/email/phone, the reference's start, or a receipt number (MRM-2026-123)."""
        value = (value or "").strip()
        if not value:
            return qs
        from customers.models import Customer

        digits = "".join(ch for ch in value if ch.isdigit())
        digits = digits if len(digits) >= 3 else ""
        org_id = self.user.organization_id
        if connection.vendor == "postgresql":
            # The matching customers first (trigram indexes, migration 0005), then their
            # payments by (organization, customer) OR the reference prefix: a BitmapOr of two
            # index scans. As one query with an IN-subquery, the OR forces PostgreSQL to filter
            # every payment of the organization (100,000 for the largest: 120+ ms).
            ids = _search_customer_ids(organization_id=org_id, value=value, digits=digits)
            if ids is not None:
                # One array parameter, not an IN list of up to 5,000 placeholders. Typed as the
                # column is: psycopg sends small ids as int2[], and a cross-type `= ANY` can't use
                # PostgreSQL's hashed lookup, so each of 4,000 rows was compared with 1,000 ids
                # one by one (page ids and totals each took twice as long).
                in_ids = RawSQL(
                    '"payments_payment"."customer_id" = ANY(%s::bigint[])', [ids], output_field=BooleanField()
                )
                return qs.filter(Q(in_ids) | Q(reference__istartswith=value) | _receipt_q(value))
        customer_q = Q(name__icontains=value) | Q(email__icontains=value)
        if digits:
            customer_q |= Q(phone__contains=digits)
        customers = Customer.objects.filter(customer_q, organization_id=org_id)
        return qs.filter(
            Q(customer_id__in=customers.values("id")) | Q(reference__istartswith=value) | _receipt_q(value)
        )

    def filter_status(self, qs, name, value):
        return qs.filter(display_status=value) if value else qs

    def _local_midnight(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=self.zone)

    def filter_date_from(self, qs, name, value):
        return qs.filter(occurred_at__gte=self._local_midnight(value)) if value else qs

    def filter_date_to(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(occurred_at__lt=self._local_midnight(value + dt.timedelta(days=1)))

    def filter_reconciled(self, qs, name, value):
        if value == "yes":
            return qs.filter(reconciled_at__isnull=False)
        if value == "no":
            return qs.filter(reconciled_at__isnull=True)
        return qs


DEFAULT_PERIOD_DAYS = 30


def payment_list_params(*, params, zone: ZoneInfo):
    """The tab opens on the last 30 days (dealership time zone), shown in the date fields, so the
    header totals and chart cover a bounded period. A search, or any date given (even empty:
    "All dates" sends `date_from=`), turns the default off. The CSV link carries the same
    parameters, so the download is exactly the filtered view."""
    if "date_from" in params or "date_to" in params or (params.get("q") or "").strip():
        return params
    params = params.copy()
    today = dt.datetime.now(zone).date()
    params["date_from"] = (today - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)).isoformat()
    return params


def payment_filter(*, user: User, params) -> PaymentFilter:
    return PaymentFilter(params, queryset=payments_visible_to(user=user), user=user)


_RECEIPT_SEARCH = re.compile(r"^([A-Za-z0-9]{2,6})-(\d{4})-(\d{1,6})$")


def _receipt_q(value: str) -> Q:
    """A receipt number typed with or without its leading zeros: one exact match (the
    (organization, receipt_number) unique index); nothing for other text."""
    match = _RECEIPT_SEARCH.match(value)
    if not match:
        return Q(pk__in=[])
    prefix, year, number = match.groups()
    return Q(receipt_number=f"{prefix.upper()}-{year}-{int(number):06d}")
