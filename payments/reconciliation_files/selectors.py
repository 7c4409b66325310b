"""The file a user may download: the stored organization file (Admins, all teams), or built from
the payments the user sees (a Manager's teams, or one team)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.http import HttpResponse

from organizations.models import Role
from organizations.selectors import organization_zone
from payments.models import ReconciliationFile
from payments.reconciliation_files.rows import day_rows
from payments.reconciliation_files.services import rows_csv
from payments.tab.selectors import payments_visible_to, teams_for_filter

DAYS_LISTED = 31


def reconciliation_file_csv(*, user, day: dt.date, team=None, excel: bool = False) -> str:
    """The stored file when there is one the user may have whole (the organization's, for an Admin;
    a team's, for whoever sees the team), else built now from the payments the user sees."""
    zone = organization_zone(user.organization)
    if team is not None or user.role == Role.ADMIN:
        stored = ReconciliationFile.objects.filter(
            organization_id=user.organization_id, team=team, day=day
        ).first()
        if stored is not None:
            return ("\ufeff" if excel else "") + stored.content
    payments = payments_visible_to(user=user)
    if team is not None:
        payments = payments.filter(team_id=team.pk)
    rows = day_rows(
        organization_id=user.organization_id,
        payments=payments,
        day=day,
        zone=zone,
        with_payouts=team is None and user.role == Role.ADMIN,
    )
    return rows_csv(rows, zone=zone, excel=excel)


def reconciliation_files_visible(*, user):
    """The stored files the user may download: an Admin every one (the organization's and the
    teams'); a Manager the files of their teams (the organization's file shows every team)."""
    files = ReconciliationFile.objects.filter(organization_id=user.organization_id).select_related("team")
    if user.role == Role.ADMIN:
        return files
    return files.filter(team__in=teams_for_filter(user=user))


def reconciliation_files_recent(*, user, days: int = DAYS_LISTED) -> list[ReconciliationFile]:
    """The files of the last `days` days that have one, newest day first, the organization's first."""
    newest = reconciliation_files_visible(user=user).order_by("-day").values_list("day", flat=True).first()
    if newest is None:
        return []
    return list(
        reconciliation_files_visible(user=user)
        .filter(day__gt=newest - dt.timedelta(days=days))
        .order_by("-day", F("team__name").asc(nulls_first=True), "pk")
    )


def reconciliation_team(*, user, team_id):
    """The team asked for, if the user sees it (None = all the user's teams); else LookupError."""
    if team_id in (None, ""):
        return None
    team = teams_for_filter(user=user).filter(pk=team_id).first()
    if team is None:
        raise LookupError("No such team")
    return team


def csv_response(*, content: str, day: dt.date, excel: bool, name: str) -> HttpResponse:
    response = HttpResponse(content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    suffix = "-excel" if excel else ""
    response["Content-Disposition"] = (
        f'attachment; filename="reconciliation-{name}-{day.isoformat()}{suffix}.csv"'
    )
    return response
