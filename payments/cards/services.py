"""Saving cards: the Stripe Customer per (customer x connected account), "save a card" links, the
consent record, the setup-mode Checkout page, and keeping our copy of each card in step with Stripe
(removed, updated by the card network). Charging lives in charges.py."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, NotFound, PermissionDenied
from core.i18n import customer_language, stripe_checkout_locale
from notifications.services import email_send, sms_send
from organizations import permissions
from payments import gateway
from payments.accounts.selectors import stripe_account_default
from payments.cards.consent import CONSENT_VERSION, consent_text
from payments.cards.messages import card_request_texts
from payments.models import CardConsent, SavedCard, SavedCardRequest, StripeCustomer
from payments.requests.states import PaymentRequestError

if TYPE_CHECKING:
    from customers.models import Customer
    from organizations.models import User
    from payments.models import PaymentRequest, StripeAccount

logger = logging.getLogger(__name__)

CARD_REQUEST_LIFETIME = timedelta(days=7)
SETUP_SESSION_LIFETIME = timedelta(hours=23)  # Stripe allows 30 min to 24 h


# --- the Stripe Customer -----------------------------------------------------------------------
def stripe_customer_ensure(*, customer: Customer, stripe_account: StripeAccount) -> StripeCustomer:
    """Our customer's Customer on the dealership's account: the row first, then Stripe with a key
    derived from the row (a crash or a concurrent call can't make two)."""
    try:
        with transaction.atomic():
            row, _created = StripeCustomer.objects.get_or_create(
                customer=customer,
                stripe_account=stripe_account,
                defaults={"organization_id": customer.organization_id},
            )
    except IntegrityError:
        row = StripeCustomer.objects.get(customer=customer, stripe_account=stripe_account)
    if row.stripe_customer_id:
        return row
    info = gateway.customer_create(
        account_id=stripe_account.stripe_id,
        email=customer.email or "",
        name=customer.name,
        phone=str(customer.phone or ""),
        metadata={"customer_id": str(customer.pk), "organization_id": str(customer.organization_id)},
        idempotency_key=row.idempotency_key,
    )
    StripeCustomer.objects.filter(pk=row.pk, stripe_customer_id="").update(stripe_customer_id=info.id)
    row.refresh_from_db()
    return row


# --- "save a card" links -------------------------------------------------------------------------
def card_request_link(card_request: SavedCardRequest) -> str:
    return f"{settings.SITE_URL}/cards/save/{card_request.token}/"


def card_request_create(
    *, customer: Customer, user: User | None, reason: str = SavedCardRequest.Reason.NEW
) -> SavedCardRequest:
    """Text and/or email the customer a link to save a card (the dealership's default account)."""
    organization = customer.organization
    if user is not None and not permissions.can_request_saved_card(user, customer):
        raise PermissionDenied(_("You can't ask this customer for a card."))
    account = stripe_account_default(organization=organization)
    if account is None or not account.charges_enabled or account.disconnected_at:
        raise PaymentRequestError(
            _("Your dealership has no Stripe account ready yet: an Admin connects one on the Admin tab."),
            extra={"fields": {"customer": [_("No Stripe account ready to save cards.")]}},
        )
    can_sms = bool(customer.phone) and not customer.sms_opted_out
    if not can_sms and not customer.email:
        raise PaymentRequestError(
            _("The customer has no mobile phone or email to send the link to."),
            extra={"fields": {"customer": [_("Add a mobile phone or an email first.")]}},
        )
    with transaction.atomic():
        card_request = SavedCardRequest.objects.create(
            organization=organization,
            customer=customer,
            stripe_account=account,
            created_by=user,
            reason=reason,
            expires_at=timezone.now() + CARD_REQUEST_LIFETIME,
        )
        link = card_request_link(card_request)
        text, subject = card_request_texts(
            customer=customer, link=link, update=reason == SavedCardRequest.Reason.UPDATE
        )
        if can_sms:
            sms_send(organization=organization, to=str(customer.phone), body=text, purpose="card_request")
        if customer.email:
            email_send(
                organization=organization,
                to=customer.email,
                subject=subject,
                body=text,
                purpose="card_request",
            )
        card_request.status = SavedCardRequest.Status.SENT
        card_request.sent_at = timezone.now()
        card_request.save(update_fields=["status", "sent_at"])
    return card_request


def card_request_get_by_token(*, token: str) -> SavedCardRequest:
    card_request = (
        SavedCardRequest.objects.select_related("organization", "customer", "stripe_account")
        .filter(token=token)
        .first()
    )
    if card_request is None:
        raise NotFound("This link is not valid.")
    if card_request.status not in (SavedCardRequest.Status.SAVED, SavedCardRequest.Status.EXPIRED):
        if card_request.expires_at <= timezone.now():
            card_request.status = SavedCardRequest.Status.EXPIRED
            card_request.save(update_fields=["status"])
    return card_request


def card_request_open(*, token: str) -> SavedCardRequest:
    card_request = card_request_get_by_token(token=token)
    if card_request.status == SavedCardRequest.Status.SENT:
        SavedCardRequest.objects.filter(pk=card_request.pk, status=SavedCardRequest.Status.SENT).update(
            status=SavedCardRequest.Status.OPENED
        )
        card_request.status = SavedCardRequest.Status.OPENED
    return card_request


def consent_record(
    *,
    customer: Customer,
    source: str,
    ip_address: str | None,
    user_agent: str,
    card_request: SavedCardRequest | None = None,
    payment_request: PaymentRequest | None = None,
) -> CardConsent:
    dealership = customer.organization.name
    return CardConsent.objects.create(
        organization_id=customer.organization_id,
        customer=customer,
        source=source,
        text_version=CONSENT_VERSION,
        text=consent_text(dealership=dealership),
        dealership_name=dealership,
        accepted_at=timezone.now(),
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:500],
        card_request=card_request,
        payment_request=payment_request,
    )


def card_request_start(*, token: str, ip_address: str | None, user_agent: str) -> str:
    """The customer agreed (consent recorded: text version, time, IP, user agent, dealership) and
    goes to Stripe's setup page. Returns its URL; an open page is reused."""
    card_request = card_request_get_by_token(token=token)
    if card_request.status in (SavedCardRequest.Status.SAVED, SavedCardRequest.Status.EXPIRED):
        raise Conflict(
            _("This link has expired")
            if card_request.status == SavedCardRequest.Status.EXPIRED
            else _("Card saved")
        )
    stripe_customer = stripe_customer_ensure(
        customer=card_request.customer, stripe_account=card_request.stripe_account
    )
    with transaction.atomic():
        card_request = SavedCardRequest.objects.select_for_update().get(pk=card_request.pk)
        consent_record(
            customer=card_request.customer,
            source=CardConsent.Source.SAVE_LINK,
            ip_address=ip_address,
            user_agent=user_agent,
            card_request=card_request,
        )
        if card_request.checkout_session_url and card_request.session_expires_at > timezone.now():
            return card_request.checkout_session_url
        attempt = card_request.checkout_attempt + 1
        expires_at = min(timezone.now() + SETUP_SESSION_LIFETIME, card_request.expires_at)
        expires_at = max(expires_at, timezone.now() + timedelta(minutes=31))
        site = settings.SITE_URL
        session = gateway.setup_session_create(
            account_id=card_request.stripe_account.stripe_id,
            customer_id=stripe_customer.stripe_customer_id,
            currency=card_request.organization.currency,
            locale=stripe_checkout_locale(customer_language(card_request.customer)),
            success_url=f"{site}/cards/save/{card_request.token}/saved/",
            cancel_url=f"{site}/cards/save/{card_request.token}/",
            expires_at=expires_at,
            metadata={
                "card_request_id": str(card_request.pk),
                "organization_id": str(card_request.organization_id),
            },
            idempotency_key=f"card-setup-{card_request.pk}-{attempt}",
        )
        card_request.checkout_attempt = attempt
        card_request.checkout_session_id = session.id
        card_request.checkout_session_url = session.url
        card_request.setup_intent_id = session.setup_intent_id
        card_request.session_expires_at = session.expires_at or expires_at
        card_request.save(
            update_fields=[
                "checkout_attempt",
                "checkout_session_id",
                "checkout_session_url",
                "setup_intent_id",
                "session_expires_at",
            ]
        )
    return session.url


def card_request_complete(*, card_request_id: int) -> SavedCardRequest:
    """Ask Stripe whether the card was saved (the return page and setup_intent.succeeded both call
    this; the second call changes nothing)."""
    card_request = SavedCardRequest.objects.select_related("stripe_account").get(pk=card_request_id)
    if card_request.status == SavedCardRequest.Status.SAVED or not card_request.setup_intent_id:
        return card_request
    intent = gateway.setup_intent_retrieve(
        account_id=card_request.stripe_account.stripe_id, setup_intent_id=card_request.setup_intent_id
    )
    if intent.status != "succeeded" or intent.card is None:
        return card_request
    stripe_customer = StripeCustomer.objects.get(
        stripe_account=card_request.stripe_account, stripe_customer_id=intent.customer_id
    )
    with transaction.atomic():
        card_request = SavedCardRequest.objects.select_for_update().get(pk=card_request.pk)
        if card_request.status == SavedCardRequest.Status.SAVED:
            return card_request
        card = saved_card_upsert(stripe_customer=stripe_customer, info=intent.card)
        card_request.consents.filter(saved_card__isnull=True).update(saved_card=card)
        card_request.status = SavedCardRequest.Status.SAVED
        card_request.saved_card = card
        card_request.saved_at = timezone.now()
        card_request.save(update_fields=["status", "saved_card", "saved_at"])
    return card_request


# --- our copy of each card -------------------------------------------------------------------------
def saved_card_upsert(*, stripe_customer: StripeCustomer, info: gateway.SavedCardInfo) -> SavedCard:
    card, created = SavedCard.objects.get_or_create(
        stripe_payment_method_id=info.id,
        defaults={
            "organization_id": stripe_customer.organization_id,
            "customer_id": stripe_customer.customer_id,
            "stripe_customer": stripe_customer,
            "brand": info.brand,
            "last4": info.last4,
            "exp_month": info.exp_month,
            "exp_year": info.exp_year,
            "fingerprint": info.fingerprint,
        },
    )
    if not created and card.status == SavedCard.Status.ACTIVE:
        SavedCard.objects.filter(pk=card.pk).update(
            brand=info.brand, last4=info.last4, exp_month=info.exp_month, exp_year=info.exp_year
        )
        card.refresh_from_db()
    return card


def saved_card_attached(*, account_id: str, info: gateway.SavedCardInfo) -> SavedCard | None:
    """A card was attached to one of our Stripe Customers (saved while paying a request): keep it,
    with the consent the customer gave on our pay page."""
    stripe_customer = (
        StripeCustomer.objects.filter(
            stripe_account__stripe_id=account_id, stripe_customer_id=info.customer_id
        )
        .select_related("customer")
        .first()
    )
    if stripe_customer is None:
        return None
    with transaction.atomic():
        card = saved_card_upsert(stripe_customer=stripe_customer, info=info)
        consent = (
            CardConsent.objects.filter(
                customer_id=stripe_customer.customer_id,
                source=CardConsent.Source.PAYMENT,
                saved_card__isnull=True,
            )
            .order_by("-accepted_at")
            .first()
        )
        if consent is not None and not card.consents.exists():
            consent.saved_card = card
            consent.save(update_fields=["saved_card"])
    return card


def saved_card_updated(*, info: gateway.SavedCardInfo) -> None:
    """payment_method.automatically_updated: the network gave the card a new expiry (or number)."""
    SavedCard.objects.filter(stripe_payment_method_id=info.id, status=SavedCard.Status.ACTIVE).update(
        last4=info.last4, exp_month=info.exp_month, exp_year=info.exp_year
    )


def saved_card_detached(*, payment_method_id: str) -> None:
    """payment_method.detached (its customer is null now): the card can't be charged any more."""
    SavedCard.objects.filter(
        stripe_payment_method_id=payment_method_id, status=SavedCard.Status.ACTIVE
    ).update(status=SavedCard.Status.REMOVED, removed_at=timezone.now())


def saved_card_remove(*, user: User, saved_card: SavedCard) -> SavedCard:
    """Staff remove a card: detached on Stripe first, then marked removed here."""
    if not permissions.can_manage_saved_cards(user, saved_card.customer):
        raise PermissionDenied(_("You can't remove this card."))
    if saved_card.status == SavedCard.Status.REMOVED:
        return saved_card
    account_id = saved_card.stripe_customer.stripe_account.stripe_id
    try:
        gateway.payment_method_detach(
            account_id=account_id, payment_method_id=saved_card.stripe_payment_method_id
        )
    except gateway.InvalidRequest as exc:
        logger.info("card %s already detached on Stripe: %s", saved_card.pk, exc)
    saved_card_detached(payment_method_id=saved_card.stripe_payment_method_id)
    saved_card.refresh_from_db()
    return saved_card
