"""Payouts (Payments tab) and the Admin tab's payout email recipients."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from core.errors import PermissionDenied
from organizations import permissions
from organizations import selectors as organization_selectors
from organizations.models import User
from payments.models import PayoutEmailRecipient
from payments.pages import render_in_org_zone, require_reports_access
from payments.payouts import selectors as payout_selectors
from payments.payouts.services import payout_email_recipients_set
from payments.reconciliation_files.emails import reconciliation_file_emails_choose

# --- payouts --------------------------------------------------------------------------------


@login_required
def payout_list(request):
    require_reports_access(request.user)
    return render_in_org_zone(
        request,
        "payments/tab/payouts.html",
        {"payouts": payout_selectors.payouts_for_user(user=request.user)[:200]},
    )


@login_required
def payout_detail(request, payout_id: int):
    require_reports_access(request.user)
    payout = payout_selectors.payout_get_for_user(user=request.user, payout_id=payout_id)
    payments, refunds = payout_selectors.payout_contents(payout=payout)
    return render_in_org_zone(
        request,
        "payments/tab/payout_detail.html",
        {"payout": payout, "payments": payments, "refunds": refunds},
    )


@login_required
def payout_export(request, payout_id: int):
    """One payout as CSV: its payments and the refunds deducted in it; the net column adds up to
    the amount that reached the bank."""
    require_reports_access(request.user)
    payout = payout_selectors.payout_get_for_user(user=request.user, payout_id=payout_id)
    body = payout_selectors.payout_csv(
        payout=payout, zone=organization_selectors.organization_zone(request.user.organization)
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payout-{payout.stripe_payout_id}.csv"'
    return response


# --- Admin tab: payout emails ---------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def payout_emails(request):
    user = request.user
    if not permissions.can_manage_payout_emails(user):
        raise PermissionDenied("Only Admins choose who receives payout emails.")
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("user_ids") if i.isdigit()]
        recipients = payout_email_recipients_set(user=user, user_ids=ids)
        if request.POST.get("file_emails_form"):  # the page's second column
            file_ids = [int(i) for i in request.POST.getlist("file_email_user_ids") if i.isdigit()]
            reconciliation_file_emails_choose(user=user, user_ids=file_ids)
        messages.success(
            request,
            f"Payout emails go to {len(recipients)} {'person' if len(recipients) == 1 else 'people'}.",
        )
        return redirect("payout-emails")
    chosen = dict(
        PayoutEmailRecipient.objects.filter(organization_id=user.organization_id).values_list(
            "user_id", "reconciliation_file_emails"
        )
    )
    people = User.objects.filter(organization_id=user.organization_id, is_active=True).order_by("name")
    file_emails = {pk for pk, wants in chosen.items() if wants}
    return render_in_org_zone(
        request,
        "payments/tab/payout_emails.html",
        {"people": people, "chosen": set(chosen), "file_emails": file_emails},
    )
