from django.contrib import admin

from notifications.models import Notification, OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "backend", "to", "purpose", "status", "provider_id")
    list_filter = ("channel", "backend", "status", "purpose")
    search_fields = ("to", "provider_id", "subject")
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "title", "read_at")
    search_fields = ("title",)
