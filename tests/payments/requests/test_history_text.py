"""The history in the reader's language: rows store English at write time; pages render them from
their kind and data in the viewer's language (an old row without data shows its stored message)."""

import pytest
from django.utils import translation

from payments.models import PaymentRequestEvent
from payments.requests.history_text import actor_text, event_text, kind_label
from tests.factories import PaymentFactory, PaymentRequestFactory


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def request_(org, team, advisor):
    org.country, org.currency = "CA", "CAD"
    org.save(update_fields=["country", "currency"])
    return PaymentRequestFactory(
        organization=org, team=team, created_by=advisor, amount_minor=123_456, currency="CAD", channel="sms"
    )


def row(request_, kind, message="", **fields):
    return PaymentRequestEvent.objects.create(
        organization=request_.organization, payment_request=request_, kind=kind, message=message, **fields
    )


@pytest.mark.django_db
def test_a_sent_request_reads_in_french_and_in_english(client, request_, advisor, manager):
    from payments.requests.sending import payment_request_create  # noqa: F401 - the real writer below

    created = row(
        request_,
        "created",
        "CA$1,234.56 requested by SMS",
        actor=advisor,
        data={"amount_minor": 123_456, "channel": "sms"},
    )
    with translation.override("fr-ca"):
        assert plain(event_text(created)) == "1 234,56 $ demandés par texto"
        assert kind_label("created") == "Créée" and kind_label("refund_requested") == "Remboursement demandé"
    with translation.override("fr"):
        assert plain(event_text(created)) == "1 234,56 $CA demandés par SMS"
    with translation.override("en"):
        assert event_text(created) == "CA$1,234.56 requested by SMS"


@pytest.mark.django_db
def test_old_rows_and_unknown_kinds_keep_their_stored_message(request_):
    old = row(request_, "created", "CA$1,234.56 requested by SMS")  # no data: the request holds the same
    odd = row(request_, "something_new", "A thing happened")
    system = row(request_, "expired", "Link expired 24 h after sending", actor_label="system")
    with translation.override("fr"):
        assert plain(event_text(old)) == "1 234,56 $CA demandés par SMS"
        assert event_text(odd) == "A thing happened" and kind_label("something_new") == "Something new"
        assert event_text(system) == "Lien expiré 24 h après l’envoi" and actor_text(system) == "système"


@pytest.mark.django_db
def test_every_kind_written_today_renders_in_french(request_, manager):
    payment = PaymentFactory(
        payment_request=request_,
        organization=request_.organization,
        team=request_.team,
        advisor=request_.created_by,
        amount_minor=8000,
        currency="CAD",
        card_brand="visa",
        card_last4="4242",
    )
    rows = {
        "sent": {"sent_to": [["SMS", "+15145550111"], ["email", "luc@example.ca"]]},
        "payment_succeeded": {"payment_intent": "pi_1"},
        "attempt_failed": {
            "failure_message": "The payment was declined.",
            "card_brand": "visa",
            "card_last4": "4242",
        },
        "receipt_sent": {"channels": []},
        "advisor_notified": {"advisor": "Avery Advisor"},
        "refund_requested": {"amount_minor": 1000, "note": "geste commercial"},
        "refunded": {"amount_minor": 1000, "stripe_refund_id": "re_1"},
        "refund_failed": {"error": "insufficient balance"},
        "disputed": {"status": "needs_response", "amount_minor": 8000, "currency": "CAD"},
        "reconciled": {"document_number": "DMS-42"},
        "delivered": {"message_id": 1, "error": ""},
    }
    expected = {
        "sent": "SMS à +15145550111 et e-mail à luc@example.ca",
        "payment_succeeded": "80,00 $CA payés (Visa •••• 4242)",
        "attempt_failed": "Tentative de paiement échouée (Visa •••• 4242) : Le paiement a été refusé.",
        "receipt_sent": "Reçu envoyé par aucun canal (le client s’est désabonné)",
        "advisor_notified": "Avery Advisor avisé dans l’application et par e-mail",
        "refund_requested": "Remboursement de 10,00 $CA demandé: geste commercial",
        "refunded": "Remboursement de 10,00 $CA réussi",
        "refund_failed": "Remboursement refusé : insufficient balance",
        "disputed": "Contestation : réponse requise · 80,00 $CA",
        "reconciled": "Rapproché (pièce DMS-42)",
        "delivered": "SMS : livré",
    }
    with translation.override("fr"):
        for kind, data in rows.items():
            event = row(request_, kind, "English", data=data, payment=payment, actor=manager)
            assert plain(event_text(event)) == expected[kind], kind


@pytest.mark.django_db
def test_the_payment_page_timeline_and_the_request_history_in_french(client, request_, manager, advisor):
    from payments.models import Payment

    payment = PaymentFactory(
        payment_request=request_,
        organization=request_.organization,
        team=request_.team,
        advisor=advisor,
        amount_minor=123_456,
        currency="CAD",
    )
    row(
        request_,
        "created",
        "CA$1,234.56 requested by SMS",
        actor=advisor,
        data={"amount_minor": 123_456, "channel": "sms"},
    )
    row(request_, "opened", "The customer opened the pay page", actor_label="customer")
    Payment.objects.filter(pk=payment.pk).update(status="succeeded")
    manager.language = "fr"
    manager.save(update_fields=["language"])
    client.force_login(manager)
    html = plain(client.get(f"/payments/{payment.pk}/").content.decode())
    assert "Créée</strong> · Avery Advisor — 1 234,56 $CA demandés par SMS" in html
    assert "Ouverte</strong> · client — Le client a ouvert la page de paiement" in html
    assert "requested by" not in html and "opened the pay page" not in html
    assert "déc." in html or "nov." in html or "janv." in html  # the timeline's dates in French
    html = plain(client.get(f"/requests/{request_.pk}/").content.decode())
    assert "1 234,56 $CA demandés par SMS" in html and "Le client a ouvert la page de paiement" in html
