"""The charge_saved_cards scope: charging a saved card (once or by installments) needed
request_payments until now. A token that had request_payments could charge cards, so it gets the new
scope (nothing that worked stops working; the Admin now sees it on the token and can revoke it).
New tokens get it only when the Admin ticks it."""

from django.db import migrations

SCOPE = "charge_saved_cards"


def grant(apps, schema_editor):
    ApiToken = apps.get_model("organizations", "ApiToken")
    for token in ApiToken.objects.all().only("pk", "scopes").iterator():
        scopes = list(token.scopes or [])
        if "request_payments" in scopes and SCOPE not in scopes:
            token.scopes = [*scopes, SCOPE]
            token.save(update_fields=["scopes"])


def take_back(apps, schema_editor):
    ApiToken = apps.get_model("organizations", "ApiToken")
    for token in ApiToken.objects.all().only("pk", "scopes").iterator():
        if SCOPE in (token.scopes or []):
            token.scopes = [s for s in token.scopes if s != SCOPE]
            token.save(update_fields=["scopes"])


class Migration(migrations.Migration):
    dependencies = [("organizations", "0006_organization_message_templates")]

    operations = [migrations.RunPython(grant, take_back)]
