"""The Payments tab (My payments for Advisors): the list with its filters and totals, the CSV, one
payment's page, and reconciling. Refunds, payouts and reports have their own folders; their pages
share this tab's URL namespace (tab/urls.py). Views stay thin: selectors read, services change,
organizations.permissions decides."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.i18n import day_month_text, local_datetime_text, money_text, zone_label
from organizations import permissions
from organizations import selectors as organization_selectors
from organizations.models import Role
from payments.pages import render_in_org_zone, require_payments_tab_access, safe_next_url
from payments.refunds.disputes import payment_dispute_latest
from payments.refunds.services import payment_refundable_minor, refund_application_fee_rule
from payments.tab import export, filters, selectors
from payments.tab.services import payments_reconcile, payments_unreconcile
from payments.tab.table_html import options_html, rows_html
from payments.tab.timeline import payment_timeline


def _is_wide(params, zone) -> bool:
    """No start date, or one further back than the chart's window ("All dates", a whole year)."""
    try:
        start = dt.date.fromisoformat(params.get("date_from") or "")
    except ValueError:
        return not (params.get("date_from") or "")
    today = dt.datetime.now(zone).date()
    return start < today - dt.timedelta(days=selectors.CHART_WINDOW_DAYS)


@login_required
def payment_list(request):
    user = request.user
    require_payments_tab_access(user)
    zone = organization_selectors.organization_zone(user.organization)
    params = filters.payment_list_params(params=request.GET, zone=zone)
    payment_filter = filters.payment_filter(user=user, params=params)
    valid = payment_filter.is_valid()
    queryset = payment_filter.qs if valid else selectors.payments_visible_to(user=user).none()
    try:
        per_page = int(request.GET.get("per_page") or selectors.DEFAULT_PAGE_SIZE)
    except ValueError:
        per_page = selectors.DEFAULT_PAGE_SIZE
    page_args = {
        "queryset": queryset,
        "sort": request.GET.get("sort", selectors.DEFAULT_SORT),
        "after": request.GET.get("after", ""),
        "per_page": per_page,
    }
    if (params.get("q") or "").strip():
        page, totals = selectors.payment_search_page_and_totals(**page_args, zone=zone)
    else:
        page = selectors.payment_page(**page_args)
        totals = selectors.payment_totals(queryset=queryset, zone=zone, wide=_is_wide(params, zone))
    for row in page.rows:  # pre-formatted cells: far cheaper than template filters per cell
        row.when = local_datetime_text(row.occurred_at, zone, named=False)  # the heading names the zone
        row.amount_text = money_text(row.amount_minor, row.currency)  # in the interface's language
        row.fee_text = money_text(row.fee_minor - row.fee_refunded_minor, row.currency)  # kept
        row.net_text = money_text(row.net_minor, row.currency)
    currency = user.organization.currency
    top = totals.max_day_minor or 1
    # An SVG: its bars' heights are attributes, which the Content-Security-Policy (no inline
    # styles) allows; `style="height:…"` on spans was refused, and the chart showed empty.
    bars = "".join(
        f'<rect class="pt-bar" x="{i * 10}" y="{60 - h}" width="8" height="{h}" rx="1">'
        f"<title>{escape(day_month_text(day))}: {escape(money_text(value, currency))}</title></rect>"
        for i, (day, value) in enumerate(totals.days)
        for h in [max(1, value * 60 // top) if value else 0]
    )
    width = max(len(totals.days) * 10 - 2, 0)
    chart = (
        f'<svg width="{width}" height="60" viewBox="0 0 {width} 60" focusable="false">{bars}</svg>'
        if totals.days
        else ""
    )
    can_reconcile_any = user.role in (Role.ADMIN, Role.MANAGER)
    form = payment_filter.form
    team_choices = list(payment_filter.filters["team"].queryset.values_list("id", "name"))
    advisor_choices = (  # an Advisor's list is just themself (and isn't shown)
        [(user.pk, user.name)]
        if user.role == Role.ADVISOR
        else list(payment_filter.filters["advisor"].queryset.values_list("id", "name"))
    )
    params = params.copy()
    params.pop("after", None)
    next_params = params.copy()
    if page.next_cursor:
        next_params["after"] = page.next_cursor
    sort_links = {}
    for key in ("date", "amount"):
        p = params.copy()
        p["sort"] = f"-{key}" if page.sort != f"-{key}" else key
        sort_links[key] = p.urlencode()
    return render_in_org_zone(
        request,
        "payments/tab/list.html",
        {
            "filter": payment_filter,
            "page": page,
            "totals": totals,
            "chart_html": mark_safe(chart),  # noqa: S308 - numbers and escaped labels
            "rows_html": rows_html(page.rows, zone=zone, can_select=can_reconcile_any),
            "currency": currency,
            "query": params.urlencode(),
            "next_query": next_params.urlencode(),
            "sort_links": sort_links,
            "per_page_choices": selectors.PAGE_SIZES,
            "status_choices": selectors.DISPLAY_STATUSES,
            "team_choices": team_choices,
            "advisor_choices": advisor_choices,
            "status_options": options_html(selectors.DISPLAY_STATUSES, form["status"].value()),
            "team_options": options_html(team_choices, form["team"].value()),
            "advisor_options": options_html(advisor_choices, form["advisor"].value()),
            "default_days": filters.DEFAULT_PERIOD_DAYS,
            "can_reconcile_any": can_reconcile_any,
            "can_download": permissions.can_download_reports(user),
            "zone_label": zone_label(zone.key),
            "title": pgettext("menu tab", "My payments")
            if user.role == Role.ADVISOR
            else pgettext("menu tab", "Payments"),
        },
    )


@login_required
def payment_export(request):
    """The filtered view as CSV, streamed (same filters and order as the table)."""
    user = request.user
    require_payments_tab_access(user)
    payment_filter = filters.payment_filter(user=user, params=request.GET)
    if not payment_filter.is_valid():
        raise ApplicationError("Fix the filters first.", extra={"fields": payment_filter.errors})
    zone = organization_selectors.organization_zone(user.organization)
    chunks = export.payment_csv_chunks(
        queryset=payment_filter.qs, zone=zone, sort=request.GET.get("sort", selectors.DEFAULT_SORT)
    )
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().astimezone(zone).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="payments-{stamp}.csv"'
    return response


# --- detail, refund, reconcile --------------------------------------------------------------
@login_required
def payment_detail(request, payment_id: int):
    user = request.user
    payment = selectors.payment_get_for_user(user=user, payment_id=payment_id)
    can_refund = permissions.can_refund(user, payment)
    return render_in_org_zone(
        request,
        "payments/tab/detail.html",
        {
            "payment": payment,
            "timeline": payment_timeline(payment=payment),
            "refunds": payment.refunds.select_related("created_by"),
            "refundable_minor": payment_refundable_minor(payment=payment) if can_refund else 0,
            "can_refund": can_refund,
            "fee_refund_rule": refund_application_fee_rule(payment=payment),
            "can_reconcile": permissions.can_reconcile(user, payment),
            "dispute": payment_dispute_latest(payment=payment),
            "can_open_dashboard": permissions.can_manage_organization(user)
            and bool(payment.payment_request.stripe_account_id),
        },
    )


@login_required
@require_POST
def payment_reconcile(request):
    user = request.user
    require_payments_tab_access(user)
    ids = [i for i in request.POST.getlist("payment_ids") if i.isdigit()]
    action = request.POST.get("action", "reconcile")
    if not ids:
        messages.error(request, _("Select at least one payment."))
        return redirect(safe_next_url(request, reverse("payments:list")))
    if action == "undo":
        n = payments_unreconcile(user=user, payment_ids=[int(i) for i in ids])
        messages.success(
            request,
            ngettext(
                "Reconciliation undone for %(n)s payment.", "Reconciliation undone for %(n)s payments.", n
            )
            % {"n": n},
        )
    else:
        n = payments_reconcile(
            user=user,
            payment_ids=[int(i) for i in ids],
            document_number=request.POST.get("document_number", ""),
        )
        skipped = len(ids) - n
        text = ngettext("%(n)s payment reconciled.", "%(n)s payments reconciled.", n) % {"n": n}
        if skipped:
            text += " " + _(
                "%(skipped)s left as they were (already reconciled, failed, or not yours to reconcile)."
            ) % {"skipped": skipped}
        messages.success(request, text)
    return redirect(safe_next_url(request, reverse("payments:list")))
