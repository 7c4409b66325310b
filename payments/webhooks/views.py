"""Stripe webhook endpoints: verify -> store once -> 200. Processing happens in a task."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments import gateway
from payments.webhooks.pipeline import webhook_event_store


def _receive(request, *, connect: bool):
    try:  # Stripe sends UTF-8 JSON; anything else is refused before the signature check reads it
        request.body.decode("utf-8")
    except UnicodeDecodeError:
        return HttpResponse("The payload is not UTF-8 JSON.", status=400, content_type="text/plain")
    try:
        event = gateway.webhook_event_verify(
            payload=request.body,
            signature_header=request.headers.get("Stripe-Signature", ""),
            connect=connect,
        )
    except gateway.WebhookSignatureInvalid as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain")
    webhook_event, created = webhook_event_store(event=event)
    return JsonResponse({"received": True, "duplicate": not created})


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Platform events (STRIPE_WEBHOOK_SECRET)."""
    return _receive(request, connect=False)


@csrf_exempt
@require_POST
def stripe_connect_webhook(request):
    """Events of connected accounts (STRIPE_CONNECT_WEBHOOK_SECRET)."""
    return _receive(request, connect=True)
