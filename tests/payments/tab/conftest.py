import datetime as dt

import pytest
from django.utils import timezone

from organizations.models import Role
from tests.factories import (
    CustomerFactory,
    PaymentFactory,
    PaymentRequestFactory,
    StripeAccountFactory,
    TeamFactory,
    UserFactory,
)


def make_payment(*, org, team, advisor, customer=None, account=None, amount=10_000, when=None, **extra):
    """A paid request and its payment, made with the shared factories."""
    account = account or org.stripe_accounts.first() or StripeAccountFactory(organization=org)
    customer = customer or CustomerFactory(organization=org)
    request_fields = {k[8:]: extra.pop(k) for k in list(extra) if k.startswith("request_")}
    request = PaymentRequestFactory(
        organization=org,
        team=team,
        customer=customer,
        created_by=advisor,
        stripe_account=account,
        amount_minor=request_fields.pop("amount_minor", amount),
        status=request_fields.pop("status", "paid"),
        **request_fields,
    )
    return PaymentFactory(
        payment_request=request, amount_minor=amount, occurred_at=when or timezone.now(), **extra
    )


@pytest.fixture
def world(org, team, admin_user, manager, advisor, customer, other_org):
    """Smith Tractors: team Service (manager, advisor) and team Sales (advisor2); and a rival org."""
    sales = TeamFactory(organization=org, name="Sales")
    advisor2 = UserFactory(organization=org, role=Role.ADVISOR, name="Bo Seller", teams=[sales])
    account = StripeAccountFactory(organization=org)
    now = timezone.now()
    p = {}
    p["service_advisor"] = make_payment(
        org=org,
        team=team,
        advisor=advisor,
        customer=customer,
        account=account,
        amount=12_550,
        when=now - dt.timedelta(days=1),
        reference="RO-1001",
    )
    p["service_manager"] = make_payment(
        org=org,
        team=team,
        advisor=manager,
        account=account,
        amount=5_000,
        when=now - dt.timedelta(days=2),
        reference="RO-1002",
    )
    p["sales"] = make_payment(
        org=org,
        team=sales,
        advisor=advisor2,
        account=account,
        amount=250_000,
        when=now - dt.timedelta(days=3),
        reference="DEAL-77",
    )
    p["failed_expired"] = make_payment(
        org=org,
        team=team,
        advisor=advisor,
        account=account,
        amount=7_000,
        when=now - dt.timedelta(days=4),
        status="failed",
        fee_minor=0,
        request_status="expired",
        reference="RO-1003",
    )
    p["partial"] = make_payment(
        org=org,
        team=sales,
        advisor=advisor2,
        account=account,
        amount=4_000,
        when=now - dt.timedelta(days=5),
        request_amount_minor=10_000,
        request_status="partially_paid",
        request_allow_partial=True,
        reference="DEAL-78",
    )
    other_team = TeamFactory(organization=other_org, name="Service")
    other_advisor = UserFactory(organization=other_org, role=Role.ADVISOR, teams=[other_team])
    p["other_org"] = make_payment(org=other_org, team=other_team, advisor=other_advisor, amount=9_900)
    return {
        "payments": p,
        "sales": sales,
        "advisor2": advisor2,
        "account": account,
        "other_admin": UserFactory(organization=other_org, role=Role.ADMIN),
    }
