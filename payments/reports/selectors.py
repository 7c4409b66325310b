"""Reads for Stripe report runs of the user's organization."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from organizations.models import User
from payments.models import ReportRun


def report_runs_for_user(*, user: User) -> QuerySet[ReportRun]:
    return ReportRun.objects.filter(organization_id=user.organization_id).select_related(
        "stripe_account", "requested_by"
    )


def report_run_get_for_user(*, user: User, report_run_id: int) -> ReportRun:
    run = report_runs_for_user(user=user).filter(pk=report_run_id).first()
    if run is None:
        raise Http404("No such report")
    return run
