"""Card on file pages. Staff: ask for a card, remove one, charge on behalf (form -> confirmation ->
result), installment plans, bulk runs (review, live progress, results CSV). Customer (public, the
unguessable token is the key): the consent page before Stripe's setup page, and "card saved"."""

from __future__ import annotations

import calendar
import secrets
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import i18n
from core.errors import ApplicationError, NotFound
from core.forms import form_add_application_error
from core.money import format_minor
from customers.models import Customer
from organizations import permissions
from payments.cards import bulk, charges, checks, plans, selectors, services
from payments.cards.consent import consent_text
from payments.cards.forms import BulkChargeForm, CardChargeForm, InstallmentPlanForm
from payments.fees import application_fee_for
from payments.models import SavedCardRequest
from teams.models import Team


def _customer(user, customer_id: int) -> Customer:
    customer = Customer.objects.filter(organization_id=user.organization_id, pk=customer_id).first()
    if customer is None or not permissions.can_view_customers(user):
        raise Http404("Customer not found.")
    return customer


def _charge_teams(user) -> list[Team]:
    teams = Team.objects.filter(organization_id=user.organization_id, payments_enabled=True).order_by("name")
    return [t for t in teams if permissions.can_charge_saved_card(user, t)]


def _usable_cards(customer: Customer):
    return [c for c in selectors.saved_cards_for_customer(customer=customer) if not checks.card_chargeable(c)]


# --- staff: cards on the customer page -----------------------------------------------------------
@login_required
@require_POST
def card_request_send(request, customer_id: int):
    customer = _customer(request.user, customer_id)
    try:
        services.card_request_create(customer=customer, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A link to save a card was sent to %(name)s.") % {"name": customer.name})
    return redirect("customer-detail", customer_id=customer.pk)


@login_required
@require_POST
def saved_card_remove(request, card_id: int):
    card = selectors.saved_card_get_for_user(user=request.user, card_id=card_id)
    try:
        services.saved_card_remove(user=request.user, saved_card=card)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(card)s removed.") % {"card": card.label})
    return redirect("customer-detail", customer_id=card.customer_id)


# --- staff: charge on behalf ---------------------------------------------------------------------
@login_required
def card_charge(request, customer_id: int):
    """GET: the form. POST step=review: the confirmation page. POST step=confirm: charge."""
    customer = _customer(request.user, customer_id)
    teams = _charge_teams(request.user)
    if not teams:
        raise PermissionDenied
    cards = _usable_cards(customer)
    form = CardChargeForm(request.POST or None, cards=cards, teams=teams)
    if request.method != "POST" or not form.is_valid():
        return render(
            request, "payments/cards/charge_form.html", {"customer": customer, "form": form, "cards": cards}
        )
    data = form.cleaned_data
    card = next(c for c in cards if c.pk == data["card"])
    team = next(t for t in teams if t.pk == data["team"])
    if request.POST.get("step") != "confirm":
        return render(
            request,
            "payments/cards/charge_confirm.html",
            {
                "customer": customer,
                "form": form,
                "card": card,
                "team": team,
                "amount": format_minor(data["amount"], customer.organization.currency),
                "fee": format_minor(
                    application_fee_for(organization=customer.organization, amount_minor=data["amount"]),
                    customer.organization.currency,
                ),
                "submission_key": secrets.token_urlsafe(16),
            },
        )
    try:
        charge = charges.card_charge_on_behalf(
            user=request.user,
            saved_card=card,
            team=team,
            amount_minor=data["amount"],
            description=data["description"],
            reference=data["reference"],
            submission_key=f"form-{request.POST.get('submission_key', '')[:40]}",
        )
    except ApplicationError as exc:
        form_add_application_error(form, exc)
        return render(
            request,
            "payments/cards/charge_form.html",
            {"customer": customer, "form": form, "cards": cards},
            status=400,
        )
    return redirect("cards:charge-detail", charge_id=charge.pk)


@login_required
def card_charge_detail(request, charge_id: int):
    charge = selectors.card_charge_get_for_user(user=request.user, charge_id=charge_id)
    if not permissions.can_view_payment_request(request.user, charge.payment_request):
        raise Http404
    payment = charge.payment_request.payments.order_by("-id").first()
    return render(request, "payments/cards/charge_detail.html", {"charge": charge, "payment": payment})


# --- staff: installment plans --------------------------------------------------------------------
def _plan_parts(data: dict) -> list[tuple[date, int]]:
    count, first, step = data["count"], data["first_date"], data["months_between"]
    dates = []
    for i in range(count):
        month = first.month - 1 + i * step
        year, month = first.year + month // 12, month % 12 + 1
        dates.append(date(year, month, min(first.day, calendar.monthrange(year, month)[1])))
    if (data.get("custom_amounts") or "").strip():
        try:
            amounts = plans.installment_amounts_read(data["custom_amounts"])
        except ValueError as exc:
            raise plans._fail("custom_amounts", str(exc))
        if len(amounts) != count:
            raise plans._fail("custom_amounts", _("Give %(n)s amounts, one per installment.") % {"n": count})
        if sum(amounts) != data["total"]:
            raise plans._fail("custom_amounts", _("The amounts must add up to the total."))
    else:
        amounts = plans.installment_amounts_equal(total_minor=data["total"], count=count)
    return list(zip(dates, amounts, strict=True))


@login_required
def plan_create(request, customer_id: int):
    customer = _customer(request.user, customer_id)
    teams = _charge_teams(request.user)
    if not teams:
        raise PermissionDenied
    cards = _usable_cards(customer)
    initial = {"first_date": plans.organization_today(customer.organization)}
    form = InstallmentPlanForm(request.POST or None, cards=cards, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = plans.installment_plan_create(
                user=request.user,
                saved_card=next(c for c in cards if c.pk == data["card"]),
                team=next(t for t in teams if t.pk == data["team"]),
                description=data["description"],
                reference=data["reference"],
                parts=_plan_parts(data),
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, _("Installment plan set up."))
            return redirect("cards:plan-detail", plan_id=plan.pk)
    return render(
        request, "payments/cards/plan_form.html", {"customer": customer, "form": form, "cards": cards}
    )


@login_required
def plan_detail(request, plan_id: int):
    plan = selectors.plan_get_for_user(user=request.user, plan_id=plan_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                plans.installment_plan_cancel(user=request.user, plan=plan)
                messages.success(request, _("The remaining installments were cancelled."))
            elif action == "pay_next":
                plans.installment_pay_next_now(user=request.user, plan=plan)
                messages.success(request, _("The next installment is being charged."))
            elif action == "change_card":
                card = selectors.saved_card_get_for_user(
                    user=request.user, card_id=int(request.POST.get("card") or 0)
                )
                plans.installment_plan_change_card(user=request.user, plan=plan, saved_card=card)
                messages.success(request, _("The plan now uses %(card)s.") % {"card": card.label})
        except (ApplicationError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("cards:plan-detail", plan_id=plan.pk)
    cards = _usable_cards(plan.customer)
    return render(request, "payments/cards/plan_detail.html", {"plan": plan, "cards": cards})


# --- staff: bulk charge --------------------------------------------------------------------------
@login_required
def bulk_new(request):
    teams = _charge_teams(request.user)
    if not teams:
        raise PermissionDenied
    customers = (
        Customer.objects.filter(organization_id=request.user.organization_id, saved_cards__status="active")
        .distinct()
        .order_by("name")
    )
    form = BulkChargeForm(request.POST or None, request.FILES or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("csv_file"):
                rows = bulk.bulk_rows_from_csv(
                    text=data["csv_file"].read().decode("utf-8-sig", "replace"), language=get_language()
                )
            else:
                ids = [int(i) for i in request.POST.getlist("customer") if i.isdigit()]
                if not data.get("amount"):
                    raise bulk._fail("amount", _("Enter the amount to charge each selected customer."))
                rows = [(i, data["amount"]) for i in ids]
            run = bulk.bulk_charge_create(
                user=request.user,
                team=next(t for t in teams if t.pk == data["team"]),
                description=data["description"],
                reference=data["reference"],
                rows=rows,
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            return redirect("cards:bulk-detail", run_id=run.pk)
    return render(request, "payments/cards/bulk_new.html", {"form": form, "customers": customers})


@login_required
def bulk_detail(request, run_id: int):
    try:
        run = bulk.bulk_charge_get_for_user(user=request.user, run_id=run_id)
    except NotFound:
        raise Http404
    if request.method == "POST":
        try:
            bulk.bulk_charge_confirm(user=request.user, run=run)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("cards:bulk-detail", run_id=run.pk)
    review = bulk.bulk_charge_review(run=run)
    progress = bulk.bulk_charge_progress(run=run)
    failures = bulk.bulk_charge_failures(run=run) if progress["status"] == "done" else []
    return render(
        request,
        "payments/cards/bulk_detail.html",
        {
            "run": run,
            "review": review,
            "progress": progress,
            "failures": failures,
            # Progress moves fast: at most 2 s between looks, the live screens' period if shorter.
            "poll_seconds": min(settings.LIVE_UPDATE_SECONDS, 2),
        },
    )


@login_required
def bulk_progress(request, run_id: int):
    try:
        run = bulk.bulk_charge_get_for_user(user=request.user, run_id=run_id)
    except NotFound:
        raise Http404
    return JsonResponse(bulk.bulk_charge_progress(run=run))


@login_required
def bulk_results(request, run_id: int):
    try:
        run = bulk.bulk_charge_get_for_user(user=request.user, run_id=run_id)
    except NotFound:
        raise Http404
    response = HttpResponse(bulk.bulk_charge_results_csv(run=run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bulk-charge-{run.pk}.csv"'
    return response


# --- the customer: save a card -------------------------------------------------------------------
@never_cache
def save_card_page(request, token: str):
    try:
        card_request = services.card_request_open(token=token)
    except NotFound:
        raise Http404("This link does not exist.")
    i18n.customer_language_activate(card_request.customer, chosen=request.GET.get("lang", ""))
    error = ""
    if request.method == "POST" and card_request.status not in (
        SavedCardRequest.Status.SAVED,
        SavedCardRequest.Status.EXPIRED,
    ):
        if request.POST.get("consent") != "1":
            error = _("Tick the box to authorise the dealership to save and charge your card.")
        else:
            try:
                url = services.card_request_start(
                    token=token,
                    ip_address=request.META.get("REMOTE_ADDR"),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                )
            except ApplicationError as exc:
                error = exc.message
            else:
                return HttpResponseRedirect(url, status=303)
    return render(
        request,
        "payments/cards/save_card.html",
        {
            "card_request": card_request,
            "org": card_request.organization,
            "consent_text": consent_text(dealership=card_request.organization.name),
            "error": error,
        },
        status=400 if error else 200,
    )


@never_cache
def save_card_return(request, token: str):
    try:
        card_request = services.card_request_get_by_token(token=token)
    except NotFound:
        raise Http404("This link does not exist.")
    i18n.customer_language_activate(card_request.customer)
    card_request = services.card_request_complete(card_request_id=card_request.pk)
    return render(
        request,
        "payments/cards/save_card.html",
        {"card_request": card_request, "org": card_request.organization, "returned": True},
    )


# --- Admin tab: saved-card settings ----------------------------------------------------------------
@login_required
def card_settings(request):
    from payments.cards.forms import CardSettingsForm  # noqa: PLC0415
    from payments.cards.retries import card_settings_get  # noqa: PLC0415

    if not permissions.can_manage_card_settings(request.user):
        raise PermissionDenied
    current = card_settings_get(organization_id=request.user.organization_id)
    form = CardSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved-card settings saved."))
        return redirect("cards:settings")
    return render(request, "payments/cards/settings.html", {"form": form})
