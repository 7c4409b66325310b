"""Which request-parameter definition belongs to which endpoint, read from the installed official SDK.

stripe-python is generated from Stripe's OpenAPI spec for exactly one API version (`stripe.api_version`).
Each service method (`stripe/**/_*_service.py`) names the HTTP method and path it calls and annotates its
`params` argument with a TypedDict from `stripe.params` (e.g. `POST /v1/checkout/sessions` ->
`stripe.params.checkout._session_create_params.SessionCreateParams`). This module reads those files
as text (nothing is executed), so when the SDK pin moves the emulator follows by itself.
"""

from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import stripe


@dataclass(frozen=True)
class Endpoint:
    method: str  # "GET", "POST", "DELETE"
    template: str  # "/v1/checkout/sessions/{session}"
    params_module: str  # "stripe.params.checkout._session_create_params"
    params_class: str  # "SessionCreateParams"
    service: str  # "stripe.checkout._session_service.SessionService.create"

    @property
    def pattern(self) -> re.Pattern:
        return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"[^/]+", re.escape(self.template)) + "$")

    def params_type(self) -> type:
        return getattr(importlib.import_module(self.params_module), self.params_class)


_DEF = re.compile(r"\n    def (\w+)\(")  # service methods
_PARAMS = re.compile(r'params: (?:Optional\[)?\s*"(\w+)"')
_REQUEST = re.compile(r'self\._request\(\s*"(\w+)",\s*"(/v1/[^"]*)"')
_IMPORT = re.compile(r"from\s+(stripe\.params[\w.]*)\s+import\s+\(?\s*(\w+)")


@functools.lru_cache(maxsize=1)
def endpoints() -> tuple[Endpoint, ...]:
    """Every v1 endpoint of the installed SDK with its params TypedDict.

    The service modules are generated code of one regular shape, so a few regular expressions read
    them (an `ast` walk gives the same table and takes 20 times as long)."""
    root = Path(stripe.__file__).parent
    found: dict[tuple[str, str], Endpoint] = {}
    for path in sorted(root.rglob("_*_service.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in ("v2", "params"):
            continue
        module = "stripe." + ".".join(relative.with_suffix("").parts)
        text = path.read_text()
        imports = {name: source for source, name in _IMPORT.findall(text)}
        starts = [m.start() for m in _DEF.finditer(text)] + [len(text)]
        for begin, finish in zip(starts, starts[1:], strict=False):
            chunk = text[begin:finish]  # one method (and its async twin, which says the same)
            params, call = _PARAMS.search(chunk), _REQUEST.search(chunk)
            if not params or not call or params.group(1) not in imports:
                continue
            key = (call.group(1).upper(), call.group(2))
            name = _DEF.match(chunk).group(1)
            found.setdefault(
                key, Endpoint(key[0], key[1], imports[params.group(1)], params.group(1), f"{module}.{name}")
            )
    return tuple(found.values())


def _specificity(endpoint: Endpoint) -> tuple[int, int]:
    # literal segments beat placeholders: /v1/accounts/{account}/login_links over /v1/accounts/{account}
    return (endpoint.template.count("{"), -len(endpoint.template))


@functools.lru_cache(maxsize=512)
def endpoint_for(method: str, path: str) -> Endpoint | None:
    """The SDK's definition for one request, or None when the SDK has no such endpoint."""
    candidates = [e for e in endpoints() if e.method == method.upper() and e.pattern.match(path)]
    return min(candidates, key=_specificity) if candidates else None
