"""Payment requests without Stripe calls: validation (nothing half-saved), sending, cancel and
re-send. The state table, texts, expiry and reminders have their own test modules here."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from core.errors import ApplicationError, Conflict
from notifications.models import OutboundMessage
from payments.models import PaymentRequest, PaymentRequestEvent
from payments.requests.reminders import payment_request_remind
from payments.requests.sending import payment_request_cancel, payment_request_resend
from tests.factories import (
    CustomerFactory,
    OpportunityFactory,
    OrganizationFactory,
    TeamFactory,
    UserFactory,
)
from tests.payments.requests.helpers import create, nothing_saved

S = PaymentRequest.Status


# --- creation and validation --------------------------------------------------------------------
@pytest.mark.django_db
def test_create_sends_sms_and_email_with_the_link_after_commit(
    advisor, team, customer, account, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pr = create(advisor, team, customer)
    assert pr.status == S.SENT
    assert pr.stripe_account == account
    assert abs((pr.expires_at - pr.sent_at) - timedelta(hours=24)) < timedelta(seconds=1)
    assert len(pr.token) >= 22  # >= 128 random bits, url-safe
    sms = OutboundMessage.objects.get(channel="sms", payment_request=pr)
    email = OutboundMessage.objects.get(channel="email", payment_request=pr)
    assert sms.to == "+13125550199" and email.to == "carla@example.net"
    assert f"/pay/{pr.token}/" in sms.body and f"/pay/{pr.token}/" in email.body
    assert "RO-1001" in email.subject and "$125.50" in email.body
    assert sms.status == email.status == "sent"  # delivered by the outbox task after commit
    kinds = list(PaymentRequestEvent.objects.filter(payment_request=pr).values_list("kind", "to_status"))
    assert kinds == [("created", "created"), ("sent", "sent")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes, field, text",
    [
        ({"amount_minor": 0}, "amount", "greater than zero"),
        ({"amount_minor": -5}, "amount", "greater than zero"),
        ({"amount_minor": 49}, "amount", "at least $0.50"),
        ({"amount_minor": 5_000_001}, "amount", "$50,000.00"),
        ({"amount_minor": 12.5}, "amount", "amount such as"),
        ({"currency": "EUR"}, "currency", "USD"),
        ({"currency": "CAD"}, "currency", "USD"),
        ({"reference": "  "}, "reference", "reference number"),
        ({"description": ""}, "description", "Describe"),
        ({"channel": "fax"}, "channel", "SMS, email or both"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(advisor, team, customer, account, changes, field, text):
    with pytest.raises(ApplicationError) as exc:
        create(advisor, team, customer, **changes)
    assert field in exc.value.extra["fields"]
    assert text in exc.value.extra["fields"][field][0]
    assert nothing_saved()


@pytest.mark.django_db
def test_exactly_the_limit_is_accepted_and_the_org_limit_applies(advisor, team, customer, account, org):
    assert create(advisor, team, customer, amount_minor=5_000_000, channel="sms").amount_minor == 5_000_000
    org.max_payment_minor = 100_000
    org.save()
    advisor.organization.refresh_from_db()
    with pytest.raises(ApplicationError) as exc:
        create(advisor, team, customer, amount_minor=100_001, channel="sms")
    assert "$1,000.00" in exc.value.extra["fields"]["amount"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "phone, email, channel, field, text",
    [
        ("", "a@example.net", "sms", "phone", "no mobile phone"),
        ("+1555", "a@example.net", "sms", "phone", "not a valid"),
        ("+13125550199", "", "email", "email", "no email"),
        ("+13125550199", "not-an-email", "email", "email", "not valid"),
        ("", "", "both", "phone", "no mobile phone"),
    ],
)
def test_missing_or_invalid_contact_for_the_channel(
    advisor, team, account, org, phone, email, channel, field, text
):
    customer = CustomerFactory(organization=org, phone=phone, email=email)
    with pytest.raises(ApplicationError) as exc:
        create(advisor, team, customer, channel=channel)
    assert text in exc.value.extra["fields"][field][0]
    if channel == "both":
        assert "email" in exc.value.extra["fields"]  # every problem at once
    assert nothing_saved()


@pytest.mark.django_db
def test_opted_out_customer_can_still_get_email_but_not_sms(advisor, team, account, customer):
    customer.sms_opted_out = True
    customer.save()
    with pytest.raises(ApplicationError) as exc:
        create(advisor, team, customer, channel="both")
    assert "opted out" in exc.value.extra["fields"]["phone"][0]
    assert nothing_saved()
    assert create(advisor, team, customer, channel="email").status == S.SENT


@pytest.mark.django_db
def test_team_rules(advisor, team, customer, account, org):
    other_team = TeamFactory(organization=org, payments_enabled=True)
    with pytest.raises(ApplicationError) as exc:
        create(advisor, other_team, customer)  # not a member
    assert "team" in exc.value.extra["fields"]
    team.payments_enabled = False
    team.save()
    with pytest.raises(ApplicationError) as exc:
        create(advisor, team, customer)
    assert "not enabled" in exc.value.extra["fields"]["team"][0]
    assert nothing_saved()


@pytest.mark.django_db
def test_team_without_a_ready_stripe_account(advisor, team, customer):
    with pytest.raises(ApplicationError) as exc:
        create(advisor, team, customer)
    assert "Stripe account" in exc.value.extra["fields"]["team"][0]


@pytest.mark.django_db
def test_an_error_on_the_hidden_team_field_is_shown(client, advisor, team, customer):
    """An advisor in one team doesn't see the team field (it is hidden); its error must still
    be on the page, not a bare 400 with the form as it was."""
    client.force_login(advisor)
    response = client.post(
        f"/requests/new/?customer={customer.pk}",
        {
            "confirm": "yes",
            "customer": customer.pk,
            "team": team.pk,
            "amount": "125.50",
            "description": "x",
            "reference": "R1",
            "channel": "sms",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'type="hidden" name="team"' in html
    assert (
        'role="alert" data-field="team"' in html and "no Stripe account ready" in html and "Admin tab" in html
    )
    assert nothing_saved()


@pytest.mark.django_db
def test_other_organizations_customer_is_refused(advisor, team, account):
    foreign = CustomerFactory(organization=OrganizationFactory())
    with pytest.raises(ApplicationError) as exc:
        create(advisor, team, foreign)
    assert "customer" in exc.value.extra["fields"]
    assert nothing_saved()


# --- cancel, expiry, re-send ---------------------------------------------------------------------
@pytest.mark.django_db
def test_cancel_while_open_then_not_again(advisor, team, customer, account):
    pr = create(advisor, team, customer)
    pr = payment_request_cancel(payment_request_id=pr.pk, user=advisor)
    assert pr.status == S.CANCELLED and pr.cancelled_at
    with pytest.raises(Conflict):
        payment_request_cancel(payment_request_id=pr.pk, user=advisor)
    row = PaymentRequestEvent.objects.get(payment_request=pr, kind="cancelled")
    assert row.actor == advisor and row.from_status == "sent"


@pytest.mark.django_db
def test_another_advisor_cannot_cancel(advisor, team, customer, account, org):
    pr = create(advisor, team, customer)
    other = UserFactory(organization=org, teams=[team])
    with pytest.raises(ApplicationError):
        payment_request_cancel(payment_request_id=pr.pk, user=other)
    pr.refresh_from_db()
    assert pr.status == S.SENT


@pytest.mark.django_db
def test_resend_an_expired_request_as_a_new_one(advisor, team, customer, account, client):
    pr = create(advisor, team, customer, allow_partial=True)
    PaymentRequest.objects.filter(pk=pr.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(advisor)
    client.get(f"/requests/{pr.pk}/")  # the detail page notices the expiry
    response = client.post(f"/requests/{pr.pk}/resend/")
    new = PaymentRequest.objects.exclude(pk=pr.pk).get()
    assert response.status_code == 302 and response.url == f"/requests/{new.pk}/"
    assert new.resent_from == pr and new.status == S.SENT and new.token != pr.token
    assert (new.amount_minor, new.reference, new.channel, new.allow_partial) == (
        12_550,
        "RO-1001",
        "both",
        True,
    )
    # an open request can't be re-sent
    with pytest.raises(Conflict):
        payment_request_resend(payment_request_id=new.pk, user=advisor)


@pytest.mark.django_db
def test_opportunity_request_keeps_the_link(advisor, team, account, org):
    opportunity = OpportunityFactory(customer=CustomerFactory(organization=org))
    pr = create(advisor, team, opportunity.customer, opportunity=opportunity)
    assert pr.opportunity == opportunity
    other = OpportunityFactory(customer=CustomerFactory(organization=org))
    with pytest.raises(ApplicationError) as exc:
        create(advisor, team, opportunity.customer, opportunity=other)
    assert "opportunity" in exc.value.extra["fields"]


@pytest.mark.django_db
def test_form_shows_errors_next_to_fields_and_saves_nothing(client, advisor, team, account, org):
    customer = CustomerFactory(organization=org, phone="+13125550177", email="")
    client.force_login(advisor)
    form = {
        "customer": customer.pk,
        "team": team.pk,
        "amount": "abc",
        "description": "x",
        "reference": "",
        "channel": "both",
    }
    html = client.post(f"/requests/new/?customer={customer.pk}", form).content.decode()
    assert 'id="id_amount_error"' in html and "amount such as" in html
    assert 'id="id_reference_error"' in html
    html = client.post(
        f"/requests/new/?customer={customer.pk}", {**form, "amount": "60000", "reference": "R"}
    ).content.decode()
    assert 'id="id_amount_error"' in html and "$50,000.00" in html
    assert 'id="id_email_error"' in html and "no email address" in html
    assert nothing_saved()
    # the customer page lists no request; another organization's customer is a 404
    assert (
        client.get(
            f"/requests/new/?customer={CustomerFactory(organization=OrganizationFactory()).pk}"
        ).status_code
        == 404
    )
    assert client.get("/requests/new/?customer=abc").status_code == 404


@pytest.mark.django_db
def test_customer_page_lists_its_payment_requests(client, advisor, team, customer, account, org):
    pr = create(advisor, team, customer, reference="RO-CUST-1")
    other_customer = CustomerFactory(organization=org)
    create(advisor, team, other_customer, reference="RO-OTHER-1", channel="email")
    client.force_login(advisor)
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="customer-payment-requests"' in html
    assert f"/requests/{pr.pk}/" in html and "RO-CUST-1" in html and "RO-OTHER-1" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "expires_local, now_local, sent",
    [
        ((1, 0), (-1, 20, 30), True),  # link expires at 01:00: reminded at 20:30 the evening before
        ((1, 0), (-1, 19, 59), False),  # ... not before 20:00
        ((1, 0), (-1, 22, 0), False),  # ... never in quiet hours
        ((9, 0), (-1, 20, 30), False),  # expires 09:00: the window (05:00-09:00) reaches 08:00-09:00
        ((9, 0), (0, 8, 0), True),
    ],
)
def test_reminder_whose_window_is_all_quiet_hours_goes_the_evening_before(
    advisor, team, customer, account, org, expires_local, now_local, sent
):
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(org.time_zone)
    expires = datetime(2026, 6, 11, *expires_local, tzinfo=tz)
    day, hour, minute = now_local
    now = datetime(2026, 6, 11, hour, minute, tzinfo=tz) + timedelta(days=day)
    pr = create(advisor, team, customer, channel="sms")
    PaymentRequest.objects.filter(pk=pr.pk).update(expires_at=expires)
    assert payment_request_remind(payment_request_id=pr.pk, now=now) is sent
