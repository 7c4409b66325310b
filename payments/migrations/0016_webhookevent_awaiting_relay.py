from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0015_receipt_numbers"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookevent",
            name="awaiting_relay",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="webhookevent",
            index=models.Index(
                condition=models.Q(("awaiting_relay", True)), fields=["id"], name="webhookevent_relay_idx"
            ),
        ),
    ]
