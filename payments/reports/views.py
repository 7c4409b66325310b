"""Stripe reports (Payments tab): request a report run, list them, download the file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from core.errors import ApplicationError
from core.forms import form_add_application_error
from payments.pages import render_in_org_zone, require_reports_access
from payments.reports import selectors as report_selectors
from payments.reports.forms import ReportRunForm
from payments.reports.services import report_run_file, report_run_request

# --- Stripe reports -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request):
    user = request.user
    require_reports_access(user)
    start, end = report_selectors.report_default_interval(user=user)
    form = ReportRunForm(
        request.POST or None, user=user, initial={"interval_start": start, "interval_end": end}
    )
    if request.method == "POST" and form.is_valid():
        try:
            report_run_request(
                user=user,
                stripe_account_id=form.cleaned_data["stripe_account"].pk,
                report_type=form.cleaned_data["report_type"],
                interval_start=form.cleaned_data["interval_start"],
                interval_end=form.cleaned_data["interval_end"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(
                request, "Report requested from Stripe. It will be ready to download here shortly."
            )
            return redirect("payments:reports")
    return render_in_org_zone(
        request,
        "payments/tab/reports.html",
        {"form": form, "runs": report_selectors.report_runs_for_user(user=user)[:50]},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def report_download(request, report_run_id: int):
    require_reports_access(request.user)
    run = report_selectors.report_run_get_for_user(user=request.user, report_run_id=report_run_id)
    content = report_run_file(report_run=run)
    response = HttpResponse(content, content_type="text/csv")
    name = f"{run.report_type}-{run.interval_start}-{run.interval_end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
