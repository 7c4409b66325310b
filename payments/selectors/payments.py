"""Reads for the Payments tab: who sees which payments, the filters, keyset pages, totals, the
daily-volume chart, one payment's timeline, and the CSV export.

Display status. A row is one `Payment` (one charge attempt). Its status on the tab combines the
attempt with the outcome of its request, so accounting sees what happened to the money:
- succeeded, fully paying its request, or a part of a request that is now paid in full -> paid
- succeeded, for less than its request's amount, the request not (yet) paid in full
                                                -> partially paid (a partial payment)
- partially_refunded / refunded / disputed      -> the same
- failed, and the request then expired          -> expired
- failed, and the request was then cancelled    -> cancelled
- failed otherwise (e.g. the customer may retry) -> failed
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
from django.db import connection
from django.db.models import BooleanField, CharField, Count, F, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.http import Http404

from core.money import format_minor, parse_major
from notifications.models import OutboundMessage
from organizations.models import Role, User
from payments.models import Payment, PaymentRequest, PaymentRequestEvent, Payout, ReportRun
from teams.models import Team

DISPLAY_STATUSES = [
    ("paid", "Paid"),
    ("partially_paid", "Partially paid"),
    ("refunded", "Refunded"),
    ("partially_refunded", "Partially refunded"),
    ("disputed", "Disputed"),
    ("failed", "Failed"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
]
DISPLAY_STATUS_LABELS = dict(DISPLAY_STATUSES)
_RS = PaymentRequest.Status
_PS = Payment.Status
_STATUS_Q = {
    "paid": Q(status=_PS.SUCCEEDED)
    & (Q(amount_minor__gte=F("payment_request__amount_minor")) | Q(payment_request__status=_RS.PAID)),
    "partially_paid": Q(status=_PS.SUCCEEDED, amount_minor__lt=F("payment_request__amount_minor"))
    & ~Q(payment_request__status=_RS.PAID),
    "refunded": Q(status=_PS.REFUNDED),
    "partially_refunded": Q(status=_PS.PARTIALLY_REFUNDED),
    "disputed": Q(status=_PS.DISPUTED),
    "failed": Q(status=_PS.FAILED) & ~Q(payment_request__status__in=[_RS.EXPIRED, _RS.CANCELLED]),
    "expired": Q(status=_PS.FAILED, payment_request__status=_RS.EXPIRED),
    "cancelled": Q(status=_PS.FAILED, payment_request__status=_RS.CANCELLED),
}

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


def payment_display_status(
    *, status: str, request_status: str, amount_minor: int, request_amount_minor: int
) -> str:
    if status == _PS.SUCCEEDED:
        if amount_minor < request_amount_minor and request_status != _RS.PAID:
            return "partially_paid"
        return "paid"
    if status == _PS.FAILED:
        if request_status == _RS.EXPIRED:
            return "expired"
        if request_status == _RS.CANCELLED:
            return "cancelled"
        return "failed"
    return status


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
                # One array parameter, not an IN list of up to 5,000 placeholders.
                in_ids = RawSQL(
                    '"payments_payment"."customer_id" = ANY(%s)', [ids], output_field=BooleanField()
                )
                return qs.filter(Q(in_ids) | Q(reference__istartswith=value))
        customer_q = Q(name__icontains=value) | Q(email__icontains=value)
        if digits:
            customer_q |= Q(phone__contains=digits)
        customers = Customer.objects.filter(customer_q, organization_id=org_id)
        return qs.filter(Q(customer_id__in=customers.values("id")) | Q(reference__istartswith=value))

    def filter_status(self, qs, name, value):
        return qs.filter(_STATUS_Q[value]) if value else qs

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
    "currency",
    "status",
    "method",
    "card_brand",
    "card_last4",
    "customer__name",
    "row_advisor_name",
    "row_team_name",
    "payment_request__status",
    "payment_request__amount_minor",
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
    currency: str
    status: str
    method: str
    card_brand: str
    card_last4: str
    customer_name: str
    advisor_name: str
    team_name: str
    request_status: str
    request_amount_minor: int
    reconciled_at: dt.datetime | None
    reconciled_by_name: str | None
    dms_document_number: str

    @property
    def net_minor(self) -> int:
        return self.amount_minor - self.fee_minor - self.refunded_minor

    @property
    def display_status(self) -> str:
        return payment_display_status(
            status=self.status,
            request_status=self.request_status,
            amount_minor=self.amount_minor,
            request_amount_minor=self.request_amount_minor,
        )

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


def payment_page(
    *, queryset: QuerySet[Payment], sort: str, after: str = "", per_page: int, ids_first: bool = False
) -> PaymentPage:
    """One page by seek pagination on (sort field, id): cost doesn't depend on how deep the page
    is, and there is no COUNT over the whole set (the totals query gives the count)."""
    if sort not in SORTS:
        sort = DEFAULT_SORT
    if per_page not in PAGE_SIZES:
        per_page = DEFAULT_PAGE_SIZE
    field, desc = SORTS[sort]
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
    order = [f"-{field}", "-id"] if desc else [field, "id"]
    # Plain values, not model instances (building six models per row cost more than the query).
    # `ids_first` (searches): the page's ids in one short query, then only those rows joined for
    # display. As one joined query, when the planner expects few matches it joins every match
    # (4,000 payments for a common name) before sorting; other filters walk an index in order.
    rows_qs = qs
    if ids_first:
        page_ids = list(qs.order_by(*order).values_list("pk", flat=True)[: per_page + 1])
        rows_qs = Payment.objects.filter(pk__in=page_ids)
    rows_qs = rows_qs.annotate(
        row_advisor_name=_name_of(User, "advisor_id"),
        row_team_name=_name_of(Team, "team_id"),
        row_reconciled_by_name=_name_of(User, "reconciled_by_id"),
    )
    raw = list(rows_qs.order_by(*order).values_list(*_ROW_FIELDS)[: per_page + 1])
    next_cursor = ""
    has_more = len(raw) > per_page
    rows = [PaymentRow(*values) for values in raw[:per_page]]
    if has_more:
        last = rows[-1]
        next_cursor = _encode_cursor(getattr(last, field), last.pk)
    return PaymentPage(rows=rows, next_cursor=next_cursor, sort=sort, per_page=per_page, is_first=not decoded)


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


def payment_totals(*, queryset: QuerySet[Payment], zone: ZoneInfo) -> PaymentTotals:
    """Totals of the filtered set and its daily volume in ONE grouped query. Collected and fees
    count money that moved (failed attempts excluded); refunds are what has been refunded."""
    moved = ~Q(status=_PS.FAILED)
    buckets = (
        queryset.order_by()
        .annotate(day=TruncDate("occurred_at", tzinfo=zone))
        .values("day")
        .annotate(
            n=Count("*"),  # not "id": keeps it an index-only scan of payment_org_totals2_idx
            collected=Sum("amount_minor", filter=moved, default=0),
            fees=Sum("fee_minor", filter=moved, default=0),
            refunds=Sum("refunded_minor", default=0),
        )
        .order_by("day")
    )
    count = collected = fees = refunds = 0
    days: list[tuple[dt.date, int]] = []
    for bucket in buckets:
        count += bucket["n"]
        collected += bucket["collected"]
        fees += bucket["fees"]
        refunds += bucket["refunds"]
        days.append((bucket["day"], bucket["collected"]))
    days = days[-CHART_DAYS:]
    return PaymentTotals(
        count=count,
        collected_minor=collected,
        fees_minor=fees,
        refunds_minor=refunds,
        net_minor=collected - fees - refunds,
        days=days,
        max_day_minor=max((v for _, v in days), default=0),
    )


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
def payouts_for_user(*, user: User) -> QuerySet[Payout]:
    return (
        Payout.objects.filter(organization_id=user.organization_id)
        .annotate(n_payments=Count("payments"), payments_total=Sum("payments__amount_minor"))
        .order_by("-arrival_date", "-id")
    )


def payout_get_for_user(*, user: User, payout_id: int) -> Payout:
    payout = Payout.objects.filter(organization_id=user.organization_id, pk=payout_id).first()
    if payout is None:
        raise Http404("No such payout")
    return payout


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
        "currency",
        "status",
        "payment_request__status",
        "payment_request__amount_minor",
        "payout__stripe_payout_id",
        "payout__arrival_date",
        "reconciled_by__name",
        "reconciled_at",
        "dms_document_number",
    )
    for n, r in enumerate(rows.iterator(chunk_size=5000), 1):
        amount, fee, refunded = r[3], r[4], r[5]
        writer.writerow(
            [
                r[0].astimezone(zone).strftime(_DATE_FMT),
                _csv_text(r[1]),
                _csv_text(r[2]),
                _major(amount),
                _major(fee),
                _major(amount - fee - refunded),
                r[6],
                DISPLAY_STATUS_LABELS[
                    payment_display_status(
                        status=r[7], request_status=r[8], amount_minor=amount, request_amount_minor=r[9]
                    )
                ],
                _major(refunded),
                r[10] or "",
                r[11].isoformat() if r[11] else "",
                _csv_text(r[12]),
                r[13].astimezone(zone).strftime(_DATE_FMT) if r[13] else "",
                _csv_text(r[14]),
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
        "CASE WHEN p.status = 'succeeded' THEN "
        "(CASE WHEN p.amount_minor < r.amount_minor AND r.status <> 'paid' THEN 'Partially paid' "
        "ELSE 'Paid' END) "
        "WHEN p.status = 'failed' THEN "
        "(CASE r.status WHEN 'expired' THEN 'Expired' WHEN 'cancelled' THEN 'Cancelled' ELSE 'Failed' END) "
        "WHEN p.status = 'refunded' THEN 'Refunded' WHEN p.status = 'partially_refunded' "
        "THEN 'Partially refunded' WHEN p.status = 'disputed' THEN 'Disputed' ELSE p.status END"
    )
    sql = (
        "SELECT to_char(p.occurred_at AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI'), "
        f"{_sql_csv_text('p.reference')}, {_sql_csv_text('c.name')}, "
        f"{_sql_major('p.amount_minor')}, {_sql_major('p.fee_minor')}, "
        f"{_sql_major('p.amount_minor - p.fee_minor - p.refunded_minor')}, p.currency, {status_sql}, "
        f"{_sql_major('p.refunded_minor')}, NULLIF(po.stripe_payout_id, ''), "
        f"to_char(po.arrival_date, 'YYYY-MM-DD'), {_sql_csv_text('u.name')}, "
        "to_char(p.reconciled_at AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI'), "
        f"{_sql_csv_text('p.dms_document_number')} "
        "FROM payments_payment p "
        "JOIN customers_customer c ON c.id = p.customer_id "
        "JOIN payments_paymentrequest r ON r.id = p.payment_request_id "
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
