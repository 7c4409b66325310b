"""Changes to organizations, people and invitations. Views call these; nothing else writes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import i18n
from core.errors import ApplicationError, Conflict, PermissionDenied
from organizations import permissions
from organizations.models import (
    CURRENCY_OF_COUNTRY,
    RECEIPT_PREFIX_RE,
    Country,
    Invitation,
    Organization,
    Role,
    User,
    _invitation_token,
    receipt_prefix_from_name,
)
from organizations.selectors import organization_active_admin_count
from teams.models import Team

INVITATION_LIFETIME = timedelta(days=7)

ORGANIZATION_DETAIL_FIELDS = (
    "name",
    "country",
    "time_zone",
    "default_language",
    "legal_name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "support_phone",
    "support_email",
    "website",
    "receipt_prefix",
)


# --- Languages ------------------------------------------------------------------------------
@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """The person's staff-interface language; "" = the dealership's default."""
    from core.i18n import STAFF_LANGUAGES

    if language and language not in STAFF_LANGUAGES:
        raise ApplicationError(
            _("Choose English or French."), extra={"language": [_("Choose English or French.")]}
        )
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user


# --- Organization ---------------------------------------------------------------------------
@transaction.atomic
def organization_create(
    *, name: str, country: str, time_zone: str = "America/New_York", **details
) -> Organization:
    if country not in Country.values:
        raise ApplicationError(
            "Country must be US or CA.", extra={"fields": {"country": ["Choose US or CA."]}}
        )
    return Organization.objects.create(
        name=name, country=country, currency=CURRENCY_OF_COUNTRY[country], time_zone=time_zone, **details
    )


@transaction.atomic
def organization_update(*, organization: Organization, actor: User, data: dict) -> Organization:
    """Business details. The currency follows the country; the country can't change once a
    Stripe account exists (Stripe accounts are tied to one country)."""
    if not permissions.can_manage_organization(actor) or actor.organization_id != organization.pk:
        raise PermissionDenied("Only an Admin can change the business details.")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    unknown = set(data) - set(ORGANIZATION_DETAIL_FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    country = data.get("country", organization.country)
    if country not in Country.values:
        raise ApplicationError(
            "Country must be US or CA.", extra={"fields": {"country": ["Choose US or CA."]}}
        )
    if country != organization.country and organization.stripe_accounts.exists():
        raise ApplicationError(
            "The country can't change after Stripe is connected.",
            extra={"fields": {"country": ["The country can't change after Stripe is connected."]}},
        )
    if "receipt_prefix" in data:
        prefix = (data["receipt_prefix"] or "").strip().upper() or receipt_prefix_from_name(
            data.get("name") or organization.name
        )
        if not re.match(RECEIPT_PREFIX_RE, prefix):
            message = _("Receipt prefix: 2 to 6 letters or digits, e.g. MRM.")
            raise ApplicationError(message, extra={"fields": {"receipt_prefix": [message]}})
        data = {**data, "receipt_prefix": prefix}
    for field, value in data.items():
        setattr(organization, field, value)
    organization.currency = CURRENCY_OF_COUNTRY[country]
    organization.save()
    return organization


# --- People ---------------------------------------------------------------------------------
def _require_people_admin(actor: User, target_org_id: int) -> None:
    if not permissions.can_manage_people(actor) or actor.organization_id != target_org_id:
        raise PermissionDenied("Only an Admin can manage people.")


def _keep_an_admin(user: User) -> None:
    if user.role == Role.ADMIN and user.is_active:
        if organization_active_admin_count(organization=user.organization, exclude=user) == 0:
            raise Conflict("The organization needs at least one active Admin.")


@transaction.atomic
def user_role_change(*, user: User, role: str, actor: User) -> User:
    _require_people_admin(actor, user.organization_id)
    if role not in Role.values:
        raise ApplicationError(
            "Choose a role.", extra={"fields": {"role": ["Choose Admin, Manager or Advisor."]}}
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.role == role:
        return user
    if user.pk == actor.pk:
        raise Conflict("You can't change your own role; ask another Admin.")
    if role != Role.ADMIN:
        _keep_an_admin(user)
    user.role = role
    user.save(update_fields=["role"])
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: User) -> User:
    """A deactivated person can't log in; their history stays."""
    _require_people_admin(actor, user.organization_id)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk:
        raise Conflict("You can't deactivate yourself.")
    _keep_an_admin(user)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return user


@transaction.atomic
def user_reactivate(*, user: User, actor: User) -> User:
    _require_people_admin(actor, user.organization_id)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


# --- Invitations ----------------------------------------------------------------------------
def invitation_link(*, invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("register", kwargs={"token": invitation.token})


def _queue_invitation_send(invitation: Invitation) -> None:
    from organizations.tasks import invitation_send_task

    transaction.on_commit(lambda: invitation_send_task.delay(invitation.pk))


@transaction.atomic
def invitation_create(
    *,
    organization: Organization,
    invited_by: User,
    name: str,
    email: str,
    phone: str,
    role: str,
    teams: Iterable[Team] = (),
) -> Invitation:
    _require_people_admin(invited_by, organization.pk)
    email = email.strip().lower()
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the person's name."]
    if not email:
        errors["email"] = ["Enter an email address."]
    elif User.objects.filter(email__iexact=email, organization=organization).exists():
        errors["email"] = ["Someone at your dealership already logs in with this email."]
    # An email used at another dealership is invited like any other: saying so would tell this
    # dealership who works elsewhere. invitation_send tells the address's owner instead.
    elif Invitation.objects.filter(
        organization=organization, email__iexact=email, status=Invitation.Status.PENDING
    ).exists():
        errors["email"] = ["This person already has a pending invitation; re-send it instead."]
    if role not in Role.values:
        errors["role"] = ["Choose Admin, Manager or Advisor."]
    teams = list(teams)
    if any(team.organization_id != organization.pk for team in teams):
        errors["teams"] = ["Choose teams of your organization."]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, extra={"fields": errors})
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organization=organization,
                name=name,
                email=email,
                phone=phone,
                role=role,
                invited_by=invited_by,
                expires_at=timezone.now() + INVITATION_LIFETIME,
            )
    except IntegrityError:
        raise ApplicationError(
            "This person already has a pending invitation.",
            extra={
                "fields": {"email": ["This person already has a pending invitation; re-send it instead."]}
            },
        )
    invitation.teams.set(teams)
    _queue_invitation_send(invitation)
    return invitation


@transaction.atomic
def invitation_send(*, invitation_id: int) -> Invitation | None:
    """Send the email with the registration link, and an SMS saying where it went. Safe to run twice: a sent
    invitation (sent_at set) is not sent again; re-send clears sent_at with a fresh token."""
    from notifications.services import email_send, sms_send

    invitation = (
        Invitation.objects.select_for_update().select_related("organization").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.status != Invitation.Status.PENDING or invitation.sent_at:
        return invitation
    if invitation.expires_at <= timezone.now():
        return invitation
    organization = invitation.organization
    context = {
        "invitation": invitation,
        "organization": organization,
        "link": invitation_link(invitation=invitation),
        "expires_days": INVITATION_LIFETIME.days,
    }
    # In the dealership's language: the invitee has no profile language yet. The SMS never carries
    # the registration link, and reads the same whether or not the address already has an account:
    # only the email's owner can register with it, and the phone the Admin typed learns nothing.
    with translation.override(i18n.organization_language(organization)):
        if invitation.phone:
            sms_send(
                organization=organization,
                to=str(invitation.phone),
                body=render_to_string("organizations/messages/invitation_sms.txt", context).strip(),
                purpose="invitation",
                invitation=invitation,
            )
        subject = _("You're invited to %(dealership)s on TextPay") % {"dealership": organization.name}
        if User.objects.filter(email__iexact=invitation.email).exists():
            # The address already has an account (at another dealership): its owner is told, by
            # email, without a registration link; the Manage tab shows the invitation as sent either way.
            email_send(
                organization=organization,
                to=invitation.email,
                subject=subject,
                body=render_to_string("organizations/messages/invitation_email_account_exists.txt", context),
                purpose="invitation",
                invitation=invitation,
            )
        else:
            email_send(
                organization=organization,
                to=invitation.email,
                subject=subject,
                body=render_to_string("organizations/messages/invitation_email.txt", context),
                html_body=render_to_string("organizations/messages/invitation_email.html", context),
                purpose="invitation",
                invitation=invitation,
            )
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    """A fresh link (the old one stops working), valid for another 7 days."""
    _require_people_admin(actor, invitation.organization_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise Conflict(f"This invitation is {invitation.get_status_display().lower()}; it can't be re-sent.")
    invitation.token = _invitation_token()
    invitation.expires_at = timezone.now() + INVITATION_LIFETIME
    invitation.sent_at = None
    invitation.save(update_fields=["token", "expires_at", "sent_at"])
    _queue_invitation_send(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    _require_people_admin(actor, invitation.organization_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status == Invitation.Status.REVOKED:
        return invitation
    if invitation.status != Invitation.Status.PENDING:
        raise Conflict("This invitation was already accepted.")
    invitation.status = Invitation.Status.REVOKED
    invitation.save(update_fields=["status"])
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Single use: the invitation becomes accepted and the person an active user of the
    organization with the invited role and teams."""
    invitation = (
        Invitation.objects.select_for_update().select_related("organization").filter(token=token).first()
    )
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        raise ApplicationError("This invitation link is no longer valid. Ask your Admin for a new one.")
    if invitation.expires_at <= timezone.now():
        raise ApplicationError("This invitation link has expired. Ask your Admin to re-send it.")
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ApplicationError(
            "This invitation can't create an account. Check the email we sent to the invited address."
        )
    user = User(
        email=invitation.email.lower(),
        name=invitation.name,
        phone=invitation.phone,
        organization=invitation.organization,
        role=invitation.role,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(exc.messages[0], extra={"fields": {"password": exc.messages}})
    user.set_password(password)
    user.save()
    user.teams.set(invitation.teams.all())
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_user = user
    invitation.save(update_fields=["status", "accepted_user"])
    return user
