import pytest

from core.errors import PermissionDenied as ServicePermissionDenied
from organizations.models import Role
from teams.models import Team
from teams.services import team_payments_set
from tests.factories import TeamFactory, UserFactory


def test_admin_creates_a_team_with_members(client, admin_user, advisor, manager):
    client.force_login(admin_user)
    response = client.post("/manage/teams/new/", {"name": "Body shop", "members": [advisor.pk, manager.pk]})
    assert response.status_code == 302
    team = Team.objects.get(name="Body shop")
    assert team.organization_id == admin_user.organization_id and not team.payments_enabled
    assert set(team.members.all()) == {advisor, manager}


def test_duplicate_team_name_is_named_on_the_field(client, admin_user, team):
    client.force_login(admin_user)
    response = client.post("/manage/teams/new/", {"name": "service"})
    assert "name" in response.context["form"].errors


def test_admin_edits_members(client, admin_user, team, advisor, manager):
    client.force_login(admin_user)
    response = client.post(f"/manage/teams/{team.pk}/", {"name": "Service dept", "members": [manager.pk]})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "Service dept" and list(team.members.all()) == [manager]


def test_admins_cannot_be_team_members_and_strangers_cannot_be_added(client, admin_user, team, other_org):
    stranger = UserFactory(organization=other_org, role=Role.ADVISOR)
    client.force_login(admin_user)
    response = client.post(f"/manage/teams/{team.pk}/", {"name": "Service", "members": [stranger.pk]})
    assert "members" in response.context["form"].errors
    response = client.post(f"/manage/teams/{team.pk}/", {"name": "Service", "members": [admin_user.pk]})
    assert "members" in response.context["form"].errors


def test_team_list_query_count(client, admin_user, org, django_assert_max_num_queries):
    for n in range(5):
        TeamFactory(organization=org, name=f"T{n}").members.add(UserFactory(organization=org))
    client.force_login(admin_user)
    with django_assert_max_num_queries(10):
        assert client.get("/manage/teams/").status_code == 200


# --- Enable payments: Admins only, enforced on the server -----------------------------------
def test_admin_turns_payments_on_and_off(client, admin_user, org):
    team = TeamFactory(organization=org, payments_enabled=False)
    client.force_login(admin_user)
    assert client.post(f"/manage/teams/{team.pk}/payments/", {"enabled": "1"}).status_code == 302
    team.refresh_from_db()
    assert team.payments_enabled
    client.post(f"/manage/teams/{team.pk}/payments/", {"enabled": "0"})
    team.refresh_from_db()
    assert not team.payments_enabled


@pytest.mark.parametrize("who", ["manager", "advisor"])
def test_non_admins_cannot_switch_payments_even_by_posting(client, org, team, who, request):
    user = request.getfixturevalue(who)  # both are members of the team
    client.force_login(user)
    assert client.post(f"/manage/teams/{team.pk}/payments/", {"enabled": "0"}).status_code == 403
    team.refresh_from_db()
    assert team.payments_enabled
    with pytest.raises(ServicePermissionDenied):
        team_payments_set(team=team, actor=user, enabled=False)
    team.refresh_from_db()
    assert team.payments_enabled


def test_another_organizations_team_is_404(client, admin_user, other_org):
    foreign = TeamFactory(organization=other_org, payments_enabled=False)
    client.force_login(admin_user)
    assert client.post(f"/manage/teams/{foreign.pk}/payments/", {"enabled": "1"}).status_code == 404
    assert client.get(f"/manage/teams/{foreign.pk}/").status_code == 404
    foreign.refresh_from_db()
    assert not foreign.payments_enabled


def test_switch_shown_to_admins_only(client, admin_user, manager, team):
    client.force_login(admin_user)
    assert b'role="switch"' in client.get("/manage/teams/").content
    client.force_login(manager)
    assert client.get("/manage/teams/").status_code == 403


def test_next_cannot_redirect_off_site(client, admin_user, team):
    client.force_login(admin_user)
    response = client.post(
        f"/manage/teams/{team.pk}/payments/", {"enabled": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/manage/teams/"
