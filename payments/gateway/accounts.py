"""Connect Express accounts: create, retrieve, update, onboarding links, Express dashboard links."""

from __future__ import annotations

from typing import Any

from payments.gateway.client import _call, _client, _currency, _dict, _without_blanks
from payments.gateway.types import (
    AccountInfo,
    PayoutSchedule,
)


def _payout_schedule(data: dict) -> PayoutSchedule | None:
    schedule = ((data.get("settings") or {}).get("payouts") or {}).get("schedule")
    if not schedule:
        return None
    return PayoutSchedule(
        interval=schedule.get("interval") or "",
        weekly_anchor=schedule.get("weekly_anchor") or "",
        monthly_anchor=schedule.get("monthly_anchor"),
        delay_days=schedule.get("delay_days"),
    )


def _account_info(obj: Any) -> AccountInfo:
    data = _dict(obj)
    requirements = data.get("requirements") or {}
    payments_settings = (data.get("settings") or {}).get("payments") or {}
    business_profile = data.get("business_profile") or {}
    return AccountInfo(
        id=data["id"],
        country=data.get("country") or "",
        default_currency=_currency(data.get("default_currency")),
        charges_enabled=bool(data.get("charges_enabled")),
        payouts_enabled=bool(data.get("payouts_enabled")),
        details_submitted=bool(data.get("details_submitted")),
        requirements_currently_due=tuple(requirements.get("currently_due") or ()),
        disabled_reason=requirements.get("disabled_reason") or "",
        payout_schedule=_payout_schedule(data),
        statement_descriptor=payments_settings.get("statement_descriptor") or "",
        business_name=business_profile.get("name") or "",
    )


# --- accounts (Connect Express) --------------------------------------------------------------


def account_create(
    *,
    country: str,
    email: str,
    business_name: str,
    business_url: str,
    support_phone: str,
    support_email: str,
    address: dict,
    idempotency_key: str,
) -> AccountInfo:
    """POST /v1/accounts: an Express account with card payments and transfers requested and the
    organization's business details prefilled (blank values are left out)."""
    address = _without_blanks(address or {})
    params = {
        "type": "express",
        "country": country,
        "email": email,
        "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
        "business_profile": _without_blanks(
            {
                "name": business_name,
                "url": business_url,
                "support_phone": support_phone,
                "support_email": support_email,
                "support_address": address,
            }
        ),
        "company": _without_blanks({"name": business_name, "address": address, "phone": support_phone}),
    }
    account = _call(
        lambda options: _client().v1.accounts.create(_without_blanks(params), options),
        idempotency_key=idempotency_key,
        post=True,
    )
    return _account_info(account)


def account_from_event(*, data_object: dict) -> AccountInfo:
    """The account snapshot inside an `account.updated` event, as our type (no call)."""
    return _account_info(data_object)


def account_retrieve(*, account_id: str) -> AccountInfo:
    """GET /v1/accounts/{id}"""
    account = _call(lambda options: _client().v1.accounts.retrieve(account_id, None, options), post=False)
    return _account_info(account)


def account_update(
    *,
    account_id: str,
    payout_schedule: PayoutSchedule | None = None,
    statement_descriptor: str | None = None,
) -> AccountInfo:
    """POST /v1/accounts/{id}: settings[payouts][schedule][...] and/or
    settings[payments][statement_descriptor]."""
    account_settings: dict[str, Any] = {}
    if payout_schedule is not None:
        schedule: dict[str, Any] = {"interval": payout_schedule.interval}
        if payout_schedule.interval == "weekly":
            schedule["weekly_anchor"] = payout_schedule.weekly_anchor
        if payout_schedule.interval == "monthly":
            schedule["monthly_anchor"] = payout_schedule.monthly_anchor
        if payout_schedule.delay_days is not None and payout_schedule.interval != "manual":
            schedule["delay_days"] = payout_schedule.delay_days
        account_settings["payouts"] = {"schedule": schedule}
    if statement_descriptor is not None:
        account_settings["payments"] = {"statement_descriptor": statement_descriptor}
    account = _call(
        lambda options: _client().v1.accounts.update(account_id, {"settings": account_settings}, options),
        post=True,
    )
    return _account_info(account)


def account_link_create(*, account_id: str, refresh_url: str, return_url: str) -> str:
    """POST /v1/account_links (type=account_onboarding). Links are single-use and short-lived,
    so a fresh one is made every time."""
    params = {
        "account": account_id,
        "refresh_url": refresh_url,
        "return_url": return_url,
        "type": "account_onboarding",
    }
    link = _call(lambda options: _client().v1.account_links.create(params, options), post=True)
    return _dict(link)["url"]


def login_link_create(*, account_id: str) -> str:
    """POST /v1/accounts/{id}/login_links: a one-time link into the Express dashboard."""
    link = _call(
        lambda options: _client().v1.accounts.login_links.create(account_id, None, options), post=True
    )
    return _dict(link)["url"]
