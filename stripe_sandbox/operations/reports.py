"""Report runs and their CSV files (amounts in major units, as Stripe's reports)."""

from __future__ import annotations

import copy
import csv
import io
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..core import template
from ..wire import new_id

if TYPE_CHECKING:
    from ..core import Emulator


def money_major(amount: int) -> str:
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    return f"{sign}{amount // 100}.{amount % 100:02d}"


# ------------------------------------------------------------------ reports
REPORT_TYPES = {
    "balance.summary.1",
    "balance_change_from_activity.summary.1",
    "balance_change_from_activity.itemized.1",
    "balance_change_from_activity.itemized.2",
    "balance_change_from_activity.itemized.3",
    "payouts.summary.1",
    "payouts.itemized.1",
    "payouts.itemized.2",
    "payouts.itemized.3",
    "payout_reconciliation.summary.1",
    "payout_reconciliation.itemized.1",
    "payout_reconciliation.itemized.2",
    "payout_reconciliation.itemized.3",
    "payout_reconciliation.itemized.4",
    "payout_reconciliation.itemized.5",
}
ITEMIZED_COLUMNS = [
    "balance_transaction_id",
    "created_utc",
    "available_on_utc",
    "currency",
    "gross",
    "fee",
    "net",
    "reporting_category",
    "source_id",
    "description",
    "payment_intent_id",
    "charge_id",
    "automatic_payout_id",
]
PAYOUT_COLUMNS = [
    "payout_id",
    "effective_at_utc",
    "currency",
    "gross",
    "fee",
    "net",
    "reporting_category",
    "description",
    "status",
    "destination_id",
]
SUMMARY_COLUMNS = ["category", "description", "net_amount", "currency"]


def _utc(ts: int | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S") if ts else ""


def _txn_row(emu: Emulator, txn: dict) -> dict:
    source = emu.find(txn["source"]) if txn.get("source") else None
    charge = None
    if source and source.get("object") == "charge":
        charge = source
    elif source and source.get("object") in ("refund", "dispute"):
        charge = emu.find(source["charge"])
    return {
        "balance_transaction_id": txn["id"],
        "created_utc": _utc(txn["created"]),
        "available_on_utc": _utc(txn["available_on"]),
        "currency": txn["currency"],
        "gross": money_major(txn["amount"]),
        "fee": money_major(txn["fee"]),
        "net": money_major(txn["net"]),
        "reporting_category": txn["reporting_category"],
        "source_id": txn["source"] or "",
        "description": txn["description"] or "",
        "payment_intent_id": (charge or {}).get("payment_intent") or "",
        "charge_id": (charge or {}).get("id") or "",
        "automatic_payout_id": emu.private(txn["id"]).get("payout") or "",
    }


def report_csv(emu: Emulator, account: str | None, report_type: str, parameters: dict) -> str:
    start = int(parameters.get("interval_start") or 0)
    end = int(parameters.get("interval_end") or emu.now() + 1)
    currency = parameters.get("currency")
    txns = sorted(
        (
            t
            for t in emu.objects_of("balance_transaction", account)
            if start <= t["created"] < end and (not currency or t["currency"] == currency)
        ),
        key=lambda t: (t["created"], t["id"]),
    )
    out = io.StringIO()
    if report_type.startswith("payouts.itemized"):
        columns = parameters.get("columns") or PAYOUT_COLUMNS
        writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for payout in sorted(emu.objects_of("payout", account), key=lambda p: p["created"]):
            if not start <= payout["arrival_date"] < end:
                continue
            writer.writerow(
                {
                    "payout_id": payout["id"],
                    "effective_at_utc": _utc(payout["arrival_date"]),
                    "currency": payout["currency"],
                    "gross": money_major(payout["amount"]),
                    "fee": "0.00",
                    "net": money_major(payout["amount"]),
                    "reporting_category": "payout",
                    "description": payout["description"] or "",
                    "status": payout["status"],
                    "destination_id": payout["destination"],
                }
            )
    elif ".itemized." in report_type:
        columns = parameters.get("columns") or ITEMIZED_COLUMNS
        writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for txn in txns:
            writer.writerow(_txn_row(emu, txn))
    else:
        writer = csv.DictWriter(out, SUMMARY_COLUMNS, lineterminator="\n")
        writer.writeheader()
        totals: dict[tuple[str, str], int] = {}
        for txn in txns:
            key = (txn["reporting_category"], txn["currency"])
            totals[key] = totals.get(key, 0) + txn["net"]
        for (category, cur), net in sorted(totals.items()):
            writer.writerow(
                {
                    "category": category,
                    "description": category.replace("_", " ").capitalize(),
                    "net_amount": money_major(net),
                    "currency": cur,
                }
            )
    return out.getvalue()


def report_run_create(emu: Emulator, *, account: str | None, report_type: str, parameters: dict) -> dict:
    run = template("reporting.report_run")
    run_id = new_id("frr_1", 23)
    run.update(
        {
            "id": run_id,
            "created": emu.now(),
            "error": None,
            "livemode": False,
            "parameters": {k: v for k, v in parameters.items()},
            "report_type": report_type,
            "result": None,
            "status": "pending",
            "succeeded_at": None,
        }
    )
    for key in ("interval_start", "interval_end"):
        if key in run["parameters"]:
            run["parameters"][key] = int(run["parameters"][key])
    emu.put(run, account)
    return run


def report_run_finish(emu: Emulator, run: dict) -> dict:
    account = emu.owner(run["id"])
    text = report_csv(emu, account, run["report_type"], run["parameters"])
    file = template("file")
    file_id = new_id("file_1", 23)
    file.update(
        {
            "id": file_id,
            "created": emu.now(),
            "expires_at": emu.now() + 365 * 86400,
            "filename": f"{run['id']}.csv",
            "links": {
                "data": [],
                "has_more": False,
                "object": "list",
                "url": f"/v1/file_links?file={file_id}",
            },
            "purpose": "finance_report_run",
            "size": len(text.encode()),
            "title": None,
            "type": "csv",
            "url": f"{emu.public_url()}/v1/files/{file_id}/contents",
        }
    )
    emu.put(file, account)
    emu.state["files"][file_id] = text
    run.update({"status": "succeeded", "succeeded_at": emu.now(), "result": copy.deepcopy(file)})
    emu.emit("reporting.report_run.succeeded", run, account)
    return run
