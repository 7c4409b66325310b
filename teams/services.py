from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from core.errors import ApplicationError, PermissionDenied
from organizations import permissions
from organizations.models import Organization, Role, User
from teams.models import Team


def _check_members(organization: Organization, members: Iterable[User]) -> list[User]:
    members = list(members)
    for member in members:
        if member.organization_id != organization.pk:
            raise ApplicationError(
                "Choose people of your organization.", extra={"fields": {"members": ["Unknown person."]}}
            )
        if member.role not in (Role.ADVISOR, Role.MANAGER):
            raise ApplicationError(
                "Teams hold advisors and managers.",
                extra={"fields": {"members": [f"{member.name} is an Admin."]}},
            )
    return members


def _check_name(organization: Organization, name: str, exclude_pk: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ApplicationError("Enter a team name.", extra={"fields": {"name": ["Enter a team name."]}})
    clash = Team.objects.filter(organization=organization, name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ApplicationError(
            "A team with this name exists.", extra={"fields": {"name": ["A team with this name exists."]}}
        )
    return name


@transaction.atomic
def team_create(*, organization: Organization, actor: User, name: str, members: Iterable[User] = ()) -> Team:
    if not permissions.can_manage_teams(actor) or actor.organization_id != organization.pk:
        raise PermissionDenied("Only an Admin can create teams.")
    name = _check_name(organization, name)
    members = _check_members(organization, members)
    try:
        with transaction.atomic():
            team = Team.objects.create(organization=organization, name=name)
    except IntegrityError:
        raise ApplicationError(
            "A team with this name exists.", extra={"fields": {"name": ["A team with this name exists."]}}
        )
    team.members.set(members)
    return team


@transaction.atomic
def team_update(*, team: Team, actor: User, name: str, members: Iterable[User]) -> Team:
    if not permissions.can_manage_teams(actor) or actor.organization_id != team.organization_id:
        raise PermissionDenied("Only an Admin can change teams.")
    team = Team.objects.select_for_update().get(pk=team.pk)
    team.name = _check_name(team.organization, name, exclude_pk=team.pk)
    team.save(update_fields=["name"])
    team.members.set(_check_members(team.organization, members))
    return team


@transaction.atomic
def team_payments_set(*, team: Team, actor: User, enabled: bool) -> Team:
    """The team's Enable payments switch. Admins only — checked here, whatever the page showed."""
    if not permissions.can_enable_payments(actor, team):
        raise PermissionDenied("Only an Admin can turn payments on or off for a team.")
    team = Team.objects.select_for_update().get(pk=team.pk)
    if team.payments_enabled != enabled:
        team.payments_enabled = enabled
        team.save(update_fields=["payments_enabled"])
    return team
