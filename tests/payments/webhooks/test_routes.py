"""The webhook dispatch table (payments/webhooks/routes.py): every event type we act on has a
route, every route names a real handler of a capability's stripe_events.py, and no handler or
stripe_events.py module is left out of the table (a renamed handler file used to be skipped
silently by the old registry, which swallowed the ModuleNotFoundError)."""

import importlib
import inspect
import pkgutil

import payments
from payments.gateway import consts
from payments.webhooks import routes


def _event_types_we_act_on() -> set[str]:
    return {
        value
        for name, value in vars(consts.EventType).items()
        if not name.startswith("_") and isinstance(value, str)
    }


def _stripe_events_modules() -> dict[str, object]:
    modules = {}
    for info in pkgutil.iter_modules(payments.__path__):
        if info.ispkg:
            try:
                modules[info.name] = importlib.import_module(f"payments.{info.name}.stripe_events")
            except ModuleNotFoundError as exc:
                if exc.name != f"payments.{info.name}.stripe_events":
                    raise
    return modules


def test_every_event_type_we_act_on_has_a_route():
    assert _event_types_we_act_on(), "the gateway's EventType list is empty"
    assert sorted(_event_types_we_act_on() - set(routes.ROUTES)) == []


def test_every_route_names_a_handler_of_a_capability_stripe_events_module():
    modules = {module.__name__: module for module in _stripe_events_modules().values()}
    for event_type, handler in routes.ROUTES.items():
        assert inspect.isfunction(handler), event_type
        module = modules.get(handler.__module__)
        assert module is not None, (
            f"{event_type}: {handler.__module__} is not a payments.<capability>.stripe_events"
        )
        assert getattr(module, handler.__name__, None) is handler, (
            f"{event_type}: {handler.__qualname__} missing"
        )
        assert len(inspect.signature(handler).parameters) == 2, (
            f"{event_type}: handler(webhook_event, data_object)"
        )


def test_every_handler_of_every_stripe_events_module_is_routed():
    routed = set(routes.ROUTES.values())
    modules = _stripe_events_modules()
    assert {"accounts", "checkout", "refunds", "payouts", "reports"} <= set(modules)
    unrouted = [
        f"{module.__name__}.{name}"
        for module in modules.values()
        for name, func in vars(module).items()
        if inspect.isfunction(func)
        and func.__module__ == module.__name__
        and not name.startswith("_")
        and func not in routed
    ]
    assert unrouted == []


def test_an_unknown_event_type_has_no_handler():
    assert routes.handler_for("application_fee.created") is None
    assert routes.handler_for("payout.paid") is routes.ROUTES["payout.paid"]
