"""Create, send, re-send and cancel a payment request (every move goes through states.payment_request_move)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import Conflict, NotFound, PermissionDenied
from core.money import format_minor
from organizations import permissions
from payments.accounts.selectors import stripe_account_for_team
from payments.models import PaymentRequest
from payments.requests import messages as texts
from payments.requests.caps import customer_request_cap_error
from payments.requests.customer_messages import customer_message_send
from payments.requests.expiry import checkout_session_expire_callbacks
from payments.requests.history import history_record
from payments.requests.states import OPEN_STATUSES, PaymentRequestError, S, payment_request_move

if TYPE_CHECKING:
    from customers.models import Customer, Opportunity
    from organizations.models import User
    from teams.models import Team


def _english(label) -> str:
    with translation.override("en"):
        return str(label)


STRIPE_MIN_CHARGE_MINOR = 50  # Stripe's smallest card charge in USD and CAD: 0.50


# ---------------------------------------------------------------------------------------------
# Create and send
# ---------------------------------------------------------------------------------------------
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
    elif cap_error := customer_request_cap_error(organization=organization, customer=customer):
        errors["customer"] = [cap_error]
    if opportunity is not None and (customer is None or opportunity.customer_id != customer.pk):
        errors["opportunity"] = ["This opportunity belongs to another customer."]
    if team is None or team.organization_id != organization.pk:
        errors["team"] = ["Choose one of your teams."]
    elif not team.payments_enabled:
        errors["team"] = [f"Payments are not enabled for the team {team.name}."]
    elif not permissions.can_request_payment(user, team):
        errors["team"] = [f"You can't request payments for the team {team.name}."]
    elif (account := stripe_account_for_team(team)) is None or not account.charges_enabled:
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
            stripe_account=stripe_account_for_team(team),
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
            # History is stored in English (the channel's English name, whoever sends).
            message=f"{format_minor(amount_minor, currency)} requested by {_english(PaymentRequest.Channel(channel).label)}"
            + (f" (re-send of #{resent_from.pk})" if resent_from else ""),
            # What the history renders in the reader's language (payments/requests/history_text.py).
            data={"amount_minor": amount_minor, "channel": channel}
            | ({"resent_from": resent_from.pk} if resent_from else {}),
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
            data={"sent_to": [[part.split(" ")[0], part.split(" ")[-1]] for part in sent_to]},
            changes={"expires_at": timezone.now() + lifetime},
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


def payment_request_resend(
    *, payment_request_id: int, user: User, changes: dict[str, Any] | None = None
) -> PaymentRequest:
    """A new request for the same customer, with the same amount, texts and channel unless
    `changes` (team, amount_minor, description, reference, channel, allow_partial: what the advisor
    edited on the pre-filled form) says otherwise. Once: while
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
        payment_request_resend_check(original=original)
        return _payment_request_resend_create(original=original, user=user, changes=changes or {})


def payment_request_resend_check(*, original: PaymentRequest) -> None:
    """Raises Conflict unless `original` may be re-sent now: expired or cancelled, and no re-send of it
    open or paid. Asked before the confirmation step too, so the advisor isn't asked to confirm a
    re-send that would be refused."""
    if original.status not in (S.EXPIRED, S.CANCELLED):
        raise Conflict(
            "Only an expired or cancelled request can be re-sent.", extra={"status": original.status}
        )
    live = original.resends.exclude(status__in=(S.EXPIRED, S.CANCELLED)).order_by("pk").first()
    if live is not None:
        raise Conflict(
            _("This request was already re-sent as request #%(number)s (%(status)s).")
            % {"number": live.pk, "status": live.get_status_display().lower()},
            extra={"status": original.status, "resent_as": live.pk},
        )


RESEND_EDITABLE = ("team", "amount_minor", "description", "reference", "channel", "allow_partial")


def _payment_request_resend_create(*, original: PaymentRequest, user: User, changes: dict) -> PaymentRequest:
    values = {name: changes.get(name, getattr(original, name)) for name in RESEND_EDITABLE}
    return payment_request_create(
        user=user,
        customer=original.customer,
        opportunity=original.opportunity,
        currency=original.currency,
        resent_from=original,
        **values,
    )


def payment_request_link_send_again(*, payment_request_id: int, user: User) -> PaymentRequest:
    """An open request's link sent again by the same channel: same request, same link, same
    expiry (nothing new to pay). The messages go through customer_message_send like any other, so
    they count against the customer's message limits."""
    with transaction.atomic():
        request = (
            PaymentRequest.objects.select_for_update(of=("self",))
            .select_related("organization", "customer", "created_by")
            .get(pk=payment_request_id)
        )
        if not permissions.can_cancel_payment_request(user, request):
            raise NotFound("Payment request not found.")
        if request.status not in OPEN_STATUSES:
            raise Conflict("Only an open request's link can be sent again.", extra={"status": request.status})
        history_record(
            payment_request=request,
            kind="link_sent_again",
            actor=user,
            from_status=request.status,
            to_status=request.status,
            message=f"Link sent again by {request.get_channel_display()}",
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


def payment_request_cancel(*, payment_request_id: int, user: User) -> PaymentRequest:
    with transaction.atomic():
        request = PaymentRequest.objects.select_for_update(of=("self",)).get(pk=payment_request_id)
        if not permissions.can_view_payment_request(user, request):
            raise NotFound("Payment request not found.")
        if not permissions.can_cancel_payment_request(user, request):
            raise PermissionDenied("You can't cancel this payment request.")
        if request.status not in (S.CREATED, *OPEN_STATUSES):
            raise Conflict(
                _("This request is already %(status)s; only an open request can be cancelled.")
                % {"status": request.get_status_display().lower()},
                extra={"status": request.status},
            )
        return payment_request_move(
            payment_request_id=request.pk,
            to_status=S.CANCELLED,
            kind="cancelled",
            actor=user,
            message="Cancelled by the advisor",
            on_commit=checkout_session_expire_callbacks(request),
        )
