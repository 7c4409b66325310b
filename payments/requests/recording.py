"""Payment requests: the ONE state machine, and every service that moves a request.

State table (TRANSITIONS below; `payment_request_move` is the only code that changes `status`):

    from \\ to      sent  opened  partially_paid  paid  cancelled  expired
    created         yes   -       -               -     yes        -
    sent            -     yes     yes             yes   yes        yes
    opened          -     -       yes             yes   yes        yes
    partially_paid  -     -       yes (another)   yes   yes        yes
    paid            (final)
    cancelled       -     -       yes*            yes*  -          -
    expired         -     -       yes*            yes*  -          -

    * only by recording a payment Stripe says succeeded (the customer paid on Checkout just
      before the link was cancelled/expired and the news arrived after): money taken is never
      ignored. Nothing else leaves a final state; nothing ever moves back to an earlier state.

- created -> sent: when the messages are queued (same transaction as the creation); the link
  expires PAYMENT_REQUEST_LIFETIME_HOURS (24 h) after sending.
- sent -> opened: first visit of the pay page.
- -> partially_paid / paid: a succeeded PaymentIntent is recorded (webhook or success return).
- -> cancelled: the advisor (or a manager/admin) cancels while open.
- -> expired: the beat sweep, or lazily on any use of the link after `expires_at`.

Lock order (to avoid deadlocks): the PaymentRequest row first, then its Payment rows.
Stripe calls that create money movements carry idempotency keys derived from our records
(`checkout-<request id>-<n>`, n = sessions created so far for the request + 1).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from core.money import format_minor
from organizations import permissions
from payments import gateway
from payments.fees import application_fee_for
from payments.models import Payment, PaymentRequest, PaymentRequestEvent, StripeAccount
from payments.requests import messages as texts
from payments.requests.customer_messages import customer_message_send
from payments.requests.history import history_record

if TYPE_CHECKING:
    from customers.models import Customer, Opportunity
    from organizations.models import User
    from teams.models import Team

logger = logging.getLogger(__name__)

S = PaymentRequest.Status
OPEN_STATUSES = (S.SENT, S.OPENED, S.PARTIALLY_PAID)
FINAL_STATUSES = (S.PAID, S.CANCELLED, S.EXPIRED)

TRANSITIONS: dict[str, frozenset[str]] = {
    S.CREATED: frozenset({S.SENT, S.CANCELLED}),
    S.SENT: frozenset({S.OPENED, S.PARTIALLY_PAID, S.PAID, S.CANCELLED, S.EXPIRED}),
    S.OPENED: frozenset({S.PARTIALLY_PAID, S.PAID, S.CANCELLED, S.EXPIRED}),
    S.PARTIALLY_PAID: frozenset({S.PARTIALLY_PAID, S.PAID, S.CANCELLED, S.EXPIRED}),
    S.PAID: frozenset(),
    S.CANCELLED: frozenset({S.PARTIALLY_PAID, S.PAID}),
    S.EXPIRED: frozenset({S.PARTIALLY_PAID, S.PAID}),
}
# Moves out of a final state are allowed only for this event kind (a succeeded payment).
PAYMENT_KIND = "payment_succeeded"

TIMESTAMP_FIELD = {
    S.SENT: "sent_at",
    S.OPENED: "opened_at",
    S.PAID: "paid_at",
    S.CANCELLED: "cancelled_at",
    S.EXPIRED: "expired_at",
}

STRIPE_MIN_CHARGE_MINOR = 50  # Stripe's smallest card charge in USD and CAD: 0.50
CHECKOUT_MIN_LIFETIME = timedelta(minutes=30)  # Stripe refuses expires_at < 30 min from now
CHECKOUT_LIFETIME_MARGIN = timedelta(minutes=1)  # our request + network time
QUIET_HOURS = (21, 8)  # no reminders from 21:00 to 08:00 in the dealership's time zone

# Afterpay/Clearpay limits per Stripe's docs ("Payment options and limits", Afterpay and Clearpay
# payments): domestic only (account country = customer country, local currency), US: USD 1-4,000,
# CA: CAD 1-2,000. Outside these, Checkout is offered with card only.
AFTERPAY_LIMITS_MINOR = {("US", "USD"): (100, 400_000), ("CA", "CAD"): (100, 200_000)}


class PaymentRequestError(ApplicationError):
    """A request can't be created or used as asked; `extra["fields"]` names the field."""


class LinkUnavailable(Conflict):
    """The pay link can't take a payment (paid, cancelled, expired or about to expire)."""


def _field_error(field: str, message: str) -> PaymentRequestError:
    return PaymentRequestError(message, extra={"fields": {field: [message]}})


def _now() -> datetime:
    return timezone.now()


# ---------------------------------------------------------------------------------------------
# The state machine
# ---------------------------------------------------------------------------------------------
def payment_request_can_move(*, from_status: str, to_status: str, kind: str = "") -> bool:
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        return False
    if from_status in (S.CANCELLED, S.EXPIRED) and kind != PAYMENT_KIND:
        return False
    return True


def payment_request_move(
    *,
    payment_request_id: int,
    to_status: str,
    kind: str,
    actor: User | None = None,
    actor_label: str = "",
    message: str = "",
    data: dict[str, Any] | None = None,
    payment: Payment | None = None,
    changes: dict[str, Any] | None = None,
    on_commit: list[Callable[[], Any]] | None = None,
    expected_from: tuple[str, ...] | None = None,
) -> PaymentRequest:
    """Move a request to `to_status`: lock the row, check the table, apply `changes`, stamp the
    state's timestamp, write one history row, and queue `on_commit` side effects.

    Raises Conflict when the move is not allowed from the current state (the caller decides
    whether that is an error or an already-done no-op)."""
    with transaction.atomic():
        request = PaymentRequest.objects.select_for_update(of=("self",)).get(pk=payment_request_id)
        from_status = request.status
        if expected_from is not None and from_status not in expected_from:
            raise Conflict(
                f"This payment request is {request.get_status_display().lower()}.",
                extra={"status": from_status},
            )
        if not payment_request_can_move(from_status=from_status, to_status=to_status, kind=kind):
            raise Conflict(
                f"A {request.get_status_display().lower()} payment request can't become "
                f"{S(to_status).label.lower()}.",
                extra={"status": from_status},
            )
        now = _now()
        fields = ["status", "updated_at"]
        request.status = to_status
        stamp = TIMESTAMP_FIELD.get(to_status)
        if stamp and getattr(request, stamp) is None:
            setattr(request, stamp, now)
            fields.append(stamp)
        for name, value in (changes or {}).items():
            setattr(request, name, value)
            fields.append(name)
        request.save(update_fields=sorted(set(fields)))
        # The request's payments carry a copy of its status (their display status on the
        # Payments tab is computed from it by the database): keep it in step, here only.
        Payment.objects.filter(payment_request_id=request.pk).exclude(request_status=to_status).update(
            request_status=to_status
        )
        history_record(
            payment_request=request,
            kind=kind,
            actor=actor,
            actor_label=actor_label,
            message=message,
            payment=payment,
            from_status=from_status,
            to_status=to_status,
            data=data,
        )
        for callback in on_commit or []:
            transaction.on_commit(callback)
    return request


# ---------------------------------------------------------------------------------------------
# Create and send
# ---------------------------------------------------------------------------------------------
def _stripe_account_for_team(team: Team) -> StripeAccount | None:
    try:
        from payments.accounts.selectors import stripe_account_for_team
    except ImportError:  # B1's selector not there yet: same rule, inline
        stripe_account_for_team = None
    if stripe_account_for_team is not None:
        return stripe_account_for_team(team)
    if team.stripe_account_id:
        return team.stripe_account
    return (
        StripeAccount.objects.filter(organization_id=team.organization_id, disconnected_at__isnull=True)
        .order_by("created_at", "id")
        .first()
    )


def _customer_contact_errors(*, customer: Customer, channel: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if channel in (PaymentRequest.Channel.SMS, PaymentRequest.Channel.BOTH):
        phone = customer.phone
        if not phone:
            errors["phone"] = ["The customer has no mobile phone number; add one or send by email."]
        elif not getattr(phone, "is_valid", lambda: False)():
            errors["phone"] = [f"The customer's phone number {phone} is not a valid mobile number."]
        elif customer.sms_opted_out:
            errors["phone"] = ["The customer replied STOP and has opted out of SMS; send by email."]
    if channel in (PaymentRequest.Channel.EMAIL, PaymentRequest.Channel.BOTH):
        if not customer.email:
            errors["email"] = ["The customer has no email address; add one or send by SMS."]
        else:
            try:
                validate_email(customer.email)
            except ValidationError:
                errors["email"] = [f"The customer's email address {customer.email!r} is not valid."]
    return errors


def payment_request_validate(
    *,
    user: User,
    team: Team | None,
    customer: Customer | None,
    amount_minor: Any,
    currency: str,
    description: str,
    reference: str,
    channel: str,
    opportunity: Opportunity | None = None,
) -> dict[str, list[str]]:
    """Every problem with a new request, by field (empty = fine). Nothing is written."""
    errors: dict[str, list[str]] = {}
    organization = user.organization
    if customer is None or customer.organization_id != organization.pk:
        errors["customer"] = ["Choose a customer of your dealership."]
    if opportunity is not None and (customer is None or opportunity.customer_id != customer.pk):
        errors["opportunity"] = ["This opportunity belongs to another customer."]
    if team is None or team.organization_id != organization.pk:
        errors["team"] = ["Choose one of your teams."]
    elif not team.payments_enabled:
        errors["team"] = [f"Payments are not enabled for the team {team.name}."]
    elif not permissions.can_request_payment(user, team):
        errors["team"] = [f"You can't request payments for the team {team.name}."]
    elif (account := _stripe_account_for_team(team)) is None or not account.charges_enabled:
        errors["team"] = [
            f"The team {team.name} has no Stripe account ready to take payments yet: "
            "an Admin connects one on the Admin tab, under Connections."
        ]

    org_currency = organization.currency
    if (currency or "").upper() != org_currency:
        errors["currency"] = [f"Payments are in {org_currency}, your dealership's currency."]
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        errors["amount"] = ["Enter an amount such as 125.50."]
    elif amount_minor <= 0:
        errors["amount"] = ["Enter an amount greater than zero."]
    elif amount_minor < STRIPE_MIN_CHARGE_MINOR:
        errors["amount"] = [
            f"Enter at least {format_minor(STRIPE_MIN_CHARGE_MINOR, org_currency)} (the smallest card payment)."
        ]
    elif amount_minor > organization.max_payment_minor:
        errors["amount"] = [
            f"The most you can request in one payment is {format_minor(organization.max_payment_minor, org_currency)}."
        ]
    if not (description or "").strip():
        errors["description"] = ["Describe what the payment is for."]
    elif len(description) > 500:
        errors["description"] = ["Keep the description under 500 characters."]
    if not (reference or "").strip():
        errors["reference"] = ["Enter the reference number (invoice or contract)."]
    elif len(reference.strip()) > 64:
        errors["reference"] = ["Keep the reference number under 64 characters."]
    if channel not in PaymentRequest.Channel.values:
        errors["channel"] = ["Choose SMS, email or both."]
    elif customer is not None and "customer" not in errors:
        errors.update(_customer_contact_errors(customer=customer, channel=channel))
    return errors


def payment_request_create(
    *,
    user: User,
    team: Team | None,
    customer: Customer | None,
    amount_minor: Any,
    description: str,
    reference: str,
    channel: str,
    allow_partial: bool = False,
    currency: str | None = None,
    opportunity: Opportunity | None = None,
    api_idempotency_key: str = "",
    resent_from: PaymentRequest | None = None,
) -> PaymentRequest:
    """Create a request and send it (messages queued after commit). All or nothing: any problem
    raises PaymentRequestError with every bad field in `extra["fields"]` and nothing is saved."""
    currency = (currency or user.organization.currency).upper()
    errors = payment_request_validate(
        user=user,
        team=team,
        customer=customer,
        amount_minor=amount_minor,
        currency=currency,
        description=description,
        reference=reference,
        channel=channel,
        opportunity=opportunity,
    )
    if errors:
        first_field = next(iter(errors))
        raise PaymentRequestError(errors[first_field][0], extra={"fields": errors})

    with transaction.atomic():
        request = PaymentRequest.objects.create(
            organization=user.organization,
            team=team,
            customer=customer,
            opportunity=opportunity,
            created_by=user,
            stripe_account=_stripe_account_for_team(team),
            amount_minor=amount_minor,
            currency=currency,
            description=description.strip(),
            reference=reference.strip(),
            channel=channel,
            allow_partial=bool(allow_partial),
            api_idempotency_key=api_idempotency_key,
            resent_from=resent_from,
        )
        history_record(
            payment_request=request,
            kind="created",
            actor=user,
            to_status=S.CREATED,
            message=f"{format_minor(amount_minor, currency)} requested by {PaymentRequest.Channel(channel).label}"
            + (f" (re-send of #{resent_from.pk})" if resent_from else ""),
            data={"resent_from": resent_from.pk} if resent_from else None,
        )
        request = payment_request_send(payment_request_id=request.pk, actor=user)
    return request


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def payment_request_send(*, payment_request_id: int, actor: User | None = None) -> PaymentRequest:
    """created -> sent: start the 24 h clock and queue the SMS and/or email with the pay link."""
    with transaction.atomic():
        request = PaymentRequest.objects.select_related("customer").get(pk=payment_request_id)
        channel, customer = request.channel, request.customer
        sent_to = []
        if channel in (PaymentRequest.Channel.SMS, PaymentRequest.Channel.BOTH):
            sent_to.append(f"SMS to {customer.phone}")
        if channel in (PaymentRequest.Channel.EMAIL, PaymentRequest.Channel.BOTH):
            sent_to.append(f"email to {customer.email}")
        lifetime = timedelta(hours=settings.PAYMENT_REQUEST_LIFETIME_HOURS)
        request = payment_request_move(
            payment_request_id=payment_request_id,
            to_status=S.SENT,
            kind="sent",
            actor=actor,
            message=_sentence(" and ".join(sent_to)),
            changes={"expires_at": _now() + lifetime},
            expected_from=(S.CREATED,),
        )
        request = PaymentRequest.objects.select_related("organization", "customer", "created_by").get(
            pk=request.pk
        )
        subject, body = texts.request_email_subject_and_body(request)
        customer_message_send(
            payment_request=request,
            purpose="payment_request",
            sms_body=texts.request_sms_text(request),
            email_subject=subject,
            email_body=body,
        )
    return request


def payment_request_resend(*, payment_request_id: int, user: User) -> PaymentRequest:
    """One click: a new request with the same customer, amount, texts and channel. Once: while
    an earlier re-send of it is open (or paid), a second click / API retry / colleague gets a
    Conflict instead of a second live pay link for the same debt (row lock on the original)."""
    with transaction.atomic():
        original = (
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("team", "customer", "opportunity")
            .get(pk=payment_request_id)
        )
        if not permissions.can_view_payment_request(user, original):
            raise NotFound("Payment request not found.")
        if original.status not in (S.EXPIRED, S.CANCELLED):
            raise Conflict(
                "Only an expired or cancelled request can be re-sent.", extra={"status": original.status}
            )
        live = original.resends.exclude(status__in=(S.EXPIRED, S.CANCELLED)).order_by("pk").first()
        if live is not None:
            raise Conflict(
                f"This request was already re-sent as request #{live.pk} "
                f"({live.get_status_display().lower()}).",
                extra={"status": original.status, "resent_as": live.pk},
            )
        return _payment_request_resend_create(original=original, user=user)


def _payment_request_resend_create(*, original: PaymentRequest, user: User) -> PaymentRequest:
    return payment_request_create(
        user=user,
        team=original.team,
        customer=original.customer,
        opportunity=original.opportunity,
        amount_minor=original.amount_minor,
        currency=original.currency,
        description=original.description,
        reference=original.reference,
        channel=original.channel,
        allow_partial=original.allow_partial,
        resent_from=original,
    )


# ---------------------------------------------------------------------------------------------
# Cancel and expire
# ---------------------------------------------------------------------------------------------
def _queue_checkout_session_expire(request: PaymentRequest) -> list[Callable[[], Any]]:
    if not request.checkout_session_id:
        return []
    from payments.requests.tasks import checkout_session_expire_task

    session_id = request.checkout_session_id
    request_id = request.pk
    return [lambda: checkout_session_expire_task.delay(request_id, session_id)]


def payment_request_cancel(*, payment_request_id: int, user: User) -> PaymentRequest:
    with transaction.atomic():
        request = PaymentRequest.objects.select_for_update(of=("self",)).get(pk=payment_request_id)
        if not permissions.can_view_payment_request(user, request):
            raise NotFound("Payment request not found.")
        if not permissions.can_cancel_payment_request(user, request):
            raise PermissionDenied("You can't cancel this payment request.")
        if request.status not in (S.CREATED, *OPEN_STATUSES):
            raise Conflict(
                f"This request is already {request.get_status_display().lower()}; only an open request can be cancelled.",
                extra={"status": request.status},
            )
        return payment_request_move(
            payment_request_id=request.pk,
            to_status=S.CANCELLED,
            kind="cancelled",
            actor=user,
            message="Cancelled by the advisor",
            on_commit=_queue_checkout_session_expire(request),
        )


def payment_request_expire_if_due(*, payment_request_id: int, now: datetime | None = None) -> PaymentRequest:
    """Expire the request if its link is past `expires_at`. Safe to call anywhere, any number of
    times: it is what makes expiry hold on use even when no sweep has run."""
    now = now or _now()
    with transaction.atomic():
        request = PaymentRequest.objects.select_for_update(of=("self",)).get(pk=payment_request_id)
        if request.status not in OPEN_STATUSES or request.expires_at is None or request.expires_at > now:
            return request
        return payment_request_move(
            payment_request_id=request.pk,
            to_status=S.EXPIRED,
            kind="expired",
            actor_label="system",
            message=f"Link expired {settings.PAYMENT_REQUEST_LIFETIME_HOURS} h after sending",
            on_commit=_queue_checkout_session_expire(request),
        )


def payment_request_checkout_session_expire(*, payment_request_id: int, session_id: str) -> None:
    """Close a Checkout Session of a request that is no longer payable (cancelled/expired). If
    the customer completed it meanwhile, the payment is recorded instead."""
    request = PaymentRequest.objects.select_related("stripe_account").get(pk=payment_request_id)
    account_id = request.stripe_account.stripe_id
    session = gateway.checkout_session_retrieve(account_id=account_id, session_id=session_id)
    if session.status == "open":
        try:
            session = gateway.checkout_session_expire(account_id=account_id, session_id=session_id)
        except gateway.InvalidRequest:
            session = gateway.checkout_session_retrieve(account_id=account_id, session_id=session_id)
    if session.status == "complete" and session.payment_intent_id:
        payment_record_from_intent(
            account_id=account_id,
            payment_intent_id=session.payment_intent_id,
            checkout_session_id=session.id,
            source="session_expire",
        )
    with transaction.atomic():
        request = PaymentRequest.objects.select_for_update(of=("self",)).get(pk=payment_request_id)
        if request.checkout_session_id == session_id and session.status == "expired":
            _checkout_session_remember(request, session_id="", url="", amount_minor=None)


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


def payment_request_open(*, token: str) -> PaymentRequest:
    """The customer opened the pay page: expire it if overdue, else mark the first visit."""
    request = payment_request_get_by_token(token=token)
    request = payment_request_expire_if_due(payment_request_id=request.pk)
    if request.status == S.SENT:
        try:
            payment_request_move(
                payment_request_id=request.pk,
                to_status=S.OPENED,
                kind="opened",
                actor_label="customer",
                message="The customer opened the pay page",
                expected_from=(S.SENT,),
            )
        except Conflict:
            pass  # opened (or paid) by a concurrent visit
    return payment_request_get_by_token(token=token)


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
    return LinkUnavailable(
        f"This payment request is {request.get_status_display().lower()}.", extra={"status": request.status}
    )


def payment_request_checkout_start(*, token: str, amount_minor: int | None = None) -> str:
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
        now = _now()
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
            if session.status == "open" and session.amount_total == amount:
                return session.url
            if session.status == "complete":
                completed = session  # paid, and the news hasn't reached us yet
            elif session.status == "open":  # another amount chosen: close the old session first
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
    return _checkout_session_create(payment_request_id=request.pk, amount=amount)


def _checkout_session_create(*, payment_request_id: int, amount: int) -> str:
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
        )
        _checkout_session_remember(request, session_id=session.id, url=session.url, amount_minor=amount)
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


# ---------------------------------------------------------------------------------------------
# Recording payments
# ---------------------------------------------------------------------------------------------
def _request_for_intent(*, account_id: str, intent: gateway.PaymentIntentInfo) -> PaymentRequest | None:
    request_id = (intent.metadata or {}).get("payment_request_id")
    if not request_id or not str(request_id).isdigit():
        return None
    request = PaymentRequest.objects.select_related("stripe_account").filter(pk=int(request_id)).first()
    if request is None or request.stripe_account is None or request.stripe_account.stripe_id != account_id:
        logger.warning("PaymentIntent %s names request %s of another account", intent.id, request_id)
        return None
    return request


def _method_of(intent: gateway.PaymentIntentInfo) -> str:
    if intent.payment_method_type == Payment.Method.AFTERPAY:
        return Payment.Method.AFTERPAY
    return Payment.Method.CARD


def _payment_fields(
    *, request: PaymentRequest, intent: gateway.PaymentIntentInfo, checkout_session_id: str
) -> dict:
    return {
        "organization_id": request.organization_id,
        "team_id": request.team_id,
        "payment_request": request,
        "customer_id": request.customer_id,
        "advisor_id": request.created_by_id,
        "stripe_account_id": request.stripe_account_id,
        "stripe_charge_id": intent.latest_charge_id or "",
        "checkout_session_id": checkout_session_id or "",
        "reference": request.reference,
        "request_status": request.status,
        "request_amount_minor": request.amount_minor,
        "currency": (intent.currency or request.currency).upper(),
        "method": _method_of(intent),
        "card_brand": intent.card_brand or "",
        "card_last4": intent.card_last4 or "",
        "card_funding": intent.card_funding or "",
        "occurred_at": _charged_at(intent),
    }


def _charged_at(intent: gateway.PaymentIntentInfo) -> datetime:
    """When the customer paid (or the attempt failed): Stripe's time of the charge, not when we
    heard of it. A payment recovered hours later by the missed-event sync keeps its real date
    (and day) on the Payments tab and in the reports."""
    if intent.charge_created:
        return datetime.fromtimestamp(intent.charge_created, tz=UTC)
    return _now()


@dataclass(frozen=True, slots=True)
class FailedAttempt:
    """A declined charge as a `payment_intent.payment_failed` event saw it. Checkout retries on the
    SAME PaymentIntent, so by the time a (late) event is processed Stripe may already say
    "succeeded": the event's own snapshot is then the only record of the failed attempt."""

    charge_id: str
    failure_code: str
    failure_message: str
    card_brand: str = ""
    card_last4: str = ""
    occurred_at: datetime | None = None


def payment_record_from_intent(
    *,
    account_id: str,
    payment_intent_id: str,
    checkout_session_id: str = "",
    source: str,
    failed_attempt: FailedAttempt | None = None,
) -> Payment | None:
    """Record what Stripe says about a PaymentIntent of one of our requests. Called by the
    success return and by webhooks, in any order, concurrently: exactly ONE Payment per
    PaymentIntent (row lock on the request + unique `stripe_payment_intent_id`). A succeeded
    intent moves the request to paid / partially paid; a failed one is recorded as a failed
    attempt and the request stays open. Never moves anything backwards."""
    intent = gateway.payment_intent_retrieve(account_id=account_id, payment_intent_id=payment_intent_id)
    request = _request_for_intent(account_id=account_id, intent=intent)
    if request is None:
        return None
    if intent.status == "succeeded":
        if failed_attempt is not None and failed_attempt.charge_id != (intent.latest_charge_id or ""):
            _payment_attempt_failed_record_late(request_id=request.pk, intent=intent, attempt=failed_attempt)
        return _payment_record_succeeded(
            request_id=request.pk, intent=intent, checkout_session_id=checkout_session_id, source=source
        )
    if (
        intent.failure_code
        or intent.failure_message
        or intent.status in ("requires_payment_method", "canceled")
    ):
        if intent.latest_charge_id or intent.failure_code or intent.failure_message:
            return _payment_record_failed(
                request_id=request.pk, intent=intent, checkout_session_id=checkout_session_id
            )
    return Payment.objects.filter(stripe_payment_intent_id=intent.id).first()


def _payment_record_succeeded(
    *, request_id: int, intent: gateway.PaymentIntentInfo, checkout_session_id: str, source: str
) -> Payment:
    try:
        with transaction.atomic():
            request = (
                PaymentRequest.objects.select_for_update(of=("self",))
                .select_related("organization")
                .get(pk=request_id)
            )
            payment = (
                Payment.objects.select_for_update(of=("self",))
                .filter(stripe_payment_intent_id=intent.id)
                .first()
            )
            if payment is not None and payment.status != Payment.Status.FAILED:
                return payment  # already recorded (the other of return/webhook got here first)
            amount = int(intent.amount_received or intent.amount)
            fee = intent.application_fee_amount
            if fee is None:
                fee = application_fee_for(organization=request.organization, amount_minor=amount)
            fields = _payment_fields(request=request, intent=intent, checkout_session_id=checkout_session_id)
            fields.update(amount_minor=amount, fee_minor=int(fee), status=Payment.Status.SUCCEEDED)
            fields.update(failure_code="", failure_message="")
            if payment is None:
                payment = Payment.objects.create(stripe_payment_intent_id=intent.id, **fields)
            else:  # the same PaymentIntent failed first, then a card went through
                for name, value in fields.items():
                    setattr(payment, name, value)
                payment.save()
            paid_total = request.amount_paid_minor + amount
            to_status = S.PAID if paid_total >= request.amount_minor else S.PARTIALLY_PAID
            payment_id = payment.pk
            changes = {"amount_paid_minor": paid_total}
            if request.checkout_session_id == checkout_session_id or not checkout_session_id:
                changes.update(
                    checkout_session_id="", checkout_session_url="", checkout_session_amount_minor=None
                )
            method_text = (
                f"{payment.card_brand.title()} •••• {payment.card_last4}".strip()
                if payment.method == Payment.Method.CARD
                else "Afterpay/Clearpay installments"
            )
            if not payment_request_can_move(
                from_status=request.status, to_status=to_status, kind=PAYMENT_KIND
            ):
                # Already paid in full and another charge succeeded: keep it (refund is the Payments
                # tab's call), never drop money that was taken.
                request.amount_paid_minor = paid_total
                request.save(update_fields=["amount_paid_minor", "updated_at"])
                history_record(
                    payment_request=request,
                    kind="payment_succeeded_extra",
                    actor_label="customer",
                    payment=payment,
                    message=f"Another payment of {format_minor(amount, payment.currency)} arrived after the request was paid",
                    data={"payment_intent": intent.id, "source": source},
                )
                transaction.on_commit(lambda: _queue_after_payment(payment_id))
                return payment
            payment_request_move(
                payment_request_id=request.pk,
                to_status=to_status,
                kind=PAYMENT_KIND,
                actor_label="customer",
                payment=payment,
                message=f"Paid {format_minor(amount, payment.currency)} ({method_text})",
                data={"payment_intent": intent.id, "source": source, "charge": intent.latest_charge_id},
                changes=changes,
                on_commit=[lambda: _queue_after_payment(payment_id)],
            )
            return payment
    except IntegrityError:
        # A concurrent recorder won the unique constraint: theirs is the one payment.
        return Payment.objects.get(stripe_payment_intent_id=intent.id)


def _payment_record_failed(
    *, request_id: int, intent: gateway.PaymentIntentInfo, checkout_session_id: str
) -> Payment:
    try:
        with transaction.atomic():
            request = PaymentRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
            payment = (
                Payment.objects.select_for_update(of=("self",))
                .filter(stripe_payment_intent_id=intent.id)
                .first()
            )
            if payment is not None and payment.status != Payment.Status.FAILED:
                return payment  # succeeded later (or refunded): never move back to failed
            if payment is not None and payment.stripe_charge_id == (intent.latest_charge_id or ""):
                return payment  # this very attempt is already recorded
            fields = _payment_fields(request=request, intent=intent, checkout_session_id=checkout_session_id)
            fields.update(
                amount_minor=int(intent.amount),
                fee_minor=0,
                status=Payment.Status.FAILED,
                failure_code=(intent.failure_code or "")[:60],
                failure_message=(intent.failure_message or "The payment was declined.")[:300],
            )
            if payment is None:
                payment = Payment.objects.create(stripe_payment_intent_id=intent.id, **fields)
            else:
                for name, value in fields.items():
                    setattr(payment, name, value)
                payment.save()
            card = f"{payment.card_brand.title()} •••• {payment.card_last4}".strip(" •")
            history_record(
                payment_request=request,
                kind="attempt_failed",
                actor_label="customer",
                payment=payment,
                message=f"Payment attempt failed{f' ({card})' if card else ''}: {payment.failure_message}",
                data={
                    "payment_intent": intent.id,
                    "charge": intent.latest_charge_id,
                    "failure_code": intent.failure_code,
                    "card_brand": payment.card_brand,
                    "card_last4": payment.card_last4,
                },
            )
            return payment
    except IntegrityError:
        return Payment.objects.get(stripe_payment_intent_id=intent.id)


def _payment_attempt_failed_record_late(
    *, request_id: int, intent: gateway.PaymentIntentInfo, attempt: FailedAttempt
) -> None:
    """The PaymentIntent already succeeded when its earlier failure was processed: keep the
    failed attempt in the history (once per charge), dated when it happened. The Payment row
    is the succeeded one and is left alone."""
    with transaction.atomic():
        request = PaymentRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
        recorded = PaymentRequestEvent.objects.filter(payment_request=request, kind="attempt_failed")
        if attempt.charge_id and any(
            (data or {}).get("charge") == attempt.charge_id
            for data in recorded.values_list("data", flat=True)
        ):
            return
        card = f"{attempt.card_brand.title()} •••• {attempt.card_last4}".strip(" •")
        message = attempt.failure_message or "The payment was declined."
        history_record(
            payment_request=request,
            kind="attempt_failed",
            actor_label="customer",
            payment=Payment.objects.filter(stripe_payment_intent_id=intent.id).first(),
            message=f"Payment attempt failed{f' ({card})' if card else ''}: {message}",
            data={
                "payment_intent": intent.id,
                "charge": attempt.charge_id,
                "failure_code": attempt.failure_code,
                "card_brand": attempt.card_brand,
                "card_last4": attempt.card_last4,
                "occurred_at": attempt.occurred_at.isoformat() if attempt.occurred_at else None,
            },
        )


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
        _checkout_session_remember(request, session_id="", url="", amount_minor=None)
        history_record(
            payment_request=request,
            kind="checkout_expired",
            actor_label="stripe",
            message="The Stripe Checkout page expired",
            data={"session_id": session_id},
        )


# ---------------------------------------------------------------------------------------------
# After a payment: receipts and the advisor's notification
# ---------------------------------------------------------------------------------------------
def _queue_after_payment(payment_id: int) -> None:
    from payments.requests.tasks import payment_after_success_task

    payment_after_success_task.delay(payment_id)


def payment_after_success(*, payment_id: int) -> None:
    """Receipt to the customer by the request's channel(s) and the advisor's in-app notification
    and email. Safe to run twice: each is written once (a history row per payment marks it done)."""
    from notifications.models import Notification
    from notifications.services import email_send

    request_id = Payment.objects.filter(pk=payment_id).values_list("payment_request_id", flat=True).first()
    if request_id is None:
        return
    with transaction.atomic():
        # Lock order: the request first, then the payment (as everywhere else).
        PaymentRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("payment_request__organization", "payment_request__customer", "advisor")
            .get(pk=payment_id)
        )
        if payment.status == Payment.Status.FAILED:
            return
        request = payment.payment_request
        customer = request.customer
        done = set(
            PaymentRequestEvent.objects.filter(
                payment=payment, kind__in=("receipt_sent", "advisor_notified")
            ).values_list("kind", flat=True)
        )
        if "receipt_sent" not in done:
            subject, body = texts.receipt_email_subject_and_body(payment)
            sent = customer_message_send(
                payment_request=request,
                purpose="receipt",
                sms_body=texts.receipt_sms_text(payment),
                email_subject=subject,
                email_body=body,
            )
            history_record(
                payment_request=request,
                kind="receipt_sent",
                payment=payment,
                message=f"Receipt sent by {' and '.join(sent) or 'no channel (opted out)'}",
            )
        advisor = payment.advisor
        title = f"{customer.name} paid {format_minor(payment.amount_minor, payment.currency)} (ref {request.reference})"
        if "advisor_notified" not in done:
            Notification.objects.create(
                user=advisor,
                title=title,
                body=f"{request.description} · request is {request.get_status_display().lower()}",
                url=f"/requests/{request.pk}/",
                payment_request=request,
            )
            if advisor.email:
                subject, body = texts.advisor_paid_email_subject_and_body(payment)
                email_send(
                    organization=request.organization,
                    to=advisor.email,
                    subject=subject,
                    body=body,
                    purpose="advisor_paid",
                    payment_request=request,
                )
            history_record(
                payment_request=request,
                kind="advisor_notified",
                payment=payment,
                message=f"{advisor.name} notified in the app and by email",
            )


# ---------------------------------------------------------------------------------------------
# Reminders
# ---------------------------------------------------------------------------------------------
def in_quiet_hours(*, when: datetime, time_zone: str) -> bool:
    local = when.astimezone(ZoneInfo(time_zone))
    start, end = QUIET_HOURS
    return local.hour >= start or local.hour < end


def reminder_due_from(*, expires_at: datetime, hours_before: int, time_zone: str) -> datetime:
    """When the reminder becomes due: `hours_before` the expiry; but if that whole window lies in
    one quiet-hours night (e.g. a link expiring at 01:00), from 20:00 the evening before, so the
    customer still gets it before quiet hours start."""
    due_from = expires_at - timedelta(hours=hours_before)
    tz = ZoneInfo(time_zone)
    local = due_from.astimezone(tz)
    start_hour, end_hour = QUIET_HOURS
    if not in_quiet_hours(when=due_from, time_zone=time_zone):
        return due_from
    night = local if local.hour >= start_hour else local - timedelta(days=1)
    quiet_start = night.replace(hour=start_hour, minute=0, second=0, microsecond=0)
    quiet_end = (night + timedelta(days=1)).replace(hour=end_hour, minute=0, second=0, microsecond=0)
    if expires_at.astimezone(tz) <= quiet_end:
        return (quiet_start - timedelta(hours=1)).astimezone(due_from.tzinfo)
    return due_from


def payment_request_remind(*, payment_request_id: int, now: datetime | None = None) -> bool:
    """Send the one reminder if it is due now (organization setting on, within N hours of
    expiry (see `reminder_due_from`), not yet sent, still unpaid, outside quiet hours). True
    when it was sent."""

    now = now or _now()
    with transaction.atomic():
        request = (
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("organization", "customer", "created_by")
            .get(pk=payment_request_id)
        )
        org = request.organization
        if (
            not org.reminders_enabled
            or request.reminder_sent_at is not None
            or request.status not in (S.SENT, S.OPENED)
            or request.expires_at is None
            or not (
                reminder_due_from(
                    expires_at=request.expires_at,
                    hours_before=org.reminder_hours_before_expiry,
                    time_zone=org.time_zone,
                )
                <= now
                < request.expires_at
            )
            or in_quiet_hours(when=now, time_zone=org.time_zone)
        ):
            return False
        subject, body = texts.reminder_email_subject_and_body(request)
        sent = customer_message_send(
            payment_request=request,
            purpose="payment_reminder",
            sms_body=texts.reminder_sms_text(request),
            email_subject=subject,
            email_body=body,
        )
        request.reminder_sent_at = now
        request.save(update_fields=["reminder_sent_at", "updated_at"])
        history_record(
            payment_request=request,
            kind="reminder_sent",
            actor_label="system",
            message=f"Reminder sent by {' and '.join(sent) or 'no channel (opted out)'}",
        )
        return bool(sent)


# ---------------------------------------------------------------------------------------------
# Delivery status (Twilio callbacks) on the request's history
# ---------------------------------------------------------------------------------------------
def payment_request_delivery_recorded(
    *, payment_request_id: int, message_id: int, status: str, error: str = ""
) -> None:
    request = PaymentRequest.objects.get(pk=payment_request_id)
    history_record(
        payment_request=request,
        kind=status,  # delivered | undelivered | failed
        actor_label="twilio",
        message=f"SMS {status}" + (f": {error}" if error else ""),
        data={"message_id": message_id},
    )


def _checkout_session_remember(
    request: PaymentRequest, *, session_id: str, url: str, amount_minor: int | None
) -> None:
    """Remember (or, with empty values, forget) the Checkout Session offered to the customer.
    The caller holds the request's row lock."""
    request.checkout_session_id = session_id
    request.checkout_session_url = url
    request.checkout_session_amount_minor = amount_minor
    request.save(
        update_fields=[
            "checkout_session_id",
            "checkout_session_url",
            "checkout_session_amount_minor",
            "updated_at",
        ]
    )
