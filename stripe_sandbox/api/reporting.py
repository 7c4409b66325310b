"""`/v1/reporting/*`, `/v1/files/*/contents` and `/v1/events`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import operations as ops
from ..wire import (
    Response,
    dict_param,
    int_param,
    invalid,
    not_found,
    str_param,
)
from .common import created_filter, list_response, respond

if TYPE_CHECKING:
    from ..core import Emulator, Request


# ------------------------------------------------------------------ reports & files
def report_runs_create(emu: Emulator, req: Request) -> Response:
    p = req.form
    report_type = str_param(p, "report_type", required=True)
    if report_type not in ops.REPORT_TYPES:
        raise invalid(f"Invalid report type: {report_type}", param="report_type")
    parameters = dict_param(p, "parameters")
    start = int_param(parameters, "interval_start", label="parameters[interval_start]")
    end = int_param(parameters, "interval_end", label="parameters[interval_end]")
    if start is not None and end is not None and start >= end:
        raise invalid("interval_start must be before interval_end.", param="parameters[interval_start]")
    if end is not None and end > emu.now() + 1:
        raise invalid(
            "parameters[interval_end] must be before data_available_end for this report type.",
            param="parameters[interval_end]",
        )
    columns = parameters.get("columns")
    if columns not in (None, "") and not isinstance(columns, list):
        raise invalid("Invalid array", param="parameters[columns]")
    run = ops.report_run_create(
        emu,
        account=req.account,
        report_type=report_type,
        parameters={k: v for k, v in parameters.items() if v not in (None, "")},
    )
    return respond(emu, req, run)


def report_type_retrieve(emu: Emulator, req: Request, report_type: str) -> Response:
    if report_type not in ops.REPORT_TYPES:
        raise not_found("reporting.report_type", report_type, "report_type")
    txns = emu.objects_of("balance_transaction", req.account)
    return Response.json(
        {
            "id": report_type,
            "object": "reporting.report_type",
            "data_available_start": min((t["created"] for t in txns), default=emu.now()),
            "data_available_end": emu.now() + 1,
            "default_columns": None,
            "livemode": False,
            "name": report_type,
            "updated": emu.now(),
            "version": int(report_type.rsplit(".", 1)[1]),
        }
    )


def file_contents(emu: Emulator, req: Request, file_id: str) -> Response:
    obj = emu.find(file_id)
    owner = emu.state["owners"].get(file_id)
    # the platform may read its connected accounts' report files without Stripe-Account
    if obj is None or obj.get("object") != "file" or (req.account and owner != req.account):
        raise not_found("file", file_id, "file")
    return Response(200, emu.state["files"][file_id].encode(), [("Content-Type", "text/csv")])


# ------------------------------------------------------------------ events
def events_list(emu: Emulator, req: Request) -> Response:
    q = req.query
    events = [emu.find(eid) for eid in emu.state["events"]]
    owner = req.account or ""
    events = [e for e in events if emu.state["owners"].get(e["id"]) == owner]
    event_type = str_param(q, "type")
    if event_type:
        if event_type.endswith(".*"):
            events = [e for e in events if e["type"].startswith(event_type[:-1])]
        else:
            events = [e for e in events if e["type"] == event_type]
    types = q.get("types")
    if types not in (None, ""):
        if not isinstance(types, list):
            raise invalid("Invalid array", param="types")
        events = [e for e in events if e["type"] in types]
    return list_response(emu, req, created_filter(q, events), "/v1/events")
