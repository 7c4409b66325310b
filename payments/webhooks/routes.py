"""Event type -> handler. Handlers register themselves with @webhook_handler("type").

A handler receives the stored `WebhookEvent` and the event's `data.object` dict. It must be
idempotent (the same event may be processed twice) and must never move a record backwards
(events arrive out of order). It raises to mark the event failed (kept for replay).
"""

from collections.abc import Callable

HANDLERS: dict[str, Callable] = {}


def webhook_handler(*event_types: str):
    def register(func: Callable) -> Callable:
        for event_type in event_types:
            if event_type in HANDLERS:
                raise RuntimeError(f"Two handlers for {event_type}: {HANDLERS[event_type]} and {func}")
            HANDLERS[event_type] = func
        return func

    return register


def handler_for(event_type: str) -> Callable | None:
    load_handlers()
    return HANDLERS.get(event_type)


_loaded = False


def load_handlers() -> None:
    """Import the handler modules so their decorators run (once)."""
    global _loaded
    if _loaded:
        return
    import importlib

    for module in (
        "payments.accounts.stripe_events",
        "payments.checkout.stripe_events",
        "payments.refunds.stripe_events",
    ):
        importlib.import_module(module)
    _loaded = True
