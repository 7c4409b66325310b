"""The refund page of a payment: amount (the whole refundable balance by default), reason, note; then
confirm. Who may refund: organizations.permissions.can_refund; how: refunds/services.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import ApplicationError, PermissionDenied
from core.forms import form_add_application_error
from core.i18n import money_text
from organizations import permissions
from payments.pages import render_in_org_zone
from payments.refunds.forms import RefundForm
from payments.refunds.services import (
    payment_refundable_minor,
    refund_application_fee_rule,
    refund_create,
    refund_fee_back_minor,
)
from payments.tab import selectors


@login_required
@require_http_methods(["GET", "POST"])
def payment_refund(request, payment_id: int):
    """Step 1: amount (full by default), reason, note. Step 2: confirm. Then refund."""
    user = request.user
    payment = selectors.payment_get_for_user(user=user, payment_id=payment_id)
    if not permissions.can_refund(user, payment):
        raise PermissionDenied("Only Managers of this team and Admins can refund payments.")
    refundable = payment_refundable_minor(payment=payment)
    form = RefundForm(request.POST or None, refundable_minor=refundable, currency=payment.currency)
    context = {
        "payment": payment,
        "form": form,
        "refundable_minor": refundable,
        "fee_refund_rule": refund_application_fee_rule(payment=payment),
    }
    if request.method == "POST" and form.is_valid():
        amount = form.cleaned_data["amount"]
        if request.POST.get("confirm") != "yes":
            context["confirm_amount_minor"] = amount if amount is not None else refundable
            context["confirm_fee_back_minor"] = refund_fee_back_minor(
                payment=payment, amount_minor=context["confirm_amount_minor"]
            )
            return render_in_org_zone(request, "payments/tab/refund_confirm.html", context)
        try:
            refund = refund_create(
                payment_id=payment.pk,
                user=user,
                amount_minor=amount,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
            context["refundable_minor"] = payment_refundable_minor(payment=payment)
            return render_in_org_zone(request, "payments/tab/refund.html", context, status=400)
        messages.success(
            request,
            _("Refund of %(amount)s: %(status)s.")
            % {
                "amount": money_text(refund.amount_minor, refund.currency),
                "status": refund.get_status_display().lower(),
            },
        )
        return redirect("payments:detail", payment_id=payment.pk)
    return render_in_org_zone(
        request, "payments/tab/refund.html", context, status=400 if request.method == "POST" else 200
    )
