from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from organizations.models import Organization, Role, User
from teams.models import Team


def team_list(*, organization: Organization) -> QuerySet[Team]:
    return (
        Team.objects.filter(organization=organization)
        .annotate(member_count=Count("members"))
        .prefetch_related("members")
        .order_by("name")
    )


def team_get(*, organization: Organization, team_id: int) -> Team:
    """Another organization's team is a 404."""
    return get_object_or_404(Team, organization=organization, pk=team_id)


def team_member_candidates(*, organization: Organization) -> QuerySet[User]:
    """Teams hold advisors and managers (Admins see every team anyway)."""
    return User.objects.filter(
        organization=organization, is_active=True, role__in=[Role.ADVISOR, Role.MANAGER]
    ).order_by("name")
