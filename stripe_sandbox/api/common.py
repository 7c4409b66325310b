"""Shared by the `/v1` endpoints: limits, URL and descriptor checks, `expand`, list pages, filters."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from ..wire import (
    Response,
    StripeErrorResponse,
    int_param,
    invalid,
    str_param,
)

if TYPE_CHECKING:
    from ..core import Emulator, Request

MAX_AMOUNT = 99_999_999
CURRENCIES = ("usd", "cad")
MIN_CHARGE = {"usd": 50, "cad": 50}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SESSION_MIN_LIFETIME = 30 * 60
SESSION_MAX_LIFETIME = 24 * 60 * 60


# ------------------------------------------------------------------ helpers
def url_param(params: dict, name: str, label: str | None = None, required: bool = False) -> str | None:
    value = str_param(params, name, label=label or name, required=required)
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise invalid("Not a valid URL", param=label or name, code="url_invalid")
    return value


def statement_descriptor_check(value: str, param: str) -> str:
    if not 5 <= len(value) <= 22:
        raise invalid(
            "The statement descriptor must be at least 5 characters and at most 22 characters.", param=param
        )
    if not any(ch.isalpha() for ch in value):
        raise invalid("The statement descriptor must contain at least one letter.", param=param)
    bad = sorted({ch for ch in value if ch in "<>\\'\"*"})
    if bad:
        raise invalid(
            "The statement descriptor cannot contain any of the special characters < > \\ ' \" * "
            f"(found {' '.join(bad)}).",
            param=param,
        )
    if not value.isascii():
        raise invalid("The statement descriptor must contain only Latin characters.", param=param)
    return value


def expand(emu: Emulator, obj: dict, paths: list[str], account: str | None) -> dict:
    obj = copy.deepcopy(obj)
    for path in paths:
        _expand_path(emu, obj, path.split("."), account, path)
    return obj


def _expand_path(emu: Emulator, node: dict, parts: list[str], account: str | None, full: str) -> None:
    key, rest = parts[0], parts[1:]
    if key == "data" and isinstance(node.get("data"), list):
        for item in node["data"]:
            if rest:
                _expand_path(emu, item, rest, account, full)
        return
    if not isinstance(node, dict) or key not in node:
        raise invalid(f"This property cannot be expanded ({full}).", param="expand")
    value = node[key]
    if isinstance(value, str):
        target = emu.find(value)
        visible = target is not None and (
            target.get("object") == "account" or emu.state["owners"].get(value) == (account or "")
        )
        if not visible:
            raise invalid(f"This property cannot be expanded ({full}).", param="expand")
        value = node[key] = copy.deepcopy(target)
    elif value is not None and not isinstance(value, dict):
        raise invalid(f"This property cannot be expanded ({full}).", param="expand")
    if rest and isinstance(value, dict):
        _expand_path(emu, value, rest, account, full)


def expand_list(req: Request) -> list[str]:
    raw = req.params.get("expand")
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        return [raw]
    if not isinstance(raw, list):
        raise invalid("Invalid array", param="expand")
    return raw


def respond(emu: Emulator, req: Request, obj: dict, status: int = 200) -> Response:
    return Response.json(expand(emu, obj, expand_list(req), req.account), status)


def list_response(emu: Emulator, req: Request, objs: list[dict], url: str) -> Response:
    q = req.query
    limit = int_param(q, "limit")
    limit = 10 if limit is None else limit
    if not 1 <= limit <= 100:
        raise invalid("Invalid limit: must be between 1 and 100", param="limit")
    ordered = list(reversed(objs))  # newest first
    after = str_param(q, "starting_after")
    before = str_param(q, "ending_before")
    ids = [o["id"] for o in ordered]
    if after:
        if after not in ids:
            raise invalid(f"No such object: '{after}'", param="starting_after", code="resource_missing")
        ordered = ordered[ids.index(after) + 1 :]
    elif before:
        if before not in ids:
            raise invalid(f"No such object: '{before}'", param="ending_before", code="resource_missing")
        ordered = ordered[: ids.index(before)][-limit:]
    page = ordered[:limit]
    paths = [p[len("data.") :] for p in expand_list(req) if p.startswith("data.")]
    data = [expand(emu, o, paths, req.account) for o in page]
    return Response.json({"object": "list", "data": data, "has_more": len(ordered) > limit, "url": url})


def created_filter(q: dict, objs: list[dict]) -> list[dict]:
    created = q.get("created")
    if created in (None, ""):
        return objs
    if isinstance(created, str):
        value = int_param(q, "created")
        return [o for o in objs if o["created"] == value]
    if not isinstance(created, dict):
        raise invalid("Invalid created filter", param="created")
    checks = {"gt": int.__gt__, "gte": int.__ge__, "lt": int.__lt__, "lte": int.__le__}
    for op in [o for o in created if o in checks]:  # the definition allows only gt, gte, lt, lte
        bound = int_param(created, op, label=f"created[{op}]")
        objs = [o for o in objs if checks[op](o["created"], bound)]
    return objs


def platform_only(req: Request, what: str) -> None:
    if req.account:
        raise StripeErrorResponse(
            400, f"You cannot {what} with the Stripe-Account header (use your platform's key without it)."
        )


def retrieve_route(kind: str, param: str):
    def handler(emu: Emulator, req: Request, object_id: str) -> Response:
        return respond(emu, req, emu.get(kind, object_id, req.account, param))

    handler.__name__ = f"{kind.replace('.', '_')}retrieve_route"
    return handler


def list_route(kind: str, url: str, filters: tuple[str, ...] = ()):
    def handler(emu: Emulator, req: Request) -> Response:
        objs = emu.objects_of(kind, req.account)
        for name in filters:
            value = str_param(req.query, name)
            if value:
                objs = [o for o in objs if o.get(name) == value]
        return list_response(emu, req, created_filter(req.query, objs), url)

    handler.__name__ = f"{kind.replace('.', '_')}list_route"
    return handler
