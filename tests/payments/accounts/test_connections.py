"""Admin tab -> Connections without a Stripe server: permissions, organization scoping, the
checks made before Stripe is called, team routing. (The flows that talk to Stripe are in
test_connections_stripe.py, over HTTP against the emulator.)"""

import pytest
from django.utils import timezone

from organizations.models import Role
from payments.accounts.selectors import (
    requirements_in_plain_words,
    stripe_account_customer_label,
    stripe_account_for_team,
)
from payments.accounts.services import statement_descriptor_errors
from payments.models import StripeAccount
from tests.factories import OrganizationFactory, StripeAccountFactory, TeamFactory, UserFactory

INDEX = "/admin-tab/connections/"


@pytest.fixture(autouse=True)
def unreachable_stripe(settings):
    """Any call to Stripe in these tests would fail: they prove our checks come first."""
    settings.STRIPE_SECRET_KEY = "sk_test_b1_unreachable"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"


@pytest.fixture
def account(org):
    return StripeAccountFactory(organization=org, display_name="Main store")


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADVISOR])
def test_non_admins_are_denied_every_page(client, org, account, role):
    client.force_login(UserFactory(organization=org, role=role))
    assert client.get(INDEX).status_code == 403
    assert client.post(INDEX + "connect/", {"authorized": "on"}).status_code == 403
    assert client.get(f"{INDEX}{account.pk}/onboarding/").status_code == 403
    response = client.post(
        f"{INDEX}{account.pk}/statement-descriptor/",
        {f"a{account.pk}-statement_descriptor": "SMITH TRACTORS"},
    )
    assert response.status_code == 403
    assert client.post(f"{INDEX}{account.pk}/disconnect/").status_code == 403
    account.refresh_from_db()
    assert account.disconnected_at is None
    assert StripeAccount.objects.count() == 1


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"] or "login" in response["Location"]


def test_another_organizations_account_is_404(client, admin_user, other_org):
    foreign = StripeAccountFactory(organization=other_org)
    client.force_login(admin_user)
    for path in ("onboarding/", "return/"):
        assert client.get(f"{INDEX}{foreign.pk}/{path}").status_code == 404
    for path in (
        "refresh/",
        "dashboard/",
        "payout-schedule/",
        "statement-descriptor/",
        "label/",
        "disconnect/",
    ):
        assert client.post(f"{INDEX}{foreign.pk}/{path}", {}).status_code == 404, path
    foreign.refresh_from_db()
    assert foreign.disconnected_at is None
    assert foreign.organization_id == other_org.pk
    # nor can a team be routed to it
    team = TeamFactory(organization=admin_user.organization, payments_enabled=True)
    StripeAccountFactory(organization=admin_user.organization)
    assert client.post(INDEX + "teams/", {f"team_{team.pk}": str(foreign.pk)}).status_code == 404
    team.refresh_from_db()
    assert team.stripe_account_id is None
    # and the page lists only our own accounts
    page = client.get(INDEX).content.decode()
    assert foreign.stripe_id not in page


def test_page_shows_not_connected_and_the_connect_form(client, admin_user):
    client.force_login(admin_user)
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Receive payments" in html
    assert 'data-testid="receive-payments-status">Not connected<' in html
    assert "I am authorised to sign for the organization" in html


def test_connect_without_the_authorisation_tick_explains_and_calls_nothing(client, admin_user):
    client.force_login(admin_user)
    response = client.post(INDEX + "connect/", {})
    assert response.status_code == 400
    assert "authorised to sign for the organization" in response.content.decode()
    assert StripeAccount.objects.count() == 0


@pytest.mark.parametrize(
    "value,problem",
    [
        ("ACME", "5 to 22 characters"),
        ("SMITH TRACTORS SERVICE DEPT", "5 to 22 characters"),
        ("12345 678", "at least one letter"),
        ("SMITH*TRACTORS", "not allowed: *"),
        ("SMITH <TRACTORS>", "not allowed: &lt; &gt;"),
        ("SMITH'S TRACTORS", "not allowed: &#x27;"),
        ('SMITH "TRACTORS"', "not allowed: &quot;"),
        ("SMITH\\TRACTORS", "not allowed: \\"),
    ],
)
def test_statement_descriptor_rules_error_next_to_the_field_and_input_kept(
    client, admin_user, account, value, problem
):
    client.force_login(admin_user)
    field = f"a{account.pk}-statement_descriptor"
    response = client.post(f"{INDEX}{account.pk}/statement-descriptor/", {field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert problem in html
    assert "can&#x27;t be reached" not in html  # refused before any call to Stripe
    # the typed value is still in the input, so nothing is lost
    from django.utils.html import escape

    assert f'value="{escape(value)}"' in html
    account.refresh_from_db()
    assert account.statement_descriptor == ""


def test_statement_descriptor_rules_as_a_function():
    assert statement_descriptor_errors("SMITH TRACTORS") == []
    assert statement_descriptor_errors("ABCDE") == []
    assert statement_descriptor_errors("A" * 22) == []
    assert statement_descriptor_errors("A" * 23)
    assert statement_descriptor_errors("ABCD")
    assert statement_descriptor_errors("12345")
    for bad in "<>\\'\"*":
        assert statement_descriptor_errors(f"SMITH{bad}CO"), bad


@pytest.mark.parametrize(
    "data,field_error",
    [
        ({"interval": "weekly"}, "day of the week"),
        ({"interval": "monthly", "monthly_anchor": "32"}, "day of the month from 1 to 31"),
        ({"interval": "daily", "delay_days": "1"}, "between 2 and 365"),
        ({"interval": "hourly"}, "Select a valid choice"),
    ],
)
def test_payout_schedule_checks_before_calling_stripe(client, admin_user, account, data, field_error):
    client.force_login(admin_user)
    response = client.post(
        f"{INDEX}{account.pk}/payout-schedule/", {f"a{account.pk}-{k}": v for k, v in data.items()}
    )
    assert response.status_code == 400
    assert field_error in response.content.decode()
    account.refresh_from_db()
    assert account.payout_interval == "daily" and account.payout_weekly_anchor == ""


def test_labels_are_ours_and_shown(client, admin_user, account):
    client.force_login(admin_user)
    assert "Pay by card — Smith Tractors" == stripe_account_customer_label(account)
    response = client.post(
        f"{INDEX}{account.pk}/label/",
        {
            f"a{account.pk}-display_name": "North store",
            f"a{account.pk}-customer_label": "Pay Smith North by card",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.display_name, account.customer_label) == ("North store", "Pay Smith North by card")
    assert "Pay Smith North by card" in client.get(INDEX).content.decode()


def test_disconnect_keeps_history_and_stops_new_payments(client, admin_user, account):
    from tests.factories import PaymentFactory, PaymentRequestFactory

    payment = PaymentFactory(
        payment_request=PaymentRequestFactory(
            organization=account.organization, stripe_account=account, status="paid"
        )
    )
    team = TeamFactory(organization=account.organization, stripe_account=account)
    client.force_login(admin_user)
    assert client.post(f"{INDEX}{account.pk}/disconnect/").status_code == 302
    account.refresh_from_db()
    assert account.disconnected_at is not None
    assert payment.__class__.objects.filter(pk=payment.pk, stripe_account=account).exists()
    team.refresh_from_db()
    assert team.stripe_account_id is None
    assert stripe_account_for_team(team) is None
    html = client.get(INDEX).content.decode()
    assert "Disconnected on" in html
    assert 'data-testid="receive-payments-status">Not connected<' in html


def test_team_routing_default_first_connected_and_explicit_choice(client, admin_user, org):
    first = StripeAccountFactory(organization=org, display_name="Main")
    second = StripeAccountFactory(organization=org, display_name="North")
    onboarding = StripeAccountFactory(
        organization=org, charges_enabled=False, payouts_enabled=False, details_submitted=False
    )
    service = TeamFactory(organization=org, name="Service", payments_enabled=True)
    parts = TeamFactory(organization=org, name="Parts", payments_enabled=True)
    assert stripe_account_for_team(service) == first
    client.force_login(admin_user)
    response = client.post(INDEX + "teams/", {f"team_{parts.pk}": str(second.pk), f"team_{service.pk}": ""})
    assert response.status_code == 302
    parts.refresh_from_db()
    service.refresh_from_db()
    assert stripe_account_for_team(parts) == second
    assert stripe_account_for_team(service) == first
    # routed to an account that can't take charges: no account, never a silent fallback
    parts.stripe_account = onboarding
    parts.save()
    assert stripe_account_for_team(parts) is None
    # the default skips disconnected accounts
    first.disconnected_at = timezone.now()
    first.save()
    assert stripe_account_for_team(service) == second
    # another organization never sees ours
    assert stripe_account_for_team(TeamFactory(organization=OrganizationFactory())) is None


def test_status_labels_follow_the_account_state(client, admin_user, org):
    client.force_login(admin_user)
    acct = StripeAccountFactory(
        organization=org,
        charges_enabled=False,
        payouts_enabled=False,
        details_submitted=False,
        requirements_currently_due=["external_account", "representative.dob.day", "representative.dob.year"],
    )
    html = client.get(INDEX).content.decode()
    assert 'data-testid="receive-payments-status">Onboarding incomplete<' in html
    assert "Bank account for payouts" in html
    assert html.count("Representative&#x27;s date of birth") == 1
    acct.details_submitted = True
    acct.save()
    assert 'data-testid="receive-payments-status">Restricted<' in client.get(INDEX).content.decode()
    acct.charges_enabled = acct.payouts_enabled = True
    acct.requirements_currently_due = []
    acct.save()
    html = client.get(INDEX).content.decode()
    assert 'data-testid="receive-payments-status">Connected<' in html
    assert 'data-testid="account-status">Connected<' in html


def test_requirements_in_plain_words():
    words = requirements_in_plain_words(
        [
            "external_account",
            "tos_acceptance.date",
            "tos_acceptance.ip",
            "company.tax_id",
            "person_1AbC.first_name",
            "something_new.field_x",
        ]
    )
    assert words == [
        "Bank account for payouts",
        "Acceptance of Stripe's terms of service",
        "Business tax ID (EIN in the US, BN in Canada)",
        "Person: first name",
        "Something new field x",
    ]


def test_connections_page_query_count_does_not_grow_with_accounts(
    client, admin_user, org, django_assert_max_num_queries
):
    client.force_login(admin_user)
    StripeAccountFactory(organization=org)
    TeamFactory(organization=org, payments_enabled=True)
    client.get(INDEX)  # warm up (session, content types)
    with django_assert_max_num_queries(10) as one:
        assert client.get(INDEX).status_code == 200
    for _ in range(4):
        account = StripeAccountFactory(organization=org)
        TeamFactory(organization=org, payments_enabled=True, stripe_account=account)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(INDEX).status_code == 200
