"""QA regressions: what staff and customers read. The history said "requested by both" and
"Sent: Sent by ..."; the Messages table showed the raw purpose "advisor_paid"; the pay page said
"Pay by card or in installments" while the Connections page promised customers would see
"Pay by card — <dealership>"."""

import pytest
from django.utils.html import escape

from notifications.models import OutboundMessage
from payments.models import PaymentRequestEvent
from payments.requests.sending import payment_request_cancel, payment_request_create
from tests.factories import StripeAccountFactory


@pytest.fixture
def account(org):
    return StripeAccountFactory(organization=org)


def create(advisor, team, customer, channel="both"):
    return payment_request_create(
        user=advisor,
        team=team,
        customer=customer,
        amount_minor=123_456,
        description="Brakes",
        reference="RO-1",
        channel=channel,
        allow_partial=False,
    )


@pytest.mark.django_db
def test_history_names_the_channel_in_words(client, advisor, team, customer, account):
    pr = create(advisor, team, customer)
    messages = dict(PaymentRequestEvent.objects.filter(payment_request=pr).values_list("kind", "message"))
    assert messages["created"] == "$1,234.56 requested by SMS and email"
    assert messages["sent"] == "SMS to +13125550199 and email to carla@example.net"
    client.force_login(advisor)
    html = client.get(f"/requests/{pr.pk}/").content.decode()
    assert "requested by both" not in html and "Sent: Sent" not in html
    assert "Sent: SMS to +13125550199" in html


@pytest.mark.django_db
def test_messages_table_shows_purposes_in_words(client, advisor, team, customer, account, org):
    pr = create(advisor, team, customer, channel="email")
    OutboundMessage.objects.create(
        organization=org,
        channel="email",
        backend="outbox",
        to=advisor.email,
        body="x",
        purpose="advisor_paid",
        payment_request=pr,
    )
    client.force_login(advisor)
    html = client.get(f"/requests/{pr.pk}/").content.decode()
    assert "advisor_paid" not in html
    assert "Email · paid notice to the advisor" in html
    assert "Email · payment request" in html


@pytest.mark.django_db
def test_pay_page_shows_the_label_the_connections_page_promises(
    client, advisor, team, customer, account, org
):
    pr = create(advisor, team, customer, channel="sms")
    html = client.get(f"/pay/{pr.token}/").content.decode()
    assert f"Pay by card — {org.name}" in html
    account.customer_label = "Pay Smith North by card"
    account.save()
    assert "Pay Smith North by card" in client.get(f"/pay/{pr.token}/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("template", ["Pay {amount} {link", "Pay } {link}", "{dealership} { {link}"])
def test_payment_settings_unmatched_brace_says_so_and_keeps_the_text(client, admin_user, org, template):
    client.force_login(admin_user)
    response = client.post(
        "/admin-tab/payment-settings/",
        {
            "sms_template": template,
            "email_template": "",
            "reminders_enabled": "on",
            "reminder_hours_before_expiry": "4",
            "max_payment": "50000.00",
        },
    )
    html = response.content.decode()
    assert response.status_code in (200, 400)
    assert "has no partner" in html and "Unknown placeholder(s): {{}" not in html
    assert f"{escape(template)}</textarea>" in html  # what was typed is kept
    org.refresh_from_db()
    assert org.sms_template == ""


@pytest.mark.django_db
def test_a_fresh_notification_does_not_say_0_minutes_ago(client, advisor):
    from notifications.models import Notification

    Notification.objects.create(user=advisor, title="Carla Customer paid $1.00")
    client.force_login(advisor)
    html = client.get("/notifications/").content.decode()
    assert "Carla Customer paid $1.00" in html
    assert "0\xa0minutes ago" not in html and "0 minutes ago" not in html
    assert ">now<" in html


@pytest.mark.django_db
def test_a_cancelled_request_does_not_say_its_link_expires_tomorrow(client, advisor, team, customer, account):
    pr = create(advisor, team, customer, channel="sms")
    client.force_login(advisor)
    assert "Link expires" in client.get(f"/requests/{pr.pk}/").content.decode()
    payment_request_cancel(payment_request_id=pr.pk, user=advisor)
    html = client.get(f"/requests/{pr.pk}/").content.decode()
    assert "Link expires" not in html and "Cancelled on" in html
