"""QA regression: the CSV export wrote a customer named '=HYPERLINK("http://evil.example","Click")'
(or a reference "=1+1") as-is, so opening the file in Excel ran it as a formula (OWASP CSV
injection). Text cells starting with = + - @ TAB CR get a leading apostrophe, in the PostgreSQL COPY
path and the portable path alike."""

import csv
import io
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from payments.models import Payment
from payments.tab.export import payment_csv_chunks_copy, payment_csv_chunks_python
from tests.factories import CustomerFactory, PaymentFactory, PaymentRequestFactory


def _text(chunks) -> str:
    return "".join(c.decode() if isinstance(c, bytes) else c for c in chunks)


@pytest.mark.django_db
def test_csv_cells_that_would_run_as_formulas_are_defused(client, org, team, manager, advisor):
    customer = CustomerFactory(organization=org, name='=HYPERLINK("http://evil.example","Click")')
    pr = PaymentRequestFactory(
        organization=org, team=team, customer=customer, created_by=advisor, reference="+1+1", status="paid"
    )
    payment = PaymentFactory(
        payment_request=pr,
        dms_document_number="@SUM(A1)",
        reconciled_by=manager,
        reconciled_at=timezone.now(),
    )
    ordinary = PaymentFactory(
        payment_request=PaymentRequestFactory(
            organization=org, team=team, created_by=advisor, reference="RO-7", status="paid"
        )
    )
    client.force_login(manager)
    response = client.get("/payments/export.csv", {"date_from": ""})
    rows = {r[1]: r for r in csv.reader(io.StringIO(_text(response.streaming_content)))}
    row = rows["'+1+1"]
    assert row[2] == "'" + customer.name
    assert row[13] == "'@SUM(A1)"
    assert rows["RO-7"][2] == ordinary.customer.name  # ordinary text is untouched

    queryset = Payment.objects.filter(pk__in=[payment.pk, ordinary.pk])
    zone = ZoneInfo(org.time_zone)
    copy = _text(payment_csv_chunks_copy(queryset=queryset, zone=zone, sort="-date"))
    python = _text(payment_csv_chunks_python(queryset=queryset, zone=zone, sort="-date"))
    assert copy == python
