"""Opt-out and opt-in words in every customer language, confirmed in the customer's language."""

import pytest
from twilio.request_validator import RequestValidator

from customers.models import Customer
from tests.factories import CustomerFactory, OrganizationFactory

TOKEN = "twilio-test-token"


def post_signed(client, settings, path, data):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    signature = RequestValidator(TOKEN).compute_signature(settings.SITE_URL + path, data)
    return client.post(path, data, HTTP_X_TWILIO_SIGNATURE=signature)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "stop", "start", "reply_out", "reply_in"),
    [
        ("fr", "Arrêt", "DEBUT", "Vous ne recevrez plus nos SMS", "Vous recevrez de nouveau nos SMS"),
        (
            "fr-ca",
            "ARRET",
            "début",
            "Vous ne recevrez plus nos textos",
            "Vous recevrez de nouveau nos textos",
        ),
        ("es", "alto", "ALTA", "Ya no recibirá nuestros mensajes", "Volverá a recibir"),
        ("de", "STOPP", "START", "Sie erhalten keine SMS mehr", "Sie erhalten wieder SMS"),
        ("it", "STOP", "START", "Non riceverà più i nostri SMS", "Riceverà di nuovo"),
        ("pl", "STOP", "START", "Nie będziesz już otrzymywać", "Znów będziesz otrzymywać"),
        ("pt-br", "PARAR", "INICIAR", "Você não vai mais receber", "Você voltará a receber"),
    ],
)
def test_opt_out_words_and_the_reply_in_the_customer_language(
    client, settings, language, stop, start, reply_out, reply_in
):
    customer = CustomerFactory(
        organization=OrganizationFactory(), phone="+15145550123", preferred_language=language
    )
    response = post_signed(
        client, settings, "/webhooks/twilio/inbound/", {"From": "+15145550123", "Body": stop}
    )
    customer.refresh_from_db()
    assert customer.sms_opted_out is True
    assert reply_out in response.content.decode() and "<Message>" in response.content.decode()
    response = post_signed(
        client, settings, "/webhooks/twilio/inbound/", {"From": "+15145550123", "Body": start}
    )
    customer.refresh_from_db()
    assert customer.sms_opted_out is False
    assert reply_in in response.content.decode()


@pytest.mark.django_db
def test_english_keywords_to_an_english_customer_are_left_to_twilio(client, settings):
    """Twilio's own opt-out handling answers STOP/START in English; we don't text twice."""
    CustomerFactory(phone="+13125550124", preferred_language="en")
    response = post_signed(
        client, settings, "/webhooks/twilio/inbound/", {"From": "+13125550124", "Body": "STOP"}
    )
    assert "<Message>" not in response.content.decode()
    assert Customer.objects.get(phone="+13125550124").sms_opted_out is True


@pytest.mark.django_db
def test_other_words_change_nothing_and_get_no_reply(client, settings):
    CustomerFactory(phone="+13125550125", preferred_language="fr")
    response = post_signed(
        client,
        settings,
        "/webhooks/twilio/inbound/",
        {"From": "+13125550125", "Body": "Arrêtez de m'écrire?"},
    )
    assert "<Message>" not in response.content.decode()
    assert Customer.objects.get(phone="+13125550125").sms_opted_out is False
