"""The platform fee a refund gives back (Stripe's `refund_application_fee`): recorded on the refund
and summed on the payment, and counted in the payment's net.

`net_minor` is a generated column, which a database can't alter in place: it is dropped and added
again with the new expression (amount - fee + fee returned - refunds). The totals index gets the
new column so the Payments tab's header stays an index-only scan."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0013_reconciliation_file_teams"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="payment", name="payment_org_totals3_idx"),
        migrations.AddField(
            model_name="payment",
            name="fee_refunded_minor",
            field=models.PositiveBigIntegerField(default=0, help_text="Platform fee returned with refunds"),
        ),
        migrations.AddField(
            model_name="refund",
            name="fee_refunded_minor",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="refund",
            name="refund_application_fee",
            field=models.BooleanField(default=False),
        ),
        migrations.RemoveField(model_name="payment", name="net_minor"),
        migrations.AddField(
            model_name="payment",
            name="net_minor",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(status="failed", then=models.Value(0)),
                    default=models.F("amount_minor")
                    - models.F("fee_minor")
                    + models.F("fee_refunded_minor")
                    - models.F("refunded_minor"),
                ),
                output_field=models.BigIntegerField(),
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
                    "fee_refunded_minor",
                    "team",
                    "advisor",
                    "reconciled_at",
                ],
                name="payment_org_totals4_idx",
            ),
        ),
    ]
