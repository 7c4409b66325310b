"""Per language: the request SMS and email come in the customer's language within the SMS
segment budget (EN/DE/IT one segment, the others at most two) for the longest dealership name
and link, and Stripe Checkout is opened in that language (the session's `locale`)."""

import pytest

from payments.models import PaymentRequest
from payments.requests import messages as texts
from tests.factories import (
    CustomerFactory,
    OrganizationFactory,
    PaymentRequestFactory,
    TeamFactory,
    UserFactory,
)
from tests.payments.request_helpers import connected_account

LONGEST_NAME = "Maple Ridge Motors & Sons"  # 25 characters, the budget's dealership name
LONGEST_SITE = "https://pay.maple-ridge.example"[:30]  # a SITE_URL of 30 characters

# language: (a word the SMS has, a word the email has, the encoding, Stripe Checkout's locale)
LOCALES = {
    "en": ("payment request", "Pay securely", "gsm7", "en"),
    "fr": ("demande de paiement", "Payez en toute sécurité", "gsm7", "fr"),
    "fr-ca": ("demande de paiement", "Payez en toute sécurité", "gsm7", "fr-CA"),
    "de": ("bezahlen", "Bezahlen Sie hier sicher", "gsm7", "de"),
    "es": ("solicitud de pago", "Pague de forma segura", "gsm7", "es-419"),
    "it": ("richiesta di pagamento", "Paghi in modo sicuro", "gsm7", "it"),
    "pl": ("zapłać", "Zapłać bezpiecznie", "ucs2", "pl"),
    "pt-br": ("pedido de pagamento", "Pague com segurança", "gsm7", "pt-BR"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", list(LOCALES))
@pytest.mark.parametrize("country", ["US", "CA"])
def test_request_sms_and_email_in_the_customer_language_within_budget(settings, language, country):
    settings.SITE_URL = LONGEST_SITE
    org = OrganizationFactory(
        name=LONGEST_NAME, country=country, currency="USD" if country == "US" else "CAD"
    )
    pr = PaymentRequestFactory(
        organization=org,
        customer=CustomerFactory(organization=org, preferred_language=language),
        amount_minor=5_000_000,  # the largest amount, 50,000.00
        reference="RO-2026-004417",
    )
    sms_word, email_word, encoding, _ = LOCALES[language]
    sms = texts.request_sms_text(pr)
    assert sms_word.lower() in sms.lower() and pr.token in sms and LONGEST_NAME in sms
    assert texts.sms_encoding_and_length(sms)[0] == encoding, sms
    assert texts.sms_segment_count(sms) <= texts.sms_segment_budget(language), sms
    subject, body = texts.request_email_subject_and_body(pr)
    assert email_word in body and pr.token in body
    assert "{" not in subject + body + sms  # every placeholder filled in every language


@pytest.mark.django_db
def test_reminder_receipt_and_refund_notice_in_the_customer_language():
    from tests.factories import PaymentFactory

    org = OrganizationFactory(
        name="Garage Tremblay", country="CA", currency="CAD", time_zone="America/Montreal"
    )
    pr = PaymentRequestFactory(
        organization=org, customer=CustomerFactory(organization=org, preferred_language="fr-ca")
    )
    assert texts.reminder_sms_text(pr).startswith(
        "Garage Tremblay : rappel, votre lien de paiement de 125,50 $"
    )
    assert "heure de Montréal" in texts.reminder_email_subject_and_body(pr)[1]
    payment = PaymentFactory(payment_request=pr)
    assert "nous avons bien reçu 125,50 $" in texts.receipt_sms_text(payment)
    subject, body = texts.receipt_email_subject_and_body(payment)
    assert subject.startswith("Reçu de Garage Tremblay") and "Reçu imprimable" in body


@pytest.mark.django_db
def test_the_dealership_template_for_a_language_wins_then_ours_in_the_customer_language():
    org = OrganizationFactory(
        default_language="en",
        sms_template="{dealership} says: pay {amount} at {link}",  # the default language's (English)
        message_templates={"de": {"sms": "{dealership}: Bitte zahlen Sie {amount}: {link}"}},
    )
    german = PaymentRequestFactory(
        organization=org, customer=CustomerFactory(organization=org, preferred_language="de")
    )
    english = PaymentRequestFactory(
        organization=org, customer=CustomerFactory(organization=org, preferred_language="en")
    )
    italian = PaymentRequestFactory(
        organization=org, customer=CustomerFactory(organization=org, preferred_language="it")
    )
    assert texts.request_sms_text(german).startswith(f"{org.name}: Bitte zahlen Sie 125,50 US$")
    assert texts.request_sms_text(english).startswith(f"{org.name} says: pay $125.50")
    assert "richiesta di pagamento" in texts.request_sms_text(italian)  # no Italian one: ours, in Italian


@pytest.mark.django_db
@pytest.mark.parametrize("language", list(LOCALES))
def test_checkout_session_is_created_in_the_customer_language(client, stripe_server, language):
    org = OrganizationFactory()
    account = connected_account(stripe_server, org)
    team = TeamFactory(organization=org, payments_enabled=True, stripe_account=account)
    pr = PaymentRequestFactory(
        organization=org,
        team=team,
        stripe_account=account,
        created_by=UserFactory(organization=org),
        customer=CustomerFactory(organization=org, preferred_language=language),
    )
    response = client.post(f"/pay/{pr.token}/checkout/")
    assert response.status_code == 303, response.content.decode()[:1500]
    pr = PaymentRequest.objects.get(pk=pr.pk)
    status, _, session = stripe_server.api(
        "GET", f"/v1/checkout/sessions/{pr.checkout_session_id}", account=account.stripe_id
    )
    assert status == 200 and session["locale"] == LOCALES[language][3]
