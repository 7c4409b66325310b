"""The pay page and the receipt in each of the customer's 8 languages (lang attribute set,
money and dates in the language's conventions), and the page's language switch."""

import pytest

from customers.models import Customer
from tests.factories import OrganizationFactory, PaymentFactory, PaymentRequestFactory

# (language, the lang attribute for a Canadian dealership, the Pay button, the receipt heading,
#  the balance in CAD as the language writes it)
LOCALES = [
    ("en", "en-ca", "Pay $125.50", "Receipt", "$125.50"),
    ("fr", "fr", "Payer 125,50 $CA", "Reçu", "125,50 $CA"),
    ("fr-ca", "fr-ca", "Payer 125,50 $", "Reçu", "125,50 $"),
    ("de", "de", "125,50 CA$ bezahlen", "Beleg", "125,50 CA$"),
    ("es", "es", "Pagar 125,50 CAD", "Recibo", "125,50 CAD"),
    ("it", "it", "Paga 125,50 CA$", "Ricevuta", "125,50 CA$"),
    ("pl", "pl", "Zapłać 125,50 CAD", "Potwierdzenie płatności", "125,50 CAD"),
    ("pt-br", "pt-br", "Pagar CA$ 125,50", "Recibo", "CA$ 125,50"),
]


def plain(html: str) -> str:
    return html.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def canadian_org(db):
    return OrganizationFactory(
        name="Garage Tremblay", country="CA", currency="CAD", time_zone="America/Montreal"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "lang", "pay", "receipt", "money"), LOCALES)
def test_pay_page_and_receipt_in_the_customer_language(
    client, canadian_org, language, lang, pay, receipt, money
):
    pr = PaymentRequestFactory(organization=canadian_org, customer__preferred_language=language)
    html = plain(client.get(f"/pay/{pr.token}/").content.decode())
    assert f'<html lang="{lang}">' in html
    assert pay in html, html[html.find("pay-button") - 200 :][:400]
    payment = PaymentFactory(payment_request=pr, amount_minor=12_550)
    html = plain(client.get(f"/pay/{pr.token}/receipt/{payment.pk}/").content.decode())
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{receipt}</h1>" in html and money in html
    if language.startswith("fr"):
        assert "heure de Montréal" in html  # the dealership's zone, named in the language


@pytest.mark.django_db
def test_the_dealership_default_then_english(client):
    quebec = OrganizationFactory(country="CA", currency="CAD", state="QC")
    pr = PaymentRequestFactory(organization=quebec, customer__preferred_language="")
    assert '<html lang="fr-ca">' in client.get(f"/pay/{pr.token}/").content.decode()
    elsewhere = PaymentRequestFactory(customer__preferred_language="")
    assert '<html lang="en-us">' in client.get(f"/pay/{elsewhere.token}/").content.decode()


@pytest.mark.django_db
def test_the_language_switch_wins_and_is_remembered(client, canadian_org):
    pr = PaymentRequestFactory(organization=canadian_org, customer__preferred_language="en")
    html = client.get(f"/pay/{pr.token}/").content.decode()
    assert 'data-testid="language-switch"' in html and 'href="?lang=pl"' in html
    html = client.get(f"/pay/{pr.token}/?lang=pl").content.decode()
    assert '<html lang="pl">' in html and "Zapłać" in html
    assert Customer.objects.get(pk=pr.customer_id).preferred_language == "pl"
    # later visits (and messages) keep it; an unknown code changes nothing
    html = client.get(f"/pay/{pr.token}/?lang=xx").content.decode()
    assert '<html lang="pl">' in html
    assert Customer.objects.get(pk=pr.customer_id).preferred_language == "pl"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "text"),
    [("expired", "Ce lien de paiement a expiré"), ("cancelled", "Cette demande de paiement a été annulée")],
)
def test_expired_and_cancelled_pages_in_the_customer_language(client, canadian_org, status, text):
    pr = PaymentRequestFactory(organization=canadian_org, customer__preferred_language="fr-ca", status=status)
    html = client.get(f"/pay/{pr.token}/").content.decode()
    assert text in html and "communiquer avec Garage Tremblay" in html.replace("\u00a0", " ")


@pytest.mark.django_db
def test_partial_amount_typed_in_french_on_the_pay_page(client, stripe_server):
    from payments.models import PaymentRequest
    from tests.factories import CustomerFactory, TeamFactory, UserFactory
    from tests.payments.request_helpers import connected_account

    org = OrganizationFactory(country="CA", currency="CAD")
    account = connected_account(stripe_server, org, country="CA")
    pr = PaymentRequestFactory(
        organization=org,
        team=TeamFactory(organization=org, payments_enabled=True, stripe_account=account),
        stripe_account=account,
        created_by=UserFactory(organization=org),
        customer=CustomerFactory(organization=org, preferred_language="fr-ca"),
        amount_minor=150_000,
        allow_partial=True,
    )
    page = client.get(f"/pay/{pr.token}/").content.decode()
    assert 'value="1500,00"' in page  # the balance, as a French speaker types it
    response = client.post(f"/pay/{pr.token}/checkout/", {"amount": "1 234,56"})
    assert response.status_code == 303
    pr = PaymentRequest.objects.get(pk=pr.pk)
    assert pr.checkout_session_amount_minor == 123_456
    response = client.post(f"/pay/{pr.token}/checkout/", {"amount": "12,345"})
    assert response.status_code == 400 and "Utilisez au plus deux décimales." in response.content.decode()
