"""The Express dashboard (login links) and receipts."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING

from .. import operations as ops
from ..wire import Response, StripeErrorResponse
from .common import fmt_amount, merchant_name, page

if TYPE_CHECKING:
    from ..core import Emulator, Request


# ------------------------------------------------------------------ express dashboard & receipts
def express_dashboard(emu: Emulator, req: Request, account_id: str, token: str) -> Response:
    if emu.state["login_links"].get(token) != account_id:
        return page("Link not valid", "<div class='card'><h1>This login link is not valid</h1></div>", 404)
    account = emu.find(account_id)
    message = ""
    if req.method == "POST":
        action = req.form.get("action")
        try:
            if action == "payout":
                payout = ops.payout_create(emu, account)
                ops.payout_finish(emu, payout)
                message = f"Payout {payout['id']} {payout['status']}."
        except StripeErrorResponse as exc:
            message = str(exc)
    currency = account["default_currency"]
    balance = ops.available_balance(emu, account_id, currency)
    charges = sorted(emu.objects_of("charge", account_id), key=lambda c: c["created"], reverse=True)[:20]
    payouts = sorted(emu.objects_of("payout", account_id), key=lambda p: p["created"], reverse=True)[:10]
    schedule = account["settings"]["payouts"]["schedule"]
    when = (
        schedule["interval"]
        + (f" on {schedule['weekly_anchor']}" if schedule.get("weekly_anchor") else "")
        + (f" on day {schedule['monthly_anchor']}" if schedule.get("monthly_anchor") else "")
    )
    rows = (
        "".join(
            f"<tr><td>{escape(c['description'] or c['id'])}</td><td>{escape(c['status'])}"
            f"{' (refunded)' if c['refunded'] else ''}</td><td class='r'>{escape(fmt_amount(c['amount'], c['currency']))}</td></tr>"
            for c in charges
        )
        or "<tr><td colspan='3' class='muted'>No payments yet</td></tr>"
    )
    prow = (
        "".join(
            f"<tr><td>{escape(p['id'])}</td><td>{escape(p['status'])}</td>"
            f"<td class='r'>{escape(fmt_amount(p['amount'], p['currency']))}</td></tr>"
            for p in payouts
        )
        or "<tr><td colspan='3' class='muted'>No payouts yet</td></tr>"
    )
    body = (
        f"<div class='card'><div class='muted'>Express dashboard</div><h1>{escape(merchant_name(emu, account_id))}</h1>"
        f"<div class='muted'>Available balance</div><div class='amount'>{escape(fmt_amount(balance, currency))}</div>"
        f"<div class='muted'>Payouts: {escape(when)}, {schedule.get('delay_days')} day delay. Statement descriptor: "
        f"{escape(account['settings']['payments'].get('statement_descriptor') or '-')}</div>"
        + (f"<div class='ok'>{escape(message)}</div>" if message else "")
        + "<form method='post'><input type='hidden' name='action' value='payout'>"
        "<button type='submit'>Pay out available balance now (sandbox)</button></form></div>"
        f"<div class='card'><h2>Payments</h2><table>{rows}</table></div>"
        f"<div class='card'><h2>Payouts</h2><table>{prow}</table></div>"
    )
    return page("Express dashboard", body)


def receipt(emu: Emulator, req: Request, charge_id: str) -> Response:
    charge = emu.find(charge_id)
    if charge is None or charge.get("object") != "charge":
        return page("Not found", "<div class='card'><h1>Receipt not found</h1></div>", 404)
    pmd = charge["payment_method_details"]
    how = (
        f"{pmd['card']['brand'].title()} ••••{pmd['card']['last4']}"
        if pmd.get("type") == "card"
        else "Afterpay / Clearpay"
    )
    body = (
        f"<div class='card'><div class='muted'>Receipt from {escape(merchant_name(emu, emu.owner(charge_id)))}</div>"
        f"<div class='amount'>{escape(fmt_amount(charge['amount'], charge['currency']))}</div>"
        f"<table><tr><th>Paid</th><td>{datetime.fromtimestamp(charge['created'], UTC):%Y-%m-%d}</td></tr>"
        f"<tr><th>Method</th><td>{escape(how)}</td></tr>"
        f"<tr><th>Refunded</th><td>{escape(fmt_amount(charge['amount_refunded'], charge['currency']))}</td></tr>"
        "</table></div>"
    )
    return page("Receipt", body)
