"""The developer tools page at `/` (make run with DEBUG): finish onboarding, pay out, dispute, clock."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING

from .. import operations as ops
from ..wire import Response, StripeErrorResponse
from .common import fmt_amount, merchant_name, page

if TYPE_CHECKING:
    from ..core import Emulator, Request


def index(emu: Emulator, req: Request) -> Response:
    """Developer tools (only when `config.dev_tools`, i.e. `make run` with DEBUG): finish onboarding,
    pay out, dispute a charge, move the clock. Everything emits the same events as the API."""
    base = emu.public_url(req)
    intro = (
        "<div class='card'><h1>Stripe sandbox</h1><p class='muted'>A local emulator of Stripe's API for "
        f"development and tests. API base: <code>{escape(base)}</code></p></div>"
    )
    if not emu.config.dev_tools:
        return page("Stripe sandbox", intro)
    message = ""
    if req.method == "POST":
        message = _run_tool(emu, req.form)
    accounts = [a for a in emu.objects_of("account", None) if not emu.private(a["id"]).get("deleted")]
    rows = []
    for account in reversed(accounts):
        acct = account["id"]
        status = (
            "Connected"
            if account["charges_enabled"] and account["payouts_enabled"]
            else ("Onboarding incomplete" if not account["details_submitted"] else "Restricted")
        )
        balance = ops.available_balance(emu, acct, account["default_currency"])
        charges = sorted(emu.objects_of("charge", acct), key=lambda c: c["created"], reverse=True)[:5]
        charge_rows = "".join(
            f"<tr><td><code>{escape(c['id'][-8:])}</code> {escape(fmt_amount(c['amount'], c['currency']))}</td>"
            f"<td>{escape(c['status'])}{' disputed' if c.get('disputed') else ''}</td><td class='r'>"
            + (
                _tool_button("dispute", "Dispute", charge=c["id"])
                if c["status"] == "succeeded" and not c.get("disputed")
                else ""
            )
            + "</td></tr>"
            for c in charges
        )
        rows.append(
            f"<div class='card'><h2>{escape(merchant_name(emu, acct))}</h2><div class='muted'><code>{acct}</code>"
            f" · {escape(status)} · available {escape(fmt_amount(balance, account['default_currency']))}</div>"
            + (_tool_button("onboard", "Complete onboarding", account=acct) if status != "Connected" else "")
            + (
                _tool_button("payout", "Pay out now (paid)", account=acct)
                + _tool_button("payout_fail", "Pay out now (failed)", account=acct)
                if balance > 0
                else ""
            )
            + (f"<table>{charge_rows}</table>" if charge_rows else "")
            + "</div>"
        )
    clock = datetime.fromtimestamp(emu.now(), UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = (
        intro
        + (f"<div class='ok'>{escape(message)}</div>" if message else "")
        + f"<div class='card'><h2>Clock</h2><div class='muted'>Sandbox time: {clock}</div>"
        + _tool_button("clock", "Advance 1 hour", seconds="3600")
        + _tool_button("clock", "Advance 24 hours", seconds="86400")
        + "</div>"
        + ("".join(rows) or "<div class='card muted'>No connected accounts yet.</div>")
    )
    return page("Stripe sandbox", body)


def _tool_button(action: str, label: str, **fields: str) -> str:
    hidden = "".join(f"<input type='hidden' name='{k}' value='{escape(v)}'>" for k, v in fields.items())
    return (
        f"<form method='post' style='margin:0'><input type='hidden' name='action' value='{action}'>{hidden}"
        f"<button type='submit' class='secondary'>{escape(label)}</button></form>"
    )


def _run_tool(emu: Emulator, form: dict) -> str:
    action = form.get("action")
    account = emu.find(form.get("account") or "")
    charge = emu.find(form.get("charge") or "")
    try:
        if action == "onboard" and account and account.get("object") == "account":
            ops.onboarding_complete(emu, account)
            return "Onboarding completed."
        if action in ("payout", "payout_fail") and account and account.get("object") == "account":
            payout = ops.payout_create(emu, account)
            ops.payout_finish(emu, payout, fail=True if action == "payout_fail" else None)
            return f"Payout {payout['id']} {payout['status']}."
        if (
            action == "dispute"
            and charge
            and charge.get("object") == "charge"
            and charge["status"] == "succeeded"
        ):
            return f"Dispute {ops.dispute_create(emu, charge)['id']} opened."
        if action == "clock":
            seconds = int(form.get("seconds") or 0)
            if 0 < seconds <= 7 * 86400:
                emu.state["clock_offset"] += seconds
                emu.sweep()
                return f"Clock advanced {seconds} seconds."
    except StripeErrorResponse as exc:
        return str(exc)
    return "Nothing to do."
