"""Build, store and send the daily reconciliation file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from organizations.models import Organization
from organizations.selectors import organization_zone
from payments.models import Payment, PayoutEmailRecipient, ReconciliationFile
from payments.reconciliation_files.rows import COLUMNS, Row, day_rows

logger = logging.getLogger(__name__)

BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it ("Marie-Ève", not "Marie-Ãˆve")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # CSV injection: see payments/tab/export.py


def _major(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    minor = abs(minor)
    return f"{sign}{minor // 100}.{minor % 100:02d}"


def _cell(name: str, value, zone) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if name in ("fee", "refunded", "net", "attempted"):
        return _major(int(value))
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def rows_csv(rows: list[Row], *, zone, excel: bool = False) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n" if excel else "\n")
    writer.writerow(COLUMNS)
    for row in rows:
        values = {
            **row.values,
            "kind": row.kind,
            "occurred_at": row.occurred_at,
            "amount": _major(row.amount_minor),
            "currency": row.currency,
        }
        writer.writerow(
            [
                values.get(name, "") if name == "amount" else _cell(name, values.get(name), zone)
                for name in COLUMNS
            ]
        )
    return (BOM if excel else "") + buf.getvalue()


def organization_day_rows(*, organization: Organization, day: dt.date, team=None) -> list[Row]:
    payments = Payment.objects.filter(organization_id=organization.pk)
    if team is not None:
        payments = payments.filter(team_id=team.pk)
    return day_rows(
        organization_id=organization.pk,
        payments=payments,
        day=day,
        zone=organization_zone(organization),
        with_payouts=team is None,  # a payout pays out every team's money
    )


def reconciliation_file_build(*, organization: Organization, day: dt.date) -> ReconciliationFile:
    """The organization's file of `day`, stored once (a second build returns the first)."""
    existing = ReconciliationFile.objects.filter(organization=organization, day=day).first()
    if existing is not None:
        return existing
    rows = organization_day_rows(organization=organization, day=day)
    content = rows_csv(rows, zone=organization_zone(organization))
    try:
        with transaction.atomic():
            return ReconciliationFile.objects.create(
                organization=organization,
                day=day,
                row_count=len(rows),
                total_minor=sum(row.amount_minor for row in rows),
                content=content,
            )
    except IntegrityError:  # built at the same moment by another worker
        return ReconciliationFile.objects.get(organization=organization, day=day)


def reconciliation_file_email(*, file: ReconciliationFile) -> int:
    """Tell the payout email recipients the file is ready (a link: the file holds customer names)."""
    from notifications.services import email_send

    if file.emailed_at is not None:
        return 0
    recipients = PayoutEmailRecipient.objects.filter(organization_id=file.organization_id).select_related(
        "user"
    )
    sent = 0
    with transaction.atomic():
        locked = ReconciliationFile.objects.select_for_update().get(pk=file.pk)
        if locked.emailed_at is not None:
            return 0
        for recipient in recipients:
            if not recipient.user.is_active:
                continue
            email_send(
                organization=file.organization,
                to=recipient.user.email,
                subject=f"Reconciliation file for {file.day:%b %-d, %Y} ({file.row_count} movements)",
                body=(
                    f"Hello {recipient.user.name},\n\nThe reconciliation file of {file.organization.name} for "
                    f"{file.day:%A %B %-d, %Y} is ready: {file.row_count} money movements.\n\n"
                    f"CSV: {settings.SITE_URL}/payments/reconciliation-files/{file.day.isoformat()}/\n"
                    f"For Excel: {settings.SITE_URL}/payments/reconciliation-files/{file.day.isoformat()}/?excel=1\n"
                ),
                purpose="reconciliation_file",
            )
            sent += 1
        locked.emailed_at = timezone.now()
        locked.save(update_fields=["emailed_at"])
    return sent


def reconciliation_files_due(*, now: dt.datetime | None = None) -> list[tuple[int, dt.date]]:
    """(organization id, yesterday in its zone) for every organization with a Stripe account
    whose file of yesterday is not built yet."""
    now = now or timezone.now()
    due = []
    for organization in Organization.objects.filter(stripe_accounts__isnull=False).distinct():
        yesterday = now.astimezone(organization_zone(organization)).date() - dt.timedelta(days=1)
        if not ReconciliationFile.objects.filter(organization=organization, day=yesterday).exists():
            due.append((organization.pk, yesterday))
    return due
