"""Request parameters checked against Stripe's published definition (the SDK's `stripe.params` TypedDicts).

The check runs at every nesting level on the form-decoded request (`a[b][0][c]=1` -> nested dicts and
lists of strings, see wire.parse_form) and answers the way Stripe does:

| what arrives | error (HTTP 400, type invalid_request_error) |
|---|---|
| a name the definition doesn't have | `parameter_unknown`, "Received unknown parameter: line_items[0][foo]" |
| a required key left out | `parameter_missing`, "Missing required param: line_items[0][quantity]." |
| "" for a parameter that can't be unset | `parameter_invalid_empty`, "You passed an empty string for '...'. ..." |
| an integer that isn't one | `parameter_invalid_integer`, "Invalid integer: 12.5" |
| a boolean / number / array / object / string of the wrong shape | "Invalid boolean: yes", "Invalid decimal: x", "Invalid array", "Invalid object", "Invalid string: {...}" |
| a value outside a closed enum | "Invalid mode: must be one of payment, setup, or subscription" |

How the TypedDicts read: `NotRequired[...]` = optional, otherwise required (`__required_keys__`);
`Literal['']|X` = may be sent empty to unset it; `Literal[...]` is an enum. The SDK writes every
multi-value enum as `Literal[...]|str` so that code typed against it keeps compiling when a later
version adds a value; for the pinned version the spec's enum is closed, and Stripe refuses any other
value, so the emulator does too (a `str` beside a Literal is not read as "any string"). `List[X]` is an array
(`a[0]=` or `a[]=`), `Dict[str, X]` a free-form object (metadata), a nested TypedDict an object.
The keys of `stripe.RequestOptions` (api_key, idempotency_key, ...) are the SDK's own, never parameters.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from decimal import Decimal
from typing import Any, Literal, NotRequired, Required, Union, get_args, get_origin

from stripe._request_options import RequestOptions
from typing_extensions import is_typeddict

from ..wire import StripeErrorResponse

_INTEGER = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?(\d+\.?\d*|\.\d+)$")
_OPTION_KEYS = frozenset(RequestOptions.__annotations__)
_EMPTY_MESSAGE = (
    "You passed an empty string for '{param}'. We assume empty values are an attempt to unset a parameter; "
    "however '{param}' cannot be unset. You should remove '{param}' from your request or supply a "
    "non-empty value."
)


class ParamsInvalid(StripeErrorResponse):
    """The request breaks the published definition (before any emulator behaviour rule runs)."""

    def __init__(self, message: str, *, param: str, code: str | None = None):
        super().__init__(400, message, param=param, code=code)


@functools.lru_cache(maxsize=1024)
def fields_of(typed_dict: type) -> tuple[dict[str, Any], frozenset[str]]:
    """(name -> type with NotRequired/Required removed, required names) of a params TypedDict."""
    # The params classes inherit the SDK's RequestOptions keys, whose annotations only resolve in the
    # SDK's own module: leave them out, and resolve the rest in the params class's module.
    own = {k: v for k, v in typed_dict.__annotations__.items() if k not in _OPTION_KEYS}
    holder = type(typed_dict.__name__, (), {"__annotations__": own, "__module__": typed_dict.__module__})
    hints = typing.get_type_hints(holder, include_extras=True)
    fields = {name: _strip(hint) for name, hint in hints.items()}
    required = frozenset(name for name in typed_dict.__required_keys__ if name in fields)
    return fields, required


def _strip(hint: Any) -> Any:
    while get_origin(hint) in (NotRequired, Required, typing.NotRequired, typing.Required):
        hint = get_args(hint)[0]
    return hint


def _members(hint: Any) -> tuple[Any, ...]:
    if get_origin(hint) in (Union, types.UnionType):
        out: list[Any] = []
        for member in get_args(hint):
            out.extend(_members(member))
        return tuple(out)
    return (hint,)


def _join(values: tuple[str, ...]) -> str:
    if len(values) <= 2:
        return " or ".join(values)
    return ", ".join(values[:-1]) + ", or " + values[-1]


def _describe(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def _kind(hint: Any) -> str:
    """object / array / scalar / any: what shape of form value a type member takes."""
    origin = get_origin(hint) or hint
    if hint is Any or hint is object:
        return "any"
    if (
        is_typeddict(hint)
        or origin in (dict, dict)
        or getattr(origin, "__name__", "") == "UntypedStripeObject"
    ):
        return "object"
    if origin in (list, list):
        return "array"
    return "scalar"


def check(value: Any, hint: Any, param: str) -> None:
    """Raise ParamsInvalid when `value` (as form-decoded) doesn't fit `hint` at `param`."""
    members = _members(hint)
    literals = [m for m in members if get_origin(m) is Literal]
    literal_values = tuple(v for m in literals for v in get_args(m))
    others = [m for m in members if get_origin(m) is not Literal]
    if value == "":
        if "" in literal_values or any(m is Any for m in others):
            return
        raise ParamsInvalid(_EMPTY_MESSAGE.format(param=param), param=param, code="parameter_invalid_empty")
    if isinstance(value, str) and value in literal_values:
        return
    named = tuple(str(v) for v in literal_values if v != "")
    if named and all(m is str for m in others):  # an enum (see the module docstring)
        raise ParamsInvalid(f"Invalid {param}: must be one of {_join(named)}", param=param)
    # Pick the member whose shape matches what arrived, so the error names the right problem.
    shape = "object" if isinstance(value, dict) else "array" if isinstance(value, list) else "scalar"
    matching = [m for m in others if _kind(m) in (shape, "any")] or others
    errors: list[ParamsInvalid] = []
    for member in matching:
        try:
            _check_one(value, member, param)
            return
        except ParamsInvalid as exc:
            errors.append(exc)
    raise errors[0]


def _check_one(value: Any, hint: Any, param: str) -> None:
    origin = get_origin(hint)
    if hint is Any or hint is object:
        return
    if is_typeddict(hint):
        if not isinstance(value, dict):
            raise ParamsInvalid("Invalid object", param=param)
        check_object(value, hint, prefix=param)
        return
    if origin in (list, list):
        if not isinstance(value, list):
            raise ParamsInvalid("Invalid array", param=param)
        (item,) = get_args(hint) or (Any,)
        for index, element in enumerate(value):
            check(element, item, f"{param}[{index}]")
        return
    if origin in (dict, dict) or getattr(origin or hint, "__name__", "") == "UntypedStripeObject":
        if not isinstance(value, dict):
            raise ParamsInvalid("Invalid object", param=param)
        args = get_args(hint)
        item = args[1] if len(args) == 2 else Any
        for key, element in value.items():
            if element == "" and item is str:
                continue  # metadata[key]= unsets that key
            check(element, item, f"{param}[{key}]")
        return
    if isinstance(value, dict | list):
        raise ParamsInvalid(f"Invalid {_scalar_name(hint)}: {_describe(value)}", param=param)
    if hint is bool:
        if value not in ("true", "false"):
            raise ParamsInvalid(f"Invalid boolean: {value}", param=param)
    elif hint is int:
        if not _INTEGER.match(value):
            raise ParamsInvalid(f"Invalid integer: {value}", param=param, code="parameter_invalid_integer")
    elif hint in (float, Decimal):
        if not _DECIMAL.match(value):
            raise ParamsInvalid(f"Invalid decimal: {value}", param=param)
    elif hint is not str:
        raise TypeError(f"{param}: no rule for {hint!r}")


def _scalar_name(hint: Any) -> str:
    return {bool: "boolean", int: "integer", float: "decimal", Decimal: "decimal"}.get(hint, "string")


def check_object(value: dict, typed_dict: type, *, prefix: str = "") -> None:
    """Unknown names first (as Stripe reports them), then each known one, then the missing ones."""
    fields, required = fields_of(typed_dict)

    def name(key: str) -> str:
        return f"{prefix}[{key}]" if prefix else key

    for key in value:
        if key not in fields:
            raise ParamsInvalid(
                f"Received unknown parameter: {name(key)}", param=name(key), code="parameter_unknown"
            )
    for key, element in value.items():
        check(element, fields[key], name(key))
    for key in sorted(required):
        if key not in value:
            raise ParamsInvalid(
                f"Missing required param: {name(key)}.", param=name(key), code="parameter_missing"
            )
