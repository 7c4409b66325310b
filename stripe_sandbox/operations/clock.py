"""Time: what becomes due when the clock moves (idempotency keys forgotten, sessions expire, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .checkout import checkout_expire
from .refunds import refund_fail
from .reports import report_run_finish

if TYPE_CHECKING:
    from ..core import Emulator

# ------------------------------------------------------------------ time
IDEMPOTENCY_TTL = 24 * 3600  # Stripe forgets idempotency keys after 24 hours


def sweep(emu: Emulator) -> None:
    now = emu.now()
    saved = emu.state["idempotency"]
    for slot in [slot for slot, entry in saved.items() if entry["created"] < now - IDEMPOTENCY_TTL]:
        del saved[slot]
    for obj in list(emu.state["objects"].values()):
        kind = obj.get("object")
        if kind == "checkout.session" and obj["status"] == "open" and obj["expires_at"] <= now:
            checkout_expire(emu, obj)
        elif kind == "refund" and emu.state["private"].get(obj["id"], {}).get("fail_pending"):
            emu.private(obj["id"]).pop("fail_pending")
            if obj["status"] == "succeeded":
                refund_fail(emu, obj)
        elif kind == "reporting.report_run" and obj["status"] == "pending":
            report_run_finish(emu, obj)
