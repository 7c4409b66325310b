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
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, PermissionDenied
from core.money import format_minor
from core.rate_limit import TokenBucket
from organizations import permissions
from payments import gateway
from payments.cards.checks import card_charge_validate
from payments.fees import application_fee_for
from payments.models import CardCharge, PaymentRequest, SavedCard
from payments.requests.history import history_record
from payments.requests.recording import payment_record_from_intent, payment_record_from_intent_info
from payments.requests.sending import payment_request_send
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


def card_charge_request_row(
    *,
    saved_card: SavedCard,
    team: Team,
    created_by: User,
    amount_minor: int,
    description: str,
    reference: str,
) -> PaymentRequest:
    """The request a charge of a saved card pays (not saved): never sent unless the bank asks the
    customer to authenticate."""
    return PaymentRequest(
        organization=saved_card.customer.organization,
        team=team,
        customer=saved_card.customer,
        created_by=created_by,
        stripe_account=saved_card.stripe_customer.stripe_account,
        amount_minor=amount_minor,
        currency=saved_card.customer.organization.currency,
        description=description.strip(),
        reference=reference.strip(),
        channel=_channel_for(saved_card.customer),
    )


def card_charge_created_history(request: PaymentRequest, *, saved_card: SavedCard) -> dict:
    """The request's "created" history row, as `history_record` / `history_entry` fields."""
    amount = format_minor(request.amount_minor, request.currency)
    return {
        "kind": "created",
        "actor": request.created_by,
        "to_status": S.CREATED,
        "message": f"{amount} to charge on the saved card {saved_card.label}",
        "data": {"amount_minor": request.amount_minor, "saved_card": saved_card.label},
    }


def card_charge_row(
    request: PaymentRequest, *, saved_card: SavedCard, kind: str, submission_key: str = "", bulk_item=None
) -> CardCharge:
    """The charge row (status SENDING, not saved) of a saved request."""
    return CardCharge(
        organization=request.organization,
        customer=saved_card.customer,
        saved_card=saved_card,
        payment_request=request,
        created_by=request.created_by,
        kind=kind,
        amount_minor=request.amount_minor,
        currency=request.currency,
        fee_minor=application_fee_for(organization=request.organization, amount_minor=request.amount_minor),
        bulk_item=bulk_item,
        api_idempotency_key=submission_key,
    )


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
    try:
        with transaction.atomic():
            request = card_charge_request_row(
                saved_card=saved_card,
                team=team,
                created_by=created_by,
                amount_minor=amount_minor,
                description=description,
                reference=reference,
            )
            request.save(force_insert=True)
            history_record(
                payment_request=request, **card_charge_created_history(request, saved_card=saved_card)
            )
            charge = card_charge_row(
                request, saved_card=saved_card, kind=kind, submission_key=submission_key, bulk_item=bulk_item
            )
            charge.installment = installment
            charge.save(force_insert=True)
            return charge
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
    """Send a SENDING charge to Stripe (again, after a crash: the same key replays the same intent)
    and record the outcome. GatewayUnavailable (network, 5xx, 429 after the gateway's back-off)
    propagates: the caller retries later with the same key. `loaded`: the charge row as its caller
    just wrote or read it, with its card and request, so it isn't read again; its status is checked
    all the same when it is finished (_charge_finish updates only a SENDING row)."""
    if loaded is not None and loaded.pk == charge_id and loaded.status == CardCharge.Status.SENDING:
        charge = loaded
    else:
        charge = CardCharge.objects.select_related(
            "saved_card__stripe_customer__stripe_account", "payment_request"
        ).get(pk=charge_id)
    if charge.status != CardCharge.Status.SENDING:
        return charge
    intent = card_charge_send(charge, wait_for_token=wait_for_token)
    if intent is None:
        return charge
    charge = _charge_finish(charge, status=CardCharge.Status.SUCCEEDED, payment_intent_id=intent.id)
    payment_record_from_intent_info(
        account_id=card_charge_account_id(charge), intent=intent, source="card_charge"
    )
    return charge


def card_charge_account_id(charge: CardCharge) -> str:
    """The dealership's connected account the card lives on (the Stripe-Account of the call)."""
    return charge.saved_card.stripe_customer.stripe_account.stripe_id


def card_charge_send(charge: CardCharge, *, wait_for_token: bool = True) -> gateway.PaymentIntentInfo | None:
    """Call Stripe for a SENDING charge (its card and request loaded) and return the PaymentIntent
    that succeeded, for the caller to record; None when the charge ended here instead (the card was
    removed, a decline, authentication required: `charge` is then finished, its outcome on it)."""
    card = charge.saved_card
    if card.status != SavedCard.Status.ACTIVE:
        _charge_finish(
            charge,
            status=CardCharge.Status.FAILED,
            failure_code="card_removed",
            message="The card was removed before it could be charged.",
        )
        return None
    if wait_for_token:
        charge_bucket().acquire(max_wait=120)
    try:
        return gateway.off_session_charge_create(
            account_id=card_charge_account_id(charge),
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
        _charge_declined(charge, exc, account_id=card_charge_account_id(charge))
        return None


def card_charges_succeeded(pairs: list[tuple[CardCharge, str]]) -> None:
    """`_charge_finish(status=SUCCEEDED)` for many charges at once (a bulk run's batch, no
    installments): (charge, PaymentIntent id). Only SENDING rows change; a charge another runner
    finished first is read again, theirs is its outcome."""
    if not pairs:
        return
    now = timezone.now()
    ids = [charge.pk for charge, _ in pairs]
    intents = Case(*(When(pk=charge.pk, then=Value(intent_id)) for charge, intent_id in pairs))
    fields = {"status": CardCharge.Status.SUCCEEDED, "updated_at": now}
    fields.update(failure_code="", decline_code="", advice_code="", failure_message="")
    updated = CardCharge.objects.filter(pk__in=ids, status=CardCharge.Status.SENDING).update(
        stripe_payment_intent_id=intents, **fields
    )
    for charge, intent_id in pairs:
        if updated != len(pairs):  # some were finished by another runner: read them all as they are
            charge.refresh_from_db()
            continue
        for name, value in {**fields, "stripe_payment_intent_id": intent_id}.items():
            setattr(charge, name, value)


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
