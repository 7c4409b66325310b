"""The hosted Checkout page: Stripe's published test cards only."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING

from .. import operations as ops
from ..cards import TEST_CARDS, luhn_ok, normalize
from ..wire import Response
from .common import error_box, fmt_amount, form_field, merchant_name, page
from .setup import reuse_text, saved_cards, saved_cards_form, setup_page

if TYPE_CHECKING:
    from ..core import Emulator, Request

# ------------------------------------------------------------------ checkout
# Afterpay / Clearpay limits (Stripe docs, "Payment options and limits"): US up to $4,000 (pay monthly
# from $400), Canada up to CA$2,000.
AFTERPAY_RANGE = {"usd": (100, 400_000), "cad": (100, 200_000)}


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
        f"<div class='card'><div class='muted'>Pay {escape(merchant_name(emu, account_id))}</div>"
        f"<div class='amount'>{escape(fmt_amount(session['amount_total'], session['currency']))}</div>{lines}</div>"
    )


def _afterpay_allowed(session: dict) -> bool:
    low, high = AFTERPAY_RANGE.get(session["currency"], (0, -1))
    return "afterpay_clearpay" in session["payment_method_types"] and low <= session["amount_total"] <= high


def _checkout_form(emu: Emulator, session: dict, error: str | None, email: str, name: str) -> str:
    action = f"{emu.public_url()}/pay/{session['id']}"
    email_locked = bool(session.get("customer_email"))
    email_input = form_field(
        "email",
        "Email",
        session.get("customer_email") or email,
        type="email",
        required="required",
        autocomplete="email",
        **({"readonly": "readonly"} if email_locked else {}),
    )
    pay_label = f"Pay {fmt_amount(session['amount_total'], session['currency'])}"
    parts = [
        _checkout_summary(emu, session),
        error_box(error),
        saved_cards_form(emu, session, action, pay_label),
    ]
    card_usage = ((session.get("payment_method_options") or {}).get("card") or {}).get("setup_future_usage")
    if "card" in session["payment_method_types"]:
        parts.append(
            f"<form class='card' method='post' action='{action}' autocomplete='on'><h2>Pay with card</h2>"
            "<input type='hidden' name='method' value='card'>"
            + email_input
            + form_field(
                "card_number",
                "Card number",
                "",
                inputmode="numeric",
                autocomplete="cc-number",
                placeholder="1234 1234 1234 1234",
                required="required",
            )
            + "<div class='row'><div>"
            + form_field(
                "card_exp",
                "Expiry (MM / YY)",
                "",
                inputmode="numeric",
                autocomplete="cc-exp",
                placeholder="MM / YY",
                required="required",
            )
            + "</div><div>"
            + form_field(
                "card_cvc",
                "CVC",
                "",
                inputmode="numeric",
                autocomplete="cc-csc",
                placeholder="CVC",
                required="required",
            )
            + "</div></div>"
            + form_field("name", "Name on card", name, autocomplete="cc-name")
            + (f"<p class='muted' id='reuse'>{escape(reuse_text(emu, session))}</p>" if card_usage else "")
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
                + form_field("name", "Full name", name, autocomplete="name", required="required")
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
    if session.get("mode") == "setup" and session["status"] != "expired":
        return setup_page(emu, req, session)
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
    customer = emu.find(session["customer"]) if session.get("customer") else None
    email = session.get("customer_email") or (customer or {}).get("email") or email
    if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email or ""):
        return page(
            "Checkout", _checkout_form(emu, session, "Your email address is invalid.", email, name), 400
        )
    method = form.get("method")
    saved = {pm["id"]: pm for pm in saved_cards(emu, session)}
    if method == "saved_card" and form.get("payment_method") in saved:
        declined = ops.checkout_attempt(
            emu, session, method="card", email=email, name=name or None, saved=saved[form["payment_method"]]
        )
    elif method == "card" and "card" in session["payment_method_types"]:
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
