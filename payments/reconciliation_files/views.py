"""Payments tab -> Reconciliation files: the list of days and each day's CSV (Excel option)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from organizations import permissions
from organizations.selectors import organization_zone
from payments.reconciliation_files import selectors
from payments.reconciliation_files.selectors import csv_response
from payments.tab.selectors import teams_for_filter


@login_required
def reconciliation_files(request):
    if not permissions.can_download_reports(request.user):
        raise PermissionDenied
    if request.GET.get("day"):  # the day picker
        query = {k: v for k, v in request.GET.items() if k in ("team", "excel") and v}
        url = reverse("payments:reconciliation-file", args=[request.GET["day"][:10]])
        return redirect(url + ("?" + urlencode(query) if query else ""))
    today = dt.datetime.now(organization_zone(request.user.organization)).date()
    return render(
        request,
        "payments/tab/reconciliation_files.html",
        {
            "files": selectors.reconciliation_files_recent(user=request.user),
            "teams": teams_for_filter(user=request.user),
            "yesterday": today - dt.timedelta(days=1),
            "today": today,
            "currency": request.user.organization.currency,
        },
    )


@login_required
def reconciliation_file_download(request, day: str):
    if not permissions.can_download_reports(request.user):
        raise PermissionDenied
    try:
        the_day = dt.date.fromisoformat(day)
        if not 2000 <= the_day.year <= 2999:
            raise ValueError(day)
        team = selectors.reconciliation_team(user=request.user, team_id=request.GET.get("team") or None)
    except (ValueError, LookupError):
        raise Http404("No such day or team")
    excel = request.GET.get("excel") in ("1", "true", "yes")
    content = selectors.reconciliation_file_csv(user=request.user, day=the_day, team=team, excel=excel)
    name = f"team-{team.pk}" if team else f"org-{request.user.organization_id}"
    return csv_response(content=content, day=the_day, excel=excel, name=name)
