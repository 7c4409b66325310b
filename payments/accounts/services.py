"""Connecting Stripe Express accounts (Admin tab -> Connections) and keeping them in step with
Stripe. Business rules only; views call these and the webhook handlers call `stripe_account_apply`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.errors import ApplicationError
from organizations.models import Country, Organization
from payments import gateway
from payments.gateway import consts
from payments.gateway.types import AccountInfo, PayoutSchedule
from payments.models import StripeAccount
from teams.models import Team

if TYPE_CHECKING:
    from organizations.models import User

logger = logging.getLogger(__name__)


# --- validation ------------------------------------------------------------------------------


def statement_descriptor_errors(value: str) -> list[str]:
    """Stripe's rules: 5-22 characters, at least one letter, none of < > \\ ' " *."""
    errors = []
    if not consts.STATEMENT_DESCRIPTOR_MIN <= len(value) <= consts.STATEMENT_DESCRIPTOR_MAX:
        errors.append(
            f"Use {consts.STATEMENT_DESCRIPTOR_MIN} to {consts.STATEMENT_DESCRIPTOR_MAX} characters "
            f"(this has {len(value)})."
        )
    if not any(ch.isascii() and ch.isalpha() for ch in value):
        errors.append("Include at least one letter.")
    bad = sorted({ch for ch in value if ch in consts.STATEMENT_DESCRIPTOR_FORBIDDEN})
    if bad:
        errors.append("These characters are not allowed: " + " ".join(bad))
    if any(not ch.isascii() for ch in value):
        errors.append("Use only Latin letters, digits, spaces and simple punctuation.")
    return errors


def _payout_schedule_validated(
    *, interval: str, weekly_anchor: str, monthly_anchor: int | None, delay_days: int | None
) -> PayoutSchedule:
    errors: dict[str, list[str]] = {}
    if interval not in ("daily", "weekly", "monthly", "manual"):
        errors["interval"] = ["Choose daily, weekly, monthly or manual."]
    if interval == "weekly" and weekly_anchor not in consts.WEEKDAYS:
        errors["weekly_anchor"] = ["Choose the day of the week payouts are sent."]
    if interval == "monthly" and (monthly_anchor is None or not 1 <= monthly_anchor <= 31):
        errors["monthly_anchor"] = ["Choose a day of the month from 1 to 31."]
    if delay_days is not None and not 2 <= delay_days <= 365:
        errors["delay_days"] = ["Delay days must be between 2 and 365 (leave empty for Stripe's minimum)."]
    if errors:
        raise ApplicationError("Please correct the payout schedule.", extra={"fields": errors})
    return PayoutSchedule(
        interval=interval,
        weekly_anchor=weekly_anchor if interval == "weekly" else "",
        monthly_anchor=monthly_anchor if interval == "monthly" else None,
        delay_days=delay_days if interval != "manual" else None,
    )


def _field_of_stripe_param(param: str) -> str:
    """settings[payouts][schedule][delay_days] -> delay_days"""
    if not param:
        return ""
    return param.rstrip("]").split("[")[-1]


def _invalid_request_as_field_error(exc: gateway.InvalidRequest, *, default_field: str) -> ApplicationError:
    field = _field_of_stripe_param(exc.param) or default_field
    return ApplicationError(
        f"Stripe did not accept this: {exc.message}", extra={"fields": {field: [exc.message]}}
    )


# --- applying Stripe's state -----------------------------------------------------------------


def _apply_info(stripe_account: StripeAccount, info: AccountInfo) -> list[str]:
    values = {
        "charges_enabled": info.charges_enabled,
        "payouts_enabled": info.payouts_enabled,
        "details_submitted": info.details_submitted,
        "requirements_currently_due": list(info.requirements_currently_due),
        "requirements_disabled_reason": info.disabled_reason[:100],
    }
    if info.country:
        values["country"] = info.country
    if info.default_currency:
        values["default_currency"] = info.default_currency.lower()
    if info.payout_schedule:
        values["payout_interval"] = info.payout_schedule.interval
        values["payout_weekly_anchor"] = info.payout_schedule.weekly_anchor
        values["payout_monthly_anchor"] = info.payout_schedule.monthly_anchor
        values["payout_delay_days"] = info.payout_schedule.delay_days
    values["statement_descriptor"] = info.statement_descriptor[:22]
    changed = []
    for name, value in values.items():
        if getattr(stripe_account, name) != value:
            setattr(stripe_account, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def stripe_account_apply(
    *, stripe_account_id: int, info: AccountInfo, event_created: int | None = None
) -> tuple[StripeAccount, bool]:
    """Copy Stripe's view of the account onto ours. With `event_created` (an event's `created`),
    an event older than the newest one already applied changes nothing: a record never moves
    backwards. Returns (account, applied)."""
    stripe_account = StripeAccount.objects.select_for_update().get(pk=stripe_account_id)
    if event_created is not None:
        if event_created < stripe_account.last_event_created:
            return stripe_account, False
        stripe_account.last_event_created = event_created
    changed = _apply_info(stripe_account, info)
    stripe_account.save()
    if changed:
        logger.info("Stripe account %s updated: %s", stripe_account.stripe_id, ", ".join(changed))
    return stripe_account, True


def stripe_account_refresh(*, stripe_account: StripeAccount) -> StripeAccount:
    """Fetch the account from Stripe now (the Refresh button and the return from onboarding)."""
    info = gateway.account_retrieve(account_id=stripe_account.stripe_id)
    account, _ = stripe_account_apply(stripe_account_id=stripe_account.pk, info=info)
    return account


@transaction.atomic
def stripe_account_deauthorize(*, stripe_account_id: int) -> StripeAccount:
    """The account owner removed our platform's access on Stripe (account.application.deauthorized)."""
    stripe_account = StripeAccount.objects.select_for_update().get(pk=stripe_account_id)
    if stripe_account.disconnected_at is None:
        stripe_account.disconnected_at = timezone.now()
        stripe_account.save(update_fields=["disconnected_at", "updated_at"])
        Team.objects.filter(stripe_account=stripe_account).update(stripe_account=None)
    return stripe_account


# --- connecting ------------------------------------------------------------------------------


def _account_idempotency_key(*, organization: Organization) -> str:
    """Derived from our records: the organization and the ordinal of its next account. A retried
    Connect (timeout, double click, a crash after Stripe answered) reuses the key, so Stripe
    returns the account it already made instead of a second one."""
    ordinal = StripeAccount.objects.filter(organization=organization).count() + 1
    return f"account-org{organization.pk}-{ordinal}"


def _onboarding_urls(stripe_account: StripeAccount) -> tuple[str, str]:
    base = settings.SITE_URL.rstrip("/")
    refresh = base + reverse("connections:onboarding", kwargs={"pk": stripe_account.pk})
    back = base + reverse("connections:return", kwargs={"pk": stripe_account.pk})
    return refresh, back


def stripe_account_connect(
    *, organization: Organization, user: User, authorized: bool, display_name: str = ""
) -> tuple[StripeAccount, str]:
    """ "Receive payments" -> Connect: create an Express account with the organization's business
    details prefilled, then an onboarding link. Returns (account, url to send the user to)."""
    if not authorized:
        raise ApplicationError(
            "Tick the box to confirm you are authorised to sign for the organization.",
            extra={"fields": {"authorized": ["You must be authorised to sign for the organization."]}},
        )
    if organization.country not in (Country.US, Country.CA):
        raise ApplicationError("Payments are offered only to organizations in the United States and Canada.")
    address = {
        "line1": organization.address_line1,
        "line2": organization.address_line2,
        "city": organization.city,
        "state": organization.state,
        "postal_code": organization.postal_code,
        "country": organization.country,
    }
    with transaction.atomic():
        # Serialise Connect clicks of one organization so two never compute the same ordinal
        # for different accounts.
        Organization.objects.select_for_update().get(pk=organization.pk)
        # A second click on Connect (double click, back + resubmit) for an account whose
        # onboarding hasn't been submitted yet continues that one instead of making another
        # Express account at Stripe.
        unfinished = (
            StripeAccount.objects.filter(
                organization=organization,
                display_name=display_name.strip()[:120],
                details_submitted=False,
                disconnected_at__isnull=True,
            )
            .order_by("pk")
            .first()
        )
        if unfinished is not None:
            return unfinished, stripe_account_onboarding_link(stripe_account=unfinished)
        info = gateway.account_create(
            country=organization.country,
            email=user.email,
            business_name=organization.legal_name or organization.name,
            business_url=organization.website,
            support_phone=str(organization.support_phone or ""),
            support_email=organization.support_email,
            address={k: v for k, v in address.items() if v},
            idempotency_key=_account_idempotency_key(organization=organization),
        )
        try:
            with transaction.atomic():
                stripe_account, _ = StripeAccount.objects.get_or_create(
                    stripe_id=info.id,
                    defaults={
                        "organization": organization,
                        "display_name": display_name.strip()[:120],
                        "country": info.country or organization.country,
                        "default_currency": (info.default_currency or organization.currency).lower(),
                        "authorized_by": user,
                        "authorized_at": timezone.now(),
                    },
                )
        except IntegrityError:  # pragma: no cover - a concurrent click stored it first
            stripe_account = StripeAccount.objects.get(stripe_id=info.id)
        if stripe_account.organization_id != organization.pk:
            raise ApplicationError("This Stripe account belongs to another organization.")
        _apply_info(stripe_account, info)
        stripe_account.save()
    return stripe_account, stripe_account_onboarding_link(stripe_account=stripe_account)


def stripe_account_onboarding_link(*, stripe_account: StripeAccount) -> str:
    """A fresh Account Link (they are single-use and expire in minutes)."""
    if stripe_account.disconnected_at:
        raise ApplicationError("This account is disconnected.")
    refresh_url, return_url = _onboarding_urls(stripe_account)
    return gateway.account_link_create(
        account_id=stripe_account.stripe_id, refresh_url=refresh_url, return_url=return_url
    )


def stripe_account_dashboard_link(*, stripe_account: StripeAccount) -> str:
    """A one-time login link to the account's Stripe Express dashboard."""
    if stripe_account.disconnected_at:
        raise ApplicationError("This account is disconnected.")
    if not stripe_account.details_submitted:
        raise ApplicationError(
            "Finish onboarding first: the Express dashboard opens once Stripe has your details."
        )
    return gateway.login_link_create(account_id=stripe_account.stripe_id)


# --- settings sent to Stripe -----------------------------------------------------------------


def _require_connected(stripe_account: StripeAccount) -> None:
    if stripe_account.disconnected_at:
        raise ApplicationError("This account is disconnected.")
    if not stripe_account.details_submitted:
        raise ApplicationError("Finish onboarding before changing the account's settings.")


def stripe_account_payout_schedule_update(
    *,
    stripe_account: StripeAccount,
    interval: str,
    weekly_anchor: str = "",
    monthly_anchor: int | None = None,
    delay_days: int | None = None,
) -> StripeAccount:
    """Send the payout schedule to Stripe, then keep what Stripe answered."""
    _require_connected(stripe_account)
    schedule = _payout_schedule_validated(
        interval=interval, weekly_anchor=weekly_anchor, monthly_anchor=monthly_anchor, delay_days=delay_days
    )
    try:
        info = gateway.account_update(account_id=stripe_account.stripe_id, payout_schedule=schedule)
    except gateway.InvalidRequest as exc:
        raise _invalid_request_as_field_error(exc, default_field="interval")
    account, _ = stripe_account_apply(stripe_account_id=stripe_account.pk, info=info)
    return account


def stripe_account_statement_descriptor_update(
    *, stripe_account: StripeAccount, statement_descriptor: str
) -> StripeAccount:
    """Check Stripe's rules here first (error next to the field), then send it."""
    _require_connected(stripe_account)
    value = " ".join(statement_descriptor.split())
    errors = statement_descriptor_errors(value)
    if errors:
        raise ApplicationError(
            "The statement descriptor does not follow Stripe's rules.",
            extra={"fields": {"statement_descriptor": errors}},
        )
    try:
        info = gateway.account_update(account_id=stripe_account.stripe_id, statement_descriptor=value)
    except gateway.InvalidRequest as exc:
        raise _invalid_request_as_field_error(exc, default_field="statement_descriptor")
    account, _ = stripe_account_apply(stripe_account_id=stripe_account.pk, info=info)
    return account


@transaction.atomic
def stripe_account_label_update(
    *, stripe_account: StripeAccount, customer_label: str, display_name: str
) -> StripeAccount:
    """Our own names for the account: what customers see and what the dealership calls it."""
    customer_label = customer_label.strip()
    display_name = display_name.strip()
    errors = {}
    if len(customer_label) > 80:
        errors["customer_label"] = ["Use at most 80 characters."]
    if len(display_name) > 120:
        errors["display_name"] = ["Use at most 120 characters."]
    if errors:
        raise ApplicationError("Please correct the labels.", extra={"fields": errors})
    stripe_account.customer_label = customer_label
    stripe_account.display_name = display_name
    stripe_account.save(update_fields=["customer_label", "display_name", "updated_at"])
    return stripe_account


@transaction.atomic
def stripe_account_disconnect(*, stripe_account: StripeAccount) -> StripeAccount:
    """Stop using the account for new payments. Everything already recorded stays; teams routed
    to it go back to the organization's default account."""
    stripe_account = StripeAccount.objects.select_for_update().get(pk=stripe_account.pk)
    if stripe_account.disconnected_at is None:
        stripe_account.disconnected_at = timezone.now()
        stripe_account.save(update_fields=["disconnected_at", "updated_at"])
        Team.objects.filter(stripe_account=stripe_account).update(stripe_account=None)
    return stripe_account


@transaction.atomic
def team_stripe_account_set(*, team: Team, stripe_account: StripeAccount | None) -> Team:
    """Route a team's payments to one of the organization's accounts (None = the default)."""
    if stripe_account is not None:
        if stripe_account.organization_id != team.organization_id:
            raise ApplicationError("That account belongs to another organization.")
        if stripe_account.disconnected_at:
            raise ApplicationError(
                "That account is disconnected.",
                extra={"fields": {f"team_{team.pk}": ["That account is disconnected."]}},
            )
    team.stripe_account = stripe_account
    team.save(update_fields=["stripe_account"])
    return team
