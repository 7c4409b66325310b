"""`Idempotency-Key` on API creates: required, and a retry with the same key gets the first
answer. The key is stored on the record it created (unique per organization), so a retry after a
timeout finds it; the same key with a different body is a 409 naming the fields that differ."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter

from core.errors import ApplicationError, Conflict

HEADER = "Idempotency-Key"
PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="Required (1-255 characters, e.g. a UUID you store with your own record before the call). "
    "The same key returns the first answer (200) without creating anything again; the same key with a "
    "different body is refused with 409. Without it: 400.",
)


def idempotency_key(request) -> str:
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        raise ApplicationError(
            "The Idempotency-Key header is required: send a unique key per new object (e.g. a UUID) and the "
            "same key when you retry, so a retry never creates it twice.",
            extra={"fields": {HEADER: ["Required."]}},
        )
    if len(key) > 255:
        raise ApplicationError(
            "Idempotency-Key must be at most 255 characters.",
            extra={"fields": {HEADER: ["At most 255 characters."]}},
        )
    return key


def idempotency_check(*, existing, fields: dict) -> None:
    """Refuse a replay whose body differs from the first request's (`fields` = the new values
    of attributes stored on `existing`)."""
    different = sorted(name for name, value in fields.items() if getattr(existing, name) != value)
    if different:
        raise Conflict(
            "This Idempotency-Key was already used with a different request body "
            f"(differs in: {', '.join(different)}). Use a new key for a new object.",
            extra={
                "fields": {
                    name: ["Differs from the first request with this Idempotency-Key."] for name in different
                }
            },
        )


def api_error(exc: ApplicationError) -> ApplicationError:
    """A service error in the API's shape: field messages under extra["fields"]."""
    extra = exc.extra or {}
    if "fields" in extra or not extra:
        return exc
    fields = {name: texts if isinstance(texts, list) else [texts] for name, texts in extra.items()}
    error = type(exc)(exc.message, extra={"fields": fields})
    return error
