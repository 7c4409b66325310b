"""Receipt numbers per dealership (payments/receipts.py): a counter per organization and year, the
number on each payment, and the backfill. Every payment that moved money gets its number in the
order it was paid (per organization, per year of its date in the dealership's time zone); each
organization without a prefix gets one derived from its name; the counters continue from there."""

from zoneinfo import ZoneInfo

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

from organizations.models import receipt_prefix_from_name


def backfill(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    Payment = apps.get_model("payments", "Payment")
    ReceiptCounter = apps.get_model("payments", "ReceiptCounter")
    for org in Organization.objects.order_by("pk").iterator():
        if not org.receipt_prefix:
            org.receipt_prefix = receipt_prefix_from_name(org.name)
            org.save(update_fields=["receipt_prefix"])
        zone = ZoneInfo(org.time_zone)
        last: dict[int, int] = {}
        batch = []
        payments = (
            Payment.objects.filter(organization_id=org.pk, receipt_number="")
            .exclude(status="failed")
            .order_by("occurred_at", "id")
            .only("id", "occurred_at")
        )
        for payment in payments.iterator(chunk_size=2000):
            year = payment.occurred_at.astimezone(zone).year
            last[year] = last.get(year, 0) + 1
            payment.receipt_number = f"{org.receipt_prefix}-{year}-{last[year]:06d}"
            batch.append(payment)
            if len(batch) >= 2000:
                Payment.objects.bulk_update(batch, ["receipt_number"])
                batch = []
        Payment.objects.bulk_update(batch, ["receipt_number"])
        for year, number in last.items():
            ReceiptCounter.objects.update_or_create(
                organization_id=org.pk, year=year, defaults={"last_number": number}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0008_receipt_numbers"),
        ("payments", "0014_fee_refunds"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReceiptCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField()),
                ("last_number", models.PositiveIntegerField(default=0)),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="receipt_counters",
                        to="organizations.organization",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("organization", "year"), name="receipt_counter_org_year_unique")
                ],
            },
        ),
        migrations.AddField(
            model_name="payment",
            name="receipt_number",
            field=models.CharField(blank=True, max_length=24),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.UniqueConstraint(
                condition=Q(("receipt_number", ""), _negated=True),
                fields=("organization", "receipt_number"),
                name="payment_org_receipt_number_unique",
            ),
        ),
    ]
