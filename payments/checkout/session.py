"""The customer's side of a request (/pay/<token>/): open the link, choose an amount, start Stripe
Checkout, come back from it, and forget a Checkout Session Stripe expired. The session is created
under the request's row lock with the idempotency key `checkout-<request id>-<n>`, so two clicks
never make two sessions; the payment itself is recorded by `payments.requests.recording`."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, NotFound
from core.i18n import customer_language, stripe_checkout_locale
from core.money import format_minor
from payments import gateway
from payments.fees import application_fee_for
from payments.models import PaymentRequest, PaymentRequestEvent
from payments.requests.expiry import payment_request_expire_if_due
from payments.requests.history import history_record
from payments.requests.recording import payment_record_from_intent
from payments.requests.sending import STRIPE_MIN_CHARGE_MINOR
from payments.requests.states import (
    OPEN_STATUSES,
    PaymentRequestError,
    S,
    checkout_session_remember,
    payment_request_move,
)

if TYPE_CHECKING:
    pass


CHECKOUT_MIN_LIFETIME = timedelta(minutes=30)  # Stripe refuses expires_at < 30 min from now
CHECKOUT_LIFETIME_MARGIN = timedelta(minutes=1)  # our request + network time


# Afterpay/Clearpay limits per Stripe's docs ("Payment options and limits", Afterpay and Clearpay
# payments): domestic only (account country = customer country, local currency), US: USD 1-4,000,
# CA: CAD 1-2,000. Outside these, Checkout is offered with card only.
AFTERPAY_LIMITS_MINOR = {("US", "USD"): (100, 400_000), ("CA", "CAD"): (100, 200_000)}


class LinkUnavailable(Conflict):
    """The pay link can't take a payment (paid, cancelled, expired or about to expire)."""


def _field_error(field: str, message: str) -> PaymentRequestError:
    return PaymentRequestError(message, extra={"fields": {field: [message]}})


# ---------------------------------------------------------------------------------------------
# The customer's side: open, checkout
# ---------------------------------------------------------------------------------------------
def payment_request_get_by_token(*, token: str) -> PaymentRequest:
    request = (
        PaymentRequest.objects.select_related("organization", "customer", "stripe_account", "created_by")
        .filter(token=token)
        .first()
    )
    if request is None or len(token) < 22:
        raise NotFound("This payment link does not exist.")
    return request


_PAY_PAGE_RELATED = ("organization", "stripe_account", "customer")


@functools.cache
def _pay_page_sql() -> tuple[str, list]:
    """The pay page's one query, compiled once per process: building a four-table select_related
    statement was ~40 % of the page's Python time. Same SQL as `select_related(...)
    .filter(token=...)[:1]`; each model's columns in `concrete_fields` order."""
    parts = [(PaymentRequest, "r", None)]
    parts += [
        (PaymentRequest._meta.get_field(name).related_model, f"t{i}", name)
        for i, name in enumerate(_PAY_PAGE_RELATED)
    ]
    quote = connection.ops.quote_name
    columns, layout, start = [], [], 0
    for model, alias, _name in parts:
        fields = model._meta.concrete_fields
        columns += [f"{alias}.{quote(f.column)}" for f in fields]
        converters = []  # what the ORM applies to each value read (e.g. JSON text -> dict)
        for i, field in enumerate(fields):
            col = field.get_col(alias)
            found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
            if found:
                converters.append((i, found, col))
        layout.append((model, [f.attname for f in fields], slice(start, start + len(fields)), converters))
        start += len(fields)
    joins = []
    for model, alias, name in parts[1:]:
        fk = PaymentRequest._meta.get_field(name)
        kind = "LEFT OUTER JOIN" if fk.null else "INNER JOIN"
        joins.append(
            f"{kind} {quote(model._meta.db_table)} {alias} ON {alias}.{quote(model._meta.pk.column)} = r.{quote(fk.column)}"
        )
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(PaymentRequest._meta.db_table)} r {' '.join(joins)}"
        f" WHERE r.{quote(PaymentRequest._meta.get_field('token').column)} = %s LIMIT 1"
    )
    return sql, layout


def _pay_page_request(token: str) -> PaymentRequest:
    """The request with what the pay page shows of it (its dealership, its Stripe account, its
    customer's language), in one query. An impossible token costs none."""
    if len(token) < 22:
        raise NotFound("This payment link does not exist.")
    sql, layout = _pay_page_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [token])
        row = cursor.fetchone()
    if row is None:
        raise NotFound("This payment link does not exist.")
    objects = []
    for model, names, span, converters in layout:
        values = list(row[span])
        if values[0] is None:  # a nullable relation that is not set (LEFT JOIN)
            objects.append(None)
            continue
        for i, functions, col in converters:
            for convert in functions:
                values[i] = convert(values[i], col, connection)
        objects.append(model.from_db(connection.alias, names, values))
    request = objects[0]
    for name, related in zip(_PAY_PAGE_RELATED, objects[1:], strict=True):
        setattr(request, name, related)
    # The label names the account's dealership; the language is the customer's or their
    # dealership's: the same organization, already read.
    for related in (request.stripe_account, request.customer):
        if related is not None and related.organization_id == request.organization_id:
            related.organization = request.organization
    return request


def payment_request_open(*, token: str) -> PaymentRequest:
    """The customer opened the pay page: one read; a repeat visit writes nothing. An overdue link
    is expired first. The first visit marks the request opened, but never waits for (nor holds
    up) a payment being recorded: if one holds the request's row, the mark is skipped."""
    request = _pay_page_request(token)
    if (
        request.status in OPEN_STATUSES
        and request.expires_at is not None
        and request.expires_at <= timezone.now()
    ):
        payment_request_expire_if_due(payment_request_id=request.pk)
        return _pay_page_request(token)
    if request.status != S.SENT:
        return request
    try:
        opened = payment_request_move(
            payment_request_id=request.pk,
            to_status=S.OPENED,
            kind="opened",
            actor_label="customer",
            message="The customer opened the pay page",
            expected_from=(S.SENT,),
            skip_locked=True,
        )
    except Conflict:  # opened (or paid) by a concurrent visit: show what it is now
        return _pay_page_request(token)
    if opened is not None:
        request.status, request.opened_at, request.updated_at = (
            opened.status,
            opened.opened_at,
            opened.updated_at,
        )
    return request


def payment_methods_for(*, request: PaymentRequest, amount_minor: int) -> list[str]:
    """card always; Afterpay/Clearpay when Stripe allows it for this country, currency and amount."""
    methods = ["card"]
    account_country = (
        request.stripe_account.country if request.stripe_account else ""
    ) or request.organization.country
    limits = AFTERPAY_LIMITS_MINOR.get((account_country.upper(), request.currency.upper()))
    if limits and limits[0] <= amount_minor <= limits[1]:
        methods.append("afterpay_clearpay")
    return methods


def checkout_amount_validate(*, request: PaymentRequest, amount_minor: int | None) -> int:
    """The amount the customer will pay now: the whole balance, or (partial allowed) a chosen
    amount of at least 0.50 that leaves either nothing or at least 0.50 to pay later."""
    balance = request.balance_minor
    if amount_minor is None or not request.allow_partial:
        return balance
    if amount_minor == balance:
        return balance
    low = STRIPE_MIN_CHARGE_MINOR
    high = balance - STRIPE_MIN_CHARGE_MINOR
    if amount_minor < low or amount_minor > high:
        if high < low:
            raise _field_error(
                "amount", f"Pay the whole balance of {format_minor(balance, request.currency)}."
            )
        raise _field_error(
            "amount",
            f"Enter an amount from {format_minor(low, request.currency)} to "
            f"{format_minor(high, request.currency)}, or the whole balance of {format_minor(balance, request.currency)}.",
        )
    return amount_minor


def _link_unavailable(request: PaymentRequest) -> LinkUnavailable:
    """Said to the customer, in their language (the pay page's)."""
    text = {
        S.PAID: _("This payment request is already paid."),
        S.EXPIRED: _("This payment link has expired"),
        S.CANCELLED: _("This payment request was cancelled"),
    }.get(request.status, _("This payment request can't be paid right now."))
    return LinkUnavailable(text, extra={"status": request.status})


def payment_request_checkout_start(
    *, token: str, amount_minor: int | None = None, save_card: bool = False
) -> str:
    """The customer clicked Pay: return the Stripe Checkout URL. Creates the Checkout Session on
    the first click; a second click (or a double click) reuses the open session. Runs under the
    request's row lock, so two clicks can't create two sessions; the idempotency key
    `checkout-<id>-<n>` makes a retried call return the same session."""
    request = payment_request_get_by_token(token=token)
    request = payment_request_expire_if_due(payment_request_id=request.pk)
    if request.status not in OPEN_STATUSES:
        raise _link_unavailable(request)
    with transaction.atomic():
        request = (
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("organization", "stripe_account", "customer")
            .get(pk=request.pk)
        )
        if request.status not in OPEN_STATUSES:
            raise _link_unavailable(request)
        now = timezone.now()
        if request.expires_at is None or request.expires_at <= now:
            raise _link_unavailable(request)
        if request.expires_at - now < CHECKOUT_MIN_LIFETIME + CHECKOUT_LIFETIME_MARGIN:
            raise LinkUnavailable(
                "This payment link is about to expire. Please ask the dealership to send you a new one.",
                extra={"status": request.status, "reason": "about_to_expire"},
            )
        amount = checkout_amount_validate(request=request, amount_minor=amount_minor)
        stripe_account = request.stripe_account
        if stripe_account is None or stripe_account.disconnected_at or not stripe_account.charges_enabled:
            raise LinkUnavailable(
                f"{request.organization.name} can't take card payments right now. Please contact them.",
                extra={"status": request.status, "reason": "account_unavailable"},
            )
        account_id = stripe_account.stripe_id
        completed = None
        if request.checkout_session_id:
            session = gateway.checkout_session_retrieve(
                account_id=account_id, session_id=request.checkout_session_id
            )
            if session.status == "open" and session.amount_total == amount and not save_card:
                return session.url
            if session.status == "complete":
                completed = session  # paid, and the news hasn't reached us yet
            elif session.status == "open":  # another amount (or saving the card): close the old session first
                gateway.checkout_session_expire(account_id=account_id, session_id=session.id)

    if completed is not None:
        # Record the payment rather than charge again; the page then shows the receipt.
        payment_record_from_intent(
            account_id=account_id,
            payment_intent_id=completed.payment_intent_id,
            checkout_session_id=completed.id,
            source="checkout_click",
        )
        raise LinkUnavailable(
            "This payment is already complete.", extra={"status": "paid", "reason": "complete"}
        )
    return _checkout_session_create(payment_request_id=request.pk, amount=amount, save_card=save_card)


def _stripe_customer_id(*, request: PaymentRequest, save_card: bool) -> str:
    """The customer's Stripe Customer on this account (Checkout then offers their saved cards);
    made first when they chose to save the card."""
    from payments.cards.services import stripe_customer_ensure  # noqa: PLC0415 - cards import checkout
    from payments.models import StripeCustomer  # noqa: PLC0415

    if save_card:
        return stripe_customer_ensure(
            customer=request.customer, stripe_account=request.stripe_account
        ).stripe_customer_id
    row = StripeCustomer.objects.filter(
        customer=request.customer, stripe_account=request.stripe_account
    ).first()
    return row.stripe_customer_id if row else ""


def _checkout_session_create(*, payment_request_id: int, amount: int, save_card: bool = False) -> str:
    with transaction.atomic():
        request = (
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("organization", "stripe_account", "customer")
            .get(pk=payment_request_id)
        )
        if request.status not in OPEN_STATUSES:
            raise _link_unavailable(request)
        if request.checkout_session_id and request.checkout_session_amount_minor == amount:
            return request.checkout_session_url  # a concurrent click made it meanwhile
        account_id = request.stripe_account.stripe_id
        customer_id = _stripe_customer_id(request=request, save_card=save_card)
        attempt = (
            PaymentRequestEvent.objects.filter(payment_request=request, kind="checkout_created").count() + 1
        )
        site = settings.SITE_URL
        session = gateway.checkout_session_create(
            account_id=account_id,
            amount_minor=amount,
            currency=request.currency,
            product_name=f"{request.organization.name} - ref {request.reference}"[:250],
            description=request.description,
            application_fee_minor=application_fee_for(organization=request.organization, amount_minor=amount),
            payment_method_types=payment_methods_for(request=request, amount_minor=amount),
            expires_at=request.expires_at,
            success_url=f"{site}/pay/{request.token}/return/?session_id={{CHECKOUT_SESSION_ID}}",
            cancel_url=f"{site}/pay/{request.token}/",
            metadata={
                "payment_request_id": str(request.pk),
                "organization_id": str(request.organization_id),
                "reference": request.reference[:64],
            },
            customer_email=request.customer.email or None,
            idempotency_key=f"checkout-{request.pk}-{attempt}",
            customer_id=customer_id,
            save_card=save_card and bool(customer_id),
            locale=stripe_checkout_locale(customer_language(request.customer)),
        )
        checkout_session_remember(request, session_id=session.id, url=session.url, amount_minor=amount)
        history_record(
            payment_request=request,
            kind="checkout_created",
            actor_label="customer",
            message=f"Checkout started for {format_minor(amount, request.currency)}",
            data={"session_id": session.id, "amount_minor": amount, "attempt": attempt},
        )
    return session.url


def payment_record_from_checkout_return(*, token: str, session_id: str) -> PaymentRequest:
    """The customer came back to the success URL: ask Stripe (never trust the URL) and record."""
    request = payment_request_get_by_token(token=token)
    if not session_id or not request.stripe_account_id:
        return request
    try:
        session = gateway.checkout_session_retrieve(
            account_id=request.stripe_account.stripe_id, session_id=session_id
        )
    except gateway.InvalidRequest:
        return request
    if session.metadata.get("payment_request_id") != str(request.pk):
        return request
    if session.status == "complete" and session.payment_status == "paid" and session.payment_intent_id:
        payment_record_from_intent(
            account_id=request.stripe_account.stripe_id,
            payment_intent_id=session.payment_intent_id,
            checkout_session_id=session.id,
            source="success_return",
        )
    return payment_request_get_by_token(token=token)


def payment_request_checkout_session_expired(*, account_id: str, session_id: str) -> None:
    """Stripe expired a Checkout Session: forget it so the next click on Pay makes a new one."""
    with transaction.atomic():
        request = (
            PaymentRequest.objects.select_for_update(of=("self",))
            .filter(checkout_session_id=session_id, stripe_account__stripe_id=account_id)
            .first()
        )
        if request is None:
            return
        checkout_session_remember(request, session_id="", url="", amount_minor=None)
        history_record(
            payment_request=request,
            kind="checkout_expired",
            actor_label="stripe",
            message="The Stripe Checkout page expired",
            data={"session_id": session_id},
        )
