"""Reads for organizations, people and invitations. Every query is scoped to one organization."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from organizations.models import Invitation, Organization, Role, User
from teams.models import Team


def organization_people_list(*, organization: Organization) -> QuerySet[User]:
    return (
        User.objects.filter(organization=organization)
        .prefetch_related(Prefetch("teams", queryset=Team.objects.only("id", "name")))
        .order_by("-is_active", "name", "email")
    )


def organization_user_get(*, organization: Organization, user_id: int) -> User:
    """Another organization's user is a 404."""
    return get_object_or_404(User, organization=organization, pk=user_id)


def organization_active_admin_count(*, organization: Organization, exclude: User | None = None) -> int:
    admins = User.objects.filter(organization=organization, role=Role.ADMIN, is_active=True)
    if exclude is not None:
        admins = admins.exclude(pk=exclude.pk)
    return admins.count()


def invitation_pending_list(*, organization: Organization) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(organization=organization, status=Invitation.Status.PENDING)
        .select_related("invited_by")
        .prefetch_related(Prefetch("teams", queryset=Team.objects.only("id", "name")))
        .order_by("-created_at")
    )


def invitation_get(*, organization: Organization, invitation_id: int) -> Invitation:
    return get_object_or_404(Invitation, organization=organization, pk=invitation_id)


def invitation_get_usable(*, token: str) -> Invitation | None:
    """The pending, unexpired invitation with this token, or None."""
    return (
        Invitation.objects.select_related("organization")
        .filter(token=token, status=Invitation.Status.PENDING, expires_at__gt=timezone.now())
        .first()
    )


def organization_zone(organization: Organization) -> ZoneInfo:
    """The dealership's time zone (UTC when its zone name is bad: a page must not break on it)."""
    try:
        return ZoneInfo(organization.time_zone)
    except Exception:
        return ZoneInfo("UTC")
