"""Reads of connected Stripe accounts. Every query is scoped to an organization."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from payments.models import StripeAccount

if TYPE_CHECKING:
    from organizations.models import Organization
    from teams.models import Team


def stripe_account_list(*, organization: Organization) -> QuerySet[StripeAccount]:
    """All accounts of the organization, the first connected first, disconnected ones included
    (their history stays)."""
    return StripeAccount.objects.filter(organization=organization).order_by("created_at", "id")


def stripe_account_get(*, organization: Organization, pk: int) -> StripeAccount:
    """One account of the organization; another organization's account is a 404."""
    return get_object_or_404(StripeAccount, organization=organization, pk=pk)


def stripe_account_usable_list(*, organization: Organization) -> QuerySet[StripeAccount]:
    """Accounts that can take new payments: not disconnected and charges enabled."""
    return stripe_account_list(organization=organization).filter(
        disconnected_at__isnull=True, charges_enabled=True
    )


def stripe_account_default(*, organization: Organization) -> StripeAccount | None:
    """The organization's first connected account (teams with no routing use it)."""
    return stripe_account_usable_list(organization=organization).first()


def stripe_account_for_team(team: Team) -> StripeAccount | None:
    """The account a team's new payments go to, or None if it has none that can take charges.

    A team routed to a specific account uses that one only (payments never silently go to
    another store's bank account); a team with no routing uses the organization's first
    connected account. A disconnected or restricted account is never returned."""
    if team.stripe_account_id:
        account = StripeAccount.objects.filter(
            pk=team.stripe_account_id, organization_id=team.organization_id
        ).first()
        if account and account.disconnected_at is None and account.charges_enabled:
            return account
        return None
    return stripe_account_default(organization=team.organization)


def stripe_account_can_take_payments(stripe_account: StripeAccount | None) -> bool:
    """A request's link can take a payment only through a connected account that Stripe lets charge."""
    return bool(stripe_account and stripe_account.disconnected_at is None and stripe_account.charges_enabled)


def teams_without_ready_account(teams) -> list:
    """The teams (of those given) whose new requests couldn't be paid: no account ready to charge."""
    return [team for team in teams if stripe_account_for_team(team) is None]


def stripe_account_by_stripe_id(*, stripe_id: str) -> StripeAccount | None:
    """For webhooks: the account an event belongs to (no user, so no organization scope)."""
    if not stripe_id:
        return None
    return StripeAccount.objects.filter(stripe_id=stripe_id).first()


# Stripe's requirement codes in plain words (https://docs.stripe.com/connect/required-verification-information).
_REQUIREMENT_WORDS = {
    "external_account": "Bank account for payouts",
    "business_profile.url": "Business website",
    "business_profile.mcc": "Industry (merchant category)",
    "business_profile.product_description": "Description of what you sell",
    "business_profile.support_phone": "Support phone number",
    "business_type": "Type of business",
    "tos_acceptance.date": "Acceptance of Stripe's terms of service",
    "tos_acceptance.ip": "Acceptance of Stripe's terms of service",
    "company.name": "Legal business name",
    "company.tax_id": "Business tax ID (EIN in the US, BN in Canada)",
    "company.phone": "Business phone number",
    "company.address.line1": "Business address",
    "company.address.city": "Business address (city)",
    "company.address.state": "Business address (state / province)",
    "company.address.postal_code": "Business address (postal code)",
    "company.owners_provided": "Business owners",
    "company.directors_provided": "Business directors",
    "company.executives_provided": "Business executives",
    "company.verification.document": "Business verification document",
    "representative.first_name": "Representative's first name",
    "representative.last_name": "Representative's last name",
    "representative.dob.day": "Representative's date of birth",
    "representative.dob.month": "Representative's date of birth",
    "representative.dob.year": "Representative's date of birth",
    "representative.email": "Representative's email",
    "representative.phone": "Representative's phone",
    "representative.address.line1": "Representative's home address",
    "representative.address.city": "Representative's home address",
    "representative.address.postal_code": "Representative's home address",
    "representative.address.state": "Representative's home address",
    "representative.ssn_last_4": "Representative's SSN (last 4 digits)",
    "representative.id_number": "Representative's ID number",
    "representative.relationship.title": "Representative's job title",
    "representative.relationship.executive": "Representative's role",
    "representative.verification.document": "Representative's identity document",
    "individual.first_name": "First name",
    "individual.last_name": "Last name",
    "individual.dob.day": "Date of birth",
    "individual.dob.month": "Date of birth",
    "individual.dob.year": "Date of birth",
    "individual.ssn_last_4": "SSN (last 4 digits)",
    "individual.id_number": "ID number",
    "individual.address.line1": "Home address",
    "individual.email": "Email",
    "individual.phone": "Phone",
    "settings.payments.statement_descriptor": "Statement descriptor",
}


def _requirement_in_words(code: str) -> str:
    if code in _REQUIREMENT_WORDS:
        return _REQUIREMENT_WORDS[code]
    # e.g. "person_1AbC.first_name" -> "Person: first name"
    head, _, rest = code.partition(".")
    if head.startswith("person_") and rest:
        return "Person: " + rest.replace(".", " ").replace("_", " ")
    return code.replace(".", " ").replace("_", " ").capitalize()


# Stripe's `requirements.disabled_reason` values, in words an Admin can act on.
_DISABLED_REASON_WORDS = {
    "requirements.past_due": "Payments are paused until the missing details below are sent to Stripe.",
    "requirements.pending_verification": "Stripe is checking the details you sent; this usually takes minutes.",
    "action_required.requested_capabilities": "Stripe needs more details before it can turn on card payments.",
    "listed": "Stripe is reviewing this account (it appears on a watch list).",
    "under_review": "Stripe is reviewing this account.",
    "platform_paused": "Payments on this account are paused by the platform.",
    "rejected.fraud": "Stripe rejected this account (suspected fraud).",
    "rejected.incomplete_verification": "Stripe rejected this account: verification was not completed in time.",
    "rejected.listed": "Stripe rejected this account (it appears on a watch list).",
    "rejected.terms_of_service": "Stripe rejected this account for a breach of its terms of service.",
    "rejected.other": "Stripe rejected this account.",
    "other": "Stripe has paused this account; open the Stripe Express dashboard for details.",
}


def disabled_reason_in_words(code: str) -> str:
    """requirements.past_due -> a sentence; unknown codes still read as words, never as a code."""
    if not code:
        return ""
    if code in _DISABLED_REASON_WORDS:
        return _DISABLED_REASON_WORDS[code]
    return "Stripe has paused this account: " + code.replace(".", ": ").replace("_", " ") + "."


def requirements_in_plain_words(codes: list[str] | tuple[str, ...]) -> list[str]:
    """What Stripe still needs, in words, without repeats (dob.day/month/year are one item)."""
    words: list[str] = []
    for code in codes or ():
        text = _requirement_in_words(code)
        if text not in words:
            words.append(text)
    return words


def stripe_account_customer_label(stripe_account: StripeAccount) -> str:
    """What customers see for this way of paying (e.g. on the pay page)."""
    return stripe_account.customer_label or _("Pay by card — %(dealership)s") % {
        "dealership": stripe_account.organization.name
    }


_STATUS_ORDER = [
    StripeAccount.Status.CONNECTED,
    StripeAccount.Status.RESTRICTED,
    StripeAccount.Status.ONBOARDING,
]


def receive_payments_status_of(accounts: list[StripeAccount]) -> tuple[str, str]:
    """(key, label) shown next to "Receive payments": the best status among the accounts that
    are not disconnected, or "Not connected"."""
    statuses = {a.status for a in accounts if not a.disconnected_at}
    for status in _STATUS_ORDER:
        if status in statuses:
            return status.value, status.label
    return "not_connected", "Not connected"


def receive_payments_status(*, organization: Organization) -> tuple[str, str]:
    """For the Admin tab index, say: ("connected", "Connected")."""
    return receive_payments_status_of(list(stripe_account_list(organization=organization)))
