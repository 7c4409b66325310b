"""Money after the payment: refunds, payouts, balance transactions, report runs and their files."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from payments.gateway.client import (
    _base_addresses,
    _call,
    _client,
    _currency,
    _date,
    _dict,
    _id_of,
)
from payments.gateway.types import (
    ApplicationFeeInfo,
    BalanceTransactionInfo,
    PayoutInfo,
    RefundInfo,
    ReportRunInfo,
)


def _refund_info(obj: Any) -> RefundInfo:
    data = _dict(obj)
    return RefundInfo(
        id=data["id"],
        status=data.get("status") or "",
        amount=int(data.get("amount") or 0),
        currency=_currency(data.get("currency")),
        payment_intent_id=_id_of(data.get("payment_intent")),
        charge_id=_id_of(data.get("charge")),
        failure_reason=data.get("failure_reason") or "",
        metadata=dict(data.get("metadata") or {}),
    )


def _application_fee_info(obj: Any) -> ApplicationFeeInfo:
    data = _dict(obj)
    return ApplicationFeeInfo(
        id=data["id"],
        charge_id=_id_of(data.get("charge")),
        amount=int(data.get("amount") or 0),
        amount_refunded=int(data.get("amount_refunded") or 0),
        currency=_currency(data.get("currency")),
    )


def _payout_info(obj: Any) -> PayoutInfo:
    data = _dict(obj)
    return PayoutInfo(
        id=data["id"],
        status=data.get("status") or "",
        amount=int(data.get("amount") or 0),
        currency=_currency(data.get("currency")),
        arrival_date=_date(data.get("arrival_date")),
        failure_message=data.get("failure_message") or "",
    )


def _balance_transaction_info(obj: Any) -> BalanceTransactionInfo:
    data = _dict(obj)
    return BalanceTransactionInfo(
        id=data["id"],
        type=data.get("type") or "",
        amount=int(data.get("amount") or 0),
        fee=int(data.get("fee") or 0),
        net=int(data.get("net") or 0),
        currency=_currency(data.get("currency")),
        source_id=_id_of(data.get("source")),
    )


def _report_run_info(obj: Any) -> ReportRunInfo:
    data = _dict(obj)
    result = data.get("result") or {}
    return ReportRunInfo(
        id=data["id"],
        status=data.get("status") or "",
        report_type=data.get("report_type") or "",
        result_file_url=(result.get("url") if isinstance(result, dict) else "") or "",
        error=data.get("error") or "",
    )


# --- refunds, payouts, balance ---------------------------------------------------------------


def refund_create(
    *,
    account_id: str,
    payment_intent_id: str,
    amount_minor: int,
    reason: str | None,
    metadata: dict,
    idempotency_key: str,
    refund_application_fee: bool = False,
) -> RefundInfo:
    """POST /v1/refunds on the connected account. `refund_application_fee`: the platform gives
    back its application fee (all of it with a full refund, in proportion with a partial one)."""
    params: dict[str, Any] = {
        "payment_intent": payment_intent_id,
        "amount": int(amount_minor),
        "metadata": dict(metadata),
        "refund_application_fee": bool(refund_application_fee),
    }
    if reason:
        params["reason"] = reason
    refund = _call(
        lambda options: _client().v1.refunds.create(params, options),
        account_id=account_id,
        idempotency_key=idempotency_key,
        post=True,
    )
    return _refund_info(refund)


def refund_retrieve(*, account_id: str, refund_id: str) -> RefundInfo:
    """GET /v1/refunds/{id}"""
    refund = _call(
        lambda options: _client().v1.refunds.retrieve(refund_id, None, options),
        account_id=account_id,
        post=False,
    )
    return _refund_info(refund)


def application_fee_for_charge(*, account_id: str, charge_id: str) -> ApplicationFeeInfo | None:
    """The application fee of a direct charge: GET /v1/charges/{id} on the connected account for
    its `application_fee`, then GET /v1/application_fees/{id} as the platform (the fee is the
    platform's object). None when the charge carried no fee."""
    charge = _call(
        lambda options: _client().v1.charges.retrieve(charge_id, None, options),
        account_id=account_id,
        post=False,
    )
    fee_id = _id_of(_dict(charge).get("application_fee"))
    if not fee_id:
        return None
    fee = _call(lambda options: _client().v1.application_fees.retrieve(fee_id, None, options), post=False)
    return _application_fee_info(fee)


def payout_retrieve(*, account_id: str, payout_id: str) -> PayoutInfo:
    """GET /v1/payouts/{id}"""
    payout = _call(
        lambda options: _client().v1.payouts.retrieve(payout_id, None, options),
        account_id=account_id,
        post=False,
    )
    return _payout_info(payout)


def balance_transactions_list(*, account_id: str, payout_id: str) -> list[BalanceTransactionInfo]:
    """GET /v1/balance_transactions?payout=...&limit=100, all pages."""

    def all_pages(options: dict) -> list:
        page = _client().v1.balance_transactions.list({"payout": payout_id, "limit": 100}, options)
        return list(page.auto_paging_iter())

    return [_balance_transaction_info(item) for item in _call(all_pages, account_id=account_id, post=False)]


# --- reports ---------------------------------------------------------------------------------


def report_run_create(
    *, account_id: str, report_type: str, interval_start: int, interval_end: int, idempotency_key: str
) -> ReportRunInfo:
    """POST /v1/reporting/report_runs on the connected account."""
    params = {
        "report_type": report_type,
        "parameters": {"interval_start": int(interval_start), "interval_end": int(interval_end)},
    }
    run = _call(
        lambda options: _client().v1.reporting.report_runs.create(params, options),
        account_id=account_id,
        idempotency_key=idempotency_key,
        post=True,
    )
    return _report_run_info(run)


def report_run_retrieve(*, account_id: str, report_run_id: str) -> ReportRunInfo:
    """GET /v1/reporting/report_runs/{id}"""
    run = _call(
        lambda options: _client().v1.reporting.report_runs.retrieve(report_run_id, None, options),
        account_id=account_id,
        post=False,
    )
    return _report_run_info(run)


def file_download(*, file_url: str) -> bytes:
    """GET a file's contents (a report's `result.url`, on the files host) with our API key.
    Only the path of `file_url` is used, so the download always goes to the configured files host."""
    parts = urlsplit(file_url)
    path = parts.path
    prefix = urlsplit(_base_addresses()["files"]).path.rstrip("/")
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]
    if parts.query:
        path = f"{path}?{parts.query}"
    client = _client()

    def download(options: dict) -> Any:
        body, status, headers = client._requestor.request_raw(
            "get", path, None, options, base_address="files", api_mode="V1", usage=["file_download"]
        )
        if status >= 400:
            # Let the SDK turn the error body into its exception (translated by _call).
            client._requestor._interpret_response(body, status, headers, "V1")
        return body

    body = _call(download, post=False)
    return body if isinstance(body, bytes) else str(body).encode()
