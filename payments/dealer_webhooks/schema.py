"""/api/schema/ describes the outbound webhook payloads as components (drf-spectacular
postprocessing hook): `WebhookEvent` (the envelope, `type` one of the event types) and one
`WebhookEvent_<type>` per event type whose `data.object` is the API object it carries."""

from __future__ import annotations


def _event_object(event_type: str) -> str:
    prefix = event_type.split(".")[0]
    return {
        "payment_request": "PaymentRequest",
        "payment": "Payment",
        "dispute": "Payment",
        "refund": "Refund",
        "payout": "Payout",
    }.get(prefix, "")


def add_webhook_components(result, generator, request, public):
    _webhooks(result.setdefault("components", {}).setdefault("schemas", {}))
    return result


def _webhooks(schemas: dict) -> None:
    from payments.dealer_webhooks.events import API_VERSION, TEST_EVENT_TYPE, EventType

    types = [*EventType.values, TEST_EVENT_TYPE]
    envelope = {
        "type": "object",
        "description": "The JSON body POSTed to a webhook endpoint, signed with "
        '`TextPay-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (the endpoint\'s secret; '
        "refuse a t more than 300 s away; during a secret rotation one v1 per valid secret). "
        "Retried with exponential back-off for 3 days on anything but 2xx.",
        "properties": {
            "id": {"type": "string", "description": "Unique per event (evt_...); a resend keeps it"},
            "type": {"type": "string", "enum": types},
            "created": {"type": "integer", "description": "Unix seconds"},
            "api_version": {"type": "string", "enum": [API_VERSION]},
            "sequence": {"type": "integer", "description": "1, 2, ... per object: drop what is not higher"},
            "object_type": {
                "type": "string",
                "enum": ["payment_request", "payment", "refund", "payout", "webhook_endpoint"],
            },
            "object_id": {"type": "integer"},
            "data": {"type": "object", "properties": {"object": {"type": "object"}}, "required": ["object"]},
        },
        "required": ["id", "type", "created", "api_version", "sequence", "object_type", "object_id", "data"],
    }
    schemas["WebhookEvent"] = envelope
    for event_type in EventType.values:
        component = _event_object(event_type)
        if component not in schemas:
            continue
        name = "WebhookEvent_" + event_type.replace(".", "_")
        schemas[name] = {
            "description": EventType(event_type).label,
            "allOf": [
                {"$ref": "#/components/schemas/WebhookEvent"},
                {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string", "enum": [event_type]},
                        "data": {
                            "type": "object",
                            "properties": {"object": {"$ref": f"#/components/schemas/{component}"}},
                        },
                    },
                },
            ],
        }
