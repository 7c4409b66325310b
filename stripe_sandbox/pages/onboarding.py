"""Connect onboarding: account link → business details → bank account → review."""

from __future__ import annotations

import re
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from .. import operations as ops
from ..wire import Response, new_id
from .common import MCC_CHOICES, error_box, form_field, page

if TYPE_CHECKING:
    from ..core import Emulator, Request


# ------------------------------------------------------------------ onboarding
def setup_link(emu: Emulator, req: Request, token: str) -> Response:
    link = emu.state["account_links"].get(token)
    if link is None:
        return page("Link not found", "<div class='card'><h1>This link is not valid</h1></div>", 404)
    if link["used"] or emu.now() >= link["expires_at"]:
        return Response.redirect(link["refresh_url"], 302)
    link["used"] = True
    session = new_id("", 24)
    emu.state["onboarding"][session] = {
        "account": link["account"],
        "return_url": link["return_url"],
        "refresh_url": link["refresh_url"],
    }
    return Response.redirect(f"{emu.public_url(req)}/onboarding/{session}", 302)


def _onboarding_step(account: dict) -> str:
    due = set(account["requirements"]["currently_due"])
    business = set(ops.BUSINESS_REQUIREMENTS) | set(ops.ID_REQUIREMENT.values())
    if due & business:
        return "business"
    if "external_account" in due:
        return "bank"
    if due or not account["details_submitted"]:
        return "review"
    return "done"


STEP_NUMBER = {"business": 1, "bank": 2, "review": 3, "done": 3}


def _onboarding_shell(
    emu: Emulator, account: dict, session: str, step: str, inner: str, error: str | None
) -> str:
    number = STEP_NUMBER[step]
    bars = "".join(f"<span class='{'done' if i <= number else ''}'></span>" for i in (1, 2, 3))
    due = account["requirements"]["currently_due"]
    return (
        f"<div class='card'><div class='muted'>{escape(emu.config.platform_name)} partners with Stripe for "
        f"payments</div><div class='steps'>{bars}</div><div class='muted'>Step {number} of 3</div>"
        f"{error_box(error)}{inner}"
        f"<details><summary class='muted'>Still needed ({len(due)})</summary><ul class='muted'>"
        + "".join(f"<li><code>{escape(item)}</code></li>" for item in due)
        + f"</ul></details></div><a class='button secondary' href='{emu.public_url()}/onboarding/{session}/exit'>"
        "Save and return later</a>"
    )


def _business_form(account: dict, values: dict) -> str:
    profile = account["business_profile"]
    v = {
        "business_name": profile.get("name") or "",
        "url": profile.get("url") or "",
        "product_description": profile.get("product_description") or "",
        "support_phone": profile.get("support_phone") or "",
        "mcc": profile.get("mcc") or "5511",
        "business_type": account.get("business_type") or "company",
        **values,
    }
    id_label = "Last 4 digits of SSN (test: 0000)" if account["country"] == "US" else "SIN (test: 000000000)"
    mcc = "".join(
        f"<option value='{code}'{' selected' if code == v['mcc'] else ''}>{escape(label)}</option>"
        for code, label in MCC_CHOICES
    )
    types = "".join(
        f"<option value='{t}'{' selected' if t == v['business_type'] else ''}>{label}</option>"
        for t, label in (("company", "Company"), ("individual", "Individual / sole proprietor"))
    )
    return (
        "<h1>Tell us about your business</h1><form method='post'><input type='hidden' name='step' value='business'>"
        + form_field("business_name", "Legal business name", v["business_name"], required="required")
        + f"<label for='business_type'>Business type</label><select id='business_type' name='business_type'>{types}</select>"
        + f"<label for='mcc'>Industry</label><select id='mcc' name='mcc'>{mcc}</select>"
        + form_field(
            "url", "Business website", v["url"], type="url", placeholder="https://", required="required"
        )
        + form_field(
            "product_description", "What do you sell?", v["product_description"], required="required"
        )
        + form_field("support_phone", "Support phone", v["support_phone"], type="tel")
        + "<h2 style='margin-top:1rem'>Representative</h2><div class='row'><div>"
        + form_field(
            "first_name",
            "First name",
            v.get("first_name", ""),
            required="required",
            autocomplete="given-name",
        )
        + "</div><div>"
        + form_field(
            "last_name", "Last name", v.get("last_name", ""), required="required", autocomplete="family-name"
        )
        + "</div></div>"
        + form_field("dob", "Date of birth", v.get("dob", ""), type="date", required="required")
        + form_field("id_number", id_label, "", inputmode="numeric", required="required", autocomplete="off")
        + "<button type='submit'>Continue</button></form>"
    )


def _bank_form(account: dict) -> str:
    if account["country"] == "CA":
        routing_hint = "Transit and institution number (test: 11000-000)"
    else:
        routing_hint = "Routing number (test: 110000000)"
    return (
        "<h1>Where should we send payouts?</h1><form method='post'><input type='hidden' name='step' value='bank'>"
        + form_field(
            "routing_number", routing_hint, "", inputmode="numeric", required="required", autocomplete="off"
        )
        + form_field(
            "account_number",
            "Account number (test: 000123456789)",
            "",
            inputmode="numeric",
            required="required",
            autocomplete="off",
        )
        + "<p class='muted'>Test accounts whose payouts fail: 000111111116 (no account), 000111111113 "
        "(closed), 000222222227 (insufficient funds).</p><button type='submit'>Continue</button></form>"
    )


def _review_form(account: dict) -> str:
    profile = account["business_profile"]
    bank = (account["external_accounts"]["data"] or [{}])[0]
    rows = [
        ("Business", profile.get("name") or ""),
        ("Website", profile.get("url") or ""),
        ("Industry", dict(MCC_CHOICES).get(profile.get("mcc") or "", profile.get("mcc") or "")),
        ("Payouts to", f"{bank.get('bank_name', '')} ••••{bank.get('last4', '')}"),
    ]
    table = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return (
        f"<h1>Review and submit</h1><table>{table}</table><form method='post'>"
        "<input type='hidden' name='step' value='review'>"
        "<label><input type='checkbox' name='tos' value='accepted' style='width:auto' required> "
        "I agree to the Stripe Connected Account Agreement.</label>"
        "<button type='submit'>Agree and submit</button></form>"
    )


def onboarding(emu: Emulator, req: Request, session: str) -> Response:
    data = emu.state["onboarding"].get(session)
    if data is None:
        return page(
            "Session not found", "<div class='card'><h1>This onboarding session is not valid</h1></div>", 404
        )
    account = emu.find(data["account"])
    step = _onboarding_step(account)
    error = None
    values: dict = {}
    if req.method == "POST":
        posted = req.form.get("step")
        form = {k: v.strip() for k, v in req.form.items() if isinstance(v, str)}
        if posted != step:
            error = "This step was already completed; here is the next one."
        elif step == "business":
            error = _submit_business(emu, account, form)
            values = {k: v for k, v in form.items() if k != "id_number"}
        elif step == "bank":
            error = _submit_bank(emu, account, form)
        elif step == "review":
            if form.get("tos") != "accepted":
                error = "Please accept the agreement to continue."
            else:
                ops.onboarding_submit(emu, account, ip=req.remote_addr, user_agent=req.header("User-Agent"))
        if not error:
            step = _onboarding_step(account)
            if step == "done":
                return Response.redirect(data["return_url"])
            return Response.redirect(f"{emu.public_url(req)}/onboarding/{session}")
    if step == "done":
        return Response.redirect(data["return_url"], 302)
    inner = {
        "business": lambda: _business_form(account, values),
        "bank": lambda: _bank_form(account),
        "review": lambda: _review_form(account),
    }[step]()
    return page("Set up payments", _onboarding_shell(emu, account, session, step, inner, error))


def _submit_business(emu: Emulator, account: dict, form: dict) -> str | None:
    for name, label in (
        ("business_name", "Legal business name"),
        ("url", "Business website"),
        ("product_description", "What do you sell?"),
        ("first_name", "First name"),
        ("last_name", "Last name"),
        ("dob", "Date of birth"),
        ("id_number", "ID number"),
    ):
        if not form.get(name):
            return f"{label} is required."
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", form["url"]):
        return "Business website must be a full address such as https://example.com."
    try:
        born = date.fromisoformat(form["dob"])
    except ValueError:
        return "Date of birth must be a date."
    if born.year < 1900 or (date.today() - born).days < 18 * 365:
        return "The representative must be at least 18 years old."
    expected = "0000" if account["country"] == "US" else "000000000"
    if form["id_number"] != expected:
        return f"Use the test ID number {expected} in the sandbox."
    if form.get("mcc") and form["mcc"] not in dict(MCC_CHOICES):
        return "Choose an industry from the list."
    ops.onboarding_business(emu, account, form)
    return None


def _submit_bank(emu: Emulator, account: dict, form: dict) -> str | None:
    routing = form.get("routing_number", "").replace(" ", "")
    number = form.get("account_number", "").replace(" ", "")
    if routing not in ops.TEST_ROUTING.get(account["country"], set()):
        allowed = " or ".join(sorted(ops.TEST_ROUTING[account["country"]]))
        return f"Use Stripe's test routing number {allowed} in the sandbox."
    if number not in ops.TEST_BANK_ACCOUNTS:
        return "Use one of Stripe's test account numbers (e.g. 000123456789) in the sandbox."
    ops.onboarding_bank(emu, account, routing_number=routing, account_number=number)
    return None


def onboarding_exit(emu: Emulator, req: Request, session: str) -> Response:
    data = emu.state["onboarding"].get(session)
    if data is None:
        return page(
            "Session not found", "<div class='card'><h1>This onboarding session is not valid</h1></div>", 404
        )
    return Response.redirect(data["return_url"])
