"""Issue 11, item 8: a dispute is no longer silent. Admins and the Managers of the payment's team get
an in-app notification and an email; the payment page shows the disputed amount, the reason, the
evidence deadline in the dealership's time zone, where to respond (the Express dashboard, through
the Connections login link), and the later states (won, lost, warning closed)."""

import html
from datetime import UTC, datetime

import pytest

from core.templatetags.locale_formats import local_time
from notifications.models import Notification, OutboundMessage
from organizations.models import Role
from payments.models import Payment
from tests.factories import TeamFactory, UserFactory
from tests.payments.emulator import connected_account, paid_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliver(stripe_server, client, django_capture_on_commit_callbacks):
    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            stripe_server.deliver_held(client, **kwargs)

    return run


def test_a_dispute_notifies_admins_and_the_teams_managers_and_shows_on_the_payment(
    stripe_server, deliver, org, team, advisor, manager, admin_user, client
):
    account = connected_account(stripe_server, org)
    other_team_manager = UserFactory(
        organization=org, role=Role.MANAGER, teams=[TeamFactory(organization=org)]
    )
    p = paid_payment(
        stripe_server, account=account, team=team, advisor=advisor, amount=8_000, reference="RO-9"
    )
    deliver()
    dispute = stripe_server.dispute(p.stripe_charge_id, reason="product_not_received", amount=5_000)
    deliver()
    p.refresh_from_db()
    assert p.status == Payment.Status.DISPUTED

    told = Notification.objects.filter(title__startswith="Payment disputed")
    assert sorted(told.values_list("user__email", flat=True)) == sorted([admin_user.email, manager.email])
    assert not Notification.objects.filter(user__in=[advisor, other_team_manager], title__contains="disputed")
    note = told.get(user=admin_user)
    assert (
        "$50.00" in note.title
        and p.payment_request.reference in note.title
        and note.url == f"/payments/{p.pk}/"
    )
    emails = OutboundMessage.objects.filter(purpose="dispute")
    assert sorted(emails.values_list("to", flat=True)) == sorted([admin_user.email, manager.email])
    assert "Evidence is due by" in emails.first().body and "Express dashboard" in emails.first().body

    due = datetime.fromtimestamp(dispute["evidence_details"]["due_by"], tz=UTC)
    client.force_login(admin_user)
    page = html.unescape(client.get(f"/payments/{p.pk}/").content.decode())
    assert 'data-testid="dispute"' in page
    assert 'data-testid="dispute-amount">$50.00<' in page
    assert "The customer says they did not receive what they paid for" in page
    assert f'data-testid="dispute-due">{local_time(due, org.time_zone)}<' in page
    assert "Needs a response" in page
    assert f'action="/admin-tab/connections/{account.pk}/dashboard/"' in page  # the Express login link

    client.force_login(manager)
    page = html.unescape(client.get(f"/payments/{p.pk}/").content.decode())
    assert 'data-testid="dispute-respond-admin"' in page and "/dashboard/" not in page

    # Later: won. The page shows it and the people are told again, once.
    stripe_server.emit_event(
        "charge.dispute.closed", account=account.stripe_id, object={**dispute, "status": "won"}
    )
    deliver()
    deliver(repeat=2)  # duplicates change nothing
    p.refresh_from_db()
    assert p.status == Payment.Status.SUCCEEDED and p.dispute_status == "won"
    assert Notification.objects.filter(user=admin_user, title__startswith="Dispute won").count() == 1
    page = html.unescape(client.get(f"/payments/{p.pk}/").content.decode())
    assert "Won: the money stays with you" in page and "Needs a response" in page  # both states listed
    assert 'data-testid="dispute-respond-admin"' not in page  # nothing left to do
    assert 'data-testid="dispute-net"' not in page  # won: the money came back, the payment's net stands


@pytest.mark.parametrize(
    ("status", "label"), [("lost", "Lost: the money went back"), ("warning_closed", "Inquiry closed")]
)
def test_the_other_final_states_are_shown(
    stripe_server, deliver, org, team, advisor, manager, client, status, label
):
    account = connected_account(stripe_server, org)
    p = paid_payment(stripe_server, account=account, team=team, advisor=advisor, amount=3_000)
    deliver()
    dispute = stripe_server.dispute(p.stripe_charge_id)
    deliver()
    stripe_server.emit_event(
        "charge.dispute.closed", account=account.stripe_id, object={**dispute, "status": status}
    )
    deliver()
    client.force_login(manager)
    page = html.unescape(client.get(f"/payments/{p.pk}/").content.decode())
    assert label in page
