"""Charging a saved card without the customer (merchant-initiated): once on behalf of the customer,
for an installment, in a bulk run, or as a retry.

Every charge is a PaymentRequest (so it lands on the Payments tab like any payment, method "saved
card") plus a CardCharge row written with status SENDING BEFORE Stripe is called. The call's
idempotency key is `card-charge-<CardCharge id>`: a crash, a task retry, a 429 back-off or a double
submit can only ever replay the same PaymentIntent, never charge twice.

Outcomes: succeeded -> the Payment is recorded and the customer gets a receipt; declined -> a failed
attempt, retried on the organization's schedule when the decline is soft (retries.py);
authentication_required -> the request is sent to the customer as a normal pay link (Checkout knows
the Stripe Customer, so the card is offered and 3-D Secure runs there)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, PermissionDenied
from core.i18n import amount_input_text, money_text
from core.money import format_minor
from core.rate_limit import TokenBucket
from organizations import permissions
from payments import gateway
from payments.fees import application_fee_for
from payments.models import CardCharge, PaymentRequest, SavedCard
from payments.requests.history import history_record
from payments.requests.recording import payment_record_from_intent, payment_record_from_intent_info
from payments.requests.sending import STRIPE_MIN_CHARGE_MINOR, payment_request_send
from payments.requests.states import PaymentRequestError, S

if TYPE_CHECKING:
    from organizations.models import User
    from teams.models import Team

logger = logging.getLogger(__name__)


def charge_bucket() -> TokenBucket:
    """One bucket for every off-session charge of every worker (Stripe's limit is per platform)."""
    return TokenBucket(
        name="stripe-card-charges",
        rate=settings.CARD_CHARGE_RATE_PER_SECOND,
        burst=settings.CARD_CHARGE_RATE_BURST,
    )


def _channel_for(customer) -> str:
    if customer.phone and not customer.sms_opted_out and customer.email:
        return PaymentRequest.Channel.BOTH
    return PaymentRequest.Channel.SMS if customer.phone else PaymentRequest.Channel.EMAIL


def card_chargeable(saved_card: SavedCard | None) -> str:
    """Why this card can't be charged by staff ("" = it can)."""
    if saved_card is None:
        return _("No saved card.")
    if saved_card.status != SavedCard.Status.ACTIVE:
        return _("The card was removed.")
    if not saved_card.consents.exists():
        return _("No consent on record for this card.")
    return ""


def card_charge_validate(
    *, user: User | None, saved_card: SavedCard, team: Team, amount_minor, description: str, reference: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    organization = saved_card.customer.organization
    if user is not None and not permissions.can_charge_saved_card(user, team):
        errors["team"] = [_("You can't charge saved cards for this team.")]
    if team.organization_id != organization.pk or not team.payments_enabled:
        errors["team"] = [_("Choose one of your teams with payments enabled.")]
    problem = card_chargeable(saved_card)
    if problem:
        errors["card"] = [problem]
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        errors["amount"] = [_("Enter an amount such as %(example)s") % {"example": amount_input_text(12550)}]
    elif amount_minor < STRIPE_MIN_CHARGE_MINOR:
        errors["amount"] = [
            _("Enter at least %(amount)s.")
            % {"amount": money_text(STRIPE_MIN_CHARGE_MINOR, organization.currency)}
        ]
    elif amount_minor > organization.max_payment_minor:
        errors["amount"] = [
            _("The most you can charge at once is %(amount)s.")
            % {"amount": money_text(organization.max_payment_minor, organization.currency)}
        ]
    if not (description or "").strip() or len(description) > 500:
        errors["description"] = [_("Describe what the charge is for (under 500 characters).")]
    if not (reference or "").strip() or len(reference.strip()) > 64:
        errors["reference"] = [_("Enter the reference number (under 64 characters).")]
    return errors


def card_charge_prepare(
    *,
    user: User | None,
    created_by: User,
    saved_card: SavedCard,
    team: Team,
    amount_minor,
    description: str,
    reference: str,
    kind: str = CardCharge.Kind.SINGLE,
    submission_key: str = "",
    installment=None,
    bulk_item=None,
    look_first: bool = True,
) -> CardCharge:
    """Write the request and the charge (status SENDING); nothing is sent to Stripe yet.

    `submission_key` (the confirmation form's one-time key, or the API's Idempotency-Key) makes a
    double submit return the first charge instead of a second one. With look_first=False (a bulk
    run's item, which almost never has one yet) the write is tried first and the unique key finds the
    earlier charge instead (the attempted write is rolled back): one read less per charge."""
    if submission_key and look_first:
        existing = CardCharge.objects.filter(
            organization_id=saved_card.organization_id, api_idempotency_key=submission_key
        ).first()
        if existing is not None:
            return existing
    errors = card_charge_validate(
        user=user,
        saved_card=saved_card,
        team=team,
        amount_minor=amount_minor,
        description=description,
        reference=reference,
    )
    if errors:
        raise PaymentRequestError(errors[next(iter(errors))][0], extra={"fields": errors})
    organization = saved_card.customer.organization
    currency = organization.currency
    try:
        with transaction.atomic():
            request = PaymentRequest.objects.create(
                organization=organization,
                team=team,
                customer=saved_card.customer,
                created_by=created_by,
                stripe_account=saved_card.stripe_customer.stripe_account,
                amount_minor=amount_minor,
                currency=currency,
                description=description.strip(),
                reference=reference.strip(),
                channel=_channel_for(saved_card.customer),
            )
            history_record(
                payment_request=request,
                kind="created",
                actor=created_by,
                to_status=S.CREATED,
                message=f"{format_minor(amount_minor, currency)} to charge on the saved card {saved_card.label}",
                data={"amount_minor": amount_minor, "saved_card": saved_card.label},
            )
            return CardCharge.objects.create(
                organization=organization,
                customer=saved_card.customer,
                saved_card=saved_card,
                payment_request=request,
                created_by=created_by,
                kind=kind,
                amount_minor=amount_minor,
                currency=currency,
                fee_minor=application_fee_for(organization=organization, amount_minor=amount_minor),
                installment=installment,
                bulk_item=bulk_item,
                api_idempotency_key=submission_key,
            )
    except IntegrityError:
        if not submission_key:
            raise
        return CardCharge.objects.get(organization_id=organization.pk, api_idempotency_key=submission_key)


def card_charge_retry_prepare(*, previous: CardCharge) -> CardCharge:
    """The next attempt for the same request (a new row, so a new idempotency key)."""
    try:
        with transaction.atomic():
            return CardCharge.objects.create(
                organization_id=previous.organization_id,
                customer_id=previous.customer_id,
                saved_card_id=previous.saved_card_id,
                payment_request_id=previous.payment_request_id,
                created_by_id=previous.created_by_id,
                kind=previous.kind,
                attempt=previous.attempt + 1,
                amount_minor=previous.amount_minor,
                currency=previous.currency,
                fee_minor=previous.fee_minor,
                installment_id=previous.installment_id,
                bulk_item_id=previous.bulk_item_id,
            )
    except IntegrityError:  # a concurrent sweep made it
        return CardCharge.objects.get(
            payment_request_id=previous.payment_request_id, attempt=previous.attempt + 1
        )


def card_charge_submit(
    *, charge_id: int, wait_for_token: bool = True, loaded: CardCharge | None = None
) -> CardCharge:
    """Send a SENDING charge to Stripe (again, after a crash: the same key replays the same intent).
    GatewayUnavailable (network, 5xx, 429 after the gateway's back-off) propagates: the caller retries
    later with the same key. `loaded`: the charge row as its caller just wrote or read it, with its
    card and request (a bulk run's item), so it isn't read again; its status is checked all the same
    when it is finished (_charge_finish updates only a SENDING row)."""
    if loaded is not None and loaded.pk == charge_id and loaded.status == CardCharge.Status.SENDING:
        charge = loaded
    else:
        charge = CardCharge.objects.select_related(
            "saved_card__stripe_customer__stripe_account", "payment_request"
        ).get(pk=charge_id)
    if charge.status != CardCharge.Status.SENDING:
        return charge
    card = charge.saved_card
    if card.status != SavedCard.Status.ACTIVE:
        return _charge_finish(
            charge,
            status=CardCharge.Status.FAILED,
            failure_code="card_removed",
            message="The card was removed before it could be charged.",
        )
    if wait_for_token:
        charge_bucket().acquire(max_wait=120)
    account_id = card.stripe_customer.stripe_account.stripe_id
    try:
        intent = gateway.off_session_charge_create(
            account_id=account_id,
            customer_id=card.stripe_customer.stripe_customer_id,
            payment_method_id=card.stripe_payment_method_id,
            amount_minor=charge.amount_minor,
            currency=charge.currency,
            application_fee_minor=charge.fee_minor,
            description=charge.payment_request.description,
            metadata={
                "payment_request_id": str(charge.payment_request_id),
                "card_charge_id": str(charge.pk),
                "organization_id": str(charge.organization_id),
                "reference": charge.payment_request.reference[:64],
            },
            idempotency_key=charge.idempotency_key,
        )
    except gateway.CardError as exc:
        return _charge_declined(charge, exc, account_id=account_id)
    charge = _charge_finish(charge, status=CardCharge.Status.SUCCEEDED, payment_intent_id=intent.id)
    payment_record_from_intent_info(account_id=account_id, intent=intent, source="card_charge")
    return charge


def _charge_finish(
    charge: CardCharge,
    *,
    status: str,
    payment_intent_id: str = "",
    failure_code: str = "",
    decline_code: str = "",
    advice_code: str = "",
    message: str = "",
) -> CardCharge:
    fields = {
        "status": status,
        "stripe_payment_intent_id": payment_intent_id or charge.stripe_payment_intent_id,
        "failure_code": failure_code[:60],
        "decline_code": decline_code[:60],
        "advice_code": advice_code[:60],
        "failure_message": message[:300],
        "updated_at": timezone.now(),
    }
    with transaction.atomic():
        updated = CardCharge.objects.filter(pk=charge.pk, status=CardCharge.Status.SENDING).update(**fields)
        if not updated:  # another runner finished it first: theirs is the outcome
            charge.refresh_from_db()
            return charge
        for name, value in fields.items():
            setattr(charge, name, value)
        if charge.installment_id:
            from payments.cards.plans import installment_charge_finished  # noqa: PLC0415 - plans import charges

            installment_charge_finished(charge=charge)
    return charge


def _charge_declined(charge: CardCharge, exc: gateway.CardError, *, account_id: str) -> CardCharge:
    intent_id = getattr(exc, "payment_intent_id", "") or ""
    decline = exc.decline_code or exc.code or ""
    if exc.code == "authentication_required" or decline == "authentication_required":
        charge = _charge_finish(
            charge,
            status=CardCharge.Status.AUTHENTICATION_REQUIRED,
            payment_intent_id=intent_id,
            failure_code="authentication_required",
            decline_code=decline,
            message="The bank asked the customer to confirm: a pay link was sent to them.",
        )
        request = charge.payment_request
        if request.status == S.CREATED:
            payment_request_send(payment_request_id=request.pk, actor=None)
        return charge
    charge = _charge_finish(
        charge,
        status=CardCharge.Status.FAILED,
        payment_intent_id=intent_id,
        failure_code=exc.code or "card_declined",
        decline_code=decline,
        advice_code=getattr(exc, "advice_code", "") or "",
        message=str(exc),
    )
    if intent_id:
        try:  # the failed attempt on the Payments tab
            payment_record_from_intent(
                account_id=account_id, payment_intent_id=intent_id, source="card_charge"
            )
        except gateway.GatewayError:
            logger.warning("card charge %s: failed attempt %s not recorded yet", charge.pk, intent_id)
    from payments.cards.retries import card_charge_failed  # noqa: PLC0415 - retries import charges

    card_charge_failed(charge=charge)
    return charge


def card_charge_on_behalf(
    *,
    user: User,
    saved_card: SavedCard,
    team: Team,
    amount_minor,
    description: str,
    reference: str,
    submission_key: str,
) -> CardCharge:
    """Staff charge a saved card (after the confirmation step): prepare, then submit now."""
    if not permissions.can_charge_saved_card(user, team):
        raise PermissionDenied(_("You can't charge saved cards."))
    charge = card_charge_prepare(
        user=user,
        created_by=user,
        saved_card=saved_card,
        team=team,
        amount_minor=amount_minor,
        description=description,
        reference=reference,
        submission_key=submission_key,
    )
    if charge.status != CardCharge.Status.SENDING:
        return charge
    try:
        return card_charge_submit(charge_id=charge.pk)
    except gateway.GatewayUnavailable:
        from payments.cards.tasks import card_charge_submit_queue  # noqa: PLC0415

        card_charge_submit_queue(charge.pk)  # same row, same key, later
        raise Conflict(_("Stripe is busy: the charge will be sent in a moment."), extra={"charge": charge.pk})
