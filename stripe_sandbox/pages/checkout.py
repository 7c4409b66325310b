"""Hosted pages: Connect onboarding, Checkout, the Express dashboard and receipts. Plain HTML, phone-first."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import escape
from typing import TYPE_CHECKING

from . import operations as ops
from .cards import TEST_CARDS, luhn_ok, normalize
from .wire import Response, StripeErrorResponse, new_id

if TYPE_CHECKING:
    from .core import Emulator, Request

CSS = """
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;
color:#1a1f36;background:#f6f8fa}main{max-width:30rem;margin:0 auto;padding:1rem}
.card{background:#fff;border:1px solid #e3e8ee;border-radius:10px;padding:1.1rem;margin:0 0 1rem}
h1{font-size:1.3rem;margin:.2rem 0 .8rem}h2{font-size:1.05rem;margin:0 0 .6rem}
.muted{color:#697386;font-size:.9rem}.amount{font-size:2rem;font-weight:600;margin:.2rem 0}
label{display:block;font-weight:500;margin:.7rem 0 .25rem;font-size:.95rem}
input,select{width:100%;padding:.65rem;border:1px solid #c1c9d2;border-radius:6px;font:inherit;background:#fff}
.row{display:flex;gap:.6rem}.row>div{flex:1;min-width:0}
button,.button{display:block;width:100%;margin-top:1rem;padding:.8rem;border:0;border-radius:6px;
background:#635bff;color:#fff;font:inherit;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}
button.secondary,.button.secondary{background:#fff;color:#1a1f36;border:1px solid #c1c9d2}
.error{background:#fff0f0;border:1px solid #f5a3a3;color:#a4111b;border-radius:6px;padding:.6rem .8rem;margin:.6rem 0}
.ok{background:#effaf3;border:1px solid #9ad5ad;color:#0b6b2b;border-radius:6px;padding:.6rem .8rem;margin:.6rem 0}
.banner{background:#fff8e1;color:#6b4e00;font-size:.85rem;text-align:center;padding:.4rem}
.steps{display:flex;gap:.3rem;margin:0 0 .8rem}.steps span{flex:1;height:4px;border-radius:2px;background:#e3e8ee}
.steps span.done{background:#635bff}table{width:100%;border-collapse:collapse;font-size:.92rem}
td,th{padding:.35rem .25rem;border-bottom:1px solid #eef1f4;text-align:left;overflow-wrap:anywhere}td.r,th.r{text-align:right;white-space:nowrap}
details{margin-top:.8rem}code{font-size:.85rem}
"""

MCC_CHOICES = [
    ("5511", "Car and truck dealers (new and used)"),
    ("5521", "Car and truck dealers (used only)"),
    ("7538", "Automotive service shops"),
    ("5533", "Automotive parts and accessories"),
    ("5599", "Miscellaneous auto dealers"),
]


def page(title: str, body: str, status: int = 200) -> Response:
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        "<div class='banner'>Test mode: Stripe sandbox. No real money moves.</div>"
        f"<main>{body}</main></body></html>"
    )
    return Response.html(html, status)


def fmt_amount(amount: int, currency: str) -> str:
    symbol = {"usd": "$", "cad": "CA$"}.get(currency, "")
    return f"{symbol}{amount // 100:,}.{amount % 100:02d} {currency.upper()}"


def _field(name: str, label: str, value: str = "", **attrs: str) -> str:
    extra = " ".join(f"{k.rstrip('_').replace('_', '-')}='{escape(v)}'" for k, v in attrs.items())
    return (
        f"<label for='{name}'>{escape(label)}</label>"
        f"<input id='{name}' name='{name}' value='{escape(value or '')}' {extra}>"
    )


def _error(message: str | None) -> str:
    return f"<div class='error' role='alert'>{escape(message)}</div>" if message else ""


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
        f"{_error(error)}{inner}"
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
        + _field("business_name", "Legal business name", v["business_name"], required="required")
        + f"<label for='business_type'>Business type</label><select id='business_type' name='business_type'>{types}</select>"
        + f"<label for='mcc'>Industry</label><select id='mcc' name='mcc'>{mcc}</select>"
        + _field("url", "Business website", v["url"], type="url", placeholder="https://", required="required")
        + _field("product_description", "What do you sell?", v["product_description"], required="required")
        + _field("support_phone", "Support phone", v["support_phone"], type="tel")
        + "<h2 style='margin-top:1rem'>Representative</h2><div class='row'><div>"
        + _field(
            "first_name",
            "First name",
            v.get("first_name", ""),
            required="required",
            autocomplete="given-name",
        )
        + "</div><div>"
        + _field(
            "last_name", "Last name", v.get("last_name", ""), required="required", autocomplete="family-name"
        )
        + "</div></div>"
        + _field("dob", "Date of birth", v.get("dob", ""), type="date", required="required")
        + _field("id_number", id_label, "", inputmode="numeric", required="required", autocomplete="off")
        + "<button type='submit'>Continue</button></form>"
    )


def _bank_form(account: dict) -> str:
    if account["country"] == "CA":
        routing_hint = "Transit and institution number (test: 11000-000)"
    else:
        routing_hint = "Routing number (test: 110000000)"
    return (
        "<h1>Where should we send payouts?</h1><form method='post'><input type='hidden' name='step' value='bank'>"
        + _field(
            "routing_number", routing_hint, "", inputmode="numeric", required="required", autocomplete="off"
        )
        + _field(
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


# ------------------------------------------------------------------ checkout
# Afterpay / Clearpay limits (Stripe docs, "Payment options and limits"): US up to $4,000 (pay monthly
# from $400), Canada up to CA$2,000.
AFTERPAY_RANGE = {"usd": (100, 400_000), "cad": (100, 200_000)}


def _merchant_name(emu: Emulator, account_id: str | None) -> str:
    if not account_id:
        return emu.config.platform_name
    account = emu.find(account_id)
    return (
        account["settings"]["dashboard"].get("display_name")
        or account["business_profile"].get("name")
        or account_id
    )


def _checkout_summary(emu: Emulator, session: dict) -> str:
    account_id = emu.owner(session["id"])
    items = emu.private(session["id"]).get("line_items", [])
    lines = "".join(
        f"<div><strong>{escape(i['name'])}</strong>"
        + (f"<div class='muted'>{escape(i['description'])}</div>" if i.get("description") else "")
        + (f"<div class='muted'>Qty {i['quantity']}</div>" if i["quantity"] > 1 else "")
        + "</div>"
        for i in items
    )
    return (
        f"<div class='card'><div class='muted'>Pay {escape(_merchant_name(emu, account_id))}</div>"
        f"<div class='amount'>{escape(fmt_amount(session['amount_total'], session['currency']))}</div>{lines}</div>"
    )


def _afterpay_allowed(session: dict) -> bool:
    low, high = AFTERPAY_RANGE.get(session["currency"], (0, -1))
    return "afterpay_clearpay" in session["payment_method_types"] and low <= session["amount_total"] <= high


def _checkout_form(emu: Emulator, session: dict, error: str | None, email: str, name: str) -> str:
    action = f"{emu.public_url()}/pay/{session['id']}"
    email_locked = bool(session.get("customer_email"))
    email_input = _field(
        "email",
        "Email",
        session.get("customer_email") or email,
        type="email",
        required="required",
        autocomplete="email",
        **({"readonly": "readonly"} if email_locked else {}),
    )
    pay_label = f"Pay {fmt_amount(session['amount_total'], session['currency'])}"
    parts = [_checkout_summary(emu, session), _error(error)]
    if "card" in session["payment_method_types"]:
        parts.append(
            f"<form class='card' method='post' action='{action}' autocomplete='on'><h2>Pay with card</h2>"
            "<input type='hidden' name='method' value='card'>"
            + email_input
            + _field(
                "card_number",
                "Card number",
                "",
                inputmode="numeric",
                autocomplete="cc-number",
                placeholder="1234 1234 1234 1234",
                required="required",
            )
            + "<div class='row'><div>"
            + _field(
                "card_exp",
                "Expiry (MM / YY)",
                "",
                inputmode="numeric",
                autocomplete="cc-exp",
                placeholder="MM / YY",
                required="required",
            )
            + "</div><div>"
            + _field(
                "card_cvc",
                "CVC",
                "",
                inputmode="numeric",
                autocomplete="cc-csc",
                placeholder="CVC",
                required="required",
            )
            + "</div></div>"
            + _field("name", "Name on card", name, autocomplete="cc-name")
            + f"<button type='submit'>{escape(pay_label)}</button>"
            "<p class='muted'>Test cards: 4242 4242 4242 4242 (succeeds), 4000 0000 0000 0002 (declined), "
            "4000 0000 0000 9995 (insufficient funds). Any future expiry, any CVC. Other numbers are refused "
            "and never stored.</p></form>"
        )
    if "afterpay_clearpay" in session["payment_method_types"]:
        if _afterpay_allowed(session):
            four = session["amount_total"] // 4
            parts.append(
                f"<form class='card' method='post' action='{action}'><h2>Afterpay / Clearpay</h2>"
                f"<p class='muted'>4 interest-free payments of {escape(fmt_amount(four, session['currency']))}.</p>"
                "<input type='hidden' name='method' value='afterpay_clearpay'>"
                + email_input.replace("id='email'", "id='email_ap'").replace("for='email'", "for='email_ap'")
                + _field("name", "Full name", name, autocomplete="name", required="required")
                .replace("id='name'", "id='name_ap'")
                .replace("for='name'", "for='name_ap'")
                + "<button type='submit' name='outcome' value='authorize'>Authorize test payment</button>"
                "<button type='submit' class='secondary' name='outcome' value='fail'>Fail test payment</button>"
                "</form>"
            )
        else:
            parts.append(
                "<div class='card muted'>Afterpay / Clearpay is not available for this amount.</div>"
            )
    if session.get("cancel_url"):
        parts.append(
            f"<a class='button secondary' href='{escape(session['cancel_url'])}'>Cancel and go back</a>"
        )
    return "".join(parts)


def _parse_expiry(raw: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"\s*(\d{1,2})\s*/?\s*(\d{2}|\d{4})\s*", raw or "")
    if not match:
        return None
    month, year = int(match.group(1)), int(match.group(2))
    if year < 100:
        year += 2000
    if not 1 <= month <= 12:
        return None
    return month, year


def _validate_card(emu: Emulator, form: dict) -> tuple[str | None, dict]:
    number = normalize(form.get("card_number", ""))
    if not number.isdigit() or len(number) < 12:
        return "Your card number is incomplete.", {}
    if not luhn_ok(number):
        return "Your card number is invalid.", {}
    card = TEST_CARDS.get(number)
    if card is None:
        return (
            "This sandbox accepts only Stripe's test card numbers, such as 4242 4242 4242 4242. "
            "Real card numbers are refused and are not stored."
        ), {}
    expiry = _parse_expiry(form.get("card_exp", ""))
    if expiry is None:
        return "Your card's expiration date is incomplete.", {}
    today = datetime.fromtimestamp(emu.now(), UTC)
    if (expiry[1], expiry[0]) < (today.year, today.month):
        return "Your card's expiration date is in the past.", {}
    cvc = form.get("card_cvc", "").strip()
    if not cvc.isdigit() or len(cvc) != (4 if card.brand == "amex" else 3):
        return "Your card's security code is incomplete.", {}
    return None, {"card": card, "last4": number[-4:], "exp_month": expiry[0], "exp_year": expiry[1]}


def checkout(emu: Emulator, req: Request, session_id: str) -> Response:
    session = emu.find(session_id)
    if session is None or session.get("object") != "checkout.session":
        return page(
            "Not found",
            "<div class='card'><h1>Something went wrong</h1>"
            "<p>The page you were looking for could not be found.</p></div>",
            404,
        )
    if session["status"] == "expired":
        return page(
            "Session expired",
            _checkout_summary(emu, session) + "<div class='card'><h1>This checkout session has expired</h1>"
            "<p class='muted'>Ask the merchant for a new payment link.</p></div>",
            410,
        )
    if session["status"] == "complete":
        success = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
        return page(
            "Paid",
            _checkout_summary(emu, session) + "<div class='ok'>This payment is complete.</div>"
            f"<a class='button' href='{escape(success)}'>Continue</a>",
        )
    form = {k: v for k, v in req.form.items() if isinstance(v, str)}
    email = (form.get("email") or "").strip()
    name = (form.get("name") or "").strip()
    if req.method == "GET":
        return page("Checkout", _checkout_form(emu, session, None, email, name))
    email = session.get("customer_email") or email
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email or ""):
        return page(
            "Checkout", _checkout_form(emu, session, "Your email address is invalid.", email, name), 400
        )
    method = form.get("method")
    if method == "card" and "card" in session["payment_method_types"]:
        problem, card = _validate_card(emu, form)
        if problem:
            return page("Checkout", _checkout_form(emu, session, problem, email, name), 400)
        declined = ops.checkout_attempt(emu, session, method="card", email=email, name=name or None, **card)
    elif method == "afterpay_clearpay" and _afterpay_allowed(session):
        if not name:
            return page(
                "Checkout", _checkout_form(emu, session, "Your full name is required.", email, name), 400
            )
        declined = ops.checkout_attempt(
            emu,
            session,
            method="afterpay_clearpay",
            afterpay_succeeds=form.get("outcome") != "fail",
            email=email,
            name=name,
        )
        if declined:
            declined = "Afterpay / Clearpay declined this payment. Try another way to pay."
    else:
        return page("Checkout", _checkout_form(emu, session, "Choose a way to pay.", email, name), 400)
    if declined:
        return page("Checkout", _checkout_form(emu, session, declined, email, name), 402)
    return Response.redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))


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
        f"<div class='card'><div class='muted'>Express dashboard</div><h1>{escape(_merchant_name(emu, account_id))}</h1>"
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
        f"<div class='card'><div class='muted'>Receipt from {escape(_merchant_name(emu, emu.owner(charge_id)))}</div>"
        f"<div class='amount'>{escape(fmt_amount(charge['amount'], charge['currency']))}</div>"
        f"<table><tr><th>Paid</th><td>{datetime.fromtimestamp(charge['created'], UTC):%Y-%m-%d}</td></tr>"
        f"<tr><th>Method</th><td>{escape(how)}</td></tr>"
        f"<tr><th>Refunded</th><td>{escape(fmt_amount(charge['amount_refunded'], charge['currency']))}</td></tr>"
        "</table></div>"
    )
    return page("Receipt", body)


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
            f"<div class='card'><h2>{escape(_merchant_name(emu, acct))}</h2><div class='muted'><code>{acct}</code>"
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


ROUTES = [
    ("GET", r"/", index),
    ("POST", r"/", index),
    ("GET", r"/setup/(?P<token>\w+)", setup_link),
    ("GET", r"/onboarding/(?P<session>\w+)", onboarding),
    ("POST", r"/onboarding/(?P<session>\w+)", onboarding),
    ("GET", r"/onboarding/(?P<session>\w+)/exit", onboarding_exit),
    ("GET", r"/pay/(?P<session_id>cs_\w+)", checkout),
    ("POST", r"/pay/(?P<session_id>cs_\w+)", checkout),
    ("GET", r"/express/(?P<account_id>acct_\w+)/(?P<token>\w+)", express_dashboard),
    ("POST", r"/express/(?P<account_id>acct_\w+)/(?P<token>\w+)", express_dashboard),
    ("GET", r"/receipts/(?P<charge_id>ch_\w+)", receipt),
]
