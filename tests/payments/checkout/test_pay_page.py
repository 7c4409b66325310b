"""The whole journey over HTTP against the Stripe emulator, with signed webhooks: the advisor
sends, the customer opens the link, clicks Pay (twice), pays on Checkout, comes back; webhooks
arrive (twice, in any order); exactly one Payment; receipt and the advisor's notification."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from notifications.models import Notification, OutboundMessage
from payments import gateway
from payments.models import Payment, PaymentRequest, PaymentRequestEvent
from tests.payments.request_helpers import connected_account, path_of, request_form

S = PaymentRequest.Status


@pytest.fixture
def account(stripe_server, org):
    return connected_account(stripe_server, org)


@pytest.fixture
def deliver(stripe_server, client, django_capture_on_commit_callbacks):
    """Deliver the held Stripe events, signed, and run the processing tasks they queue."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return stripe_server.deliver_held(client, **kwargs)

    return run


def send_request(client, advisor, customer, team, **changes):
    client.force_login(advisor)
    response = client.post(f"/requests/new/?customer={customer.pk}", request_form(customer, team, **changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    return PaymentRequest.objects.latest("id")


def click_pay(client, pr, **data):
    response = client.post(f"/pay/{pr.token}/checkout/", data)
    assert response.status_code == 303, response.content.decode()[:2000]
    return response["Location"]


@pytest.mark.django_db
def test_the_whole_journey(
    deliver, stripe_server, client, advisor, customer, team, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pr = send_request(client, advisor, customer, team)
    sms = OutboundMessage.objects.get(payment_request=pr, channel="sms", purpose="payment_request")
    link = path_of(sms.body.split("Pay: ")[1].split()[0])
    assert link == f"/pay/{pr.token}/"

    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    for text in ("Smith Tractors", "$125.50", "Brake service", "RO-1001", "Link expires", "pay-button"):
        assert text in html
    pr.refresh_from_db()
    assert pr.status == S.OPENED and pr.checkout_session_id == ""  # no session before the click

    checkout_url = click_pay(client, pr)
    assert click_pay(client, pr) == checkout_url  # double click: the same session
    pr.refresh_from_db()
    assert PaymentRequestEvent.objects.filter(payment_request=pr, kind="checkout_created").count() == 1
    session = gateway.checkout_session_retrieve(
        account_id=account.stripe_id, session_id=pr.checkout_session_id
    )
    assert session.amount_total == 12_550 and session.metadata["payment_request_id"] == str(pr.pk)
    assert session.expires_at <= pr.expires_at
    status, _, listing = stripe_server.api(
        "GET", "/v1/checkout/sessions", {"limit": 100}, account=account.stripe_id
    )
    assert status == 200 and [s["id"] for s in listing["data"]] == [session.id]

    result = stripe_server.pay_checkout(checkout_url)
    assert result.paid, result.message
    assert urlparse(result.location).path == f"/pay/{pr.token}/return/"
    assert parse_qs(urlparse(result.location).query)["session_id"] == [session.id]

    with django_capture_on_commit_callbacks(execute=True):
        back = client.get(path_of(result.location))
    assert back.status_code == 303 and back["Location"] == f"/pay/{pr.token}/"
    with django_capture_on_commit_callbacks(execute=True):
        responses = deliver(repeat=2)
    assert responses and all(r.status_code == 200 for r in responses)

    payment = Payment.objects.get(payment_request=pr)
    pr.refresh_from_db()
    assert pr.status == S.PAID and pr.amount_paid_minor == 12_550 and pr.paid_at
    assert (payment.status, payment.amount_minor, payment.fee_minor) == (
        "succeeded",
        12_550,
        438,
    )  # 407.875->408 + 30
    assert (payment.card_brand, payment.card_last4) == ("visa", "4242")
    intent = gateway.payment_intent_retrieve(
        account_id=account.stripe_id, payment_intent_id=payment.stripe_payment_intent_id
    )
    assert intent.application_fee_amount == 438

    paid_page = client.get(f"/pay/{pr.token}/").content.decode()
    assert 'data-testid="paid"' in paid_page and "pay-button" not in paid_page
    receipt = client.get(f"/pay/{pr.token}/receipt/{payment.pk}/").content.decode()
    assert "4242" in receipt and "Visa" in receipt and "RO-1001" in receipt and "$125.50" in receipt
    assert "UTC" in receipt and "Chicago time" in receipt  # the dealership's zone, named, with UTC beside it

    receipts = OutboundMessage.objects.filter(payment_request=pr, purpose="receipt")
    assert sorted(receipts.values_list("channel", flat=True)) == ["email", "sms"]
    assert all(f"/receipt/{payment.pk}/" in m.body for m in receipts)
    notification = Notification.objects.get(user=advisor, payment_request=pr)
    assert "$125.50" in notification.title and notification.read_at is None
    assert OutboundMessage.objects.filter(purpose="advisor_paid", to=advisor.email).count() == 1

    client.force_login(advisor)
    detail = client.get(f"/requests/{pr.pk}/").content.decode()
    assert "Paid" in detail and "Visa •••• 4242" in detail
    assert 'data-testid="unread-badge">1<' in client.get("/notifications/").content.decode()
    kinds = list(PaymentRequestEvent.objects.filter(payment_request=pr).values_list("kind", flat=True))
    assert kinds.count("payment_succeeded") == 1 and kinds.count("receipt_sent") == 1


@pytest.mark.django_db
def test_declined_card_is_an_attempt_then_paid(
    deliver, stripe_server, client, advisor, customer, team, account
):
    pr = send_request(client, advisor, customer, team, channel="sms")
    client.get(f"/pay/{pr.token}/")
    url = click_pay(client, pr)
    declined = stripe_server.pay_checkout(url, card="4000 0000 0000 0002")
    assert not declined.paid
    deliver()
    failed = Payment.objects.get(payment_request=pr)
    assert failed.status == "failed" and failed.failure_message
    from payments.models import WebhookEvent

    failed_event = WebhookEvent.objects.get(type="payment_intent.payment_failed")
    pr.refresh_from_db()
    assert pr.status == S.OPENED  # stays open
    assert click_pay(client, pr) == url  # the same Checkout page, try another card

    ok = stripe_server.pay_checkout(url)
    assert ok.paid, ok.message
    deliver(order="reverse", repeat=2)
    client.get(path_of(ok.location))
    pr.refresh_from_db()
    assert pr.status == S.PAID
    assert Payment.objects.filter(payment_request=pr, status="succeeded").count() == 1
    # the old failure event replayed after the success changes nothing (never backwards)
    from payments.webhooks.pipeline import webhook_event_process

    webhook_event_process(webhook_event_id=failed_event.pk, force=True)
    assert Payment.objects.get(payment_request=pr).status == "succeeded"
    attempts = list(
        PaymentRequestEvent.objects.filter(
            payment_request=pr, kind__in=("attempt_failed", "payment_succeeded")
        ).values_list("kind", flat=True)
    )
    assert attempts == ["attempt_failed", "payment_succeeded"]
    client.force_login(advisor)
    detail = client.get(f"/requests/{pr.pk}/").content.decode()
    assert detail.index("attempt_failed") < detail.index("attempt payment_succeeded")


@pytest.mark.django_db
def test_webhook_before_the_return_and_same_event_twice_make_one_payment(
    deliver, stripe_server, client, advisor, customer, team, account
):
    pr = send_request(client, advisor, customer, team, channel="email")
    result = stripe_server.pay_checkout(click_pay(client, pr))
    assert result.paid
    held = stripe_server.held_types()
    assert "checkout.session.completed" in held
    deliver(types=["checkout.session.completed"], repeat=3)
    assert Payment.objects.count() == 1
    client.get(path_of(result.location))
    deliver(repeat=2)
    assert Payment.objects.count() == 1
    pr.refresh_from_db()
    assert pr.status == S.PAID and pr.amount_paid_minor == 12_550


@pytest.mark.django_db
def test_a_payment_is_dated_when_the_customer_paid_not_when_we_heard_of_it(
    deliver, stripe_server, client, advisor, customer, team, account
):
    """Events can arrive late (Stripe's retries, the missed-event sync): the payment's date on the
    Payments tab, its day in the totals and in the CSV are Stripe's time of the charge."""
    pr = send_request(client, advisor, customer, team, channel="sms")
    url = click_pay(client, pr)
    stripe_server.advance_clock(-3 * 3600)  # Stripe's clock: the customer pays 3 hours ago
    assert stripe_server.pay_checkout(url).paid
    stripe_server.advance_clock(3 * 3600)
    deliver()  # ... and we hear of it now
    payment = Payment.objects.get(payment_request=pr)
    late_by = timezone.now() - payment.occurred_at
    assert timedelta(hours=2, minutes=59) < late_by < timedelta(hours=3, minutes=1)


@pytest.mark.django_db
def test_partial_payments(deliver, stripe_server, client, advisor, customer, team, account):
    pr = send_request(client, advisor, customer, team, allow_partial="on")
    client.get(f"/pay/{pr.token}/")
    for bad, text in (
        ("0.20", "from $0.50"),
        ("125.20", "to $125.00"),
        ("500", "from $0.50"),
        ("abc", "amount such as"),
    ):
        response = client.post(f"/pay/{pr.token}/checkout/", {"amount": bad})
        assert response.status_code == 400 and text in response.content.decode(), (
            bad,
            response.content.decode()[:300],
        )
    url = click_pay(client, pr, amount="50.00")
    assert stripe_server.pay_checkout(url).paid
    deliver()
    pr.refresh_from_db()
    assert pr.status == S.PARTIALLY_PAID and pr.amount_paid_minor == 5_000 and pr.balance_minor == 7_550
    assert list(Payment.objects.filter(payment_request=pr).values_list("display_status", flat=True)) == [
        "partially_paid"
    ]
    page = client.get(f"/pay/{pr.token}/").content.decode()
    assert "$75.50" in page and "pay-button" in page
    url2 = click_pay(client, pr, amount="75.50")
    assert url2 != url
    assert stripe_server.pay_checkout(url2).paid
    deliver()
    pr.refresh_from_db()
    assert pr.status == S.PAID and pr.amount_paid_minor == 12_550
    assert sorted(Payment.objects.filter(payment_request=pr).values_list("amount_minor", flat=True)) == [
        5_000,
        7_550,
    ]
    # Paid in full: the first part is no longer "partially paid" on the Payments tab.
    assert set(Payment.objects.filter(payment_request=pr).values_list("display_status", flat=True)) == {
        "paid"
    }


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", ["expired", "cancelled"])
def test_a_declined_attempt_shows_what_became_of_its_request(
    outcome,
    deliver,
    stripe_server,
    client,
    advisor,
    customer,
    team,
    account,
    django_capture_on_commit_callbacks,
):
    """The failed attempt's status on the Payments tab follows its request through the state
    machine: expired by the sweep, or cancelled by the advisor."""
    from payments.requests.sending import payment_request_cancel
    from payments.requests.tasks import expire_overdue_requests_task

    pr = send_request(client, advisor, customer, team, channel="sms")
    url = click_pay(client, pr)
    assert not stripe_server.pay_checkout(url, card="4000 0000 0000 0002").paid
    deliver()
    failed = Payment.objects.get(payment_request=pr)
    assert (failed.status, failed.display_status) == ("failed", "failed")
    if outcome == "expired":
        PaymentRequest.objects.filter(pk=pr.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert expire_overdue_requests_task() == 1
    else:
        with django_capture_on_commit_callbacks(execute=True):
            payment_request_cancel(payment_request_id=pr.pk, user=advisor)
    failed.refresh_from_db()
    pr.refresh_from_db()
    assert pr.status == outcome and (failed.request_status, failed.display_status) == (outcome, outcome)
    client.force_login(advisor)
    shown = {r.pk: r.display_status for r in client.get("/payments/?date_from=").context["page"].rows}
    assert shown[failed.pk] == failed.display_status


@pytest.mark.django_db
def test_changing_the_partial_amount_replaces_the_session(
    stripe_server, client, advisor, customer, team, account
):
    pr = send_request(client, advisor, customer, team, allow_partial="on")
    first = click_pay(client, pr, amount="20.00")
    second = click_pay(client, pr, amount="30.00")
    assert first != second
    old_id = first.rstrip("/").rsplit("/", 1)[-1]
    pr.refresh_from_db()
    sessions = {
        s.id: s.status
        for s in [
            gateway.checkout_session_retrieve(
                account_id=account.stripe_id, session_id=pr.checkout_session_id
            ),
        ]
    }
    assert list(sessions.values()) == ["open"]
    assert not stripe_server.pay_checkout(first).paid or old_id == pr.checkout_session_id


@pytest.mark.django_db
def test_cancel_expires_the_open_checkout_session(
    stripe_server, client, advisor, customer, team, account, django_capture_on_commit_callbacks
):
    pr = send_request(client, advisor, customer, team)
    url = click_pay(client, pr)
    pr.refresh_from_db()
    session_id = pr.checkout_session_id
    client.force_login(advisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/requests/{pr.pk}/cancel/")
    pr.refresh_from_db()
    assert pr.status == S.CANCELLED
    assert (
        gateway.checkout_session_retrieve(account_id=account.stripe_id, session_id=session_id).status
        == "expired"
    )
    assert not stripe_server.pay_checkout(url).paid
    page = client.get(f"/pay/{pr.token}/").content.decode()
    assert 'data-testid="cancelled"' in page and "pay-button" not in page


@pytest.mark.django_db
def test_sweep_expires_request_and_its_checkout_session(
    stripe_server, client, advisor, customer, team, account, django_capture_on_commit_callbacks
):
    from payments.requests.tasks import expire_overdue_requests_task

    pr = send_request(client, advisor, customer, team)
    url = click_pay(client, pr)
    pr.refresh_from_db()
    session_id = pr.checkout_session_id
    PaymentRequest.objects.filter(pk=pr.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_overdue_requests_task() == 1
    assert (
        gateway.checkout_session_retrieve(account_id=account.stripe_id, session_id=session_id).status
        == "expired"
    )
    assert not stripe_server.pay_checkout(url).paid
    pr.refresh_from_db()
    assert pr.status == S.EXPIRED and pr.checkout_session_id == ""


@pytest.mark.parametrize(
    "country, currency, amount, afterpay",
    [
        ("US", "USD", 99, False),
        ("US", "USD", 100, True),
        ("US", "USD", 400_000, True),
        ("US", "USD", 400_001, False),
        ("CA", "CAD", 200_000, True),
        ("CA", "CAD", 200_001, False),
        ("US", "CAD", 10_000, False),  # domestic only: the account's country and currency
    ],
)
def test_afterpay_limits_from_stripe_docs(country, currency, amount, afterpay):
    from payments.checkout.session import payment_methods_for
    from tests.factories import OrganizationFactory, PaymentRequestFactory, StripeAccountFactory

    org = OrganizationFactory.build(country=country, currency=currency)
    pr = PaymentRequestFactory.build(
        organization=org,
        currency=currency,
        stripe_account=StripeAccountFactory.build(organization=org, country=country),
    )
    assert ("afterpay_clearpay" in payment_methods_for(request=pr, amount_minor=amount)) is afterpay
    assert payment_methods_for(request=pr, amount_minor=amount)[0] == "card"


@pytest.mark.django_db
@pytest.mark.parametrize("amount, afterpay", [("125.50", True), ("0.99", False)])
def test_checkout_offers_afterpay_when_allowed(
    stripe_server, client, advisor, customer, team, account, amount, afterpay
):
    from tests.stripe_server import http

    pr = send_request(client, advisor, customer, team, amount=amount)
    status, _, body = http("GET", click_pay(client, pr))
    assert status == 200
    assert ("afterpay_clearpay" in body.decode()) is afterpay


@pytest.mark.django_db
def test_afterpay_installments_receipt(deliver, stripe_server, client, advisor, customer, team, account):
    pr = send_request(client, advisor, customer, team, channel="sms")
    result = stripe_server.pay_afterpay(click_pay(client, pr))
    assert result.paid, result.html[:500]
    client.get(path_of(result.location))
    deliver()
    payment = Payment.objects.get(payment_request=pr)
    assert payment.method == "afterpay_clearpay"
    assert "Installments" in client.get(f"/pay/{pr.token}/receipt/{payment.pk}/").content.decode()


@pytest.mark.django_db
def test_pay_page_unknown_token_is_404_and_no_card_fields(
    client, advisor, customer, team, stripe_server, account
):
    assert client.get("/pay/" + "x" * 32 + "/").status_code == 404
    pr = send_request(client, advisor, customer, team)
    html = client.get(f"/pay/{pr.token}/").content.decode()
    assert "card_number" not in html and "cvc" not in html.lower()
    assert 'name="viewport"' in html


@pytest.mark.django_db
def test_stripe_expiring_the_session_is_followed(
    deliver, stripe_server, client, advisor, customer, team, account
):
    pr = send_request(client, advisor, customer, team)
    url = click_pay(client, pr)
    pr.refresh_from_db()
    session_id = pr.checkout_session_id
    stripe_server.advance_clock(25 * 3600)  # past the session's expires_at: Stripe expires it
    stripe_server.state()  # let the emulator notice
    assert (
        gateway.checkout_session_retrieve(account_id=account.stripe_id, session_id=session_id).status
        == "expired"
    )
    deliver(repeat=2)
    pr.refresh_from_db()
    assert pr.checkout_session_id == ""
    assert PaymentRequestEvent.objects.filter(payment_request=pr, kind="checkout_expired").count() == 1
    assert not stripe_server.pay_checkout(url).paid


@pytest.mark.django_db
def test_failed_afterpay_is_an_attempt_and_the_request_stays_open(
    deliver, stripe_server, client, advisor, customer, team, account
):
    pr = send_request(client, advisor, customer, team, channel="sms")
    result = stripe_server.pay_afterpay(click_pay(client, pr), succeed=False)
    assert not result.paid
    deliver(repeat=2)
    payment = Payment.objects.get(payment_request=pr)
    assert payment.status == "failed" and payment.method == "afterpay_clearpay"
    assert PaymentRequestEvent.objects.filter(payment_request=pr, kind="attempt_failed").count() == 1
    pr.refresh_from_db()
    assert pr.status in (S.SENT, S.OPENED)


@pytest.mark.django_db
def test_my_payment_requests_list_filters_and_query_count(
    client, advisor, customer, team, org, django_assert_max_num_queries
):
    from tests.factories import PaymentRequestFactory, UserFactory

    for i in range(30):
        PaymentRequestFactory(
            organization=org,
            team=team,
            customer=customer,
            created_by=advisor,
            status="paid" if i % 3 else "sent",
        )
    someone_else = UserFactory(organization=org, teams=[team])
    PaymentRequestFactory(
        organization=org, team=team, customer=customer, created_by=someone_else, reference="NOT-MINE"
    )
    client.force_login(advisor)
    with django_assert_max_num_queries(12):
        html = client.get("/requests/").content.decode()
    assert html.count("data-request=") == 30 and "NOT-MINE" not in html
    assert client.get("/requests/?status=open").content.decode().count("data-request=") == 10
    assert client.get("/requests/?status=paid").content.decode().count("data-request=") == 20
    assert client.get("/requests/?status=expired").content.decode().count("data-request=") == 0
    # another advisor's request is a 404, another organization's too
    other = PaymentRequestFactory(organization=org, team=team, customer=customer, created_by=someone_else)
    assert client.get(f"/requests/{other.pk}/").status_code == 404
    assert client.get(f"/requests/{PaymentRequestFactory().pk}/").status_code == 404
    assert client.post(f"/requests/{other.pk}/cancel/").status_code == 404


@pytest.mark.django_db
def test_disconnected_account_says_so_on_pay(stripe_server, client, advisor, customer, team, account):
    pr = send_request(client, advisor, customer, team)
    from django.utils import timezone as tz

    account.disconnected_at = tz.now()
    account.save()
    response = client.post(f"/pay/{pr.token}/checkout/")
    assert response.status_code == 409 and "take card payments right now" in response.content.decode()
