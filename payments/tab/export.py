"""The Payments tab's CSV export: the rows of a search, streamed (PostgreSQL COPY, or Python
elsewhere); text cells are neutralised against spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import QuerySet

from core.money import minor_to_major_text
from payments.models import Payment
from payments.tab.selectors import DEFAULT_SORT, DISPLAY_STATUS_LABELS, DISPLAY_STATUSES, SORTS

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
    # Added at the end (existing columns keep their place): the platform fee refunds gave back
    # (net = amount - fee + fee_refunded - refunded_amount), the dealership's receipt number, Stripe's id.
    "fee_refunded",
    "receipt_number",
    "stripe_id",
]
_DATE_FMT = "%Y-%m-%d %H:%M"


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
        "fee_refunded_minor",
        "receipt_number",
        "stripe_payment_intent_id",
    )
    for n, r in enumerate(rows.iterator(chunk_size=5000), 1):
        writer.writerow(
            [
                r[0].astimezone(zone).strftime(_DATE_FMT),
                _csv_text(r[1]),
                _csv_text(r[2]),
                minor_to_major_text(r[3]),
                minor_to_major_text(r[4]),
                minor_to_major_text(r[6]),
                r[7],
                DISPLAY_STATUS_LABELS[r[8]],
                minor_to_major_text(r[5]),
                r[9] or "",
                r[10].isoformat() if r[10] else "",
                _csv_text(r[11]),
                r[12].astimezone(zone).strftime(_DATE_FMT) if r[12] else "",
                _csv_text(r[13]),
                minor_to_major_text(r[14]),
                r[15] or "",
                r[16],
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
        f"{_sql_csv_text('p.dms_document_number')}, {_sql_major('p.fee_refunded_minor')}, "
        "NULLIF(p.receipt_number, ''), p.stripe_payment_intent_id "
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
