"""One error type for expected failures. Services raise it; the API handler and the pages render it
({"message", "extra"} for the API; on pages core.forms.form_add_application_error puts each message
next to its field).

The one shape of `extra`: `{"fields": {field name: [messages]}}` names the fields at fault; other
keys carry facts about the state (e.g. `{"status": "paid"}` on a Conflict)."""

from __future__ import annotations


class ApplicationError(Exception):
    """An expected failure the user can act on. `extra["fields"]` maps field names to lists of
    messages (see the module docstring)."""

    status_code = 400

    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}

    @property
    def field_errors(self) -> dict[str, list[str]]:
        """`extra["fields"]`: {field name: [messages]} ({} when the error names no field)."""
        return (self.extra or {}).get("fields") or {}


class NotFound(ApplicationError):
    status_code = 404


class PermissionDenied(ApplicationError):
    status_code = 403


class Conflict(ApplicationError):
    """The object is not in a state that allows the action (e.g. cancelling a paid request)."""

    status_code = 409
