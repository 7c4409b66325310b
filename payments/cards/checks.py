"""Whether staff may charge a saved card, and what a charge on it must be: the checks shared by a
charge on behalf, an installment plan, a bulk run's items and the API (each field's message)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from core.i18n import amount_input_text, money_text
from organizations import permissions
from payments.models import SavedCard
from payments.requests.sending import STRIPE_MIN_CHARGE_MINOR

if TYPE_CHECKING:
    from organizations.models import User
    from teams.models import Team


def card_chargeable(saved_card: SavedCard | None) -> str:
    """Why this card can't be charged by staff ("" = it can)."""
    if saved_card is None:
        return _("No saved card.")
    if saved_card.status != SavedCard.Status.ACTIVE:
        return _("The card was removed.")
    if not saved_card.consents.exists():  # no query when the consents were prefetched (a bulk shard)
        return _("No consent on record for this card.")
    return ""


def card_charge_validate(
    *,
    user: User | None,
    saved_card: SavedCard,
    team: Team,
    amount_minor,
    description: str,
    reference: str,
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
