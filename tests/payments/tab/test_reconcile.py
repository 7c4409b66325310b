import pytest

from payments.models import Payment, PaymentRequestEvent

pytestmark = pytest.mark.django_db


def test_manager_reconciles_a_selection_with_a_document_number_and_undoes(client, world, manager):
    p = world["payments"]
    client.force_login(manager)
    ids = [p["service_advisor"].pk, p["service_manager"].pk, p["sales"].pk, p["failed_expired"].pk]
    response = client.post(
        "/payments/reconcile/",
        {"payment_ids": ids, "document_number": "RO-55012", "next": "/payments/?reconciled=no"},
    )
    assert response.status_code == 302 and response["Location"] == "/payments/?reconciled=no"
    done = Payment.objects.filter(reconciled_at__isnull=False)
    # another team's payment and a failed attempt are left alone
    assert set(done.values_list("pk", flat=True)) == {p["service_advisor"].pk, p["service_manager"].pk}
    assert set(done.values_list("reconciled_by", flat=True)) == {manager.pk}
    assert set(done.values_list("dms_document_number", flat=True)) == {"RO-55012"}
    assert PaymentRequestEvent.objects.filter(kind="reconciled", actor=manager).count() == 2

    listing = client.get("/payments/?reconciled=no")
    assert [r.reference for r in listing.context["page"].rows] == ["RO-1003"]
    detail = client.get(f"/payments/{p['service_advisor'].pk}/")
    assert b"by Max Manager" in detail.content and b"RO-55012" in detail.content

    client.post("/payments/reconcile/", {"payment_ids": [p["service_advisor"].pk], "action": "undo"})
    assert Payment.objects.filter(reconciled_at__isnull=False).count() == 1
    kinds = [e.kind for e in client.get(f"/payments/{p['service_advisor'].pk}/").context["timeline"]]
    assert kinds[-2:] == ["reconciled", "unreconciled"]


def test_advisor_cannot_reconcile(client, world, advisor):
    client.force_login(advisor)
    client.post("/payments/reconcile/", {"payment_ids": [world["payments"]["service_advisor"].pk]})
    assert not Payment.objects.filter(reconciled_at__isnull=False).exists()


def test_other_organizations_payment_is_never_reconciled(client, world, admin_user):
    client.force_login(admin_user)
    client.post("/payments/reconcile/", {"payment_ids": [world["payments"]["other_org"].pk]})
    assert not Payment.objects.filter(reconciled_at__isnull=False).exists()


def test_document_number_too_long_is_refused_with_the_field(client, world, manager):
    from core.errors import ApplicationError
    from payments.tab.services import payments_reconcile

    with pytest.raises(ApplicationError) as exc:
        payments_reconcile(
            user=manager, payment_ids=[world["payments"]["service_advisor"].pk], document_number="x" * 65
        )
    assert exc.value.field_errors == {"document_number": ["64 characters at most."]}


def test_timeline_shows_history_and_messages_with_who(client, world, admin_user):
    from notifications.models import OutboundMessage
    from payments.requests.history import history_record

    pay = world["payments"]["service_advisor"]
    req = pay.payment_request
    history_record(payment_request=req, kind="created", actor=req.created_by, to_status="created")
    history_record(payment_request=req, kind="sent", actor_label="system", to_status="sent")
    OutboundMessage.objects.create(
        organization=req.organization,
        channel="sms",
        backend="twilio",
        to="+13125550199",
        body="Pay here",
        purpose="payment_request",
        status="delivered",
        payment_request=req,
    )
    history_record(payment_request=req, kind="opened", actor_label="customer", to_status="opened")
    history_record(payment_request=req, kind="paid", actor_label="stripe", payment=pay, to_status="paid")
    client.force_login(admin_user)
    timeline = client.get(f"/payments/{pay.pk}/").context["timeline"]
    kinds = [e.kind for e in timeline]
    for kind in ("created", "sent", "message_sent", "message_delivered", "opened", "paid"):
        assert kind in kinds
    assert timeline[0].who == req.created_by.name
