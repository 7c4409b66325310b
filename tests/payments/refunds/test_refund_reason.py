"""QA regressions fixed after the Foundation/Payments-tab owners finished: the login page printed
its error twice; the refund confirmation showed the raw reason code "requested_by_customer"."""

import pytest

from tests.factories import PaymentFactory, PaymentRequestFactory


@pytest.mark.django_db
def test_wrong_password_error_appears_once(client, admin_user):
    response = client.post("/accounts/login/", {"username": admin_user.email, "password": "wrong"})
    html = response.content.decode()
    assert html.count("Please enter a correct email and password") == 1
    assert f'value="{admin_user.email}"' in html  # what was typed is kept


@pytest.mark.django_db
def test_refund_confirmation_names_the_reason_in_words(client, org, team, manager, advisor):
    payment = PaymentFactory(
        payment_request=PaymentRequestFactory(organization=org, team=team, created_by=advisor, status="paid")
    )
    client.force_login(manager)
    response = client.post(
        f"/payments/{payment.pk}/refund/", {"amount": "10.00", "reason": "requested_by_customer", "note": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Confirm the refund" in html
    assert "Reason: Requested by customer" in html and "requested_by_customer." not in html


@pytest.mark.django_db
def test_load_demo_prints_the_teams_as_they_are_now():
    from io import StringIO

    from django.core.management import call_command

    from teams.models import Team

    out = StringIO()
    call_command("load_demo", "--site-url", "http://127.0.0.1:8000", stdout=out)
    assert "Service (payments on), Sales (payments off)" in out.getvalue()
    Team.objects.filter(name="Sales").update(payments_enabled=True)
    out = StringIO()
    call_command("load_demo", "--site-url", "http://127.0.0.1:8000", stdout=out)
    assert "Sales (payments on)" in out.getvalue() and "payments off" not in out.getvalue()
