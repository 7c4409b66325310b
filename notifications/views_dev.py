"""Development outbox: every SMS and email the product sent, with links clickable.
Mounted only with DEBUG (or DEV_OUTBOX_ENABLED) and checked again on each request."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from notifications.models import OutboundMessage
from notifications.selectors import outbox_message_list


def _outbox_enabled() -> bool:
    return bool(settings.DEBUG or getattr(settings, "DEV_OUTBOX_ENABLED", False))


def outbox(request):
    if not _outbox_enabled():
        raise Http404
    channel = request.GET.get("channel", "")
    to = request.GET.get("to", "").strip()
    messages = list(outbox_message_list(channel=channel, to=to)[:200])
    return render(request, "notifications/outbox.html", {"outbox": messages, "channel": channel, "to": to})


def outbox_html(request, pk: int):
    """The HTML part of an email, as the recipient's mail client would show it."""
    if not _outbox_enabled():
        raise Http404
    message = get_object_or_404(OutboundMessage, pk=pk, channel="email")
    response = HttpResponse(message.html_body or "<pre>(no HTML part)</pre>")
    response["Content-Security-Policy"] = "script-src 'none'"
    return response
