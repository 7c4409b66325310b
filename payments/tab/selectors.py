"""Reads for the Payments tab: who sees which payments, the filters, keyset pages, totals, the
daily-volume chart, one payment's timeline, and the CSV export.

Display status. A row is one `Payment` (one charge attempt); its status on the tab combines the
attempt with the outcome of its request, so accounting sees what happened to the money. It is
defined once, as the payment's generated column `display_status` (payments.models), and the
table, the status filter, the totals and the CSV all read that column.
A request nobody ever tried to pay has no Payment row: it is on the request list (My payment
requests), not here, because no money moved.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import django_filters
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404

from core.money import format_minor, parse_major
from notifications.models import OutboundMessage
from organizations.models import Role, User
from payments.models import Payment, PaymentRequestEvent, Payout, Refund, ReportRun
from teams.models import Team

_D = Payment.DisplayStatus
DISPLAY_STATUSES = _D.choices
DISPLAY_STATUS_LABELS = dict(DISPLAY_STATUSES)
# Display statuses of attempts where no money moved: left out of "collected" and "fees".
NO_MONEY_STATUSES = (_D.FAILED, _D.EXPIRED, _D.CANCELLED)

SORTS = {  # key -> (field, descending)
    "-date": ("occurred_at", True),
    "date": ("occurred_at", False),
    "-amount": ("amount_minor", True),
    "amount": ("amount_minor", False),
}
DEFAULT_SORT = "-date"
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 50
CHART_DAYS = 30


def payment_method_label(*, method: str, card_brand: str, card_last4: str) -> str:
    if method == Payment.Method.AFTERPAY:
        return "Installments"
    if card_last4:
        return f"{(card_brand or 'card').title()} •••• {card_last4}"
    return "Card"


def organization_zone(organization) -> ZoneInfo:
    try:
        return ZoneInfo(organization.time_zone)
    except Exception:  # a bad zone name must not break the tab
        return ZoneInfo("UTC")


# --- who sees what -------------------------------------------------------------------------
def payments_visible_to(*, user: User) -> QuerySet[Payment]:
    """Admins: the whole organization. Managers: their teams' payments (and their own).
    Advisors: only their own (My payments). Never another organization's."""
    qs = Payment.objects.filter(organization_id=user.organization_id)
    if user.role == Role.ADMIN:
        return qs
    if user.role == Role.MANAGER:
        my_teams = Team.members.through.objects.filter(user_id=user.pk).values("team_id")
        return qs.filter(Q(team_id__in=my_teams) | Q(advisor_id=user.pk))
    return qs.filter(advisor_id=user.pk)


def payment_get_for_user(*, user: User, payment_id: int, for_update: bool = False) -> Payment:
    """One payment the user may see, else 404 (another organization's, or not theirs)."""
    qs = payments_visible_to(user=user).select_related(
        "customer", "advisor", "team", "payment_request", "payout", "reconciled_by", "stripe_account"
    )
    payment = qs.filter(pk=payment_id).first()
    if payment is None:
        raise Http404("No such payment")
    return payment


def teams_for_filter(*, user: User) -> QuerySet[Team]:
    qs = Team.objects.filter(organization_id=user.organization_id)
    if user.role == Role.ADMIN:
        return qs
    if user.role == Role.MANAGER:
        return qs.filter(members=user)
    return qs.none()


def advisors_for_filter(*, user: User) -> QuerySet[User]:
    qs = User.objects.filter(organization_id=user.organization_id).order_by("name")
    if user.role == Role.ADMIN:
        return qs
    if user.role == Role.MANAGER:
        return qs.filter(teams__in=teams_for_filter(user=user)).distinct()
    return qs.filter(pk=user.pk)


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
                return qs.filter(Q(in_ids) | Q(reference__istartswith=value))
        customer_q = Q(name__icontains=value) | Q(email__icontains=value)
        if digits:
            customer_q |= Q(phone__contains=digits)
        customers = Customer.objects.filter(customer_q, organization_id=org_id)
        return qs.filter(Q(customer_id__in=customers.values("id")) | Q(reference__istartswith=value))

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


# --- keyset pages ---------------------------------------------------------------------------
_ROW_FIELDS = (
    "id",
    "occurred_at",
    "reference",
    "amount_minor",
    "fee_minor",
    "refunded_minor",
    "net_minor",
    "currency",
    "status",
    "method",
    "card_brand",
    "card_last4",
    "customer__name",
    "row_advisor_name",
    "row_team_name",
    "display_status",
    "reconciled_at",
    "row_reconciled_by_name",
    "dms_document_number",
)


def _name_of(model, field: str):
    """`(SELECT name FROM ... WHERE id = payment.<field>)`: a scalar subquery instead of a join.
    Six joined tables cost PostgreSQL ~5 ms of planning per page (more than running the query);
    with three of them as subqueries it plans in ~0.4 ms and runs 50 primary-key look-ups."""
    # RawSQL rather than Subquery(...): compiling three nested querysets per page cost ~1 ms.
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(field)
    return RawSQL(
        f'(SELECT name FROM {table} WHERE id = "payments_payment".{column})',
        [],
        output_field=CharField(),
    )


@dataclass
class PaymentRow:
    """One line of the Payments tab (fields in `_ROW_FIELDS` order)."""

    pk: int
    occurred_at: dt.datetime
    reference: str
    amount_minor: int
    fee_minor: int
    refunded_minor: int
    net_minor: int
    currency: str
    status: str
    method: str
    card_brand: str
    card_last4: str
    customer_name: str
    advisor_name: str
    team_name: str
    display_status: str
    reconciled_at: dt.datetime | None
    reconciled_by_name: str | None
    dms_document_number: str

    @property
    def display_status_label(self) -> str:
        return DISPLAY_STATUS_LABELS.get(self.display_status, self.display_status)

    @property
    def method_label(self) -> str:
        return payment_method_label(
            method=self.method, card_brand=self.card_brand, card_last4=self.card_last4
        )


@dataclass
class PaymentPage:
    rows: list[PaymentRow]
    next_cursor: str
    sort: str
    per_page: int
    is_first: bool


def _encode_cursor(value, pk: int) -> str:
    raw = f"{value.isoformat() if isinstance(value, dt.datetime) else value}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, field: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        value, pk = raw.rsplit("|", 1)
        return (dt.datetime.fromisoformat(value) if field == "occurred_at" else int(value)), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def _page_order(sort: str) -> tuple[str, str, bool, list[str]]:
    """(sort key, field, descending, ORDER BY) of a page; an unknown sort is the default."""
    if sort not in SORTS:
        sort = DEFAULT_SORT
    field, desc = SORTS[sort]
    return sort, field, desc, ([f"-{field}", "-id"] if desc else [field, "id"])


def _page_of(raw: list[tuple], *, sort: str, field: str, per_page: int, is_first: bool) -> PaymentPage:
    """`raw`: up to per_page + 1 rows in `_ROW_FIELDS` order; the extra one says there is more."""
    rows = [PaymentRow(*values) for values in raw[:per_page]]
    next_cursor = ""
    if len(raw) > per_page:
        last = rows[-1]
        next_cursor = _encode_cursor(getattr(last, field), last.pk)
    return PaymentPage(rows=rows, next_cursor=next_cursor, sort=sort, per_page=per_page, is_first=is_first)


def _row_values(queryset: QuerySet[Payment], order: list[str], limit: int) -> list[tuple]:
    # Plain values, not model instances (building six models per row cost more than the query).
    return list(
        queryset.annotate(
            row_advisor_name=_name_of(User, "advisor_id"),
            row_team_name=_name_of(Team, "team_id"),
            row_reconciled_by_name=_name_of(User, "reconciled_by_id"),
        )
        .order_by(*order)
        .values_list(*_ROW_FIELDS)[:limit]
    )


def payment_page(*, queryset: QuerySet[Payment], sort: str, after: str = "", per_page: int) -> PaymentPage:
    """One page by seek pagination on (sort field, id): cost doesn't depend on how deep the page
    is, and there is no COUNT over the whole set (the totals query gives the count)."""
    sort, field, desc, order = _page_order(sort)
    per_page = per_page if per_page in PAGE_SIZES else DEFAULT_PAGE_SIZE
    qs = queryset
    decoded = _decode_cursor(after, field) if after else None
    if decoded:
        value, pk = decoded
        if desc:  # the extra `lte` bound lets the index scan start at the cursor
            qs = qs.filter(**{f"{field}__lte": value}).filter(
                Q(**{f"{field}__lt": value}) | Q(**{field: value, "id__lt": pk})
            )
        else:
            qs = qs.filter(**{f"{field}__gte": value}).filter(
                Q(**{f"{field}__gt": value}) | Q(**{field: value, "id__gt": pk})
            )
    raw = _row_values(qs, order, per_page + 1)
    return _page_of(raw, sort=sort, field=field, per_page=per_page, is_first=not decoded)


# --- totals and chart -----------------------------------------------------------------------
@dataclass
class PaymentTotals:
    count: int
    collected_minor: int
    fees_minor: int
    refunds_minor: int
    net_minor: int
    days: list[tuple[dt.date, int]]  # (local day, collected) for the chart, oldest first
    max_day_minor: int


# The totals of a set of payments: one row per (local day, display status). The set (`{source}`)
# is a subquery or a CTE with the columns `day`, `display_status` and the three amounts.
_TOTALS_COLUMNS = ("day", "display_status", "amount_minor", "fee_minor", "refunded_minor")
_TOTALS_SQL = (
    "SELECT day, display_status, COUNT(*), SUM(amount_minor), SUM(fee_minor), SUM(refunded_minor){more} "
    "FROM {source} GROUP BY day, display_status"
)


def _totals_source(queryset: QuerySet[Payment], zone: ZoneInfo, *extra: str) -> tuple[str, tuple]:
    """SQL of the filtered payments with their local day and the columns the totals need (all in
    payment_org_totals3_idx, so the scan is index-only), plus `extra` columns."""
    extra = tuple(name for name in extra if name not in _TOTALS_COLUMNS)
    return (
        queryset.order_by()
        .annotate(day=TruncDate("occurred_at", tzinfo=zone))
        .values_list(*extra, *_TOTALS_COLUMNS)
        .query.sql_with_params()
    )


def _totals_from_buckets(buckets) -> PaymentTotals:
    """Collected and fees count money that moved (failed, expired and cancelled attempts are left
    out); refunds are what has been refunded."""
    count = collected = fees = refunds = 0
    by_day: dict[dt.date, int] = {}
    for day, status, n, amount, fee, refunded in buckets:
        if isinstance(day, str):  # SQLite gives the date as text
            day = dt.date.fromisoformat(day)
        count += n
        refunds += int(refunded)
        moved = 0 if status in NO_MONEY_STATUSES else int(amount)
        collected += moved
        fees += 0 if status in NO_MONEY_STATUSES else int(fee)
        by_day[day] = by_day.get(day, 0) + moved
    days = sorted(by_day.items())[-CHART_DAYS:]
    return PaymentTotals(
        count=count,
        collected_minor=collected,
        fees_minor=fees,
        refunds_minor=refunds,
        net_minor=collected - fees - refunds,
        days=days,
        max_day_minor=max((v for _, v in days), default=0),
    )


def payment_totals(*, queryset: QuerySet[Payment], zone: ZoneInfo) -> PaymentTotals:
    """Totals of the filtered set and its daily volume in one grouped query."""
    try:
        source, params = _totals_source(queryset, zone)
    except EmptyResultSet:  # e.g. `.none()` for filters that didn't validate
        return _totals_from_buckets([])
    with connection.cursor() as cursor:
        cursor.execute(_TOTALS_SQL.format(source=f"({source}) AS matches", more=""), params)
        return _totals_from_buckets(cursor.fetchall())


def payment_search_page_and_totals(
    *, queryset: QuerySet[Payment], zone: ZoneInfo, sort: str, after: str = "", per_page: int
) -> tuple[PaymentPage, PaymentTotals]:
    """A search's page and totals. The matches of a search are found through the customers'
    payments (index scans of scattered rows, 4,000 for a common name in a large dealership),
    not by walking an index in the page's order; so they are read ONCE into a materialized CTE,
    and the page's ids and the totals both come from it in one statement. Then only the page's
    rows are joined for display."""
    sort, field, desc, order = _page_order(sort)
    per_page = per_page if per_page in PAGE_SIZES else DEFAULT_PAGE_SIZE
    decoded = _decode_cursor(after, field) if after else None
    try:
        source, params = _totals_source(queryset, zone, "id", field)
    except EmptyResultSet:
        return _page_of(
            [], sort=sort, field=field, per_page=per_page, is_first=not decoded
        ), _totals_from_buckets([])
    after_sql, after_params = "", []
    if decoded:
        value, pk = decoded
        if field == "occurred_at":
            value = connection.ops.adapt_datetimefield_value(value)
        op = "<" if desc else ">"
        after_sql = f"WHERE {field} {op} %s OR ({field} = %s AND id {op} %s)"
        after_params = [value, value, pk]
    direction = "DESC" if desc else "ASC"
    sql = (
        f"WITH matches AS MATERIALIZED ({source}) "
        f"SELECT NULL, NULL, NULL, NULL, NULL, NULL, id FROM (SELECT id FROM matches {after_sql} "
        f"ORDER BY {field} {direction}, id {direction} LIMIT %s) AS page "
        "UNION ALL " + _TOTALS_SQL.format(source="matches", more=", NULL")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *after_params, per_page + 1])
        results = cursor.fetchall()
    page_ids = [r[6] for r in results if r[6] is not None]
    totals = _totals_from_buckets(r[:6] for r in results if r[6] is None)
    raw = _row_values(Payment.objects.filter(pk__in=page_ids), order, per_page + 1)
    page = _page_of(raw, sort=sort, field=field, per_page=per_page, is_first=not decoded)
    return page, totals


# --- timeline -------------------------------------------------------------------------------
@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str
    who: str
    message: str


def payment_timeline(*, payment: Payment) -> list[TimelineEntry]:
    """Everything that happened to the payment's request and this payment: the append-only
    history rows plus the delivery state of every message sent for the request."""
    entries: list[TimelineEntry] = []
    events = (
        PaymentRequestEvent.objects.filter(payment_request_id=payment.payment_request_id)
        .filter(Q(payment__isnull=True) | Q(payment_id=payment.pk) | Q(kind__startswith="attempt"))
        .select_related("actor")
        .order_by("created_at", "id")
    )
    for event in events:
        who = event.actor.name if event.actor else event.actor_label
        entries.append(TimelineEntry(event.created_at, event.kind, who, event.message))
    messages = OutboundMessage.objects.filter(payment_request_id=payment.payment_request_id).order_by(
        "created_at", "id"
    )
    for msg in messages:
        what = f"{msg.get_channel_display()} to {msg.to}"
        if msg.purpose:
            what += f" ({msg.purpose.replace('_', ' ')})"
        entries.append(TimelineEntry(msg.sent_at or msg.created_at, "message_sent", msg.backend, what))
        if msg.status in (OutboundMessage.Status.DELIVERED, OutboundMessage.Status.UNDELIVERED) or (
            msg.status == OutboundMessage.Status.FAILED
        ):
            entries.append(
                TimelineEntry(
                    msg.status_updated_at or msg.sent_at or msg.created_at,
                    f"message_{msg.status}",
                    msg.backend,
                    f"{msg.get_channel_display()} to {msg.to}: {msg.get_status_display().lower()}"
                    + (f" ({msg.error})" if msg.error else ""),
                )
            )
    entries.sort(key=lambda e: e.at)
    return entries


# --- payouts and reports --------------------------------------------------------------------
def _payout_sum(queryset, expression):
    """One figure of a payout's contents, as a subquery (several joined Sums would multiply)."""
    value = queryset.filter(payout_id=OuterRef("pk")).order_by().values("payout_id").annotate(v=expression)
    return Coalesce(Subquery(value.values("v")), 0)


def payouts_with_figures(queryset: QuerySet[Payout]) -> QuerySet[Payout]:
    """Payouts with what Stripe settled in them: the payments (gross and platform fees) and the
    refunds deducted (often of payments paid out earlier); net = gross - fees - refunds. Whatever
    else the payout held (a dispute, an adjustment) is `other_minor` = amount - net."""
    payments = Payment.objects.exclude(status=Payment.Status.FAILED)
    refunds = Refund.objects.filter(status=Refund.Status.SUCCEEDED)
    return (
        queryset.annotate(
            n_payments=_payout_sum(payments, Count("*")),
            gross_minor=_payout_sum(payments, Sum("amount_minor")),
            fees_minor=_payout_sum(payments, Sum("fee_minor")),
            refunds_minor=_payout_sum(refunds, Sum("amount_minor")),
        )
        .annotate(net_minor=F("gross_minor") - F("fees_minor") - F("refunds_minor"))
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


def report_runs_for_user(*, user: User) -> QuerySet[ReportRun]:
    return ReportRun.objects.filter(organization_id=user.organization_id).select_related(
        "stripe_account", "requested_by"
    )


def report_run_get_for_user(*, user: User, report_run_id: int) -> ReportRun:
    run = report_runs_for_user(user=user).filter(pk=report_run_id).first()
    if run is None:
        raise Http404("No such report")
    return run


# --- CSV ------------------------------------------------------------------------------------
CSV_HEADER = [
    "date",
    "reference",
    "customer",
    "amount",
    "fee",
    "net",
    "currency",
    "status",
    "refunded_amount",
    "payout_id",
    "payout_arrival_date",
    "reconciled_by",
    "reconciled_at",
    "dms_document_number",
]
_DATE_FMT = "%Y-%m-%d %H:%M"


def _major(minor: int) -> str:
    return format_minor(minor, "USD").replace("$", "").replace(",", "")


# Spreadsheet formula injection (OWASP "CSV injection"): a text cell that starts with one of these
# is run as a formula by Excel/Sheets. Such cells get a leading apostrophe, in both export paths.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value: str | None) -> str:
    value = value or ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _sql_csv_text(col: str) -> str:
    return (
        f"CASE WHEN left({col}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || {col} "
        f"ELSE NULLIF({col}, '') END"
    )


def _csv_order(sort: str) -> list[str]:
    field, desc = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return [f"-{field}", "-id"] if desc else [field, "id"]


def payment_csv_chunks_python(*, queryset: QuerySet[Payment], zone: ZoneInfo, sort: str) -> Iterator[str]:
    """The CSV through a server-side cursor (`iterator`): memory stays flat however many rows.
    Works on any database; PostgreSQL uses the COPY path below, which gives the same bytes."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    rows = queryset.order_by(*_csv_order(sort)).values_list(
        "occurred_at",
        "reference",
        "customer__name",
        "amount_minor",
        "fee_minor",
        "refunded_minor",
        "net_minor",
        "currency",
        "display_status",
        "payout__stripe_payout_id",
        "payout__arrival_date",
        "reconciled_by__name",
        "reconciled_at",
        "dms_document_number",
    )
    for n, r in enumerate(rows.iterator(chunk_size=5000), 1):
        writer.writerow(
            [
                r[0].astimezone(zone).strftime(_DATE_FMT),
                _csv_text(r[1]),
                _csv_text(r[2]),
                _major(r[3]),
                _major(r[4]),
                _major(r[6]),
                r[7],
                DISPLAY_STATUS_LABELS[r[8]],
                _major(r[5]),
                r[9] or "",
                r[10].isoformat() if r[10] else "",
                _csv_text(r[11]),
                r[12].astimezone(zone).strftime(_DATE_FMT) if r[12] else "",
                _csv_text(r[13]),
            ]
        )
        if n % 1000 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _sql_major(col: str) -> str:
    return f"to_char(({col})::numeric / 100, 'FM9999999999990.00')"


def payment_csv_copy_sql(*, queryset: QuerySet[Payment], zone: ZoneInfo, sort: str) -> tuple[str, tuple]:
    """The export as one SELECT formatted by PostgreSQL (same bytes as the Python path: empty
    values are NULL so COPY writes them unquoted, like csv.writer). The filtered, scoped queryset
    is compiled by Django and used as the WHERE of the export."""
    field, desc = SORTS.get(sort, SORTS[DEFAULT_SORT])
    direction = "DESC" if desc else "ASC"
    ids_sql, ids_params = queryset.order_by().values("id").query.sql_with_params()
    tz = str(zone)
    status_sql = (
        "CASE p.display_status "
        + " ".join(f"WHEN '{value}' THEN '{label}'" for value, label in DISPLAY_STATUSES)
        + " ELSE p.display_status END"
    )
    sql = (
        "SELECT to_char(p.occurred_at AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI'), "
        f"{_sql_csv_text('p.reference')}, {_sql_csv_text('c.name')}, "
        f"{_sql_major('p.amount_minor')}, {_sql_major('p.fee_minor')}, "
        f"{_sql_major('p.net_minor')}, p.currency, {status_sql}, "
        f"{_sql_major('p.refunded_minor')}, NULLIF(po.stripe_payout_id, ''), "
        f"to_char(po.arrival_date, 'YYYY-MM-DD'), {_sql_csv_text('u.name')}, "
        "to_char(p.reconciled_at AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI'), "
        f"{_sql_csv_text('p.dms_document_number')} "
        "FROM payments_payment p "
        "JOIN customers_customer c ON c.id = p.customer_id "
        "LEFT JOIN payments_payout po ON po.id = p.payout_id "
        "LEFT JOIN organizations_user u ON u.id = p.reconciled_by_id "
        f"WHERE p.id IN ({ids_sql}) "
        f"ORDER BY p.{field} {direction}, p.id {direction}"
    )
    return sql, (tz, tz, *ids_params)


def payment_csv_chunks_copy(*, queryset: QuerySet[Payment], zone: ZoneInfo, sort: str) -> Iterator[bytes]:
    """PostgreSQL COPY ... TO STDOUT: the database writes the CSV, we pass the chunks through."""
    sql, params = payment_csv_copy_sql(queryset=queryset, zone=zone, sort=sort)
    yield (",".join(CSV_HEADER) + "\n").encode()
    connection.ensure_connection()
    raw = connection.connection  # psycopg 3 connection
    with raw.cursor() as cursor:  # psycopg merges COPY parameters client-side
        with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            pending: list[bytes] = []
            size = 0
            for data in copy:
                pending.append(bytes(data))
                size += len(data)
                if size >= 256 * 1024:
                    yield b"".join(pending)
                    pending, size = [], 0
            if pending:
                yield b"".join(pending)


def payment_csv_chunks(*, queryset: QuerySet[Payment], zone: ZoneInfo, sort: str) -> Iterator[bytes | str]:
    if connection.vendor == "postgresql":
        return payment_csv_chunks_copy(queryset=queryset, zone=zone, sort=sort)
    return payment_csv_chunks_python(queryset=queryset, zone=zone, sort=sort)


# --- the CSV of one payout ------------------------------------------------------------------
PAYOUT_CSV_HEADER = ["type", "date", "reference", "customer", "amount", "platform_fee", "net", "currency"]


def payout_csv(*, payout: Payout, zone: ZoneInfo) -> str:
    """What Stripe settled in one payout, a line each: its payments (amount, fee, net = amount -
    fee) and the refunds deducted in it (negative). The net column adds up to the payout's
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
                _major(p.amount_minor),
                _major(p.fee_minor),
                _major(p.amount_minor - p.fee_minor),
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
                _major(-r.amount_minor),
                _major(0),
                _major(-r.amount_minor),
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
                _major(payout.other_minor),
                _major(0),
                _major(payout.other_minor),
                payout.currency,
            ]
        )
    return buf.getvalue()
