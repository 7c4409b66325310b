"""The state table of a payment request (payments/requests/states.py)."""

import pytest

from core.errors import Conflict
from payments.models import PaymentRequest, PaymentRequestEvent
from payments.requests.states import PAYMENT_KIND, TRANSITIONS, payment_request_can_move, payment_request_move
from tests.factories import (
    PaymentRequestFactory,
)

S = PaymentRequest.Status


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
