import pytest

from organizations.models import Role
from tests.factories import UserFactory


def test_people_list_shows_only_my_organization(
    client, admin_user, manager, other_org, django_assert_max_num_queries
):
    UserFactory(organization=other_org, email="stranger@rival.example")
    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        response = client.get("/manage/")
    html = response.content.decode()
    assert response.status_code == 200
    assert manager.email in html and "stranger@rival.example" not in html


def test_admin_changes_a_role(client, admin_user, advisor):
    client.force_login(admin_user)
    assert client.post(f"/manage/people/{advisor.pk}/role/", {"role": "manager"}).status_code == 302
    advisor.refresh_from_db()
    assert advisor.role == Role.MANAGER


def test_the_last_admin_cannot_be_demoted_or_deactivated(client, org, admin_user):
    client.force_login(admin_user)
    client.post(f"/manage/people/{admin_user.pk}/role/", {"role": "advisor"})
    client.post(f"/manage/people/{admin_user.pk}/deactivate/")
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMIN and admin_user.is_active


def test_another_admin_can_be_demoted_while_one_remains(client, org, admin_user):
    second = UserFactory(organization=org, role=Role.ADMIN)
    client.force_login(admin_user)
    client.post(f"/manage/people/{second.pk}/role/", {"role": "advisor"})
    second.refresh_from_db()
    assert second.role == Role.ADVISOR


def test_deactivated_person_cannot_log_in(client, admin_user, advisor):
    client.force_login(admin_user)
    assert client.post(f"/manage/people/{advisor.pk}/deactivate/").status_code == 302
    advisor.refresh_from_db()
    assert not advisor.is_active
    client.logout()
    response = client.post("/accounts/login/", {"username": advisor.email, "password": "pass-Word-123"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    client.force_login(admin_user)
    client.post(f"/manage/people/{advisor.pk}/reactivate/")
    advisor.refresh_from_db()
    assert advisor.is_active


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADVISOR])
def test_only_admins_manage_people(client, org, advisor, role):
    user = UserFactory(organization=org, role=role)
    client.force_login(user)
    assert client.get("/manage/").status_code == 403
    assert client.post(f"/manage/people/{advisor.pk}/role/", {"role": "admin"}).status_code == 403
    assert client.post(f"/manage/people/{advisor.pk}/deactivate/").status_code == 403
    advisor.refresh_from_db()
    assert advisor.role == Role.ADVISOR and advisor.is_active


def test_another_organizations_person_is_404(client, admin_user, other_org):
    stranger = UserFactory(organization=other_org, role=Role.ADVISOR)
    client.force_login(admin_user)
    assert client.post(f"/manage/people/{stranger.pk}/role/", {"role": "admin"}).status_code == 404
    assert client.post(f"/manage/people/{stranger.pk}/deactivate/").status_code == 404
    stranger.refresh_from_db()
    assert stranger.role == Role.ADVISOR and stranger.is_active
