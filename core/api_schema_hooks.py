"""drf-spectacular postprocessing for /api/schema/: every API v1 operation documents the errors it
can answer, in the one `Error` shape ({"message", "extra"}): 400 (a field is wrong), 401 (no or bad
token), 403 (role or token scope), 404 (not in your organization), and 409 on writes (state or
Idempotency-Key conflict)."""

from __future__ import annotations

ERROR = {"$ref": "#/components/schemas/Error"}
ERRORS = {
    "400": "A field is wrong: extra.fields names it.",
    "401": "No API token, or a revoked one.",
    "403": "The token's scopes or its user's role don't allow this.",
    "404": "No such object in your organization.",
    "409": "The object's state doesn't allow this, or the Idempotency-Key was used with another body.",
}
WRITES = ("post", "put", "patch", "delete")


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "properties": {
                "message": {"type": "string"},
                "extra": {"type": "object", "additionalProperties": {}},
            },
            "required": ["message", "extra"],
        },
    )
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, text in ERRORS.items():
                if code == "409" and method not in WRITES:
                    continue
                operation["responses"].setdefault(
                    code, {"content": {"application/json": {"schema": ERROR}}, "description": text}
                )
    return result
