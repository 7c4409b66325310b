from payments.models import Payment
from tests.factories import PaymentFactory


def test_payment_factory_builds_one_consistent_organization(db):
    payment = PaymentFactory()
    request = payment.payment_request
    org = payment.organization
    assert {
        request.organization_id,
        request.team.organization_id,
        request.customer.organization_id,
        request.created_by.organization_id,
        payment.stripe_account.organization_id,
    } == {org.pk}
    assert Payment.objects.get().net_minor == payment.amount_minor - payment.fee_minor
