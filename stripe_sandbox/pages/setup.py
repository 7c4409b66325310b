"""Hosted Checkout in setup mode (save a card for later), and the saved cards a payment-mode session
offers when it was created with a `customer`."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from ..operations import customers as cops
from ..wire import Response
from .common import error_box, form_field, merchant_name, page

if TYPE_CHECKING:
    from ..core import Emulator, Request

# The reuse text Stripe's hosted page shows in setup mode (and in payment mode with setup_future_usage).
REUSE_TEXT = (
    "By providing your card information, you allow {merchant} to charge your card for future payments "
    "in accordance with their terms."
)


def reuse_text(emu: Emulator, session: dict) -> str:
    return REUSE_TEXT.format(merchant=merchant_name(emu, emu.owner(session["id"])))


def saved_cards(emu: Emulator, session: dict) -> list[dict]:
    customer = session.get("customer")
    if not customer:
        return []
    account = emu.owner(session["id"])
    return [
        pm
        for pm in emu.objects_of("payment_method", account)
        if pm.get("customer") == customer and pm["type"] == "card"
    ]


def saved_cards_form(emu: Emulator, session: dict, action: str, pay_label: str) -> str:
    """One form per saved card: the customer pays with it (3-D Secure, if the bank asks, is completed here)."""
    parts = []
    for pm in saved_cards(emu, session):
        card = pm["card"]
        label = f"{card['brand'].title()} •••• {card['last4']} (expires {card['exp_month']:02d}/{card['exp_year']})"
        parts.append(
            f"<form class='card' method='post' action='{action}'><h2>Saved card</h2>"
            f"<p>{escape(label)}</p>"
            "<input type='hidden' name='method' value='saved_card'>"
            f"<input type='hidden' name='payment_method' value='{escape(pm['id'])}'>"
            f"<button type='submit'>{escape(pay_label)}</button>"
            "<p class='muted'>If your bank asks for 3-D Secure, this test page completes it for you.</p></form>"
        )
    return "".join(parts)


def _setup_form(emu: Emulator, session: dict, error: str | None, email: str, name: str) -> str:
    action = f"{emu.public_url()}/pay/{session['id']}"
    merchant = merchant_name(emu, emu.owner(session["id"]))
    return (
        f"<div class='card'><div class='muted'>{escape(merchant)}</div><h1>Save a card</h1>"
        "<p class='muted'>You won't be charged now.</p></div>"
        + error_box(error)
        + f"<form class='card' method='post' action='{action}' autocomplete='on'>"
        "<input type='hidden' name='method' value='card'>"
        + form_field("email", "Email", email, type="email", autocomplete="email")
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
            placeholder="MM / YY",
            required="required",
        )
        + "</div><div>"
        + form_field("card_cvc", "CVC", "", inputmode="numeric", placeholder="CVC", required="required")
        + "</div></div>"
        + form_field("name", "Name on card", name, autocomplete="cc-name")
        + f"<p class='muted' id='reuse'>{escape(reuse_text(emu, session))}</p>"
        + "<button type='submit'>Save card</button>"
        "<p class='muted'>Test cards: 4242 4242 4242 4242, 4000 0025 0000 3155 (3-D Secure, completed here), "
        "4000 0027 6000 3184 (always asks for 3-D Secure), 4000 0000 0000 9995 (insufficient funds when "
        "charged), 4000 0000 0000 0341 (saved, then every charge declined), 4000 0000 0000 0002 (declined)."
        "</p></form>"
        + (
            f"<a class='button secondary' href='{escape(session['cancel_url'])}'>Cancel and go back</a>"
            if session.get("cancel_url")
            else ""
        )
    )


def setup_page(emu: Emulator, req: Request, session: dict) -> Response:
    from .checkout import _validate_card  # noqa: PLC0415 - the same card checks as payment mode

    if session["status"] == "complete":
        return page(
            "Saved",
            "<div class='ok'>Your card is saved.</div>"
            f"<a class='button' href='{escape(session['success_url'])}'>Continue</a>",
        )
    form = {k: v for k, v in req.form.items() if isinstance(v, str)}
    email = (form.get("email") or "").strip()
    name = (form.get("name") or "").strip()
    if req.method == "GET":
        return page("Save a card", _setup_form(emu, session, None, email, name))
    problem, card = _validate_card(emu, form)
    if problem:
        return page("Save a card", _setup_form(emu, session, problem, email, name), 400)
    declined = cops.setup_session_complete(emu, session, email=email or None, name=name or None, **card)
    if declined:
        return page("Save a card", _setup_form(emu, session, declined, email, name), 402)
    return Response.redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"]))
