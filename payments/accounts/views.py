"""Admin tab -> Connections: "Receive payments" with Stripe Connect Express. Admins only.
Thin views: coerce input with a form, call a service, show the result or the errors per field."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.errors import ApplicationError
from core.forms import form_add_application_error
from organizations import permissions
from payments import gateway
from payments.accounts import services as account_services
from payments.accounts.forms import ConnectForm, LabelForm, PayoutScheduleForm, StatementDescriptorForm
from payments.accounts.selectors import (
    disabled_reason_in_words,
    receive_payments_status_of,
    requirements_in_plain_words,
    stripe_account_customer_label,
    stripe_account_get,
    stripe_account_list,
)
from payments.models import StripeAccount
from teams.models import Team


@dataclass
class AccountRow:
    account: StripeAccount
    requirements: list[str]
    customer_label: str
    payout_form: PayoutScheduleForm
    descriptor_form: StatementDescriptorForm
    label_form: LabelForm
    status_label: str = ""
    disabled_reason: str = ""
    teams: list[Team] = field(default_factory=list)


def _require_admin(request) -> None:
    if not permissions.can_connect_stripe(request.user):
        raise PermissionDenied("Only Admins manage connections.")


def _account_forms(account: StripeAccount) -> dict:
    prefix = f"a{account.pk}"
    return {
        "payout_form": PayoutScheduleForm(
            prefix=prefix,
            initial={
                "interval": account.payout_interval,
                "weekly_anchor": account.payout_weekly_anchor,
                "monthly_anchor": account.payout_monthly_anchor,
                "delay_days": account.payout_delay_days,
            },
        ),
        "descriptor_form": StatementDescriptorForm(
            prefix=prefix, initial={"statement_descriptor": account.statement_descriptor}
        ),
        "label_form": LabelForm(
            prefix=prefix,
            initial={"display_name": account.display_name, "customer_label": account.customer_label},
        ),
    }


def _render(
    request, *, bound: dict | None = None, connect_form: ConnectForm | None = None, status: int = 200
):
    """The page; `bound` = {(account pk, "payout_form"): a bound form with errors} to show them."""
    organization = request.user.organization
    accounts = list(stripe_account_list(organization=organization).select_related("organization"))
    bound = bound or {}
    teams = list(Team.objects.filter(organization=organization, payments_enabled=True).order_by("name"))
    rows = []
    for account in accounts:
        forms = _account_forms(account)
        for name in forms:
            if (account.pk, name) in bound:
                forms[name] = bound[(account.pk, name)]
        rows.append(
            AccountRow(
                account=account,
                requirements=requirements_in_plain_words(account.requirements_currently_due),
                customer_label=stripe_account_customer_label(account),
                status_label=StripeAccount.Status(account.status).label,
                disabled_reason=disabled_reason_in_words(account.requirements_disabled_reason),
                teams=[t for t in teams if t.stripe_account_id == account.pk],
                **forms,
            )
        )
    status_key, status_label = receive_payments_status_of(accounts)
    live_accounts = [a for a in accounts if not a.disconnected_at]
    default_account = next((a for a in live_accounts if a.charges_enabled), None)
    context = {
        "rows": rows,
        "status_key": status_key,
        "status_label": status_label,
        "connect_form": connect_form or ConnectForm(),
        "teams": teams,
        "live_accounts": live_accounts,
        "default_account": default_account,
    }
    return render(request, "payments/connections/index.html", context, status=status)


@login_required
@require_GET
def connections_index(request):
    _require_admin(request)
    return _render(request)


@login_required
@require_POST
def connections_connect(request):
    _require_admin(request)
    form = ConnectForm(request.POST)
    if not form.is_valid():
        return _render(request, connect_form=form, status=400)
    try:
        _, url = account_services.stripe_account_connect(
            organization=request.user.organization,
            user=request.user,
            authorized=form.cleaned_data["authorized"],
            display_name=form.cleaned_data["display_name"],
        )
    except ApplicationError as exc:
        form_add_application_error(form, exc)
        return _render(request, connect_form=form, status=400)
    return HttpResponseRedirect(url)


@login_required
@require_GET
def connections_onboarding(request, pk: int):
    """Continue onboarding, and Stripe's refresh_url: a fresh Account Link every time."""
    _require_admin(request)
    account = stripe_account_get(organization=request.user.organization, pk=pk)
    return HttpResponseRedirect(account_services.stripe_account_onboarding_link(stripe_account=account))


@login_required
@require_GET
def connections_return(request, pk: int):
    """Stripe's return_url: read the account's state now and show it."""
    _require_admin(request)
    account = stripe_account_get(organization=request.user.organization, pk=pk)
    try:
        account = account_services.stripe_account_refresh(stripe_account=account)
    except gateway.GatewayUnavailable:
        messages.warning(request, "Stripe can't be reached right now; the status will update shortly.")
        return redirect("connections:index")
    messages.info(
        request, f"{account}: {account.get_status_display_label()}" if False else _status_message(account)
    )
    return redirect("connections:index")


def _status_message(account: StripeAccount) -> str:
    label = StripeAccount.Status(account.status).label
    return f"Stripe account {account}: {label}."


@login_required
@require_POST
def connections_refresh(request, pk: int):
    _require_admin(request)
    account = stripe_account_get(organization=request.user.organization, pk=pk)
    account = account_services.stripe_account_refresh(stripe_account=account)
    messages.success(request, _status_message(account))
    return redirect("connections:index")


@login_required
@require_POST
def connections_dashboard(request, pk: int):
    _require_admin(request)
    account = stripe_account_get(organization=request.user.organization, pk=pk)
    return HttpResponseRedirect(account_services.stripe_account_dashboard_link(stripe_account=account))


@login_required
@require_POST
def connections_payout_schedule(request, pk: int):
    _require_admin(request)
    account = stripe_account_get(organization=request.user.organization, pk=pk)
    form = PayoutScheduleForm(request.POST, prefix=f"a{pk}")
    if form.is_valid():
        try:
            account_services.stripe_account_payout_schedule_update(
                stripe_account=account,
                interval=form.cleaned_data["interval"],
                weekly_anchor=form.cleaned_data["weekly_anchor"] or "",
                monthly_anchor=form.cleaned_data["monthly_anchor"],
                delay_days=form.cleaned_data["delay_days"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, "Payout schedule saved.")
            return redirect("connections:index")
    return _render(request, bound={(pk, "payout_form"): form}, status=400)


@login_required
@require_POST
def connections_statement_descriptor(request, pk: int):
    _require_admin(request)
    account = stripe_account_get(organization=request.user.organization, pk=pk)
    form = StatementDescriptorForm(request.POST, prefix=f"a{pk}")
    if form.is_valid():
        try:
            account_services.stripe_account_statement_descriptor_update(
                stripe_account=account, statement_descriptor=form.cleaned_data["statement_descriptor"]
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, "Statement descriptor saved.")
            return redirect("connections:index")
    return _render(request, bound={(pk, "descriptor_form"): form}, status=400)


@login_required
@require_POST
def connections_label(request, pk: int):
    _require_admin(request)
    account = stripe_account_get(organization=request.user.organization, pk=pk)
    form = LabelForm(request.POST, prefix=f"a{pk}")
    if form.is_valid():
        try:
            account_services.stripe_account_label_update(
                stripe_account=account,
                customer_label=form.cleaned_data["customer_label"],
                display_name=form.cleaned_data["display_name"],
            )
        except ApplicationError as exc:
            form_add_application_error(form, exc)
        else:
            messages.success(request, "Labels saved.")
            return redirect("connections:index")
    return _render(request, bound={(pk, "label_form"): form}, status=400)


@login_required
@require_POST
def connections_disconnect(request, pk: int):
    _require_admin(request)
    account = stripe_account_get(organization=request.user.organization, pk=pk)
    account_services.stripe_account_disconnect(stripe_account=account)
    messages.success(request, f"{account} is disconnected. Its payments and history are kept.")
    return redirect("connections:index")


@login_required
@require_POST
def connections_team_routing(request):
    """Which account each payment-enabled team's payments go to (empty = the default)."""
    _require_admin(request)
    organization = request.user.organization
    for team in Team.objects.filter(organization=organization, payments_enabled=True):
        key = f"team_{team.pk}"
        if key not in request.POST:
            continue
        value = request.POST[key]
        account = stripe_account_get(organization=organization, pk=int(value)) if value.isdigit() else None
        if (account.pk if account else None) != team.stripe_account_id:
            account_services.team_stripe_account_set(team=team, stripe_account=account)
    messages.success(request, "Team routing saved.")
    return redirect("connections:index")
