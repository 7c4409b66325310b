"""QA regression: the same expired/cancelled request could be re-sent again and again (a second
click, an API retry, a colleague), each time texting the customer another live pay link for the
same debt. While a re-send is open or paid, re-sending the original is refused; once that re-send
is cancelled or expired, the original may be re-sent again."""

import pytest

from core.errors import Conflict
from payments.models import PaymentRequest
from payments.requests.sending import payment_request_cancel, payment_request_resend
from tests.factories import PaymentRequestFactory, StripeAccountFactory

S = PaymentRequest.Status


@pytest.fixture
def expired(org, team, customer, advisor):
    account = StripeAccountFactory(organization=org)
    return PaymentRequestFactory(
        organization=org,
        team=team,
        customer=customer,
        created_by=advisor,
        stripe_account=account,
        status=S.EXPIRED,
    )


@pytest.mark.django_db
def test_an_expired_request_is_re_sent_once_while_the_re_send_is_live(expired, advisor, client):
    first = payment_request_resend(payment_request_id=expired.pk, user=advisor)
    with pytest.raises(Conflict, match=f"already re-sent as request #{first.pk}"):
        payment_request_resend(payment_request_id=expired.pk, user=advisor)
    assert PaymentRequest.objects.filter(resent_from=expired).count() == 1

    client.force_login(advisor)
    page = client.get(f"/requests/{expired.pk}/")
    assert page.context["can_resend"] is False
    response = client.post(f"/requests/{expired.pk}/resend/", follow=True)
    assert f"already re-sent as request #{first.pk}" in response.content.decode()
    assert PaymentRequest.objects.filter(resent_from=expired).count() == 1

    payment_request_cancel(payment_request_id=first.pk, user=advisor)
    second = payment_request_resend(payment_request_id=expired.pk, user=advisor)
    assert second.resent_from == expired and second.status == S.SENT


@pytest.mark.django_db
def test_a_paid_re_send_is_never_asked_for_again(expired, advisor):
    first = payment_request_resend(payment_request_id=expired.pk, user=advisor)
    PaymentRequest.objects.filter(pk=first.pk).update(status=S.PAID)
    with pytest.raises(Conflict, match="paid"):
        payment_request_resend(payment_request_id=expired.pk, user=advisor)
