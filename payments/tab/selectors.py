"""Reads for the Payments tab: who sees which payments, keyset pages, totals, the daily-volume
chart and one payment's timeline (the filters are in filters.py, the CSV in export.py).

Display status. A row is one `Payment` (one charge attempt); its status on the tab combines the
attempt with the outcome of its request, so accounting sees what happened to the money. It is
defined once, as the payment's generated column `display_status` (payments.models), and the
table, the status filter, the totals and the CSV all read that column.
A request nobody ever tried to pay has no Payment row: it is on the request list (My payment
requests), not here, because no money moved.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.http import Http404

from organizations.models import Role, User
from payments.models import Payment, payment_method_label
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


# --- keyset pages ---------------------------------------------------------------------------
_ROW_FIELDS = (
    "id",
    "occurred_at",
    "reference",
    "amount_minor",
    "fee_minor",
    "refunded_minor",
    "net_minor",
    "fee_refunded_minor",
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
    "receipt_number",
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
    fee_refunded_minor: int
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
    receipt_number: str

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
# is a subquery or a CTE with the columns `day`, `display_status` and the amounts. The fees are
# what the platform kept: the fee less what refunds gave back (`fee_refunded_minor`).
_TOTALS_COLUMNS = (
    "day",
    "display_status",
    "amount_minor",
    "fee_minor",
    "fee_refunded_minor",
    "refunded_minor",
)
_TOTALS_SQL = (
    "SELECT day, display_status, COUNT(*), SUM(amount_minor), SUM(fee_minor) - SUM(fee_refunded_minor), "
    "SUM(refunded_minor){more} "
    "FROM {source} GROUP BY day, display_status"
)


def _totals_source(queryset: QuerySet[Payment], zone: ZoneInfo, *extra: str) -> tuple[str, tuple]:
    """SQL of the filtered payments with their local day and the columns the totals need (all in
    payment_org_totals4_idx, so the scan is index-only), plus `extra` columns."""
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


CHART_WINDOW_DAYS = CHART_DAYS + 15  # the chart's days of a wide set are looked for this far back


def payment_totals(*, queryset: QuerySet[Payment], zone: ZoneInfo, wide: bool = False) -> PaymentTotals:
    """Totals of the filtered set and its daily volume in one grouped query. For a `wide` set
    (no recent start date: "All dates"), the totals are grouped by status only, and only the
    recent payments are turned into local days for the chart (converting each of 100,000
    payments' times to the dealership's day was half the query); if those hold fewer than the
    chart's CHART_DAYS days (a quiet dealership), the chart is grouped over the whole set."""
    try:
        source, params = _totals_source(queryset, zone)
    except EmptyResultSet:  # e.g. `.none()` for filters that didn't validate
        return _totals_from_buckets([])
    if wide:
        totals = _wide_totals(queryset, zone)
        if totals is not None:
            return totals
    with connection.cursor() as cursor:
        cursor.execute(_TOTALS_SQL.format(source=f"({source}) AS matches", more=""), params)
        return _totals_from_buckets(cursor.fetchall())


def _wide_totals(queryset: QuerySet[Payment], zone: ZoneInfo) -> PaymentTotals | None:
    """Totals of the whole set by status, and the chart's buckets of the last CHART_WINDOW_DAYS
    local days (from a local midnight, so every day in it is whole), in one statement. None when
    the window holds fewer than CHART_DAYS days: the caller groups the whole set by day."""
    today = dt.datetime.now(zone).date()
    start = dt.datetime.combine(today - dt.timedelta(days=CHART_WINDOW_DAYS), dt.time(), tzinfo=zone)
    whole, whole_params = queryset.order_by().values_list(*_TOTALS_COLUMNS[1:]).query.sql_with_params()
    recent, recent_params = _totals_source(queryset.filter(occurred_at__gte=start), zone)
    sql = (
        "SELECT NULL, display_status, COUNT(*), SUM(amount_minor), SUM(fee_minor), SUM(refunded_minor)"
        f" FROM ({whole}) AS matches GROUP BY display_status UNION ALL "
        + _TOTALS_SQL.format(source=f"({recent}) AS recent", more="")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*whole_params, *recent_params))
        rows = cursor.fetchall()
    chart = [row for row in rows if row[0] is not None]
    if len({row[0] for row in chart}) < CHART_DAYS:
        return None
    totals = _totals_from_buckets([row for row in rows if row[0] is None])
    by_day = _totals_from_buckets(chart)
    totals.days, totals.max_day_minor = by_day.days, by_day.max_day_minor
    return totals


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
