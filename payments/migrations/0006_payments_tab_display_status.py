"""The Payments tab's display status and net become stored generated columns of the payment.

It combines the payment's own status with its request's status and amount (a part of a request
that is not paid in full is "partially paid"; a failed attempt of a request that then expired is
"expired" ...). Both are copied onto the payment (`request_status`, kept in step by
`payment_request_move`; `request_amount_minor`, which never changes), so filtering by status and
the header totals read one row per payment instead of joining its request: on the largest
benchmark organization, status=paid totals went from 18 ms (a nested loop into the requests) to
an index-only scan. The indexes that held `status` for the tab now hold `display_status`.

`net_minor` (amount - fee - refunds, nothing for a failed attempt: no money moved) is one
definition for the table, the detail page, payouts and both CSV paths; a failed $45 attempt had
shown a net of $45.00.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_request_fields(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    PaymentRequest = apps.get_model("payments", "PaymentRequest")
    request = PaymentRequest.objects.filter(pk=OuterRef("payment_request_id"))
    Payment.objects.update(
        request_status=Subquery(request.values("status")[:1]),
        request_amount_minor=Subquery(request.values("amount_minor")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [("payments", "0005_payments_tab_search")]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="request_status",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("sent", "Sent"),
                    ("opened", "Opened"),
                    ("partially_paid", "Partially paid"),
                    ("paid", "Paid"),
                    ("cancelled", "Cancelled"),
                    ("expired", "Expired"),
                ],
                default="",
                max_length=15,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="payment",
            name="request_amount_minor",
            field=models.PositiveBigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(copy_request_fields, migrations.RunPython.noop),
        migrations.AddField(
            model_name="payment",
            name="display_status",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(
                        models.Q(
                            ("amount_minor__lt", models.F("request_amount_minor")),
                            ("status", "succeeded"),
                            models.Q(("request_status", "paid"), _negated=True),
                        ),
                        then=models.Value("partially_paid"),
                    ),
                    models.When(status="succeeded", then=models.Value("paid")),
                    models.When(request_status="expired", status="failed", then=models.Value("expired")),
                    models.When(request_status="cancelled", status="failed", then=models.Value("cancelled")),
                    default=models.F("status"),
                ),
                output_field=models.CharField(
                    choices=[
                        ("paid", "Paid"),
                        ("partially_paid", "Partially paid"),
                        ("refunded", "Refunded"),
                        ("partially_refunded", "Partially refunded"),
                        ("disputed", "Disputed"),
                        ("failed", "Failed"),
                        ("expired", "Expired"),
                        ("cancelled", "Cancelled"),
                    ],
                    max_length=20,
                ),
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="net_minor",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(status="failed", then=models.Value(0)),
                    default=models.F("amount_minor") - models.F("fee_minor") - models.F("refunded_minor"),
                ),
                output_field=models.BigIntegerField(),
            ),
        ),
        migrations.RemoveIndex(model_name="payment", name="payment_org_status_idx"),
        migrations.RemoveIndex(model_name="payment", name="payment_org_totals2_idx"),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(
                fields=["organization", "display_status", "-occurred_at"], name="payment_org_display_status_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(
                fields=[
                    "organization",
                    "occurred_at",
                    "display_status",
                    "amount_minor",
                    "fee_minor",
                    "refunded_minor",
                    "team",
                    "advisor",
                    "reconciled_at",
                ],
                name="payment_org_totals3_idx",
            ),
        ),
    ]
