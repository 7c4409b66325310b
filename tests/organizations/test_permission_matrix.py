"""The permission matrix: every rule in organizations/permissions.py with users it allows and
users it refuses (including another organization's Admin, a deactivated Admin, a platform user
without organization)."""

import inspect

import pytest

from organizations import permissions
from organizations.models import Role
from tests.factories import (
    OrganizationFactory,
    PaymentFactory,
    PaymentRequestFactory,
    TeamFactory,
    UserFactory,
)


@pytest.fixture
def world(db):
    org = OrganizationFactory()
    other = OrganizationFactory()
    team = TeamFactory(organization=org, payments_enabled=True)
    team_off = TeamFactory(organization=org, payments_enabled=False)
    other_team = TeamFactory(organization=other, payments_enabled=True)
    users = {
        "admin": UserFactory(organization=org, role=Role.ADMIN),
        "manager_in": UserFactory(organization=org, role=Role.MANAGER, teams=[team, team_off]),
        "manager_out": UserFactory(organization=org, role=Role.MANAGER, teams=[team_off]),
        "advisor_in": UserFactory(organization=org, role=Role.ADVISOR, teams=[team, team_off]),
        "advisor_out": UserFactory(organization=org, role=Role.ADVISOR, teams=[team_off]),
        "deactivated_admin": UserFactory(organization=org, role=Role.ADMIN, is_active=False),
        "other_admin": UserFactory(organization=other, role=Role.ADMIN),
        "other_manager": UserFactory(organization=other, role=Role.MANAGER, teams=[other_team]),
        "no_org": UserFactory(organization=None, role=Role.ADMIN, is_staff=True, is_superuser=True),
    }
    request = PaymentRequestFactory(organization=org, team=team, created_by=users["advisor_in"])
    payment = PaymentFactory(payment_request=request)
    objects = {
        None: None,
        "team": team,
        "team_off": team_off,
        "request": request,
        "payment": payment,
        "customer": request.customer,
    }
    return users, objects


# (rule, object, allowed users, denied users)
MATRIX = [
    ("can_manage_people", None, ["admin"], ["manager_in", "advisor_in", "deactivated_admin", "no_org"]),
    ("can_manage_teams", None, ["admin"], ["manager_in", "advisor_in", "no_org"]),
    ("can_manage_organization", None, ["admin"], ["manager_in", "advisor_in", "deactivated_admin"]),
    ("can_connect_stripe", None, ["admin"], ["manager_in", "advisor_in"]),
    ("can_manage_api_tokens", None, ["admin"], ["manager_in", "advisor_in"]),
    ("can_manage_payout_emails", None, ["admin"], ["manager_in", "advisor_in"]),
    ("can_manage_reconciliation_files", None, ["admin"], ["manager_in", "advisor_in", "deactivated_admin"]),
    ("can_manage_webhooks", None, ["admin"], ["manager_in", "advisor_in", "deactivated_admin"]),
    (
        "can_enable_payments",
        "team",
        ["admin"],
        ["manager_in", "advisor_in", "other_admin", "deactivated_admin"],
    ),
    ("can_view_customers", None, ["admin", "manager_in", "advisor_out"], ["no_org", "deactivated_admin"]),
    ("can_edit_customer", None, ["admin", "advisor_out"], ["no_org", "deactivated_admin"]),
    ("can_request_payment", "team", ["advisor_in", "manager_in", "admin"], ["advisor_out", "other_admin"]),
    ("can_request_payment", "team_off", [], ["advisor_in", "manager_in", "admin"]),
    (
        "can_view_payment_request",
        "request",
        ["advisor_in", "manager_in", "admin"],
        ["advisor_out", "manager_out", "other_admin", "other_manager"],
    ),
    (
        "can_cancel_payment_request",
        "request",
        ["advisor_in", "manager_in", "admin"],
        ["advisor_out", "manager_out", "other_admin"],
    ),
    ("can_mark_notification_read", "request", ["advisor_in"], ["admin", "manager_in", "other_admin"]),
    ("can_open_payments_tab", None, ["admin", "manager_in", "advisor_in"], ["no_org", "deactivated_admin"]),
    ("can_view_team_payments", "team", ["admin", "manager_in"], ["manager_out", "advisor_in", "other_admin"]),
    (
        "can_view_payment",
        "payment",
        ["admin", "manager_in", "advisor_in"],
        ["manager_out", "advisor_out", "other_admin", "other_manager"],
    ),
    ("can_refund", "payment", ["admin", "manager_in"], ["advisor_in", "manager_out", "other_admin"]),
    ("can_reconcile", "payment", ["admin", "manager_in"], ["advisor_in", "manager_out", "other_admin"]),
    ("can_download_reports", None, ["admin", "manager_in"], ["advisor_in", "no_org"]),
    # card on file: Managers and Admins charge; Advisors only where the organization allows (below)
    (
        "can_charge_saved_card",
        "team",
        ["admin", "manager_in"],
        ["advisor_in", "manager_out", "other_admin", "deactivated_admin", "no_org"],
    ),
    ("can_charge_saved_card", "team_off", [], ["admin", "manager_in"]),
    ("can_view_saved_cards", "customer", ["admin", "manager_out", "advisor_out"], ["other_admin", "no_org"]),
    ("can_request_saved_card", "customer", ["admin", "advisor_in"], ["other_admin", "deactivated_admin"]),
    ("can_manage_saved_cards", "customer", ["admin", "manager_in"], ["advisor_in", "other_admin", "no_org"]),
    ("can_manage_card_settings", None, ["admin"], ["manager_in", "advisor_in"]),
]

CASES = [
    pytest.param(
        rule, target, who, expected, id=f"{rule}[{target or '-'}]-{who}-{'allowed' if expected else 'denied'}"
    )
    for rule, target, allowed, denied in MATRIX
    for who, expected in [*((u, True) for u in allowed), *((u, False) for u in denied)]
]


@pytest.mark.parametrize("rule, target, who, expected", CASES)
def test_permission_matrix(world, rule, target, who, expected):
    users, objects = world
    check = getattr(permissions, rule)
    args = (users[who],) if target is None else (users[who], objects[target])
    assert check(*args) is expected


def test_advisors_charge_saved_cards_only_where_the_organization_allows_it(world):
    from payments.models import CardSettings

    users, objects = world
    team = objects["team"]
    assert not permissions.can_charge_saved_card(users["advisor_in"], team)
    CardSettings.objects.create(organization=team.organization, advisors_may_charge=True)
    users["advisor_in"].organization.refresh_from_db()
    advisor = type(users["advisor_in"]).objects.get(pk=users["advisor_in"].pk)
    assert permissions.can_charge_saved_card(advisor, team)
    assert permissions.can_manage_saved_cards(advisor, objects["customer"])
    outsider = type(users["advisor_out"]).objects.get(pk=users["advisor_out"].pk)
    assert not permissions.can_charge_saved_card(outsider, team)  # not in the team


def test_every_rule_has_an_allowed_and_a_denied_user_in_the_matrix():
    rules = {
        name for name, fn in inspect.getmembers(permissions, inspect.isfunction) if name.startswith("can_")
    }
    covered_allowed = {rule for rule, _t, allowed, _d in MATRIX if allowed}
    covered_denied = {rule for rule, _t, _a, denied in MATRIX if denied}
    missing = sorted((rules - covered_allowed) | (rules - covered_denied))
    assert not missing, f"rules without an allowed and a denied case: {missing}"


def test_anonymous_user_is_refused_everything(db):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not permissions.can_manage_people(anonymous)
    assert not permissions.can_view_customers(anonymous)
    assert not permissions.can_open_payments_tab(anonymous)
