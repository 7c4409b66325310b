"""Disputes: a charge.dispute.* event marks the payment Disputed, and a disputed payment can't be refunded."""

import pytest

from payments.models import Payment
from tests.payments.emulator import paid_payment

pytestmark = pytest.mark.django_db


def test_dispute_marks_the_payment_and_blocks_refunds(
    stripe_server, deliver, account, team, advisor, manager
):
    from core.errors import Conflict
    from payments.refunds.services import refund_create

    p = paid_payment(stripe_server, account=account, team=team, advisor=advisor, amount=8_000)
    stripe_server.dispute(p.stripe_charge_id)
    deliver()
    p.refresh_from_db()
    assert p.status == Payment.Status.DISPUTED and p.dispute_status
    with pytest.raises(Conflict):
        refund_create(payment_id=p.pk, user=manager)
