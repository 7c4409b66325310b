"""Advisor pages of payment requests: new (form), detail, My payment requests, cancel, re-send.
Thin: parse with a form, call a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.forms import form_add_application_error
from core.money import minor_to_major_text
from customers.models import Customer, Opportunity
from organizations import permissions
from payments.accounts.selectors import stripe_account_can_take_payments, teams_without_ready_account
from payments.models import PaymentRequest
from payments.requests import expiry, selectors, sending, states
from payments.requests.forms import PaymentRequestForm

FIELD_FOR_ERROR = {"customer": None, "opportunity": None, "currency": "amount"}


def _already_sent(*, user, key: str) -> PaymentRequest | None:
    if not key:
        return None
    return PaymentRequest.objects.filter(
        organization_id=user.organization_id, api_idempotency_key=key, created_by=user
    ).first()


@login_required
def payment_request_new(request):
    user = request.user
    opportunity = None
    source = request.GET if request.method == "GET" else request.POST
    if source.get("opportunity") or request.GET.get("opportunity"):
        opportunity_id = source.get("opportunity") or request.GET.get("opportunity")
        if not str(opportunity_id).isdigit():
            raise Http404
        opportunity = get_object_or_404(
            Opportunity.objects.select_related("customer"),
            organization_id=user.organization_id,
            pk=opportunity_id,
        )
        customer = opportunity.customer
    else:
        customer_id = source.get("customer") or request.GET.get("customer")
        if not str(customer_id or "").isdigit():
            raise Http404
        customer = get_object_or_404(Customer, organization_id=user.organization_id, pk=customer_id)
    teams = selectors.requestable_teams(user)
    if not teams.exists():
        messages.error(request, _("You are not in a team with payments enabled; ask an Admin."))
        return redirect("customer-detail", customer_id=customer.pk)

    initial = {"reference": opportunity.reference if opportunity else "", "channel": "sms"}
    if opportunity:
        initial["description"] = opportunity.title
    # Re-send: the form opens pre-filled from the expired/cancelled request, to check or edit.
    resend_of = None
    if str(source.get("resend") or request.GET.get("resend") or "").isdigit():
        resend_of = selectors.payment_request_get(
            user=user, pk=int(source.get("resend") or request.GET["resend"])
        )
        if resend_of.customer_id != customer.pk:
            raise Http404
        initial.update(
            team=resend_of.team_id,
            amount=minor_to_major_text(resend_of.amount_minor),
            description=resend_of.description,
            reference=resend_of.reference,
            channel=resend_of.channel,
            allow_partial=resend_of.allow_partial,
        )
    form = PaymentRequestForm(request.POST or None, teams=teams, customer=customer, initial=initial)
    editing = "edit" in request.POST  # "Change" on the confirmation step: the form again, as typed
    if request.method == "POST" and not editing and form.is_valid():
        data = form.cleaned_data
        key = f"web-{data['submission_key']}" if data.get("submission_key") else ""
        already = _already_sent(user=user, key=key)
        if already is not None:
            messages.info(
                request, _("This payment request was already sent to %(name)s.") % {"name": customer.name}
            )
            return redirect("payment-request-detail", pk=already.pk)
        if request.POST.get("confirm") != "yes":
            # Step 2: the advisor checks the amount (large), the customer and the channel, then sends
            # (a new request and an edited re-send alike).
            try:
                if resend_of is not None:
                    sending.payment_request_resend_check(original=resend_of)
                problems = sending.payment_request_validate(
                    user=user,
                    team=data["team"],
                    customer=customer,
                    opportunity=opportunity,
                    amount_minor=data["amount"],
                    currency=user.organization.currency,
                    description=data["description"],
                    reference=data["reference"],
                    channel=data["channel"],
                )
            except ApplicationError as exc:
                form_add_application_error(form, exc, field_map=FIELD_FOR_ERROR)
            else:
                if not problems:
                    context = {"form": form, "customer": customer, "opportunity": opportunity, "data": data}
                    context["resend_of"] = resend_of
                    return render(request, "payments/requests/confirm.html", context)
                form_add_application_error(
                    form, ApplicationError("", extra={"fields": problems}), field_map=FIELD_FOR_ERROR
                )
        else:
            try:
                if resend_of is not None:
                    payment_request = sending.payment_request_resend(
                        payment_request_id=resend_of.pk,
                        user=user,
                        changes={
                            "team": data["team"],
                            "amount_minor": data["amount"],
                            "description": data["description"],
                            "reference": data["reference"],
                            "channel": data["channel"],
                            "allow_partial": data["allow_partial"],
                        },
                    )
                else:
                    payment_request = sending.payment_request_create(
                        user=user,
                        team=data["team"],
                        customer=customer,
                        opportunity=opportunity,
                        amount_minor=data["amount"],
                        description=data["description"],
                        reference=data["reference"],
                        channel=data["channel"],
                        allow_partial=data["allow_partial"],
                        api_idempotency_key=key,
                    )
            except IntegrityError:  # the same form submitted twice at the same moment: the other won
                already = _already_sent(user=user, key=key)
                if already is None:
                    raise
                messages.info(
                    request, _("This payment request was already sent to %(name)s.") % {"name": customer.name}
                )
                return redirect("payment-request-detail", pk=already.pk)
            except ApplicationError as exc:
                form_add_application_error(form, exc, field_map=FIELD_FOR_ERROR)
            else:
                messages.success(request, _("Payment request sent to %(name)s.") % {"name": customer.name})
                return redirect("payment-request-detail", pk=payment_request.pk)
    return render(
        request,
        "payments/requests/new.html",
        {
            "form": form,
            "customer": customer,
            "opportunity": opportunity,
            "resend_of": resend_of,
            # Said before Send is pressed: which teams' requests couldn't be paid right now.
            "teams_not_ready": teams_without_ready_account(teams),
        },
        status=400 if request.method == "POST" and not editing else 200,
    )


@login_required
def payment_request_list(request):
    user = request.user
    status = request.GET.get("status", "")
    show_all = request.GET.get("all") == "1" and not user.is_advisor
    qs = selectors.payment_request_list(
        user=user, mine_only=not show_all, status=status, search=request.GET.get("q", "").strip()
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/requests/list.html",
        {
            "page": page,
            "status": status,
            "show_all": show_all,
            "filters": [
                ("", "All"),
                ("open", "Open"),
                ("partially_paid", "Partially paid"),
                ("paid", "Paid"),
                ("expired", "Expired"),
                ("cancelled", "Cancelled"),
            ],
            "q": request.GET.get("q", ""),
        },
    )


@login_required
def payment_request_detail(request, pk: int):
    payment_request = selectors.payment_request_detail(user=request.user, pk=pk)
    expiry.payment_request_expire_if_due(payment_request_id=payment_request.pk)
    # Everything a payment changes, read together (a payment landing between the two reads showed
    # "Paid" with "$0.00 of $125.50", and a paid page stops updating itself).
    payment_request.refresh_from_db(fields=["status", "expired_at", "amount_paid_minor", "paid_at"])
    return render(
        request,
        "payments/requests/detail.html",
        {
            "pr": payment_request,
            "attempts": selectors.payment_request_attempts(payment_request=payment_request),
            "can_take_payments": stripe_account_can_take_payments(payment_request.stripe_account),
            "can_cancel": payment_request.status in ("created", *states.OPEN_STATUSES)
            and permissions.can_cancel_payment_request(request.user, payment_request),
            "can_resend": payment_request.status
            in (PaymentRequest.Status.EXPIRED, PaymentRequest.Status.CANCELLED)
            and not payment_request.resends.exclude(
                status__in=(PaymentRequest.Status.EXPIRED, PaymentRequest.Status.CANCELLED)
            ).exists(),
        },
    )


@login_required
@require_POST
def payment_request_cancel(request, pk: int):
    payment_request = selectors.payment_request_get(user=request.user, pk=pk)
    try:
        sending.payment_request_cancel(payment_request_id=payment_request.pk, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Payment request cancelled; the link no longer works."))
    return redirect("payment-request-detail", pk=payment_request.pk)


@login_required
@require_POST
def payment_request_resend(request, pk: int):
    payment_request = selectors.payment_request_get(user=request.user, pk=pk)
    try:
        new_request = sending.payment_request_resend(payment_request_id=payment_request.pk, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("payment-request-detail", pk=payment_request.pk)
    messages.success(
        request, _("Sent again as a new request to %(name)s.") % {"name": new_request.customer.name}
    )
    return redirect("payment-request-detail", pk=new_request.pk)


@login_required
@require_POST
def payment_request_send_again(request, pk: int):
    """An open request: its link sent again (same request, same link)."""
    payment_request = selectors.payment_request_get(user=request.user, pk=pk)
    try:
        sending.payment_request_link_send_again(payment_request_id=payment_request.pk, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The link was sent again to {payment_request.customer.name}.")
    return redirect("payment-request-detail", pk=payment_request.pk)
