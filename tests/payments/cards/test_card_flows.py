"""Card on file over HTTP against the Stripe emulator, with signed webhooks: saving a card from a link
(consent recorded), staff charging it (confirmation, receipt, Payments tab), authentication required
-> pay link -> paid, saving while paying, card events, permissions and another organization's 404."""

import re

import pytest

from notifications.models import OutboundMessage
from payments.models import CardCharge, CardConsent, CardSettings, Payment, PaymentRequest, SavedCard
from tests.factories import CustomerFactory, OrganizationFactory, UserFactory
from tests.payments.request_helpers import path_of

S = PaymentRequest.Status


def _link(customer, purpose="card_request"):
    sms = OutboundMessage.objects.filter(to=str(customer.phone), purpose=purpose).latest("id")
    return path_of(re.search(r"https?://\S+", sms.body).group(0))


def save_card_from_link(client, stripe_server, manager, customer, card="4242 4242 4242 4242", deliver=None):
    client.force_login(manager)
    response = client.post(f"/cards/customers/{customer.pk}/request/")
    assert response.status_code == 302
    client.logout()
    link = _link(customer)
    page = client.get(link)
    assert page.status_code == 200 and 'data-testid="consent-text"' in page.content.decode()
    refused = client.post(link, {})
    assert refused.status_code == 400 and "Tick the box" in refused.content.decode()
    go = client.post(link, {"consent": "1"}, HTTP_USER_AGENT="Mobile Safari 18", REMOTE_ADDR="203.0.113.9")
    assert go.status_code == 303 and go["Location"].startswith(stripe_server.url)
    result = stripe_server.save_card(go["Location"], card=card)
    assert result.status == 303, result.message
    back = client.get(path_of(result.location))
    assert back.status_code == 200
    if deliver is not None:
        assert all(r.status_code == 200 for r in deliver(repeat=2))
    return back


@pytest.mark.django_db
def test_save_a_card_from_a_link_records_consent_and_shows_on_the_customer_page(
    client, stripe_server, manager, customer, account, deliver
):
    back = save_card_from_link(client, stripe_server, manager, customer, deliver=deliver)
    assert 'data-testid="card-saved"' in back.content.decode() and "Visa •••• 4242" in back.content.decode()
    card = SavedCard.objects.get(customer=customer)
    assert (card.brand, card.last4, card.exp_month, card.exp_year) == ("visa", "4242", 12, 2034)
    assert card.fingerprint and card.stripe_customer.stripe_customer_id.startswith("cus_")
    consent = CardConsent.objects.get(customer=customer)
    assert consent.saved_card == card and consent.text_version == "2026-12-01"
    assert consent.ip_address == "203.0.113.9" and consent.user_agent == "Mobile Safari 18"
    assert consent.dealership_name == "Smith Tractors" and "Smith Tractors to save this card" in consent.text
    client.force_login(manager)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="saved-cards"' in page and "Visa •••• 4242" in page and "12/2034" in page
    listing = client.get("/customers/?has_card=1").content.decode()
    assert "Carla Customer" in listing


@pytest.mark.django_db
def test_staff_charge_on_behalf_confirms_then_charges_once_with_a_receipt_on_the_payments_tab(
    client, stripe_server, manager, customer, team, account, deliver, django_capture_on_commit_callbacks
):
    save_card_from_link(client, stripe_server, manager, customer, deliver=deliver)
    card = SavedCard.objects.get(customer=customer)
    client.force_login(manager)
    form = {
        "card": card.pk,
        "team": team.pk,
        "amount": "89.90",
        "description": "Service plan, March",
        "reference": "SP-3",
    }
    review = client.post(f"/cards/customers/{customer.pk}/charge/", {**form, "step": "review"})
    html = review.content.decode()
    assert review.status_code == 200 and "$89.90" in html and 'data-testid="charge-confirm"' in html
    assert CardCharge.objects.count() == 0  # nothing charged before the confirmation
    key = re.search(r'name="submission_key" value="([^"]+)"', html).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/cards/customers/{customer.pk}/charge/", {**form, "step": "confirm", "submission_key": key}
        )
    assert done.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            f"/cards/customers/{customer.pk}/charge/", {**form, "step": "confirm", "submission_key": key}
        )
    assert again["Location"] == done["Location"]  # the same charge, not a second one
    charge = CardCharge.objects.get()
    assert charge.status == "succeeded" and charge.stripe_payment_intent_id.startswith("pi_")
    deliver(repeat=2)
    payment = Payment.objects.get(payment_request=charge.payment_request)
    assert (payment.method, payment.amount_minor, payment.status, payment.card_last4) == (
        "saved_card",
        8990,
        "succeeded",
        "4242",
    )
    assert payment.fee_minor == 322  # 3.25 % + 30
    charge.payment_request.refresh_from_db()
    assert charge.payment_request.status == S.PAID
    assert OutboundMessage.objects.filter(payment_request=charge.payment_request, purpose="receipt").exists()
    tab = client.get("/payments/").content.decode()
    assert "SP-3" in tab and "Saved card" in tab, tab[tab.find("<tbody") :][:3000]
    detail = client.get(done["Location"]).content.decode()
    assert 'data-status="succeeded"' in detail and f"/payments/{payment.pk}/" in detail
    assert stripe_server.charges_summary("card_charge_id")["succeeded_by"] == {str(charge.pk): 1}


@pytest.mark.django_db
def test_authentication_required_sends_a_pay_link_with_the_customer_then_paid(
    client, stripe_server, manager, customer, team, account, deliver, django_capture_on_commit_callbacks
):
    save_card_from_link(client, stripe_server, manager, customer, card="4000 0027 6000 3184", deliver=deliver)
    card = SavedCard.objects.get(customer=customer)
    client.force_login(manager)
    form = {
        "card": card.pk,
        "team": team.pk,
        "amount": "250.00",
        "description": "Deposit",
        "reference": "D-9",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/cards/customers/{customer.pk}/charge/", {**form, "step": "confirm", "submission_key": "k1"}
        )
    charge = CardCharge.objects.get()
    assert charge.status == "authentication_required" and charge.decline_code == "authentication_required"
    request = charge.payment_request
    request.refresh_from_db()
    assert request.status == S.SENT  # a normal pay link went to the customer
    link = _link(customer, purpose="payment_request")
    assert link == f"/pay/{request.token}/"
    client.logout()
    go = client.post(f"/pay/{request.token}/checkout/", {})
    assert go.status_code == 303
    result = stripe_server.pay_with_saved_card(go["Location"], card.stripe_payment_method_id)
    assert result.paid, result.message
    with django_capture_on_commit_callbacks(execute=True):
        client.get(path_of(result.location))
    deliver()
    request.refresh_from_db()
    assert request.status == S.PAID


@pytest.mark.django_db
def test_save_this_card_while_paying_a_request(
    client,
    stripe_server,
    advisor,
    manager,
    customer,
    team,
    account,
    deliver,
    django_capture_on_commit_callbacks,
):
    from tests.payments.checkout.test_pay_page import send_request

    with django_capture_on_commit_callbacks(execute=True):
        request = send_request(client, advisor, customer, team)
    page = client.get(f"/pay/{request.token}/").content.decode()
    assert 'data-testid="save-card"' in page and "Smith Tractors to save this card" in page
    go = client.post(f"/pay/{request.token}/checkout/", {"save_card": "1"}, REMOTE_ADDR="198.51.100.7")
    result = stripe_server.pay_checkout(go["Location"])
    assert result.paid
    with django_capture_on_commit_callbacks(execute=True):
        client.get(path_of(result.location))
    deliver()
    card = SavedCard.objects.get(customer=customer)
    consent = card.consents.get()
    assert (
        consent.source == "payment"
        and consent.payment_request == request
        and consent.ip_address == "198.51.100.7"
    )
    assert Payment.objects.get(payment_request=request).method == "card"


@pytest.mark.django_db
def test_card_events_update_and_detach_and_staff_remove(
    client, stripe_server, manager, customer, account, deliver
):
    save_card_from_link(client, stripe_server, manager, customer, deliver=deliver)
    card = SavedCard.objects.get(customer=customer)
    stripe_server.update_card(card.stripe_payment_method_id, exp_month=5, exp_year=2037)
    deliver()
    card.refresh_from_db()
    assert (card.exp_month, card.exp_year) == (5, 2037)
    stripe_server.detach_card(card.stripe_payment_method_id)
    deliver(repeat=2)
    card.refresh_from_db()
    assert card.status == "removed"
    save_card_from_link(client, stripe_server, manager, customer, card="5555 5555 5555 4444", deliver=deliver)
    second = SavedCard.objects.get(customer=customer, status="active")
    client.force_login(manager)
    assert client.post(f"/cards/{second.pk}/remove/").status_code == 302
    second.refresh_from_db()
    assert second.status == "removed"
    listed = stripe_server.api(
        "GET",
        f"/v1/customers/{second.stripe_customer.stripe_customer_id}/payment_methods",
        account=account.stripe_id,
    )
    assert listed[2]["data"] == []


@pytest.mark.django_db
def test_who_may_charge_and_another_organizations_card_is_404(
    client, stripe_server, manager, advisor, customer, team, account, deliver
):
    save_card_from_link(client, stripe_server, manager, customer, deliver=deliver)
    card = SavedCard.objects.get(customer=customer)
    client.force_login(advisor)
    assert client.get(f"/cards/customers/{customer.pk}/charge/").status_code == 403
    CardSettings.objects.update_or_create(
        organization=customer.organization, defaults={"advisors_may_charge": True}
    )
    assert client.get(f"/cards/customers/{customer.pk}/charge/").status_code == 200
    other = OrganizationFactory()
    intruder = UserFactory(organization=other, role="admin")
    client.force_login(intruder)
    assert client.get(f"/cards/customers/{customer.pk}/charge/").status_code in (403, 404)
    assert client.post(f"/cards/{card.pk}/remove/").status_code == 404
    stranger = CustomerFactory(organization=other)
    client.force_login(manager)
    assert client.post(f"/cards/customers/{stranger.pk}/request/").status_code == 404


@pytest.mark.django_db
def test_card_settings_page_admin_only(client, admin_user, manager, org):
    client.force_login(manager)
    assert client.get("/cards/settings/").status_code == 403
    client.force_login(admin_user)
    assert client.get("/cards/settings/").status_code == 200
    bad = client.post("/cards/settings/", {"retry_days": "7,3"})
    assert bad.status_code == 200 and "increasing order" in bad.content.decode()
    assert (
        client.post("/cards/settings/", {"advisors_may_charge": "on", "retry_days": "2,5"}).status_code == 302
    )
    settings_row = CardSettings.objects.get(organization=org)
    assert settings_row.advisors_may_charge and settings_row.retry_schedule() == [2, 5]
