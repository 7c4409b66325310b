"""Mounts the Stripe emulator at /sandbox/stripe/ for `make run` (only when no STRIPE_SECRET_KEY is set)."""

from __future__ import annotations

import io
import threading

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from .core import Emulator, EmulatorConfig

MOUNT = "/sandbox/stripe"
SANDBOX_API_KEY = "sk_test_sandbox"
SANDBOX_WEBHOOK_SECRET = "whsec_sandbox"

_emulator: Emulator | None = None
_emulator_lock = threading.Lock()


def sandbox_emulator() -> Emulator:
    """The process-wide emulator used in sandbox mode (state persisted to STRIPE_SANDBOX_STATE_FILE)."""
    global _emulator
    with _emulator_lock:
        if _emulator is None:
            site = settings.SITE_URL.rstrip("/")
            _emulator = Emulator(
                EmulatorConfig(
                    api_keys=frozenset({SANDBOX_API_KEY}),
                    public_url=f"{site}{MOUNT}",
                    webhook_url=f"{site}/webhooks/stripe/",
                    connect_webhook_url=f"{site}/webhooks/stripe/connect/",
                    webhook_secret=SANDBOX_WEBHOOK_SECRET,
                    connect_webhook_secret=SANDBOX_WEBHOOK_SECRET,
                    state_file=getattr(settings, "STRIPE_SANDBOX_STATE_FILE", None) or None,
                    delivery_mode="async",
                    dev_tools=settings.DEBUG,
                )
            )
        return _emulator


@csrf_exempt
def sandbox_view(request: HttpRequest, path: str = "") -> HttpResponse:
    """Forward the request to the emulator's WSGI app and return its answer. 404 when a real key is set."""
    if settings.STRIPE_SECRET_KEY:
        raise Http404("The Stripe sandbox is off when STRIPE_SECRET_KEY is set.")
    environ = dict(request.environ)
    body = request.body
    environ.update(
        {
            "SCRIPT_NAME": environ.get("SCRIPT_NAME", "").rstrip("/") + MOUNT,
            "PATH_INFO": "/" + path,
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
        }
    )
    captured: dict = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info=None):
        captured["status"] = int(status.split(" ", 1)[0])
        captured["headers"] = headers

    chunks = sandbox_emulator()(environ, start_response)
    response = HttpResponse(b"".join(chunks), status=captured["status"])
    for name, value in captured["headers"]:
        if name.lower() != "content-length":
            response[name] = value
    return response


urlpatterns = [re_path(r"^(?P<path>.*)$", sandbox_view, name="stripe-sandbox")]
