"""Payments tab -> Reconciliation files: the list of files (the organization's and the chosen
teams'), each day's CSV (Excel option), the Admin's choice of teams with their own file, and the
page behind the email's on/off link (no sign-in: the link is signed for one recipient)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ApplicationError
from organizations import permissions
from organizations.selectors import organization_zone
from payments.reconciliation_files import emails, selectors, services
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
    may_choose = permissions.can_manage_reconciliation_files(request.user)
    return render(
        request,
        "payments/tab/reconciliation_files.html",
        {
            "files": selectors.reconciliation_files_recent(user=request.user),
            "teams": teams_for_filter(user=request.user),
            "yesterday": today - dt.timedelta(days=1),
            "today": today,
            "currency": request.user.organization.currency,
            "may_choose_teams": may_choose,
            "file_team_ids": {
                t.pk for t in services.reconciliation_file_teams(organization=request.user.organization)
            }
            if may_choose
            else set(),
        },
    )


@login_required
@require_POST
def reconciliation_file_teams(request):
    if not permissions.can_manage_reconciliation_files(request.user):
        raise PermissionDenied
    ids = [int(i) for i in request.POST.getlist("team_ids") if i.isdigit() and len(i) < 19]
    teams = services.reconciliation_file_teams_set(user=request.user, team_ids=ids)
    if teams:
        names = ", ".join(t.name for t in teams)
        messages.success(
            request, _("From the next file on, these teams also get their own: %(names)s.") % {"names": names}
        )
    else:
        messages.success(request, _("Only the dealership's file is made each day."))
    return redirect("payments:reconciliation-files")


@require_http_methods(["GET", "POST"])
def reconciliation_file_email_switch(request, token: str):
    """The link at the end of each daily email: turn these emails off (or on again)."""
    try:
        recipient = emails.recipient_from_token(token)
    except ApplicationError as exc:
        return render(
            request, "payments/tab/reconciliation_file_emails.html", {"error": exc.message}, status=404
        )
    if request.method == "POST":
        emails.reconciliation_file_emails_set(recipient=recipient, enabled=request.POST.get("enabled") == "1")
        return redirect(request.path)
    return render(request, "payments/tab/reconciliation_file_emails.html", {"recipient": recipient})


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
