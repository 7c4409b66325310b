"""Django admin (platform operators). Add other payments models below, in your own section."""

from django.contrib import admin, messages

from payments.models import StripeAccount, WebhookEvent
from payments.webhooks.pipeline import webhook_events_rerun


# --- Stripe accounts and webhook events (B1) -------------------------------------------------
@admin.register(StripeAccount)
class StripeAccountAdmin(admin.ModelAdmin):
    list_display = (
        "stripe_id",
        "organization",
        "display_name",
        "status",
        "charges_enabled",
        "payouts_enabled",
        "disconnected_at",
        "created_at",
    )
    list_filter = ("charges_enabled", "payouts_enabled", "country")
    search_fields = ("stripe_id", "organization__name", "display_name")
    raw_id_fields = ("organization", "authorized_by")
    readonly_fields = ("last_event_created", "created_at", "updated_at")


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = (
        "stripe_id",
        "type",
        "account",
        "status",
        "short_error",
        "attempts",
        "source",
        "received_at",
    )
    list_filter = ("status", "type", "source")
    search_fields = ("stripe_id", "account", "type")
    readonly_fields = [f.name for f in WebhookEvent._meta.fields]
    actions = ["rerun_selected"]

    @admin.display(description="error")
    def short_error(self, obj):
        return (obj.error or "")[:120]

    @admin.action(description="Re-run selected events")
    def rerun_selected(self, request, queryset):
        count = webhook_events_rerun(webhook_event_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} event(s) queued to run again.", messages.SUCCESS)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
