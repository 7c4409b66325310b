import pytest

from customers.models import Customer, Opportunity
from tests.factories import CustomerFactory, OpportunityFactory, UserFactory

VALID = {
    "name": "Dana Driver",
    "phone": "(312) 555-0177",
    "email": "Dana@Example.net",
    "preferred_language": "en",
}


def test_create_stores_the_mobile_in_e164(client, advisor):
    client.force_login(advisor)
    response = client.post("/customers/new/", VALID)
    customer = Customer.objects.get(name="Dana Driver")
    assert response["Location"] == f"/customers/{customer.pk}/"
    assert str(customer.phone) == "+13125550177"
    assert customer.email == "dana@example.net" and customer.organization_id == advisor.organization_id


def test_canadian_dealership_reads_national_numbers_in_canada(client, org, advisor):
    org.country, org.currency = "CA", "CAD"
    org.save()
    client.force_login(advisor)
    client.post("/customers/new/", {**VALID, "phone": "416 555 0123"})
    assert str(Customer.objects.get().phone) == "+14165550123"


def test_international_number_with_prefix(client, advisor):
    client.force_login(advisor)
    client.post("/customers/new/", {**VALID, "phone": "+33 6 12 34 56 78"})
    assert str(Customer.objects.get().phone) == "+33612345678"


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"phone": "555-12"}, "phone"),
        ({"phone": "(312) 555-01777777"}, "phone"),
        ({"email": "dana@"}, "email"),
        ({"name": ""}, "name"),
        ({"phone": "", "email": ""}, "phone"),
        ({"preferred_language": "klingon"}, "preferred_language"),
    ],
)
def test_bad_input_is_named_on_the_field_and_nothing_saved(client, advisor, overrides, field):
    client.force_login(advisor)
    response = client.post("/customers/new/", {**VALID, **overrides})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Customer.objects.exists()


def test_edit_keeps_what_was_saved_when_the_input_is_bad(client, advisor, customer):
    client.force_login(advisor)
    page = client.get(f"/customers/{customer.pk}/edit/")
    assert b"(312) 555-0199" in page.content  # shown in national format
    response = client.post(f"/customers/{customer.pk}/edit/", {**VALID, "phone": "12"})
    assert "phone" in response.context["form"].errors
    customer.refresh_from_db()
    assert (customer.name, str(customer.phone)) == ("Carla Customer", "+13125550199")
    client.post(f"/customers/{customer.pk}/edit/", {**VALID, "preferred_language": "fr"})
    customer.refresh_from_db()
    assert (customer.name, customer.preferred_language) == ("Dana Driver", "fr")


@pytest.mark.parametrize("query", ["carla", "CARLA CUS", "555-0199", "3125550199", "carla@example"])
def test_search_by_name_phone_or_email(client, advisor, customer, org, query):
    CustomerFactory(organization=org, name="Bob Other", phone="+16475550111", email="bob@example.org")
    client.force_login(advisor)
    html = client.get("/customers/", {"q": query}).content.decode()
    assert "Carla Customer" in html and "Bob Other" not in html


def test_list_is_scoped_and_query_count_bounded(
    client, advisor, org, other_org, django_assert_max_num_queries
):
    for _ in range(20):
        CustomerFactory(organization=org)
    CustomerFactory(organization=other_org, name="Rival Customer")
    client.force_login(advisor)
    with django_assert_max_num_queries(8):
        html = client.get("/customers/").content.decode()
    assert "Rival Customer" not in html
    assert html.count("data-customer=") == 20


def test_detail_shows_opportunities_and_request_payment_links(client, advisor, customer):
    opportunity = OpportunityFactory(customer=customer, title="2024 F-150 purchase", reference="DEAL-1")
    client.force_login(advisor)
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "2024 F-150 purchase" in html and "DEAL-1" in html
    assert f'href="/requests/new/?customer={customer.pk}"' in html
    assert f'href="/requests/new/?opportunity={opportunity.pk}"' in html


def test_opportunity_create_and_edit(client, advisor, customer):
    client.force_login(advisor)
    response = client.post(
        f"/customers/{customer.pk}/opportunities/new/", {"title": "Brake job", "reference": "RO-7"}
    )
    assert response.status_code == 302
    opportunity = Opportunity.objects.get()
    assert (opportunity.customer_id, opportunity.organization_id) == (customer.pk, customer.organization_id)
    client.post(
        f"/customers/{customer.pk}/opportunities/{opportunity.pk}/edit/",
        {"title": "Brake job + rotors", "reference": "RO-7"},
    )
    opportunity.refresh_from_db()
    assert opportunity.title == "Brake job + rotors"
    response = client.post(f"/customers/{customer.pk}/opportunities/new/", {"title": "  "})
    assert "title" in response.context["form"].errors


def test_another_organizations_customer_and_opportunity_are_404(client, advisor, other_org):
    foreign = CustomerFactory(organization=other_org)
    foreign_opportunity = OpportunityFactory(customer=foreign)
    client.force_login(advisor)
    assert client.get(f"/customers/{foreign.pk}/").status_code == 404
    assert client.post(f"/customers/{foreign.pk}/edit/", VALID).status_code == 404
    assert client.post(f"/customers/{foreign.pk}/opportunities/new/", {"title": "x"}).status_code == 404
    assert (
        client.post(
            f"/customers/{foreign.pk}/opportunities/{foreign_opportunity.pk}/edit/", {"title": "x"}
        ).status_code
        == 404
    )
    foreign.refresh_from_db()
    assert foreign.name != "Dana Driver"


def test_platform_user_without_organization_is_refused(client, db):
    client.force_login(UserFactory(organization=None, is_staff=True))
    assert client.get("/customers/").status_code == 403
