"""One error type for expected failures. Services raise it; the API handler and the page
middleware render it ({"message", "extra"} for the API, a message next to the field on pages)."""

from __future__ import annotations


class ApplicationError(Exception):
    """An expected failure the user can act on. `extra` maps field names to messages."""

    status_code = 400

    def __init__(self, message: str, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotFound(ApplicationError):
    status_code = 404


class PermissionDenied(ApplicationError):
    status_code = 403


class Conflict(ApplicationError):
    """The object is not in a state that allows the action (e.g. cancelling a paid request)."""

    status_code = 409
