"""Driving schemathesis over our own /api/schema/ against the real WSGI app (schemathesis' own pytest
loader does not run on pytest 9.2, so each operation is driven with hypothesis here). Used by the
request-API and the dealer-API schemathesis tests."""

from __future__ import annotations

import os
from contextlib import contextmanager

import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import just
from schemathesis import GenerationMode


def examples(positive: int, negative: int) -> dict:
    """Per operation: schema-valid requests, then requests that break the schema (which must be
    refused); SCHEMATHESIS_EXAMPLES / SCHEMATHESIS_NEGATIVE_EXAMPLES override the counts."""
    return {
        GenerationMode.POSITIVE: int(os.environ.get("SCHEMATHESIS_EXAMPLES", str(positive))),
        GenerationMode.NEGATIVE: int(os.environ.get("SCHEMATHESIS_NEGATIVE_EXAMPLES", str(negative))),
    }


@contextmanager
def wsgi_schema(*, config, token: str):
    """The published schema, fetched with the token, its calls made on our WSGI app. The app runs
    inside the test's transaction: Django is kept from closing the connection between requests, as
    its own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json",
            WSGIHandler(),
            config=config,
            headers={"Authorization": f"Bearer {token}"},
        )
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def operations_run(operations, *, token: str, examples: dict) -> dict[str, int]:
    """Each operation, `examples[mode]` generated requests per mode, every check on each answer.
    Returns how many cases ran per "METHOD path mode" (a failing check raises)."""
    auth = {"Authorization": f"Bearer {token}"}
    cases: dict[str, int] = {}
    for operation in operations:
        for mode, count in examples.items():
            label = f"{operation.method.upper()} {operation.path} {mode.value}"
            cases[label] = 0

            @given(case=operation.as_strategy(generation_mode=mode), label=just(label))
            @settings(
                max_examples=count,
                deadline=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def run(case, label):
                cases[label] += 1
                case.call_and_validate(headers=auth)

            run()
    return cases
