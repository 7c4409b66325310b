"""Stripe's wire format: bracket-notation form parsing, error shapes, JSON responses, ids."""

from __future__ import annotations

import json
import re
import secrets
import string
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

_ALNUM = string.ascii_letters + string.digits
_KEY_PART = re.compile(r"\[([^\]]*)\]")
# Keys whose nested dict keys are user data (never turned into lists).
_FREE_FORM = {"metadata"}


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


class ParamError(Exception):
    pass


def _split_key(key: str) -> list[str]:
    head, _, rest = key.partition("[")
    parts = [head]
    if rest:
        rest = "[" + rest
        pos = 0
        for match in _KEY_PART.finditer(rest):
            if match.start() != pos:
                raise ParamError(f"Invalid parameter name: {key}")
            parts.append(match.group(1))
            pos = match.end()
        if pos != len(rest):
            raise ParamError(f"Invalid parameter name: {key}")
    return parts


def _listify(node: Any, name: str = "") -> Any:
    if not isinstance(node, dict):
        return node
    if name not in _FREE_FORM and node and all(k.isdigit() for k in node):
        return [_listify(node[k], name) for k in sorted(node, key=int)]
    return {k: _listify(v, k if name not in _FREE_FORM else "") for k, v in node.items()}


def parse_form(raw: str) -> dict[str, Any]:
    """`a[b][0][c]=1&expand[]=x` -> {"a": {"b": [{"c": "1"}]}, "expand": ["x"]}."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        parts = _split_key(key)
        node = root
        for i, part in enumerate(parts):
            if not isinstance(node, dict):
                raise ParamError(f"Invalid parameter name: {key}")
            if part == "":
                part = str(len(node))
            if i == len(parts) - 1:
                if isinstance(node.get(part), dict):
                    raise ParamError(f"Invalid parameter name: {key}")
                node[part] = value
            else:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise ParamError(f"Invalid parameter name: {key}")
                node = child
    return _listify(root)


def doc_url(code: str | None) -> str | None:
    return f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}" if code else None


class StripeErrorResponse(Exception):
    """Raised by handlers; rendered as Stripe's `{"error": {...}}` body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        extra: dict | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"type": type, "message": message}
        if code:
            self.body["code"] = code
            self.body["doc_url"] = doc_url(code)
        if param:
            self.body["param"] = param
        if extra:
            self.body.update(extra)

    def payload(self) -> dict:
        return {"error": self.body}


def invalid(message: str, *, param: str | None = None, code: str | None = None) -> StripeErrorResponse:
    return StripeErrorResponse(400, message, param=param, code=code)


def missing(param: str) -> StripeErrorResponse:
    return StripeErrorResponse(
        400, f"Missing required param: {param}.", param=param, code="parameter_missing"
    )


def not_found(kind: str, object_id: str, param: str = "id") -> StripeErrorResponse:
    return StripeErrorResponse(404, f"No such {kind}: '{object_id}'", param=param, code="resource_missing")


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        body = json.dumps(data, indent=2).encode()
        return cls(status, body, [("Content-Type", "application/json")])

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode(), [("Content-Type", "text/html; charset=utf-8")])

    @classmethod
    def redirect(cls, url: str, status: int = 303) -> Response:
        return cls(status, b"", [("Location", url), ("Content-Type", "text/plain")])


def int_param(params: dict, name: str, *, label: str | None = None, required: bool = False) -> int | None:
    label = label or name
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise missing(label)
        return None
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
        raise invalid(f"Invalid integer: {value}", param=label)
    return int(value)


def str_param(params: dict, name: str, *, label: str | None = None, required: bool = False) -> str | None:
    label = label or name
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise missing(label)
        return None
    if not isinstance(value, str):
        raise invalid(f"Invalid string: {label}", param=label)
    return value


def dict_param(params: dict, name: str, *, label: str | None = None) -> dict:
    value = params.get(name)
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise invalid(f"Invalid object: {label or name}", param=label or name)
    return value


def metadata_param(params: dict, name: str = "metadata", label: str | None = None) -> dict:
    label = label or name
    value = params.get(name)
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise invalid("Invalid object", param=label)
    if len(value) > 50:
        raise invalid("Metadata can have at most 50 keys.", param=label)
    for key, val in value.items():
        if len(key) > 40:
            raise invalid("Metadata keys can be at most 40 characters.", param=f"{label}[{key}]")
        if not isinstance(val, str) or len(val) > 500:
            raise invalid("Metadata values can be at most 500 characters.", param=f"{label}[{key}]")
    return {k: v for k, v in value.items() if v != ""}


def bool_param(params: dict, name: str, *, label: str | None = None) -> bool | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if value in ("true", "false"):
        return value == "true"
    raise invalid(f"Invalid boolean: {value}", param=label or name)
