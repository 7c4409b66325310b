"""Check API responses against the OpenAPI schema drf-spectacular generates (Zulip's discipline:
every response a test sees must match the published spec)."""

from __future__ import annotations

import re
from functools import lru_cache

import jsonschema
from drf_spectacular.generators import SchemaGenerator


@lru_cache(maxsize=1)
def openapi_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _nullable_to_jsonschema(node):
    if isinstance(node, dict):
        node = {k: _nullable_to_jsonschema(v) for k, v in node.items()}
        if node.pop("nullable", False):
            if "type" in node:
                node["type"] = [node["type"], "null"]
            elif "$ref" in node or "allOf" in node or "oneOf" in node:
                node = {"anyOf": [node, {"type": "null"}]}
        return node
    if isinstance(node, list):
        return [_nullable_to_jsonschema(v) for v in node]
    return node


def _operation(path: str, method: str) -> dict:
    schema = openapi_schema()
    # literal templates before templated ones: /create/ is not /{id}/
    for template, operations in sorted(schema["paths"].items(), key=lambda item: item[0].count("{")):
        pattern = "^" + re.sub(r"\{[^}]+\}", r"[^/]+", template) + "$"
        if re.match(pattern, path):
            return operations[method.lower()]
    raise AssertionError(f"{method} {path} is not in the OpenAPI schema")


def assert_matches_schema(response, *, method: str | None = None) -> None:
    """The response's status is documented for the operation and its JSON body validates."""
    request = response.wsgi_request
    path = request.path
    method = method or request.method
    operation = _operation(path, method)
    documented = operation.get("responses", {})
    status = str(response.status_code)
    assert status in documented, f"{method} {path} answered {status}, documented: {sorted(documented)}"
    content = documented[status].get("content", {}).get("application/json")
    if content is None:
        return
    root = _nullable_to_jsonschema({"components": openapi_schema()["components"], **content["schema"]})
    jsonschema.validate(response.json(), root)
