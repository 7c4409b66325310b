"""Account state: creation, requirements, onboarding steps."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from ..core import template
from ..wire import new_id
from .payouts import TEST_BANK_ACCOUNTS

if TYPE_CHECKING:
    from ..core import Emulator

BUSINESS_REQUIREMENTS = [
    "business_profile.mcc",
    "business_profile.product_description",
    "business_profile.url",
    "business_type",
    "representative.dob.day",
    "representative.dob.month",
    "representative.dob.year",
    "representative.first_name",
    "representative.last_name",
]
BANK_REQUIREMENTS = ["external_account"]
TOS_REQUIREMENTS = ["tos_acceptance.date", "tos_acceptance.ip"]
ID_REQUIREMENT = {"US": "representative.ssn_last_4", "CA": "representative.id_number"}
DEFAULT_CURRENCY = {"US": "usd", "CA": "cad"}

TEST_ROUTING = {"US": {"110000000"}, "CA": {"11000-000", "11000000"}}


# ------------------------------------------------------------------ accounts
def account_build(emu: Emulator, *, country: str, email: str | None, params: dict) -> dict:
    acct = template("account")
    account_id = new_id("acct_1", 15)
    profile = acct["business_profile"]
    for key, value in (params.get("business_profile") or {}).items():
        if key == "support_address" and isinstance(value, dict):
            profile["support_address"].update(value)
        elif key in profile and isinstance(value, str):
            profile[key] = value or None
    due = BUSINESS_REQUIREMENTS + [ID_REQUIREMENT.get(country, "representative.id_number")]
    due += BANK_REQUIREMENTS + TOS_REQUIREMENTS
    if profile.get("url"):
        due.remove("business_profile.url")
    if profile.get("mcc"):
        due.remove("business_profile.mcc")
    if profile.get("product_description"):
        due.remove("business_profile.product_description")
    if params.get("business_type"):
        due.remove("business_type")
    due.sort()
    acct.update(
        {
            "id": account_id,
            "type": "express",
            "controller": {
                "fees": {"payer": "application"},
                "is_controller": True,
                "losses": {"payments": "application"},
                "requirement_collection": "stripe",
                "stripe_dashboard": {"type": "express"},
                "type": "application",
            },
            "country": country,
            "email": email,
            "created": emu.now(),
            "default_currency": DEFAULT_CURRENCY.get(country, "usd"),
            "business_type": params.get("business_type") or None,
            "capabilities": {
                name: "inactive"
                for name in (params.get("capabilities") or {"card_payments": 1, "transfers": 1})
            },
            "charges_enabled": False,
            "payouts_enabled": False,
            "details_submitted": False,
            "metadata": params.get("metadata") or {},
            "external_accounts": {
                "data": [],
                "has_more": False,
                "object": "list",
                "total_count": 0,
                "url": f"/v1/accounts/{account_id}/external_accounts",
            },
            "tos_acceptance": {"date": None, "ip": None, "user_agent": None},
        }
    )
    acct["requirements"].update(
        {
            "currently_due": list(due),
            "eventually_due": list(due),
            "past_due": list(due),
            "disabled_reason": "requirements.past_due",
        }
    )
    acct["future_requirements"].update({"currently_due": [], "eventually_due": []})
    acct["settings"]["payouts"]["schedule"] = {"delay_days": 2, "interval": "daily"}
    acct["settings"]["dashboard"]["display_name"] = profile.get("name")
    if profile.get("name"):
        acct["settings"]["payments"]["statement_descriptor"] = _descriptor_from(profile["name"])
    return acct


def _descriptor_from(name: str) -> str | None:
    cleaned = "".join(ch for ch in name.upper() if ch not in "<>\\'\"*")[:22].strip()
    return cleaned if len(cleaned) >= 5 and any(c.isalpha() for c in cleaned) else None


def account_requirements_satisfy(
    emu: Emulator, account: dict, satisfied: list[str], before: dict | None = None
) -> dict:
    """Remove `satisfied` from the requirements; enable the account when nothing is left.
    Emits one account.updated (changes since `before`, default: since now)."""
    before = before or copy.deepcopy(account)
    req = account["requirements"]
    for key in ("currently_due", "eventually_due", "past_due"):
        req[key] = [item for item in req[key] if item not in satisfied]
    if not req["currently_due"]:
        req["disabled_reason"] = None
        account["charges_enabled"] = True
        account["payouts_enabled"] = True
        account["capabilities"] = {name: "active" for name in account["capabilities"]}
    elif req["currently_due"] == ["external_account"] or not [
        item for item in req["currently_due"] if not item.startswith("tos_acceptance")
    ]:
        req["disabled_reason"] = "requirements.past_due"
    return account_changed(emu, account, before)


def account_changed(emu: Emulator, account: dict, before: dict) -> dict:
    previous = {k: before[k] for k in before if before[k] != account.get(k)}
    if previous:
        emu.emit("account.updated", account, account["id"], previous)
    return account


def onboarding_business(emu: Emulator, account: dict, data: dict) -> dict:
    before = copy.deepcopy(account)
    profile = account["business_profile"]
    profile["name"] = data["business_name"]
    profile["url"] = data["url"]
    profile["mcc"] = data.get("mcc") or "5511"
    profile["product_description"] = data["product_description"]
    if data.get("support_phone"):
        profile["support_phone"] = data["support_phone"]
    account["business_type"] = data.get("business_type") or "company"
    if not account["settings"]["dashboard"]["display_name"]:
        account["settings"]["dashboard"]["display_name"] = data["business_name"]
    if not account["settings"]["payments"]["statement_descriptor"]:
        account["settings"]["payments"]["statement_descriptor"] = _descriptor_from(data["business_name"])
    emu.private(account["id"])["representative"] = {
        "first_name": data["first_name"],
        "last_name": data["last_name"],
    }
    return account_requirements_satisfy(
        emu, account, BUSINESS_REQUIREMENTS + list(ID_REQUIREMENT.values()), before
    )


def onboarding_bank(emu: Emulator, account: dict, *, routing_number: str, account_number: str) -> dict:
    before = copy.deepcopy(account)
    bank = {
        "id": new_id("ba_1", 23),
        "object": "bank_account",
        "account": account["id"],
        "account_holder_name": None,
        "account_holder_type": None,
        "bank_name": "STRIPE TEST BANK",
        "country": account["country"],
        "currency": account["default_currency"],
        "default_for_currency": True,
        "fingerprint": new_id("", 16),
        "last4": account_number[-4:],
        "metadata": {},
        "routing_number": routing_number,
        "status": "new",
    }
    account["external_accounts"]["data"] = [bank]
    account["external_accounts"]["total_count"] = 1
    emu.private(account["id"])["payout_failure"] = TEST_BANK_ACCOUNTS.get(account_number)
    return account_requirements_satisfy(emu, account, BANK_REQUIREMENTS, before)


def onboarding_submit(emu: Emulator, account: dict, *, ip: str, user_agent: str | None) -> dict:
    before = copy.deepcopy(account)
    account["tos_acceptance"] = {"date": emu.now(), "ip": ip, "user_agent": user_agent}
    account["details_submitted"] = True
    return account_requirements_satisfy(emu, account, TOS_REQUIREMENTS, before)


def onboarding_complete(emu: Emulator, account: dict) -> dict:
    """Every onboarding step at once, with test data (control endpoint)."""
    due = set(account["requirements"]["currently_due"])
    if due & set(BUSINESS_REQUIREMENTS + list(ID_REQUIREMENT.values())):
        profile = account["business_profile"]
        onboarding_business(
            emu,
            account,
            {
                "business_name": profile.get("name") or "Sandbox Business",
                "url": profile.get("url") or "https://example.com",
                "product_description": profile.get("product_description") or "Vehicle sales and service",
                "first_name": "Jenny",
                "last_name": "Rosen",
            },
        )
    if "external_account" in due:
        onboarding_bank(emu, account, routing_number="110000000", account_number="000123456789")
    if not account["details_submitted"] or account["requirements"]["currently_due"]:
        onboarding_submit(emu, account, ip="127.0.0.1", user_agent="stripe-sandbox")
    return account
