"""Who may do what. Every view and API endpoint asks here; nothing else decides.

Rules (role = the user's single role in their organization):
- Admin: everything in their organization.
- Manager (accounting): sees the Payments tab for teams they belong to; refunds and reconciles
  those teams' payments; may request payments on payment-enabled teams they belong to.
- Advisor: requests payments on payment-enabled teams they belong to; sees only their own
  requests and payments ("My payments").
- Nobody acts on another organization's objects: selectors scope every query to the user's
  organization, so such objects are 404 before these rules are even asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from organizations.models import ApiScope, ApiToken, Role

if TYPE_CHECKING:
    from organizations.models import User
    from payments.models import Payment, PaymentRequest
    from teams.models import Team


def _member(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.organization_id)


def _same_org(user: User, obj) -> bool:
    return _member(user) and obj.organization_id == user.organization_id


def _in_team(user: User, team: Team) -> bool:
    return team.members.filter(pk=user.pk).exists()


# --- Organization and people
def can_manage_people(user: User) -> bool:
    """Invite, re-send/revoke invitations, change roles, deactivate people."""
    return _member(user) and user.role == Role.ADMIN


def can_manage_teams(user: User) -> bool:
    return _member(user) and user.role == Role.ADMIN


def can_manage_organization(user: User) -> bool:
    """Admin tab: business details, Stripe connection, payment settings, API tokens."""
    return _member(user) and user.role == Role.ADMIN


def can_connect_stripe(user: User) -> bool:
    return can_manage_organization(user)


def can_manage_api_tokens(user: User) -> bool:
    return can_manage_organization(user)


def can_manage_payout_emails(user: User) -> bool:
    return can_manage_organization(user)


def can_manage_webhooks(user: User) -> bool:
    """Admin tab -> Developers: webhook endpoints, their secrets, resending deliveries."""
    return can_manage_organization(user)


def can_enable_payments(user: User, team: Team) -> bool:
    """Turn a team's Enable payments switch on or off."""
    return _same_org(user, team) and user.role == Role.ADMIN


# --- Customers
def can_view_customers(user: User) -> bool:
    return _member(user)


def can_edit_customer(user: User) -> bool:
    return _member(user)


# --- Payment requests
def can_request_payment(user: User, team: Team) -> bool:
    """Send a payment request for this team: the team must have payments on, and the user must
    be a member of it (Admins may use any team of their organization)."""
    if not _same_org(user, team) or not team.payments_enabled:
        return False
    return user.role == Role.ADMIN or _in_team(user, team)


def can_view_payment_request(user: User, payment_request: PaymentRequest) -> bool:
    if not _same_org(user, payment_request):
        return False
    if user.role == Role.ADMIN or payment_request.created_by_id == user.pk:
        return True
    return user.role == Role.MANAGER and _in_team(user, payment_request.team)


def can_cancel_payment_request(user: User, payment_request: PaymentRequest) -> bool:
    if not _same_org(user, payment_request):
        return False
    return (
        payment_request.created_by_id == user.pk
        or user.role in (Role.ADMIN, Role.MANAGER)
        and (can_view_payment_request(user, payment_request))
    )


def can_mark_notification_read(user: User, payment_request: PaymentRequest) -> bool:
    """Mark as read works only on one's own requests."""
    return _same_org(user, payment_request) and payment_request.created_by_id == user.pk


# --- Payments tab
def can_open_payments_tab(user: User) -> bool:
    """Admins and Managers see the Payments tab; Advisors see it as My payments."""
    return _member(user)


def can_view_team_payments(user: User, team: Team) -> bool:
    """See every payment of a team (not only one's own)."""
    if not _same_org(user, team):
        return False
    return user.role == Role.ADMIN or (user.role == Role.MANAGER and _in_team(user, team))


def can_view_payment(user: User, payment: Payment) -> bool:
    if not _same_org(user, payment):
        return False
    if user.role == Role.ADMIN or payment.advisor_id == user.pk:
        return True
    return user.role == Role.MANAGER and _in_team(user, payment.team)


def can_refund(user: User, payment: Payment) -> bool:
    if not _same_org(user, payment) or user.role not in (Role.ADMIN, Role.MANAGER):
        return False
    return user.role == Role.ADMIN or _in_team(user, payment.team)


def can_reconcile(user: User, payment: Payment) -> bool:
    return can_refund(user, payment)


def can_download_reports(user: User) -> bool:
    return _member(user) and user.role in (Role.ADMIN, Role.MANAGER)


def can_manage_reconciliation_files(user: User) -> bool:
    """Choose which teams get their own daily reconciliation file."""
    return _member(user) and user.role == Role.ADMIN


# --- Card on file (payments/cards/)
def _advisors_may_charge(user: User) -> bool:
    card_settings = getattr(user.organization, "card_settings", None)  # CardSettings, if ever saved
    return bool(card_settings and card_settings.advisors_may_charge)


def can_charge_saved_card(user: User, team: Team) -> bool:
    """Charge a customer's saved card (once, installments, bulk) for this team: Managers of the team and
    Admins; Advisors of the team only where the organization allows it (Admin tab, card settings)."""
    if not _same_org(user, team) or not team.payments_enabled:
        return False
    if user.role == Role.ADMIN:
        return True
    if not _in_team(user, team):
        return False
    return user.role == Role.MANAGER or (user.role == Role.ADVISOR and _advisors_may_charge(user))


def can_view_saved_cards(user: User, customer) -> bool:
    """See a customer's saved cards (brand, last 4, expiry, consent): anyone who sees customers."""
    return _same_org(user, customer)


def can_request_saved_card(user: User, customer) -> bool:
    """Text or email a customer a link to save (or update) a card."""
    return _same_org(user, customer)


def can_manage_saved_cards(user: User, customer) -> bool:
    """Remove a customer's saved card: Managers and Admins, Advisors where allowed to charge."""
    if not _same_org(user, customer):
        return False
    return user.role in (Role.ADMIN, Role.MANAGER) or (
        user.role == Role.ADVISOR and _advisors_may_charge(user)
    )


def can_manage_card_settings(user: User) -> bool:
    return can_manage_organization(user)


# --- API tokens: scopes on top of the acting user's rules
# Which scope each API call needs (the views declare it, organizations/api_tokens/scopes.py asks here):
#   read                every GET
#   request_payments    create/update customers, create, cancel and resend payment requests
#   refund              refund a payment
#   reconcile           mark payments reconciled, and undo
#   charge_saved_cards  charge a saved card, create an installment plan: money moves with no customer
#                       acting, so it is not part of request_payments (tokens made before it got it)
# and then the acting user's own rule above (can_refund, can_charge_saved_card, ...).
def token_has_scope(token: ApiToken | None, scope: str) -> bool:
    """A request with an API token may do what the token's scopes allow (and then only what its
    acting user may). A signed-in session (no token) is limited by the user's role alone."""
    if token is None or not isinstance(token, ApiToken):
        return True
    return scope in ApiScope.values and scope in (token.scopes or [])
