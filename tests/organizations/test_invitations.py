"""Invitations on the Manage tab: invite -> SMS + email with a single-use 7-day link -> set a
password -> a user of the organization with the invited role and teams. Re-send and revoke."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import OutboundMessage
from organizations.models import Invitation, Role, User
from tests.factories import OrganizationFactory, TeamFactory, UserFactory

LINK = re.compile(r"https?://\S+/accounts/register/[\w-]+/")


@pytest.fixture(autouse=True)
def outbox_only(settings):
    settings.TWILIO_ACCOUNT_SID = ""
    settings.EMAIL_BACKEND = "notifications.email_backend.OutboxEmailBackend"


def invite(client, django_capture_on_commit_callbacks, **overrides):
    data = {"name": "Nina Newman", "phone": "(312) 555-0142", "email": "Nina@Example.com", "role": "manager"}
    data.update(overrides)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/manage/invitations/new/", data)


def link_in(message: OutboundMessage) -> str:
    return LINK.search(message.body).group(0)


def test_admin_invites_a_manager_who_gets_an_sms_and_an_email(
    client, admin_user, team, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    response = invite(client, django_capture_on_commit_callbacks, teams=[team.pk])
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, str(invitation.phone), invitation.role) == (
        "nina@example.com",
        "+13125550142",
        "manager",
    )
    assert list(invitation.teams.all()) == [team]
    assert invitation.expires_at - timezone.now() > timedelta(days=6, hours=23)
    sms = OutboundMessage.objects.get(channel="sms")
    email = OutboundMessage.objects.get(channel="email")
    assert sms.to == "+13125550142" and email.to == "nina@example.com"
    assert sms.status == email.status == "sent"
    assert not LINK.search(sms.body) and invitation.token not in sms.body  # the link goes by email only
    assert "nina@example.com" in sms.body
    assert invitation.token in link_in(email)
    assert invitation.token in email.html_body
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


def test_invitee_sets_a_password_and_joins_with_role_and_teams(
    client, admin_user, team, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    invite(client, django_capture_on_commit_callbacks, teams=[team.pk])
    client.logout()
    path = "/" + link_in(OutboundMessage.objects.get(channel="email")).split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200 and b"Nina Newman" in page.content
    response = client.post(path, {"password1": "Gr33n-Tractor-9", "password2": "Gr33n-Tractor-9"})
    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(email="nina@example.com")
    assert (user.organization_id, user.role, user.is_active) == (
        admin_user.organization_id,
        Role.MANAGER,
        True,
    )
    assert list(user.teams.all()) == [team]
    assert user.check_password("Gr33n-Tractor-9")
    assert client.session["_auth_user_id"] == str(user.pk)  # logged in
    assert Invitation.objects.get().status == Invitation.Status.ACCEPTED
    # Single use: the link is dead now.
    client.logout()
    assert client.get(path).status_code == 404
    assert client.post(path, {"password1": "Other-Pass-77", "password2": "Other-Pass-77"}).status_code == 404


def test_weak_or_mismatched_password_is_refused_on_the_field(client, org, admin_user):
    invitation = Invitation.objects.create(organization=org, name="N", email="n@example.com", role="advisor")
    path = f"/accounts/register/{invitation.token}/"
    response = client.post(path, {"password1": "123", "password2": "123"})
    assert response.status_code == 200 and "password1" in response.context["form"].errors
    response = client.post(path, {"password1": "Gr33n-Tractor-9", "password2": "Gr33n-Tractor-8"})
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(email="n@example.com").exists()


def test_expired_link_does_not_work(client, org):
    invitation = Invitation.objects.create(
        organization=org,
        name="N",
        email="n@example.com",
        role="advisor",
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    response = client.get(f"/accounts/register/{invitation.token}/")
    assert response.status_code == 404 and b"expired" in response.content


def test_resend_gives_a_fresh_link_and_kills_the_old_one(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    invite(client, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    old_token = invitation.token
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/manage/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.token != old_token
    assert OutboundMessage.objects.filter(channel="sms").count() == 2
    assert OutboundMessage.objects.filter(channel="email").count() == 2
    newest_email = OutboundMessage.objects.filter(channel="email").first()
    assert invitation.token in newest_email.body
    client.logout()
    assert client.get(f"/accounts/register/{old_token}/").status_code == 404
    assert client.get(f"/accounts/register/{invitation.token}/").status_code == 200


def test_revoked_invitation_link_does_not_work(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    invite(client, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    assert client.post(f"/manage/invitations/{invitation.pk}/revoke/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert client.get(f"/accounts/register/{invitation.token}/").status_code == 404
    # A revoked invitation can't be re-sent.
    client.post(f"/manage/invitations/{invitation.pk}/resend/")
    assert OutboundMessage.objects.filter(channel="sms").count() == 1


def test_send_task_twice_sends_once(admin_user, django_capture_on_commit_callbacks, client):
    from organizations.services import invitation_send

    client.force_login(admin_user)
    invite(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(invitation_id=Invitation.objects.get().pk)
    assert OutboundMessage.objects.filter(channel="sms").count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"phone": "555-12"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "admin@smith.example"}, "email"),  # already a user
        ({"name": ""}, "name"),
        ({"role": "owner"}, "role"),
    ],
)
def test_bad_input_is_named_on_the_field(
    client, admin_user, django_capture_on_commit_callbacks, overrides, field
):
    client.force_login(admin_user)
    response = invite(client, django_capture_on_commit_callbacks, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Invitation.objects.exists() and not OutboundMessage.objects.exists()


def test_second_pending_invitation_for_the_same_email_is_refused(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    invite(client, django_capture_on_commit_callbacks)
    response = invite(client, django_capture_on_commit_callbacks, email="nina@example.com")
    assert "pending invitation" in response.context["form"].errors["email"][0]
    assert Invitation.objects.count() == 1


def test_another_organizations_team_cannot_be_chosen(client, admin_user, django_capture_on_commit_callbacks):
    foreign_team = TeamFactory(organization=OrganizationFactory())
    client.force_login(admin_user)
    response = invite(client, django_capture_on_commit_callbacks, teams=[foreign_team.pk])
    assert "teams" in response.context["form"].errors
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADVISOR])
def test_only_admins_invite(client, org, role, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(organization=org, role=role))
    assert client.get("/manage/invitations/new/").status_code == 403
    assert invite(client, django_capture_on_commit_callbacks).status_code == 403
    assert not Invitation.objects.exists()


def test_another_organizations_invitation_is_404(client, admin_user, other_org):
    foreign = Invitation.objects.create(
        organization=other_org, name="X", email="x@example.com", role="advisor"
    )
    client.force_login(admin_user)
    assert client.post(f"/manage/invitations/{foreign.pk}/resend/").status_code == 404
    assert client.post(f"/manage/invitations/{foreign.pk}/revoke/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Invitation.Status.PENDING


def test_invitation_sms_goes_through_twilio_when_configured(
    client, admin_user, twilio_server, settings, django_capture_on_commit_callbacks
):
    settings.TWILIO_ACCOUNT_SID = twilio_server.account_sid  # undo the autouse outbox-only fixture
    client.force_login(admin_user)
    invite(client, django_capture_on_commit_callbacks)
    sms = OutboundMessage.objects.get(channel="sms")
    assert (sms.backend, sms.status) == ("twilio", "sent")
    [received] = twilio_server.messages
    assert received.params["To"] == "+13125550142"
    assert Invitation.objects.get().token not in received.params["Body"]  # the link goes by email only
    assert "nina@example.com" in received.params["Body"]
    assert sms.provider_id == received.sid


def test_inviting_an_email_used_at_another_dealership_does_not_tell_this_dealership(
    client, admin_user, other_org, django_capture_on_commit_callbacks
):
    """QA regression (issue 11, item 9): the Manage tab answered "Someone with this email already has
    an account" for an address used at another dealership. Now the answer is the same as for any new
    address; only the address's owner learns, by an email without a registration link."""
    UserFactory(organization=other_org, email="taken@rival.example", name="Theo Taken")
    client.force_login(admin_user)
    fresh = invite(client, django_capture_on_commit_callbacks, email="fresh@example.com", name="Fay Fresh")
    taken = invite(client, django_capture_on_commit_callbacks, email="Taken@Rival.example", name="Tom Taken")
    assert fresh.status_code == taken.status_code == 302
    assert fresh["Location"] == taken["Location"]
    people = client.get(taken["Location"])
    page = people.content.decode()
    assert "Invitation sent to Tom Taken by SMS and email." in page
    assert "already" not in page.lower() and "Rival" not in page
    rows = {inv.email: inv for inv in Invitation.objects.all()}
    assert rows["taken@rival.example"].sent_at and rows["fresh@example.com"].sent_at
    notice = OutboundMessage.objects.get(to="taken@rival.example")
    assert "already has a TextPay account" in notice.body and "not been told" in notice.body
    assert not LINK.search(notice.body)
    # Both phones get the same SMS (pointing to the email), neither with a link.
    sms = {
        m.invitation.email: m.body
        for m in OutboundMessage.objects.filter(channel="sms").select_related("invitation")
    }
    assert sms["taken@rival.example"].replace("taken@rival.example", "X") == sms["fresh@example.com"].replace(
        "fresh@example.com", "X"
    )
    assert not any(LINK.search(body) for body in sms.values())
    # the invitation can't be used to take over the address
    client.post(
        f"/accounts/register/{rows['taken@rival.example'].token}/",
        {"password1": "a-Long-pass-4821", "password2": "a-Long-pass-4821"},
    )
    assert User.objects.filter(email="taken@rival.example").get().organization == other_org


def test_inviting_a_colleague_of_this_dealership_again_says_so(
    client, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    response = invite(client, django_capture_on_commit_callbacks, email="ADMIN@smith.example")
    assert "at your dealership" in response.context["form"].errors["email"][0]
