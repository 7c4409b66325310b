"""The Payments tab search on PostgreSQL (migration 0005): matching customers come from
`payments_tab_customer_ids` (trigram indexes; a different plan for organizations with 5,000+
customers), then their payments OR a reference prefix. It must find exactly what the portable
`icontains` / `istartswith` filter finds."""

import pytest
from django.db import connection

from customers.models import Customer
from organizations.models import Role
from payments.tab import filters
from payments.tab.filters import _search_customer_ids
from tests.factories import CustomerFactory, TeamFactory, UserFactory
from tests.payments.tab.conftest import make_payment

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search path"),
]


def _refs(response):
    return sorted(row.reference for row in response.context["page"].rows)


def _portable_ids(org, value, digits=""):
    from django.db.models import Q

    q = Q(name__icontains=value) | Q(email__icontains=value)
    if digits:
        q |= Q(phone__contains=digits)
    return sorted(Customer.objects.filter(q, organization=org).values_list("id", flat=True))


@pytest.fixture
def searchable(org, team, advisor, other_org):
    people = {
        "under": CustomerFactory(
            organization=org, name="Ann_Lee", email="a1@example.net", phone="+14165550101"
        ),
        "x": CustomerFactory(organization=org, name="AnnXLee", email="a2@example.net", phone="+14165550102"),
        "pct": CustomerFactory(
            organization=org, name="Bob 100% Motors", email="b@example.net", phone="+14165550103"
        ),
        "zoe": CustomerFactory(
            organization=org, name="Zoë Smith", email="zs@example.net", phone="+14165550104"
        ),
        "mail": CustomerFactory(
            organization=org, name="No Name", email="SMITHY@corp.example", phone="+14165550105"
        ),
    }
    for key, customer in people.items():
        make_payment(org=org, team=team, advisor=advisor, customer=customer, reference=f"RO-{key.upper()}")
    other_team = TeamFactory(organization=other_org)
    other_advisor = UserFactory(organization=other_org, role=Role.ADVISOR, teams=[other_team])
    rival = CustomerFactory(organization=other_org, name="Sam Smith", email="sam@example.net")
    make_payment(org=other_org, team=other_team, advisor=other_advisor, customer=rival, reference="RO-RIVAL")
    return people


@pytest.mark.parametrize(
    "q, expected",
    [
        ("ann_l", ["RO-UNDER"]),  # "_" is a literal underscore, not LIKE's any-character
        ("100%", ["RO-PCT"]),  # "%" is literal too
        ("smith", ["RO-MAIL", "RO-ZOE"]),  # name or email, any case; not the rival's Sam Smith
        ("ZOË", ["RO-ZOE"]),
        ("(416) 555-0103", ["RO-PCT"]),  # phone by its digits
        ("ro-u", ["RO-UNDER"]),  # reference prefix, any case
        ("RIVAL", []),
    ],
)
def test_search_matches_like_the_portable_filter(client, searchable, admin_user, q, expected):
    client.force_login(admin_user)
    assert _refs(client.get("/payments/", {"q": q})) == expected


@pytest.mark.parametrize("value, digits", [("smith", ""), ("ann_l", ""), ("LEE", ""), ("annx", "4165550102")])
def test_customer_ids_equal_icontains_for_small_and_large_organizations(org, searchable, value, digits):
    small = _search_customer_ids(organization_id=org.pk, value=value, digits=digits)
    assert sorted(small) == _portable_ids(org, value, digits)
    # 5,000+ customers: the function switches to the trigram plan; same answer.
    Customer.objects.bulk_create(
        Customer(organization=org, name=f"Filler {n}", email=f"f{n}@fill.example", phone=f"+1999{n:07d}")
        for n in range(5000)
    )
    large = _search_customer_ids(organization_id=org.pk, value=value, digits=digits)
    assert sorted(large) == _portable_ids(org, value, digits)


def test_search_matching_too_many_customers_falls_back_to_a_subquery(
    client, searchable, admin_user, monkeypatch
):
    monkeypatch.setattr(filters, "SEARCH_CUSTOMERS_MAX", 1)
    assert _search_customer_ids(organization_id=admin_user.organization_id, value="lee", digits="") is None
    client.force_login(admin_user)
    assert _refs(client.get("/payments/", {"q": "lee"})) == ["RO-UNDER", "RO-X"]
