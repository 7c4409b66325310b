from django.db.models import QuerySet

from notifications.models import OutboundMessage


def outbox_message_list(*, channel: str = "", to: str = "") -> QuerySet[OutboundMessage]:
    """Every SMS and email, newest first (development outbox: not scoped to an organization)."""
    messages = OutboundMessage.objects.select_related("organization").order_by("-created_at", "-id")
    if channel:
        messages = messages.filter(channel=channel)
    if to:
        messages = messages.filter(to__icontains=to)
    return messages
