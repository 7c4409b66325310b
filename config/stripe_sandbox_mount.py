"""Development only: mounts the Stripe emulator (the top-level `stripe_sandbox` package) at
/sandbox/stripe/ for `make run`. config/urls.py includes it only when STRIPE_SANDBOX_ENABLED
(development: DEBUG or DJANGO_DEVELOPMENT=1), and every request answers 404 while a real key is set.

The emulator never imports product code and product code never imports the emulator: this adapter
is the one place that joins them, reading the sandbox keys from `payments.gateway.consts` so they are
defined once (the gateway uses the same constants to talk to it)."""

from __future__ import annotations

import io
import threading

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from payments.gateway import consts
from stripe_sandbox import Emulator, EmulatorConfig

MOUNT = consts.SANDBOX_PATH
SANDBOX_API_KEY = consts.SANDBOX_SECRET_KEY
SANDBOX_WEBHOOK_SECRET = consts.SANDBOX_WEBHOOK_SECRET

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
