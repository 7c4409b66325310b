"""SMS adapter: the only module that imports the Twilio SDK.

Two backends:
- ``twilio``: the official SDK (``twilio.rest.Client``), used when TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER are all set. ``TWILIO_API_BASE`` points the SDK's
  ``api`` domain at another host (tests run a local server answering like Twilio's Messages API).
- ``outbox``: nothing leaves the machine; the OutboundMessage row *is* the message and the
  /dev/outbox/ page shows it. Used whenever Twilio is not configured.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from core.errors import ApplicationError

BACKEND_TWILIO = "twilio"
BACKEND_OUTBOX = "outbox"
HTTP_TIMEOUT_SECONDS = 15


@dataclass(frozen=True, slots=True)
class SmsResult:
    provider_id: str  # Twilio Message SID ("SM..."), empty for the outbox
    status: str  # provider's status, e.g. "queued"


class SmsError(ApplicationError):
    """Sending failed for good (bad number, blocked, bad credentials): do not retry."""

    def __init__(self, message: str, *, code: int | None = None, extra: dict | None = None):
        super().__init__(message, extra=extra)
        self.code = code


class SmsTemporaryError(SmsError):
    """The provider could not be reached or answered 429/5xx: retry later."""


def twilio_configured() -> bool:
    return bool(settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and settings.TWILIO_FROM_NUMBER)


def sms_backend_name() -> str:
    return BACKEND_TWILIO if twilio_configured() else BACKEND_OUTBOX


def _twilio_client() -> Client:
    client = Client(
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        http_client=TwilioHttpClient(timeout=HTTP_TIMEOUT_SECONDS),
    )
    if settings.TWILIO_API_BASE:
        # The SDK builds every Messages URL from the `api` domain's base_url.
        client.api.base_url = settings.TWILIO_API_BASE.rstrip("/")
    return client


def sms_deliver(*, backend: str, to: str, body: str, status_callback: str | None = None) -> SmsResult:
    """Hand one SMS to the provider. Raises SmsTemporaryError (retry) or SmsError (give up)."""
    if backend == BACKEND_OUTBOX:
        return SmsResult(provider_id="", status="sent")
    if backend != BACKEND_TWILIO:
        raise SmsError(f"Unknown SMS backend {backend!r}")
    if not twilio_configured():
        raise SmsError("Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER)")
    params = {"to": to, "from_": settings.TWILIO_FROM_NUMBER, "body": body}
    if status_callback:
        params["status_callback"] = status_callback
    try:
        message = _twilio_client().messages.create(**params)
    except TwilioRestException as exc:
        text = f"Twilio error {exc.code or exc.status}: {exc.msg}"
        if exc.status == 429 or exc.status >= 500:
            raise SmsTemporaryError(text, code=exc.code)
        raise SmsError(text, code=exc.code)
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise SmsTemporaryError(f"Twilio unreachable: {exc.__class__.__name__}")
    except TwilioException as exc:
        raise SmsError(f"Twilio error: {exc}")
    return SmsResult(provider_id=message.sid, status=message.status or "queued")
