import pytest

from organizations.models import Role
from tests.factories import StripeAccountFactory, UserFactory

DETAILS = {
    "name": "Smith Tractors",
    "country": "US",
    "time_zone": "America/Chicago",
    "legal_name": "Smith Tractors Holdings LLC",
    "address_line1": "1 Farm Rd",
    "city": "Peoria",
    "state": "IL",
    "postal_code": "61602",
    "support_phone": "(309) 555-0100",
    "support_email": "help@smith.example",
    "website": "https://smith.example",
}


def test_admin_tab_lists_the_sections(client, admin_user):
    client.force_login(admin_user)
    html = client.get("/admin-tab/").content.decode()
    for url in (
        "/admin-tab/connections/",
        "/admin-tab/payment-settings/",
        "/admin-tab/api-tokens/",
        "/admin-tab/payout-emails/",
    ):
        assert f'href="{url}"' in html


def test_canadian_dealership_gets_cad(client, admin_user, org):
    client.force_login(admin_user)
    response = client.post(
        "/admin-tab/",
        {**DETAILS, "country": "CA", "time_zone": "America/Toronto", "support_phone": "(416) 555-0100"},
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.country, org.currency, org.time_zone) == ("CA", "CAD", "America/Toronto")
    assert str(org.support_phone) == "+14165550100"


@pytest.mark.parametrize(
    "field, value",
    [
        ("support_phone", "12"),
        ("support_email", "nope"),
        ("country", "MX"),
        ("time_zone", "Mars/Olympus"),
        ("name", ""),
    ],
)
def test_bad_details_are_named_and_nothing_is_saved(client, admin_user, org, field, value):
    client.force_login(admin_user)
    response = client.post("/admin-tab/", {**DETAILS, field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    org.refresh_from_db()
    assert (org.name, org.legal_name) == ("Smith Tractors", "Smith Tractors LLC")


def test_country_is_fixed_once_stripe_is_connected(client, admin_user, org):
    StripeAccountFactory(organization=org)
    client.force_login(admin_user)
    response = client.post("/admin-tab/", {**DETAILS, "country": "CA"})
    assert "country" in response.context["form"].errors
    org.refresh_from_db()
    assert org.currency == "USD"


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADVISOR])
def test_only_admins_open_the_admin_tab(client, org, role):
    client.force_login(UserFactory(organization=org, role=role))
    assert client.get("/admin-tab/").status_code == 403
    assert client.post("/admin-tab/", DETAILS).status_code == 403
    org.refresh_from_db()
    assert org.legal_name == "Smith Tractors LLC"


def test_an_admin_sets_the_receipt_prefix_and_a_blank_one_comes_from_the_name(client, admin_user, org):
    client.force_login(admin_user)
    page = client.get("/admin-tab/").content.decode()
    assert 'name="receipt_prefix"' in page and "MRM-2026-000123" in page
    assert client.post("/admin-tab/", {**DETAILS, "receipt_prefix": "smt1"}).status_code == 302
    org.refresh_from_db()
    assert org.receipt_prefix == "SMT1"
    assert client.post("/admin-tab/", {**DETAILS, "receipt_prefix": ""}).status_code == 302
    org.refresh_from_db()
    assert org.receipt_prefix == "ST"  # Smith Tractors
    bad = client.post("/admin-tab/", {**DETAILS, "receipt_prefix": "M-R"})
    assert bad.status_code in (200, 400) and "receipt_prefix" in bad.context["form"].errors
    org.refresh_from_db()
    assert org.receipt_prefix == "ST"
