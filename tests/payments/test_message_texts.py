"""Admin tab -> Payment settings -> Message texts: per language the dealership's own SMS and
email, and for each SMS its length, encoding and segments at the longest name and link."""

import pytest

from organizations.models import Organization
from payments.payment_settings.message_texts import message_texts_for, sms_cost
from payments.requests import messages as texts
from tests.factories import CustomerFactory, OrganizationFactory, PaymentRequestFactory


@pytest.mark.django_db
def test_every_default_sms_fits_its_budget_at_the_longest_name_and_link(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    org = OrganizationFactory(name="Maple Ridge Motors", country="CA", currency="CAD")
    costs = {row.language: row.default_cost for row in message_texts_for(organization=org)}
    assert set(costs) == {"en", "fr", "fr-ca", "de", "es", "it", "pl", "pt-br"}
    for language in ("en", "de", "it"):
        assert costs[language].segments == 1 and costs[language].encoding == "GSM-7"
    for language in ("fr", "fr-ca", "es", "pt-br"):
        assert costs[language].segments <= 2 and costs[language].encoding == "GSM-7"
    assert costs["pl"].encoding == "UCS-2" and costs["pl"].segments <= 2


@pytest.mark.django_db
def test_cost_says_ucs2_for_one_character_outside_gsm7():
    org = OrganizationFactory(name="Garage Tremblay", country="CA", currency="CAD")
    plain = sms_cost("{dealership}: payez {amount} ici {link}", organization=org, language="fr")
    cedilla = sms_cost("{dealership}: reçu, payez {amount} ici {link}", organization=org, language="fr")
    assert plain.encoding == "GSM-7" and cedilla.encoding == "UCS-2"
    assert cedilla.characters == plain.characters + len(" reçu,")  # counted in UTF-16 units
    assert sms_cost("é ü {link}", organization=org, language="fr").encoding == "GSM-7"  # é and ü are GSM-7
    assert sms_cost("ê {link}", organization=org, language="fr").encoding == "UCS-2"


@pytest.mark.django_db
def test_editor_shows_each_language_and_saves_texts_per_language(client, admin_user, org):
    client.force_login(admin_user)
    page = client.get("/admin-tab/payment-settings/messages/").content.decode()
    for language in ("en", "fr", "fr-ca", "de", "es", "it", "pl", "pt-br"):
        assert f'data-testid="sms-cost-{language}"' in page
    assert "GSM-7" in page and "UCS-2" in page  # Polish's default is UCS-2
    response = client.post(
        "/admin-tab/payment-settings/messages/",
        {"sms_de": "{dealership}: Bitte zahlen Sie {amount}: {link}", "sms_fr": "Payez ici"},
    )
    assert (
        response.status_code == 400 and "{link}" in response.content.decode()
    )  # the French one lacks the link
    response = client.post(
        "/admin-tab/payment-settings/messages/",
        {"sms_de": "{dealership}: Bitte zahlen Sie {amount}: {link}", "email_pl": "Link: {link}"},
    )
    assert response.status_code == 302
    org = Organization.objects.get(pk=org.pk)
    assert org.message_templates == {
        "de": {"sms": "{dealership}: Bitte zahlen Sie {amount}: {link}"},
        "pl": {"email": "Link: {link}"},
    }
    german = PaymentRequestFactory(
        organization=org, customer=CustomerFactory(organization=org, preferred_language="de")
    )
    assert texts.request_sms_text(german).startswith(f"{org.name}: Bitte zahlen Sie 125,50 US$")


@pytest.mark.django_db
def test_only_admins_edit_message_texts(client, manager):
    client.force_login(manager)
    assert client.get("/admin-tab/payment-settings/messages/").status_code == 403
