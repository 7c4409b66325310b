"""One date format (issue 17): every staff page writes a moment as the user's language does, in
the dealership's time zone, named once (a table's heading, a detail's value); the receipt says
its currency once; machine formats (the API, CSV columns) stay as they were."""

import datetime as dt

import pytest
from django.utils import translation

from core import i18n
from payments.models import Payout
from tests.factories import PaymentFactory, PaymentRequestFactory, StripeAccountFactory

MOMENT = dt.datetime(2026, 12, 2, 1, 51, 41, tzinfo=dt.UTC)  # Dec 1, 19:51 in Chicago


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Dec 1, 2026, 7:51 PM"), ("fr", "1 déc. 2026, 19:51"), ("fr-ca", "1 déc. 2026, 19 h 51")],
)
def test_a_moment_in_the_users_language_and_the_dealerships_zone(language, expected):
    assert (
        plain(i18n.local_datetime_text(MOMENT, "America/Chicago", language=language, named=False)) == expected
    )
    named = i18n.local_datetime_text(MOMENT, "America/Chicago", language=language)
    assert named.endswith("(Chicago time)" if language == "en" else "(heure de Chicago)")


def test_a_day_and_a_zone_object():
    from zoneinfo import ZoneInfo

    assert i18n.local_date_text(dt.date(2026, 11, 30), language="fr") == "30 nov. 2026"
    assert i18n.local_date_text(dt.date(2026, 11, 30), language="en") == "Nov 30, 2026"
    zone = ZoneInfo("America/Chicago")
    assert i18n.local_datetime_text(MOMENT, zone, language="en") == i18n.local_datetime_text(
        MOMENT, "America/Chicago", language="en"
    )


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("en-us", "USD", "$80.00 USD"),
        ("en-ca", "CAD", "$80.00 CAD"),
        ("en-us", "CAD", "CA$80.00"),
        ("fr", "USD", "80,00 $US"),
        ("fr-ca", "CAD", "80,00 $ CAD"),
        ("fr-ca", "USD", "80,00 $ US"),
        ("de", "USD", "80,00 US$"),
        ("es", "USD", "80,00 US$"),
        ("it", "USD", "80,00 USD"),
        ("pl", "USD", "80,00 USD"),
        ("pt-br", "USD", "US$ 80,00"),
        ("fr", "EUR", "80,00 €"),
    ],
)
def test_the_receipt_says_its_currency_once(language, currency, expected):
    text = plain(i18n.money_with_currency_text(8000, currency, language=language))
    assert text == expected
    assert text.count(currency) + text.count("$US") + text.count("US$") + text.count("$ US") <= 1


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "fr-ca", "de", "es", "it", "pl", "pt-br"])
def test_the_receipt_page_has_no_double_currency(client, org, team, advisor, language):
    pr = PaymentRequestFactory(organization=org, team=team, created_by=advisor, status="paid")
    payment = PaymentFactory(
        payment_request=pr, organization=org, team=team, advisor=advisor, amount_minor=8000
    )
    pr.customer.preferred_language = language
    pr.customer.save(update_fields=["preferred_language"])
    html = plain(client.get(f"/pay/{pr.token}/receipt/{payment.pk}/").content.decode())
    amount = html.split('data-testid="receipt-amount">')[1].split("<")[0]
    said = amount.count("USD") + amount.count("$US") + amount.count("$ US") + amount.count("US$")
    assert said == 1, amount  # "80,00 $US", "$80.00 USD", "80,00 USD": the currency said once


@pytest.fixture
def paid(org, team, advisor, manager):
    org.time_zone = "America/Chicago"
    org.save(update_fields=["time_zone"])
    account = StripeAccountFactory(organization=org)
    pr = PaymentRequestFactory(
        organization=org, team=team, created_by=advisor, stripe_account=account, status="paid"
    )
    payment = PaymentFactory(
        payment_request=pr,
        organization=org,
        team=team,
        advisor=advisor,
        stripe_account=account,
        occurred_at=MOMENT,
    )
    payout = Payout.objects.create(
        organization=org,
        stripe_account=account,
        stripe_payout_id="po_test_1",
        amount_minor=payment.amount_minor,
        currency="USD",
        status="in_transit",
        arrival_date=dt.date(2026, 11, 30),
    )
    type(payment).objects.filter(pk=payment.pk).update(payout=payout)
    return payment, payout


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "moment", "day", "zone", "status"),
    [
        ("en", "Dec 1, 2026, 7:51 PM", "Nov 30, 2026", "Chicago time", "In transit"),
        ("fr", "1 déc. 2026, 19:51", "30 nov. 2026", "heure de Chicago", "En transit"),
    ],
)
def test_the_payments_tab_and_payouts_write_one_date_format(
    client, manager, paid, language, moment, day, zone, status
):
    payment, payout = paid
    manager.language = language
    manager.save(update_fields=["language"])
    client.force_login(manager)
    pages = {
        "/payments/?date_from=&date_to=": [moment, zone],
        f"/payments/{payment.pk}/": [moment, day, zone],
        "/payments/payouts/": [day, status],
        f"/payments/payouts/{payout.pk}/": [moment, day, zone, status],
    }
    for path, wanted in pages.items():
        html = plain(client.get(path).content.decode())
        for text in wanted:
            assert text in html, (path, text)
        assert "2026-12-01" not in html and "2026-11-30" not in html, path


@pytest.mark.django_db
def test_machine_formats_stay_iso(client, manager, paid):
    payment, _ = paid
    manager.language = "fr"
    manager.save(update_fields=["language"])
    client.force_login(manager)
    csv_text = b"".join(client.get("/payments/export.csv?date_from=&date_to=").streaming_content).decode()
    assert "2026-12-01 19:51" in csv_text  # a column for software: unchanged
    with translation.override("fr"):
        assert i18n.local_datetime_text(None, "America/Chicago") == ""
