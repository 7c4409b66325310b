from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0007_apitoken_charge_saved_cards_scope"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="receipt_prefix",
            field=models.CharField(blank=True, max_length=6),
        ),
    ]
