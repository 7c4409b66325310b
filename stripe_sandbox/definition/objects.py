"""Response objects checked against Stripe's published definition (the SDK's resource classes).

Each resource class (`stripe.checkout.Session`, `stripe.Account`, ...) is generated from the OpenAPI spec
and annotates every field of the object: `Optional[X]` = nullable or not always present, anything else =
always present and never null. Nested shapes are inner `StripeObject` classes (`Session.CustomerDetails`),
references to other objects are `ExpandableField[X]` (an id, or the object when expanded).

`object_problems(obj)` lists what breaks that definition: a field that must be present and isn't (or is
null), a value of the wrong type, and a field the definition doesn't have. `field_type(kind, path)` tells
whether a dotted field path exists on an object kind (used to check what the gateway reads).
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import sys
import types
import typing
from decimal import Decimal
from typing import Any, ForwardRef, Literal, Union, get_args, get_origin

from stripe._list_object import ListObject
from stripe._object_classes import OBJECT_CLASSES
from stripe._stripe_object import StripeObject, UntypedStripeObject

_NONE = type(None)


def resource_class(kind: str) -> type | None:
    """`"checkout.session"` -> stripe.checkout.Session (None for a kind the SDK doesn't know)."""
    entry = OBJECT_CLASSES.get(kind)
    if entry is None:
        return None
    module, name = entry
    return getattr(importlib.import_module(module), name)


@functools.lru_cache(maxsize=256)
def _module_imports(module_name: str) -> dict[str, tuple[str, str]]:
    """The names a module imports for type checkers only (`if TYPE_CHECKING:`), alias -> (module, name)."""
    module = sys.modules[module_name]
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return {}
    names: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
    return names


def _resolve(ref: str, module_name: str) -> Any:
    module = sys.modules[module_name]
    try:
        return eval(ref, dict(vars(module)), _Lookup(module_name))  # noqa: S307 - SDK annotations only
    except Exception:  # an annotation we can't evaluate is checked as "anything"
        return Any


class _Lookup(dict):
    """Names missing at runtime (TYPE_CHECKING imports) are imported on demand."""

    def __init__(self, module_name: str):
        super().__init__()
        self.module_name = module_name

    def __missing__(self, name: str) -> Any:
        target = _module_imports(self.module_name).get(name)
        if target is None:
            raise NameError(name)
        return getattr(importlib.import_module(target[0]), target[1])


@functools.lru_cache(maxsize=2048)
def fields_of(cls: type) -> dict[str, Any]:
    """Field name -> resolved annotation of a StripeObject class (its own and inherited fields)."""
    fields: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, StripeObject)) or klass is StripeObject:
            continue
        for name, hint in vars(klass).get("__annotations__", {}).items():
            if name.startswith("_") or get_origin(hint) is typing.ClassVar or hint is typing.ClassVar:
                continue
            fields[name] = _deep_resolve(hint, klass.__module__)
    return fields


def _deep_resolve(hint: Any, module_name: str) -> Any:
    if isinstance(hint, str):
        hint = _resolve(hint, module_name)
    if isinstance(hint, ForwardRef):
        hint = _resolve(hint.__forward_arg__, module_name)
    origin = get_origin(hint)
    if origin is None or origin is Literal:
        return hint
    args = tuple(_deep_resolve(a, module_name) for a in get_args(hint))
    if origin in (Union, types.UnionType):
        return Union[args]  # noqa: UP007 - built from a tuple
    if origin is list:
        return list[args[0]] if args else list
    if origin is dict:
        return dict[args[0], args[1]] if len(args) == 2 else dict
    try:
        return origin[args]
    except TypeError:
        return hint


def _optional(hint: Any) -> tuple[bool, Any]:
    if get_origin(hint) in (Union, types.UnionType):
        members = [m for m in get_args(hint) if m is not _NONE]
        nullable = len(members) != len(get_args(hint))
        return nullable, (members[0] if len(members) == 1 else Union[tuple(members)])  # noqa: UP007
    return False, hint


def object_problems(obj: dict, cls: type | None = None, path: str = "") -> list[str]:
    """What in `obj` breaks the definition of its class (from `obj["object"]` unless given)."""
    if cls is None:
        cls = resource_class(obj.get("object", ""))
        if cls is None:
            return [f"{path or '<root>'}: unknown object kind {obj.get('object')!r}"]
    problems: list[str] = []
    fields = fields_of(cls)
    for name, hint in fields.items():
        nullable, inner = _optional(hint)
        where = f"{path}.{name}" if path else name
        if name not in obj or obj[name] is None:
            if not nullable:
                problems.append(
                    f"{where}: always present in the definition, but {'missing' if name not in obj else 'null'}"
                )
            continue
        problems += _value_problems(obj[name], inner, where)
    for name in obj:
        if name not in fields:
            problems.append(
                f"{(path + '.') if path else ''}{name}: not in the definition of {cls.__qualname__}"
            )
    return problems


def _value_problems(value: Any, hint: Any, where: str) -> list[str]:
    nullable, hint = _optional(hint)
    if value is None:
        return [] if nullable else [f"{where}: null, but the definition doesn't allow null"]
    origin = get_origin(hint)
    if hint is Any or hint is object or isinstance(hint, typing.TypeVar):
        return []
    if origin in (Union, types.UnionType):
        results = [_value_problems(value, member, where) for member in get_args(hint)]
        return [] if any(not r for r in results) else min(results, key=len)
    if origin is Literal:
        return [] if value in get_args(hint) else [f"{where}: {value!r} is not one of {get_args(hint)}"]
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: expected a list, got {type(value).__name__}"]
        (item,) = get_args(hint) or (Any,)
        out: list[str] = []
        for index, element in enumerate(value):
            out += _value_problems(element, item, f"{where}[{index}]")
        return out
    if (
        origin is dict
        or hint is dict
        or _is_class(hint, UntypedStripeObject)
        or _is_class(origin, UntypedStripeObject)
    ):
        return [] if isinstance(value, dict) else [f"{where}: expected an object, got {type(value).__name__}"]
    if _is_class(origin or hint, ListObject):
        if (
            not isinstance(value, dict)
            or value.get("object") != "list"
            or not isinstance(value.get("data"), list)
        ):
            return [f"{where}: expected a list object"]
        return []
    if _is_class(hint, StripeObject):
        if not isinstance(value, dict):
            return [f"{where}: expected an object ({hint.__qualname__}), got {type(value).__name__}"]
        return object_problems(value, hint, where)
    if hint is bool:
        return [] if isinstance(value, bool) else [f"{where}: expected a boolean, got {value!r}"]
    if hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: expected an integer, got {value!r}"]
    if hint in (float, Decimal):
        ok = isinstance(value, int | float | str) and not isinstance(value, bool)
        return [] if ok else [f"{where}: expected a number, got {value!r}"]
    if hint is str:
        return [] if isinstance(value, str) else [f"{where}: expected a string, got {value!r}"]
    return []


def _is_class(hint: Any, base: type) -> bool:
    return isinstance(hint, type) and issubclass(hint, base)


def field_type(cls: type, dotted: str) -> Any:
    """The annotation of `a.b.c` on `cls`, following nested and expandable objects; KeyError if absent."""
    hint: Any = cls
    for part in dotted.split("."):
        _, hint = _optional(hint)
        while get_origin(hint) is list:  # a list of objects: its items' fields
            (hint,) = get_args(hint)
            _, hint = _optional(hint)
        candidates = [
            m for m in (get_args(hint) if get_origin(hint) in (Union, types.UnionType) else (hint,))
        ]
        target = next((m for m in candidates if _is_class(m, StripeObject)), None)
        if target is None:
            raise KeyError(dotted)
        fields = fields_of(target)
        if part not in fields:
            raise KeyError(dotted)
        hint = fields[part]
    return hint
