"""`/v1/accounts`, `/v1/account_links`, login links: Connect Express accounts."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING

from .. import operations as ops
from ..core import template
from ..wire import (
    Response,
    bool_param,
    dict_param,
    int_param,
    invalid,
    metadata_param,
    missing,
    new_id,
    not_found,
    str_param,
)
from .common import (
    EMAIL_RE,
    WEEKDAYS,
    created_filter,
    list_response,
    platform_only,
    respond,
    statement_descriptor_check,
    url_param,
)

if TYPE_CHECKING:
    from ..core import Emulator, Request

# ------------------------------------------------------------------ accounts


def _validate_profile(profile: dict) -> None:
    if profile.get("url"):
        url_param(profile, "url", "business_profile[url]")
    if profile.get("support_url"):
        url_param(profile, "support_url", "business_profile[support_url]")
    email = profile.get("support_email")
    if email and not EMAIL_RE.match(email):
        raise invalid(
            "Invalid email address: " + email, param="business_profile[support_email]", code="email_invalid"
        )
    phone = profile.get("support_phone")
    if phone and len(re.sub(r"\D", "", phone)) < 10:
        raise invalid(
            "Invalid phone number: " + phone,
            param="business_profile[support_phone]",
            code="invalid_phone_number",
        )
    if profile.get("mcc") and not re.fullmatch(r"\d{4}", profile["mcc"]):
        raise invalid("Invalid mcc", param="business_profile[mcc]")


def accounts_create(emu: Emulator, req: Request) -> Response:
    platform_only(req, "create connected accounts")
    p = req.form
    account_type = str_param(p, "type")
    controller = dict_param(p, "controller")
    if account_type and account_type not in ("express", "standard", "custom"):
        raise invalid("Invalid type: must be one of custom, express, or standard", param="type")
    if account_type and account_type != "express":
        raise invalid("This sandbox creates Express accounts only.", param="type")
    if not account_type and not controller:
        raise invalid("You must provide either `type` or `controller`.", param="type")
    country = (str_param(p, "country") or "US").upper()
    if country not in ("US", "CA"):
        raise invalid(
            f"Country '{country}' is not supported by this sandbox (US and CA only).", param="country"
        )
    email = str_param(p, "email")
    if email and not EMAIL_RE.match(email):
        raise invalid("Invalid email address: " + email, param="email", code="email_invalid")
    business_type = str_param(p, "business_type")
    if business_type and business_type not in ("company", "individual", "non_profit", "government_entity"):
        raise invalid("Invalid business_type", param="business_type")
    _validate_profile(dict_param(p, "business_profile"))
    capabilities = dict_param(p, "capabilities")
    for name, cap in capabilities.items():
        if (
            not isinstance(cap, dict)
            or bool_param(cap, "requested", label=f"capabilities[{name}][requested]") is None
        ):
            raise missing(f"capabilities[{name}][requested]")
    params = dict(p)
    params["metadata"] = metadata_param(p)
    params["capabilities"] = {k: v for k, v in capabilities.items() if v.get("requested") == "true"} or None
    account = ops.account_build(emu, country=country, email=email, params=params)
    settings_params = dict_param(p, "settings")
    if settings_params:
        _apply_settings(account, settings_params)  # may refuse: nothing is stored yet
    emu.put(account, None)
    emu.private(account["id"])["platform"] = True
    return respond(emu, req, account)


def accounts_list(emu: Emulator, req: Request) -> Response:
    platform_only(req, "list connected accounts")
    accounts = [a for a in emu.objects_of("account", None) if not emu.private(a["id"]).get("deleted")]
    return list_response(emu, req, created_filter(req.query, accounts), "/v1/accounts")


def _account_for(emu: Emulator, req: Request, account_id: str) -> dict:
    account = emu.get("account", account_id, req.account, "account")
    if emu.private(account_id).get("deleted"):
        raise not_found("account", account_id, "account")
    return account


def accounts_retrieve(emu: Emulator, req: Request, account_id: str) -> Response:
    return respond(emu, req, _account_for(emu, req, account_id))


def account_self(emu: Emulator, req: Request) -> Response:
    if not req.account:
        raise invalid("This sandbox has no platform account object; pass Stripe-Account.")
    return respond(emu, req, _account_for(emu, req, req.account))


def _apply_settings(account: dict, settings_params: dict) -> None:
    payments = dict_param(settings_params, "payments", label="settings[payments]")
    descriptor = str_param(payments, "statement_descriptor", label="settings[payments][statement_descriptor]")
    payouts = dict_param(settings_params, "payouts", label="settings[payouts]")
    schedule_params = dict_param(payouts, "schedule", label="settings[payouts][schedule]")
    new_schedule = None
    if schedule_params:
        label = "settings[payouts][schedule]"
        current = account["settings"]["payouts"]["schedule"]
        interval = str_param(schedule_params, "interval", label=f"{label}[interval]") or current["interval"]
        if interval not in ("daily", "weekly", "monthly", "manual"):
            raise invalid(
                f"Invalid {label}[interval]: must be one of daily, manual, monthly, or weekly",
                param=f"{label}[interval]",
            )
        new_schedule = {"delay_days": current.get("delay_days", 2), "interval": interval}
        weekly = str_param(schedule_params, "weekly_anchor", label=f"{label}[weekly_anchor]")
        monthly = int_param(schedule_params, "monthly_anchor", label=f"{label}[monthly_anchor]")
        if interval == "weekly":
            weekly = weekly or current.get("weekly_anchor")
            if not weekly:
                raise missing(f"{label}[weekly_anchor]")
            if weekly not in WEEKDAYS:
                raise invalid(
                    f"Invalid {label}[weekly_anchor]: must be one of {', '.join(WEEKDAYS)}",
                    param=f"{label}[weekly_anchor]",
                )
            new_schedule["weekly_anchor"] = weekly
        elif weekly:
            raise invalid(
                "weekly_anchor can only be set when interval is weekly.", param=f"{label}[weekly_anchor]"
            )
        if interval == "monthly":
            monthly = monthly or current.get("monthly_anchor")
            if not monthly:
                raise missing(f"{label}[monthly_anchor]")
            if not 1 <= monthly <= 31:
                raise invalid(
                    f"Invalid {label}[monthly_anchor]: must be between 1 and 31",
                    param=f"{label}[monthly_anchor]",
                )
            new_schedule["monthly_anchor"] = monthly
        elif monthly:
            raise invalid(
                "monthly_anchor can only be set when interval is monthly.", param=f"{label}[monthly_anchor]"
            )
        delay = schedule_params.get("delay_days")
        if delay == "minimum":
            new_schedule["delay_days"] = 2
        elif delay not in (None, ""):
            days = int_param(schedule_params, "delay_days", label=f"{label}[delay_days]")
            if days < 2:
                raise invalid(
                    "The delay_days cannot be lower than this account's minimum of 2 days.",
                    param=f"{label}[delay_days]",
                )
            if days > 365:
                raise invalid("The delay_days can be at most 365.", param=f"{label}[delay_days]")
            new_schedule["delay_days"] = days
    if descriptor is not None:
        statement_descriptor_check(descriptor, "settings[payments][statement_descriptor]")
    # all valid: apply
    if descriptor is not None:
        account["settings"]["payments"]["statement_descriptor"] = descriptor
    if new_schedule:
        account["settings"]["payouts"]["schedule"] = new_schedule
    prefix = str_param(dict_param(settings_params, "card_payments"), "statement_descriptor_prefix")
    if prefix is not None:
        if not 2 <= len(prefix) <= 10:
            raise invalid(
                "The statement descriptor prefix must be 2-10 characters.",
                param="settings[card_payments][statement_descriptor_prefix]",
            )
        account["settings"]["card_payments"]["statement_descriptor_prefix"] = prefix
    display = str_param(dict_param(settings_params, "dashboard"), "display_name")
    if display is not None:
        account["settings"]["dashboard"]["display_name"] = display


def accounts_update(emu: Emulator, req: Request, account_id: str) -> Response:
    account = _account_for(emu, req, account_id)
    p = req.form
    before = copy.deepcopy(account)
    profile = dict_param(p, "business_profile")
    _validate_profile(profile)
    email = str_param(p, "email")
    if email and not EMAIL_RE.match(email):
        raise invalid("Invalid email address: " + email, param="email", code="email_invalid")
    staged = copy.deepcopy(account)
    settings_params = dict_param(p, "settings")
    if settings_params:
        _apply_settings(staged, settings_params)  # raises before anything changes
    account.clear()
    account.update(staged)
    for key, value in profile.items():
        if key == "support_address" and isinstance(value, dict):
            account["business_profile"]["support_address"].update(value)
        else:
            account["business_profile"][key] = value or None
    if email:
        account["email"] = email
    if "metadata" in p:
        merged = {**account["metadata"], **metadata_param(p)}
        account["metadata"] = {k: v for k, v in merged.items() if (p.get("metadata") or {}).get(k, v) != ""}
    satisfied = [f"business_profile.{k}" for k, v in profile.items() if v]
    if satisfied and set(satisfied) & set(account["requirements"]["currently_due"]):
        ops.account_requirements_satisfy(emu, account, satisfied, before)
    else:
        ops.account_changed(emu, account, before)
    return respond(emu, req, account)


def accounts_delete(emu: Emulator, req: Request, account_id: str) -> Response:
    platform_only(req, "delete accounts")
    _account_for(emu, req, account_id)
    emu.private(account_id)["deleted"] = True
    return Response.json({"id": account_id, "object": "account", "deleted": True})


def login_links_create(emu: Emulator, req: Request, account_id: str) -> Response:
    account = _account_for(emu, req, account_id)
    if account["type"] != "express":
        raise invalid("Login links can only be created for Express accounts.", param="account")
    if not account["details_submitted"]:
        raise invalid(
            "Cannot create a login link for an account that has not completed onboarding.", param="account"
        )
    token = new_id("", 12)
    emu.state["login_links"][token] = account_id
    link = template("login_link")
    link.update({"created": emu.now(), "url": f"{emu.public_url(req)}/express/{account_id}/{token}"})
    return Response.json(link)


def account_links_create(emu: Emulator, req: Request) -> Response:
    platform_only(req, "create account links")
    p = req.form
    account_id = str_param(p, "account", required=True)
    link_type = str_param(p, "type", required=True)
    if link_type not in ("account_onboarding", "account_update"):
        raise invalid("Invalid type: must be one of account_onboarding or account_update", param="type")
    refresh_url = url_param(p, "refresh_url", required=True)
    return_url = url_param(p, "return_url", required=True)
    account = _account_for(emu, req, account_id)
    if link_type == "account_update" and account["type"] == "express":
        raise invalid(
            "You cannot create `account_update` type Account Links for Express accounts.", param="type"
        )
    token = new_id("", 32)
    now = emu.now()
    emu.state["account_links"][token] = {
        "account": account_id,
        "refresh_url": refresh_url,
        "return_url": return_url,
        "expires_at": now + 300,
        "used": False,
    }
    link = template("account_link")
    link.update({"created": now, "expires_at": now + 300, "url": f"{emu.public_url(req)}/setup/{token}"})
    return Response.json(link)
