"""`/_sandbox/...` control endpoints for tests and development (need the API key, like `/v1`).

POST /_sandbox/reset                                   forget everything
GET  /_sandbox/state                                   the whole stored state (JSON)
POST /_sandbox/clock/advance        seconds=N          move the emulator clock (expiry of sessions, links)
GET  /_sandbox/clock                                   {"now": ts, "offset": s}
POST /_sandbox/accounts/{acct}/complete_onboarding     all onboarding steps with test data
POST /_sandbox/accounts/{acct}/requirements            currently_due[]=..., disabled_reason=..., charges_enabled=,
                                                       payouts_enabled=   (e.g. make an account "restricted")
POST /_sandbox/accounts/{acct}/deauthorize             account.application.deauthorized
POST /_sandbox/accounts/{acct}/payouts  amount=, currency=, outcome=paid|failed|pending
POST /_sandbox/payouts/{po}/paid | /failed
POST /_sandbox/charges/{ch}/dispute     reason=, amount=
POST /_sandbox/refunds/{re}/fail        reason=
POST /_sandbox/events                   type=, account=, object_id= | object (JSON body)   emit any event
POST /_sandbox/events/{evt}/resend      deliver a stored event again
POST /_sandbox/failures                 code=rate_limit|lock_timeout|card_declined, times=1, method=, path=
                                        (a prefix), decline_code=, advice_code=, payment_intent= (an id):
                                        the next matching /v1 requests get that error (fidelity.py)
GET  /_sandbox/requests                 {"counts": {api key: {valid, invalid, undefined, ...}}, "refused": [...]}
"""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING

from . import operations as ops
from .fidelity import Failure
from .wire import Response, StripeErrorResponse, invalid, new_id, not_found

if TYPE_CHECKING:
    from .core import Emulator, Request


def _params(req: Request) -> dict:
    if req.raw_body and "json" in req.headers.get("content-type", ""):
        try:
            return json.loads(req.raw_body)
        except ValueError:
            raise invalid("Invalid JSON body")
    return req.form


def _auth(emu: Emulator, req: Request) -> None:
    emu._authenticate(req)


def _account(emu: Emulator, account_id: str) -> dict:
    account = emu.find(account_id)
    if account is None or account.get("object") != "account":
        raise not_found("account", account_id, "account")
    return account


def _object(emu: Emulator, kind: str, object_id: str) -> dict:
    obj = emu.find(object_id)
    if obj is None or obj.get("object") != kind:
        raise not_found(kind, object_id)
    return obj


def reset(emu: Emulator, req: Request) -> Response:
    _auth(emu, req)
    emu.reset()
    return Response.json({"reset": True})


def state(emu: Emulator, req: Request) -> Response:
    _auth(emu, req)
    return Response.json(emu.state)


def clock(emu: Emulator, req: Request) -> Response:
    _auth(emu, req)
    return Response.json({"now": emu.now(), "offset": emu.state["clock_offset"]})


def clock_advance(emu: Emulator, req: Request) -> Response:
    _auth(emu, req)
    try:
        seconds = int(_params(req).get("seconds"))
    except (TypeError, ValueError):
        raise invalid("seconds must be an integer", param="seconds")
    emu.advance_clock(seconds)
    return Response.json({"now": emu.now(), "offset": emu.state["clock_offset"]})


def complete_onboarding(emu: Emulator, req: Request, account_id: str) -> Response:
    _auth(emu, req)
    return Response.json(ops.onboarding_complete(emu, _account(emu, account_id)))


def requirements(emu: Emulator, req: Request, account_id: str) -> Response:
    _auth(emu, req)
    account = _account(emu, account_id)
    p = _params(req)
    before = copy.deepcopy(account)
    if "currently_due" in p:
        due = p["currently_due"] or []
        due = [due] if isinstance(due, str) else list(due)
        account["requirements"]["currently_due"] = due
        account["requirements"]["eventually_due"] = sorted(
            set(account["requirements"]["eventually_due"]) | set(due)
        )
        account["requirements"]["past_due"] = list(due)
    if "disabled_reason" in p:
        account["requirements"]["disabled_reason"] = p["disabled_reason"] or None
    for flag in ("charges_enabled", "payouts_enabled", "details_submitted"):
        if flag in p:
            account[flag] = p[flag] in (True, "true", "1")
    ops.account_changed(emu, account, before)
    return Response.json(account)


def deauthorize(emu: Emulator, req: Request, account_id: str) -> Response:
    _auth(emu, req)
    _account(emu, account_id)
    application = {"id": "ca_sandbox", "object": "application", "name": emu.config.platform_name}
    event = emu.emit("account.application.deauthorized", application, account_id)
    emu.private(account_id)["deleted"] = True
    return Response.json(event)


def payouts_create(emu: Emulator, req: Request, account_id: str) -> Response:
    _auth(emu, req)
    account = _account(emu, account_id)
    p = _params(req)
    amount = p.get("amount")
    payout = ops.payout_create(
        emu,
        account,
        amount=int(amount) if amount not in (None, "") else None,
        currency=p.get("currency") or None,
    )
    outcome = p.get("outcome") or "paid"
    if outcome in ("paid", "failed"):
        ops.payout_finish(emu, payout, fail=True if outcome == "failed" else None)
    return Response.json(payout)


def payout_settle(emu: Emulator, req: Request, payout_id: str, outcome: str) -> Response:
    _auth(emu, req)
    payout = _object(emu, "payout", payout_id)
    if payout["status"] not in ("pending", "in_transit"):
        raise invalid(f"Payout {payout_id} is already {payout['status']}.")
    return Response.json(ops.payout_finish(emu, payout, fail=outcome == "failed"))


def dispute(emu: Emulator, req: Request, charge_id: str) -> Response:
    _auth(emu, req)
    charge = _object(emu, "charge", charge_id)
    if charge["status"] != "succeeded":
        raise invalid("Only a succeeded charge can be disputed.")
    p = _params(req)
    amount = p.get("amount")
    return Response.json(
        ops.dispute_create(
            emu,
            charge,
            reason=p.get("reason") or "fraudulent",
            amount=int(amount) if amount not in (None, "") else None,
        )
    )


def refund_fail(emu: Emulator, req: Request, refund_id: str) -> Response:
    _auth(emu, req)
    refund = _object(emu, "refund", refund_id)
    if refund["status"] != "succeeded":
        raise invalid(f"Refund {refund_id} is {refund['status']}.")
    return Response.json(
        ops.refund_fail(emu, refund, _params(req).get("reason") or "expired_or_canceled_card")
    )


def events_emit(emu: Emulator, req: Request) -> Response:
    _auth(emu, req)
    p = _params(req)
    event_type = p.get("type")
    if not event_type:
        raise StripeErrorResponse(400, "Missing required param: type.", param="type")
    account = p.get("account") or None
    if p.get("object_id"):
        obj = emu.find(p["object_id"])
        if obj is None:
            raise not_found("object", p["object_id"], "object_id")
        account = account or emu.owner(obj["id"])
    else:
        obj = p.get("object") or {}
        if isinstance(obj, str):
            obj = json.loads(obj)
        obj.setdefault("id", new_id("obj_"))
    return Response.json(emu.emit(event_type, obj, account, p.get("previous_attributes") or None))


def events_resend(emu: Emulator, req: Request, event_id: str) -> Response:
    _auth(emu, req)
    event = _object(emu, "event", event_id)
    from .delivery import Delivery  # noqa: PLC0415

    connect = bool(event.get("account"))
    emu._outbox.append(
        Delivery(
            event=copy.deepcopy(event),
            connect=connect,
            url=emu.config.connect_webhook_url if connect else emu.config.webhook_url,
            secret=emu.config.connect_webhook_secret if connect else emu.config.webhook_secret,
        )
    )
    return Response.json(event)


def failures_create(emu: Emulator, req: Request) -> Response:
    _auth(emu, req)
    p = _params(req)
    intent = None
    if p.get("payment_intent"):
        intent = copy.deepcopy(_object(emu, "payment_intent", p["payment_intent"]))
    try:
        times = int(p.get("times") or 1)
    except ValueError:
        raise invalid("times must be an integer", param="times")
    failure = Failure(
        code=p.get("code") or "",
        times=times,
        method=(p.get("method") or "").upper() or None,
        path=p.get("path") or None,
        decline_code=p.get("decline_code") or None,
        advice_code=p.get("advice_code") or None,
        payment_intent=intent,
    )
    emu.fidelity.fail_next(failure)
    return Response.json({"code": failure.code, "times": failure.times, "path": failure.path})


def requests_seen(emu: Emulator, req: Request) -> Response:
    _auth(emu, req)
    keys = sorted({key for key, _ in emu.fidelity._counts})
    return Response.json(
        {"counts": {key: emu.fidelity.counts(key) for key in keys}, "refused": emu.fidelity.refused}
    )


ROUTES = [
    ("POST", r"/_sandbox/reset", reset),
    ("GET", r"/_sandbox/state", state),
    ("GET", r"/_sandbox/clock", clock),
    ("POST", r"/_sandbox/clock/advance", clock_advance),
    ("POST", r"/_sandbox/accounts/(?P<account_id>acct_\w+)/complete_onboarding", complete_onboarding),
    ("POST", r"/_sandbox/accounts/(?P<account_id>acct_\w+)/requirements", requirements),
    ("POST", r"/_sandbox/accounts/(?P<account_id>acct_\w+)/deauthorize", deauthorize),
    ("POST", r"/_sandbox/accounts/(?P<account_id>acct_\w+)/payouts", payouts_create),
    ("POST", r"/_sandbox/payouts/(?P<payout_id>po_\w+)/(?P<outcome>paid|failed)", payout_settle),
    ("POST", r"/_sandbox/charges/(?P<charge_id>ch_\w+)/dispute", dispute),
    ("POST", r"/_sandbox/refunds/(?P<refund_id>re_\w+)/fail", refund_fail),
    ("POST", r"/_sandbox/events", events_emit),
    ("POST", r"/_sandbox/events/(?P<event_id>evt_\w+)/resend", events_resend),
    ("POST", r"/_sandbox/failures", failures_create),
    ("GET", r"/_sandbox/requests", requests_seen),
]
