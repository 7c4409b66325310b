"""Payment requests without Stripe calls: validation (nothing half-saved), the state table,
sending, SMS length, cancel, expiry (time travel), re-send, reminders and quiet hours."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from core.errors import ApplicationError, Conflict
from notifications.models import OutboundMessage
from payments.models import PaymentRequest, PaymentRequestEvent
from payments.requests import messages as texts
from payments.requests.reminders import payment_request_remind
from payments.requests.sending import payment_request_cancel, payment_request_create, payment_request_resend
from payments.requests.states import PAYMENT_KIND, TRANSITIONS, payment_request_can_move, payment_request_move
from payments.requests.tasks import expire_overdue_requests_task, send_payment_reminders_task
from tests.factories import (
    CustomerFactory,
    OpportunityFactory,
    OrganizationFactory,
    PaymentRequestFactory,
    StripeAccountFactory,
    TeamFactory,
    UserFactory,
)

S = PaymentRequest.Status


@pytest.fixture
def account(org):
    return StripeAccountFactory(organization=org)


def create(advisor, team, customer, **kw):
    args = dict(
        user=advisor,
        team=team,
        customer=customer,
        amount_minor=12_550,
        description="Brake service",
        reference="RO-1001",
        channel="both",
        allow_partial=False,
    )
    args.update(kw)
    return payment_request_create(**args)


def nothing_saved():
    return not PaymentRequest.objects.exists() and not OutboundMessage.objects.exists()


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


# --- the state table ------------------------------------------------------------------------------
def test_state_table_is_what_the_docs_say():
    allowed = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert (S.CREATED, S.SENT) in allowed
    assert (S.SENT, S.OPENED) in allowed
    assert (S.OPENED, S.PAID) in allowed and (S.OPENED, S.PARTIALLY_PAID) in allowed
    assert (S.PARTIALLY_PAID, S.PAID) in allowed
    assert TRANSITIONS[S.PAID] == frozenset()
    # never backwards
    for later, earlier in [
        (S.OPENED, S.SENT),
        (S.PAID, S.OPENED),
        (S.PARTIALLY_PAID, S.OPENED),
        (S.SENT, S.CREATED),
    ]:
        assert not payment_request_can_move(from_status=later, to_status=earlier)
    # final states move only when a succeeded payment is recorded
    for final in (S.CANCELLED, S.EXPIRED):
        assert not payment_request_can_move(from_status=final, to_status=S.PAID, kind="opened")
        assert payment_request_can_move(from_status=final, to_status=S.PAID, kind=PAYMENT_KIND)
        assert not payment_request_can_move(from_status=final, to_status=S.OPENED, kind=PAYMENT_KIND)


@pytest.mark.django_db
def test_move_refuses_a_bad_move_and_writes_nothing():
    pr = PaymentRequestFactory(status=S.PAID)
    with pytest.raises(Conflict):
        payment_request_move(payment_request_id=pr.pk, to_status=S.CANCELLED, kind="cancelled")
    pr.refresh_from_db()
    assert pr.status == S.PAID and not PaymentRequestEvent.objects.exists()


# --- messages --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    [
        "A" * 25,
        "Smith Tractors & Trailers",
        "Mountain View Chevrolet Bu",
        "Ford of Saint-Jean-sur-Ri",
    ],
)
@pytest.mark.parametrize("currency, amount", [("USD", 5_000_000), ("CAD", 5_000_000), ("USD", 50)])
def test_default_sms_fits_one_gsm7_segment(settings, name, currency, amount):
    settings.SITE_URL = "https://pay.textpay-example.co"  # 30 characters
    assert len(settings.SITE_URL) == 30 and len(name[:25]) <= 25
    org = OrganizationFactory.build(name=name[:25], currency=currency, time_zone="America/Toronto")
    for reference in ["RO-1", "INV-2026-000123", "X" * 64]:
        pr = PaymentRequestFactory.build(
            organization=org, amount_minor=amount, currency=currency, reference=reference
        )
        pr.customer = CustomerFactory.build(organization=org)
        pr.created_by = UserFactory.build(organization=org)
        text = texts.request_sms_text(pr)
        encoding, length = texts.sms_encoding_and_length(text)
        assert encoding == "gsm7", text
        assert length <= 160, (length, text)
        assert texts.sms_segment_count(text) == 1
        assert texts.pay_link(pr) in text and "STOP" in text
        with_reference = texts.template_render(texts.DEFAULT_SMS_TEMPLATE, texts.template_values(pr))
        if texts.sms_segment_count(with_reference) == 1:
            assert text == with_reference  # the reference is kept whenever it fits
        else:
            assert reference not in text


def test_segment_counting_edges():
    assert texts.sms_segment_count("a" * 160) == 1
    assert texts.sms_segment_count("a" * 161) == 2
    assert texts.sms_segment_count("€" * 80) == 1  # extension chars count twice
    assert texts.sms_segment_count("€" * 81) == 2
    assert texts.sms_encoding_and_length("ł")[0] == "ucs2"
    assert texts.sms_segment_count("ł" * 70) == 1 and texts.sms_segment_count("ł" * 71) == 2


@pytest.mark.django_db
def test_organization_sms_template_with_placeholders(advisor, team, customer, account, org):
    org.sms_template = "Hi {customer_name}, {dealership} needs {amount} for {reference}: {link} {unknown}"
    org.save()
    advisor.organization.refresh_from_db()
    pr = create(advisor, team, customer, channel="sms")
    body = OutboundMessage.objects.get(payment_request=pr).body
    assert (
        body
        == f"Hi Carla Customer, Smith Tractors needs $125.50 for RO-1001: {texts.pay_link(pr)} {{unknown}}"
    )


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
def test_expiry_holds_on_use_without_a_sweep(advisor, team, customer, account, client):
    pr = create(advisor, team, customer)
    # time travel: the link was sent 24 h + 1 s ago
    PaymentRequest.objects.filter(pk=pr.pk).update(
        sent_at=timezone.now() - timedelta(hours=24, seconds=1),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    response = client.get(f"/pay/{pr.token}/")
    assert response.status_code == 200
    assert b'data-testid="expired"' in response.content
    assert b"pay-button" not in response.content
    response = client.post(f"/pay/{pr.token}/checkout/")
    assert response.status_code == 409
    pr.refresh_from_db()
    assert pr.status == S.EXPIRED and pr.expired_at
    assert PaymentRequestEvent.objects.filter(payment_request=pr, kind="expired").count() == 1


@pytest.mark.django_db
def test_link_one_second_before_expiry_still_opens(advisor, team, customer, account, client):
    pr = create(advisor, team, customer)
    PaymentRequest.objects.filter(pk=pr.pk).update(expires_at=timezone.now() + timedelta(seconds=5))
    response = client.get(f"/pay/{pr.token}/")
    assert b"pay-button" in response.content
    pr.refresh_from_db()
    assert pr.status == S.OPENED


@pytest.mark.django_db
def test_less_than_30_minutes_left_says_about_to_expire(advisor, team, customer, account, client):
    pr = create(advisor, team, customer)
    PaymentRequest.objects.filter(pk=pr.pk).update(expires_at=timezone.now() + timedelta(minutes=20))
    response = client.post(f"/pay/{pr.token}/checkout/")
    assert response.status_code == 409
    assert b"about to expire" in response.content


@pytest.mark.django_db
def test_sweep_expires_overdue_requests_in_batches(advisor, team, customer, account, monkeypatch):
    from payments.requests import tasks

    monkeypatch.setattr(tasks, "BATCH_SIZE", 3)
    overdue = [create(advisor, team, customer, channel="sms") for _ in range(7)]
    fresh = create(advisor, team, customer, channel="sms")
    paid = PaymentRequestFactory(organization=advisor.organization, status=S.PAID)
    PaymentRequest.objects.filter(pk__in=[p.pk for p in overdue] + [paid.pk]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert expire_overdue_requests_task() == 7
    assert set(PaymentRequest.objects.filter(status=S.EXPIRED).values_list("pk", flat=True)) == {
        p.pk for p in overdue
    }
    fresh.refresh_from_db()
    paid.refresh_from_db()
    assert fresh.status == S.SENT and paid.status == S.PAID
    assert expire_overdue_requests_task() == 0  # safe to run twice


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


# --- reminders ----------------------------------------------------------------------------------------
def _at_local(org, hour, minute=0):
    from zoneinfo import ZoneInfo

    local = datetime(2026, 6, 10, hour, minute, tzinfo=ZoneInfo(org.time_zone))
    return local.astimezone(UTC)


@pytest.mark.django_db
def test_reminder_once_within_window_outside_quiet_hours(advisor, team, customer, account, org):
    pr = create(advisor, team, customer, channel="sms")
    now = _at_local(org, 14)
    PaymentRequest.objects.filter(pk=pr.pk).update(expires_at=now + timedelta(hours=3))
    assert payment_request_remind(payment_request_id=pr.pk, now=now) is True
    assert payment_request_remind(payment_request_id=pr.pk, now=now + timedelta(minutes=5)) is False
    reminders = OutboundMessage.objects.filter(payment_request=pr, purpose="payment_reminder")
    assert reminders.count() == 1 and "reminder" in reminders.get().body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hour, hours_left, enabled, status, sent",
    [
        (14, 5, True, "sent", False),  # too early (default 4 h before)
        (14, 4, True, "sent", True),
        (14, 1, True, "opened", True),
        (21, 2, True, "sent", False),  # quiet hours start at 21:00
        (7, 2, True, "sent", False),  # ... and end at 08:00
        (8, 2, True, "sent", True),
        (20, 2, True, "sent", True),
        (14, 2, False, "sent", False),  # organization turned reminders off
        (14, 2, True, "partially_paid", False),
    ],
)
def test_reminder_rules(advisor, team, customer, account, org, hour, hours_left, enabled, status, sent):
    org.reminders_enabled = enabled
    org.save()
    pr = create(advisor, team, customer, channel="sms")
    now = _at_local(org, hour)
    PaymentRequest.objects.filter(pk=pr.pk).update(
        expires_at=now + timedelta(hours=hours_left), status=status
    )
    assert payment_request_remind(payment_request_id=pr.pk, now=now) is sent
    assert OutboundMessage.objects.filter(purpose="payment_reminder").exists() is sent


@pytest.mark.django_db
def test_reminder_task_uses_the_organization_hours(advisor, team, customer, account, org, monkeypatch):
    org.reminder_hours_before_expiry = 6
    org.save()
    pr = create(advisor, team, customer, channel="email")
    now = _at_local(org, 12)
    monkeypatch.setattr("payments.requests.tasks.timezone.now", lambda: now)
    PaymentRequest.objects.filter(pk=pr.pk).update(expires_at=now + timedelta(hours=5, minutes=59))
    assert send_payment_reminders_task() == 1
    assert send_payment_reminders_task() == 0


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
    assert 'id="id_amount_errors"' in html and "amount such as" in html
    assert 'id="id_reference_errors"' in html
    html = client.post(
        f"/requests/new/?customer={customer.pk}", {**form, "amount": "60000", "reference": "R"}
    ).content.decode()
    assert 'id="id_amount_errors"' in html and "$50,000.00" in html
    assert 'id="id_email_errors"' in html and "no email address" in html
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
