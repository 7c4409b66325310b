"""Build and store the daily reconciliation files: the organization's, and the chosen teams'."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import PermissionDenied
from organizations.models import Organization
from organizations.permissions import can_manage_reconciliation_files
from organizations.selectors import organization_zone
from payments.models import Payment, ReconciliationFile, ReconciliationFileTeam
from payments.reconciliation_files.rows import COLUMNS, Row, day_rows
from teams.models import Team

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
    if name in ("fee", "refunded", "net", "attempted", "fee_refunded"):
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


def reconciliation_file_teams(*, organization: Organization) -> list[Team]:
    """The teams that get their own daily file (Admin tab choice), by name."""
    chosen = ReconciliationFileTeam.objects.filter(organization=organization).values("team_id")
    return list(Team.objects.filter(organization=organization, pk__in=chosen).order_by("name", "pk"))


def reconciliation_file_teams_set(*, user, team_ids: list[int]) -> list[Team]:
    """Replace the teams that get their own daily file (Admins only); from the next file on."""
    if not can_manage_reconciliation_files(user):
        raise PermissionDenied("Only Admins choose which teams get their own reconciliation file.")
    wanted = set(
        Team.objects.filter(organization_id=user.organization_id, pk__in=team_ids).values_list(
            "pk", flat=True
        )
    )
    with transaction.atomic():
        ReconciliationFileTeam.objects.filter(organization_id=user.organization_id).exclude(
            team_id__in=wanted
        ).delete()
        have = set(
            ReconciliationFileTeam.objects.filter(organization_id=user.organization_id).values_list(
                "team_id", flat=True
            )
        )
        ReconciliationFileTeam.objects.bulk_create(
            [ReconciliationFileTeam(organization_id=user.organization_id, team_id=pk) for pk in wanted - have]
        )
    return reconciliation_file_teams(organization=user.organization)


def reconciliation_file_build(*, organization: Organization, day: dt.date, team=None) -> ReconciliationFile:
    """The organization's (or one team's) file of `day`, stored once (a second build returns the first)."""
    existing = ReconciliationFile.objects.filter(organization=organization, team=team, day=day).first()
    if existing is not None:
        return existing
    rows = organization_day_rows(organization=organization, day=day, team=team)
    content = rows_csv(rows, zone=organization_zone(organization))
    try:
        with transaction.atomic():
            return ReconciliationFile.objects.create(
                organization=organization,
                team=team,
                day=day,
                row_count=len(rows),
                total_minor=sum(row.amount_minor for row in rows),
                content=content,
            )
    except IntegrityError:  # built at the same moment by another worker
        return ReconciliationFile.objects.get(organization=organization, team=team, day=day)


def reconciliation_files_build_day(*, organization: Organization, day: dt.date) -> list[ReconciliationFile]:
    """The organization's file of `day`, then one per chosen team (the beat job's work)."""
    files = [reconciliation_file_build(organization=organization, day=day)]
    for team in reconciliation_file_teams(organization=organization):
        files.append(reconciliation_file_build(organization=organization, day=day, team=team))
    return files


def reconciliation_files_due(*, now: dt.datetime | None = None) -> list[tuple[int, dt.date]]:
    """(organization id, yesterday in its zone) for every organization with a Stripe account
    whose file of yesterday (or a chosen team's) is not built yet."""
    now = now or timezone.now()
    due = []
    for organization in Organization.objects.filter(stripe_accounts__isnull=False).distinct():
        yesterday = now.astimezone(organization_zone(organization)).date() - dt.timedelta(days=1)
        built = ReconciliationFile.objects.filter(organization=organization, day=yesterday)
        missing_team = (
            ReconciliationFileTeam.objects.filter(organization=organization)
            .exclude(team_id__in=built.filter(team__isnull=False).values("team_id"))
            .exists()
        )
        if missing_team or not built.filter(team__isnull=True).exists():
            due.append((organization.pk, yesterday))
    return due
