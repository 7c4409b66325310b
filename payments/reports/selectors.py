"""Reads for Stripe report runs of the user's organization."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404

from organizations.models import User
from payments.models import Payment, ReportRun


def report_runs_for_user(*, user: User) -> QuerySet[ReportRun]:
    return ReportRun.objects.filter(organization_id=user.organization_id).select_related(
        "stripe_account", "requested_by"
    )


def report_run_get_for_user(*, user: User, report_run_id: int) -> ReportRun:
    run = report_runs_for_user(user=user).filter(pk=report_run_id).first()
    if run is None:
        raise Http404("No such report")
    return run


REPORT_DEFAULT_DAYS = 7


def report_default_interval(*, user, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The dates a new report opens on: the last complete UTC days that have payments (Stripe's
    reports cover whole days in UTC and today's activity is in them from tomorrow on), up to a week
    ending on the last such day; a week ending yesterday when there are no payments yet."""
    today = today or dt.datetime.now(dt.UTC).date()
    yesterday = today - dt.timedelta(days=1)
    last_complete = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    payments = Payment.objects.filter(
        organization_id=user.organization_id, occurred_at__lt=last_complete
    ).exclude(status="failed")
    latest = payments.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
    if latest is None:
        return yesterday - dt.timedelta(days=REPORT_DEFAULT_DAYS - 1), yesterday
    end = latest.astimezone(dt.UTC).date()
    start = end - dt.timedelta(days=REPORT_DEFAULT_DAYS - 1)
    earliest = (
        payments.filter(occurred_at__gte=dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC))
        .order_by("occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return earliest.astimezone(dt.UTC).date(), end
