"""`/v1/...` endpoints: parameters validated the way Stripe validates them, objects shaped like Stripe's."""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from . import operations as ops
from .core import template
from .wire import (
    Response,
    StripeErrorResponse,
    bool_param,
    check_known,
    dict_param,
    int_param,
    invalid,
    metadata_param,
    missing,
    new_id,
    not_found,
    str_param,
)

if TYPE_CHECKING:
    from .core import Emulator, Request

MAX_AMOUNT = 99_999_999
CURRENCIES = ("usd", "cad")
MIN_CHARGE = {"usd": 50, "cad": 50}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
PAYMENT_METHOD_TYPES = {
    "card",
    "afterpay_clearpay",
    "link",
    "us_bank_account",
    "acss_debit",
    "affirm",
    "klarna",
}
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SESSION_MIN_LIFETIME = 30 * 60
SESSION_MAX_LIFETIME = 24 * 60 * 60


# ------------------------------------------------------------------ helpers
def _url_param(params: dict, name: str, label: str | None = None, required: bool = False) -> str | None:
    value = str_param(params, name, label=label or name, required=required)
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise invalid("Not a valid URL", param=label or name, code="url_invalid")
    return value


def statement_descriptor_check(value: str, param: str) -> str:
    if not 5 <= len(value) <= 22:
        raise invalid(
            "The statement descriptor must be at least 5 characters and at most 22 characters.", param=param
        )
    if not any(ch.isalpha() for ch in value):
        raise invalid("The statement descriptor must contain at least one letter.", param=param)
    bad = sorted({ch for ch in value if ch in "<>\\'\"*"})
    if bad:
        raise invalid(
            "The statement descriptor cannot contain any of the special characters < > \\ ' \" * "
            f"(found {' '.join(bad)}).",
            param=param,
        )
    if not value.isascii():
        raise invalid("The statement descriptor must contain only Latin characters.", param=param)
    return value


def expand(emu: Emulator, obj: dict, paths: list[str], account: str | None) -> dict:
    obj = copy.deepcopy(obj)
    for path in paths:
        _expand_path(emu, obj, path.split("."), account, path)
    return obj


def _expand_path(emu: Emulator, node: dict, parts: list[str], account: str | None, full: str) -> None:
    key, rest = parts[0], parts[1:]
    if key == "data" and isinstance(node.get("data"), list):
        for item in node["data"]:
            if rest:
                _expand_path(emu, item, rest, account, full)
        return
    if not isinstance(node, dict) or key not in node:
        raise invalid(f"This property cannot be expanded ({full}).", param="expand")
    value = node[key]
    if isinstance(value, str):
        target = emu.find(value)
        visible = target is not None and (
            target.get("object") == "account" or emu.state["owners"].get(value) == (account or "")
        )
        if not visible:
            raise invalid(f"This property cannot be expanded ({full}).", param="expand")
        value = node[key] = copy.deepcopy(target)
    elif value is not None and not isinstance(value, dict):
        raise invalid(f"This property cannot be expanded ({full}).", param="expand")
    if rest and isinstance(value, dict):
        _expand_path(emu, value, rest, account, full)


def expand_list(req: Request) -> list[str]:
    raw = req.params.get("expand")
    if raw in (None, ""):
        return []
    if isinstance(raw, str):
        return [raw]
    if not isinstance(raw, list):
        raise invalid("Invalid array", param="expand")
    return raw


def respond(emu: Emulator, req: Request, obj: dict, status: int = 200) -> Response:
    return Response.json(expand(emu, obj, expand_list(req), req.account), status)


def list_response(emu: Emulator, req: Request, objs: list[dict], url: str) -> Response:
    q = req.query
    limit = int_param(q, "limit")
    limit = 10 if limit is None else limit
    if not 1 <= limit <= 100:
        raise invalid("Invalid limit: must be between 1 and 100", param="limit")
    ordered = list(reversed(objs))  # newest first
    after = str_param(q, "starting_after")
    before = str_param(q, "ending_before")
    ids = [o["id"] for o in ordered]
    if after:
        if after not in ids:
            raise invalid(f"No such object: '{after}'", param="starting_after", code="resource_missing")
        ordered = ordered[ids.index(after) + 1 :]
    elif before:
        if before not in ids:
            raise invalid(f"No such object: '{before}'", param="ending_before", code="resource_missing")
        ordered = ordered[: ids.index(before)][-limit:]
    page = ordered[:limit]
    paths = [p[len("data.") :] for p in expand_list(req) if p.startswith("data.")]
    data = [expand(emu, o, paths, req.account) for o in page]
    return Response.json({"object": "list", "data": data, "has_more": len(ordered) > limit, "url": url})


def _created_filter(q: dict, objs: list[dict]) -> list[dict]:
    created = q.get("created")
    if created in (None, ""):
        return objs
    if isinstance(created, str):
        value = int_param(q, "created")
        return [o for o in objs if o["created"] == value]
    if not isinstance(created, dict):
        raise invalid("Invalid created filter", param="created")
    checks = {"gt": int.__gt__, "gte": int.__ge__, "lt": int.__lt__, "lte": int.__le__}
    for op in created:
        if op not in checks:
            raise invalid(f"Received unknown parameter: created[{op}]", param=f"created[{op}]")
        bound = int_param(created, op, label=f"created[{op}]")
        objs = [o for o in objs if checks[op](o["created"], bound)]
    return objs


def _platform_only(req: Request, what: str) -> None:
    if req.account:
        raise StripeErrorResponse(
            400, f"You cannot {what} with the Stripe-Account header (use your platform's key without it)."
        )


# ------------------------------------------------------------------ accounts
ACCOUNT_CREATE_PARAMS = {
    "type",
    "controller",
    "country",
    "email",
    "business_type",
    "business_profile",
    "capabilities",
    "company",
    "individual",
    "metadata",
    "settings",
    "tos_acceptance",
    "default_currency",
    "expand",
    "external_account",
}
PROFILE_FIELDS = {
    "name",
    "url",
    "support_phone",
    "support_email",
    "support_url",
    "support_address",
    "mcc",
    "product_description",
}


def _validate_profile(profile: dict) -> None:
    for key in profile:
        if key not in PROFILE_FIELDS:
            raise invalid(
                f"Received unknown parameter: business_profile[{key}]", param=f"business_profile[{key}]"
            )
    if profile.get("url"):
        _url_param(profile, "url", "business_profile[url]")
    if profile.get("support_url"):
        _url_param(profile, "support_url", "business_profile[support_url]")
    email = profile.get("support_email")
    if email and not _EMAIL.match(email):
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
    _platform_only(req, "create connected accounts")
    p = req.form
    check_known(p, ACCOUNT_CREATE_PARAMS)
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
    if email and not _EMAIL.match(email):
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
    _platform_only(req, "list connected accounts")
    accounts = [a for a in emu.objects_of("account", None) if not emu.private(a["id"]).get("deleted")]
    return list_response(emu, req, _created_filter(req.query, accounts), "/v1/accounts")


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
    for section in settings_params:
        if section not in ("payouts", "payments", "card_payments", "dashboard", "branding"):
            raise invalid(f"Received unknown parameter: settings[{section}]", param=f"settings[{section}]")
    payments = dict_param(settings_params, "payments", label="settings[payments]")
    descriptor = str_param(payments, "statement_descriptor", label="settings[payments][statement_descriptor]")
    payouts = dict_param(settings_params, "payouts", label="settings[payouts]")
    schedule_params = dict_param(payouts, "schedule", label="settings[payouts][schedule]")
    new_schedule = None
    if schedule_params:
        label = "settings[payouts][schedule]"
        for key in schedule_params:
            if key not in ("interval", "weekly_anchor", "monthly_anchor", "delay_days"):
                raise invalid(f"Received unknown parameter: {label}[{key}]", param=f"{label}[{key}]")
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
    check_known(
        p, {"business_profile", "settings", "email", "metadata", "expand", "capabilities", "business_type"}
    )
    before = copy.deepcopy(account)
    profile = dict_param(p, "business_profile")
    _validate_profile(profile)
    email = str_param(p, "email")
    if email and not _EMAIL.match(email):
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
    _platform_only(req, "delete accounts")
    _account_for(emu, req, account_id)
    emu.private(account_id)["deleted"] = True
    return Response.json({"id": account_id, "object": "account", "deleted": True})


def login_links_create(emu: Emulator, req: Request, account_id: str) -> Response:
    account = _account_for(emu, req, account_id)
    check_known(req.form, {"expand"})
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
    _platform_only(req, "create account links")
    p = req.form
    check_known(
        p, {"account", "refresh_url", "return_url", "type", "collect", "collection_options", "expand"}
    )
    account_id = str_param(p, "account", required=True)
    link_type = str_param(p, "type", required=True)
    if link_type not in ("account_onboarding", "account_update"):
        raise invalid("Invalid type: must be one of account_onboarding or account_update", param="type")
    refresh_url = _url_param(p, "refresh_url", required=True)
    return_url = _url_param(p, "return_url", required=True)
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


# ------------------------------------------------------------------ checkout
SESSION_PARAMS = {
    "mode",
    "line_items",
    "payment_intent_data",
    "payment_method_types",
    "expires_at",
    "success_url",
    "cancel_url",
    "metadata",
    "customer_email",
    "client_reference_id",
    "locale",
    "submit_type",
    "expand",
    "custom_text",
    "billing_address_collection",
    "phone_number_collection",
    "ui_mode",
    "currency",
    "payment_method_options",
    "after_expiration",
    "customer_creation",
    "invoice_creation",
    "allow_promotion_codes",
    "automatic_tax",
    "consent_collection",
}
PID_PARAMS = {
    "application_fee_amount",
    "description",
    "metadata",
    "statement_descriptor",
    "statement_descriptor_suffix",
    "receipt_email",
    "capture_method",
    "setup_future_usage",
}


def _line_items(p: dict) -> tuple[list[dict], str, int]:
    items = p.get("line_items")
    if items in (None, ""):
        raise missing("line_items")
    if not isinstance(items, list) or not items:
        raise invalid("Invalid array", param="line_items")
    if len(items) > 100:
        raise invalid("You can have at most 100 line items.", param="line_items")
    parsed, currency, total = [], None, 0
    for i, item in enumerate(items):
        label = f"line_items[{i}]"
        if not isinstance(item, dict):
            raise invalid("Invalid object", param=label)
        if item.get("price"):
            raise invalid(
                f"No such price: '{item['price']}'", param=f"{label}[price]", code="resource_missing"
            )
        price_data = item.get("price_data")
        if not isinstance(price_data, dict):
            raise invalid(
                f"You must specify either `price` or `price_data` in {label}.", param=f"{label}[price_data]"
            )
        cur = str_param(price_data, "currency", label=f"{label}[price_data][currency]", required=True).lower()
        if cur not in CURRENCIES:
            raise invalid(
                f"Invalid currency: {cur}. This sandbox supports usd and cad.",
                param=f"{label}[price_data][currency]",
            )
        if currency and cur != currency:
            raise invalid(
                "All line items must use the same currency.", param=f"{label}[price_data][currency]"
            )
        currency = cur
        unit = int_param(price_data, "unit_amount", label=f"{label}[price_data][unit_amount]", required=True)
        if unit < 0:
            raise invalid(
                "This value must be greater than or equal to 0.", param=f"{label}[price_data][unit_amount]"
            )
        if unit > MAX_AMOUNT:
            raise invalid(
                f"This value must be less than or equal to {MAX_AMOUNT} (it currently is '{unit}').",
                param=f"{label}[price_data][unit_amount]",
            )
        product_data = price_data.get("product_data")
        if not isinstance(product_data, dict):
            raise missing(f"{label}[price_data][product_data]")
        name = str_param(
            product_data, "name", label=f"{label}[price_data][product_data][name]", required=True
        )
        quantity = int_param(item, "quantity", label=f"{label}[quantity]", required=True)
        if quantity < 1:
            raise invalid("This value must be greater than or equal to 1.", param=f"{label}[quantity]")
        total += unit * quantity
        parsed.append(
            {
                "name": name,
                "description": product_data.get("description") or None,
                "unit_amount": unit,
                "quantity": quantity,
                "currency": cur,
            }
        )
    if total > MAX_AMOUNT:
        raise invalid(f"The total amount must be no more than {MAX_AMOUNT}.", param="line_items")
    return parsed, currency, total


def checkout_sessions_create(emu: Emulator, req: Request) -> Response:
    p = req.form
    check_known(p, SESSION_PARAMS)
    mode = str_param(p, "mode", required=True)
    if mode not in ("payment", "setup", "subscription"):
        raise invalid("Invalid mode: must be one of payment, setup, or subscription", param="mode")
    if mode != "payment":
        raise invalid("This sandbox supports mode=payment only.", param="mode")
    ui_mode = str_param(p, "ui_mode") or "hosted"
    if ui_mode != "hosted":
        raise invalid("This sandbox supports ui_mode=hosted only.", param="ui_mode")
    success_url = _url_param(p, "success_url", required=True)
    cancel_url = _url_param(p, "cancel_url")
    items, currency, total = _line_items(p)
    if total < MIN_CHARGE[currency]:
        raise invalid(
            f"The Checkout Session's total amount due must add up to at least $0.50 {currency}",
            param="line_items",
        )
    raw_types = p.get("payment_method_types")
    if raw_types in (None, ""):
        types = ["card"]
    elif isinstance(raw_types, list):
        types = raw_types
    else:
        raise invalid("Invalid array", param="payment_method_types")
    for i, kind in enumerate(types):
        if kind not in PAYMENT_METHOD_TYPES:
            raise invalid(f"Invalid payment_method_types[{i}]: {kind}", param=f"payment_method_types[{i}]")
        if kind not in ("card", "afterpay_clearpay"):
            raise invalid(
                f"The payment method type `{kind}` is not supported by this sandbox.",
                param=f"payment_method_types[{i}]",
            )
    pid = dict_param(p, "payment_intent_data")
    for key in pid:
        if key not in PID_PARAMS:
            raise invalid(
                f"Received unknown parameter: payment_intent_data[{key}]", param=f"payment_intent_data[{key}]"
            )
    fee = int_param(pid, "application_fee_amount", label="payment_intent_data[application_fee_amount]")
    if fee is not None:
        if not req.account:
            raise invalid(
                "Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment "
                "(using an OAuth key or Stripe-Account header) or destination payment (using "
                "`transfer_data[destination]`).",
                param="payment_intent_data[application_fee_amount]",
            )
        if fee < 0:
            raise invalid(
                "This value must be greater than or equal to 0.",
                param="payment_intent_data[application_fee_amount]",
            )
        if fee > total:
            raise invalid(
                "The application fee amount cannot be greater than the amount of the payment.",
                param="payment_intent_data[application_fee_amount]",
            )
    for key in ("statement_descriptor", "statement_descriptor_suffix"):
        value = str_param(pid, key, label=f"payment_intent_data[{key}]")
        if value:
            if key == "statement_descriptor":
                raise invalid(
                    "The `statement_descriptor` parameter is not supported for card payments; use "
                    "`statement_descriptor_suffix` instead.",
                    param="payment_intent_data[statement_descriptor]",
                )
            if len(value) > 22 or any(ch in "<>\\'\"*" for ch in value):
                raise invalid("Invalid statement descriptor suffix.", param=f"payment_intent_data[{key}]")
    now = emu.now()
    expires_at = int_param(p, "expires_at")
    if expires_at is None:
        expires_at = now + SESSION_MAX_LIFETIME
    elif expires_at < now + SESSION_MIN_LIFETIME:
        raise invalid(
            "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
            param="expires_at",
        )
    elif expires_at > now + SESSION_MAX_LIFETIME:
        raise invalid(
            "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
            param="expires_at",
        )
    customer_email = str_param(p, "customer_email")
    if customer_email and not _EMAIL.match(customer_email):
        raise invalid(
            f"Invalid email address: {customer_email}", param="customer_email", code="email_invalid"
        )
    metadata = metadata_param(p)
    pid_metadata = metadata_param(pid, "metadata", "payment_intent_data[metadata]")
    if req.account:
        account = emu.find(req.account)
        if not account["charges_enabled"]:
            raise invalid(
                "Your destination account needs to have at least one of the following capabilities enabled: "
                "transfers, card_payments (charges_enabled is false: onboarding is not complete).",
            )
    session = template("checkout.session")
    session_id = "cs_test_a1" + new_id("", 56)
    session.update(
        {
            "id": session_id,
            "after_expiration": None,
            "allow_promotion_codes": None,
            "amount_subtotal": total,
            "amount_total": total,
            "automatic_tax": {"enabled": False, "liability": None, "status": None, "provider": None},
            "cancel_url": cancel_url,
            "client_reference_id": str_param(p, "client_reference_id"),
            "collected_information": None,
            "consent": None,
            "consent_collection": None,
            "created": now,
            "currency": currency,
            "currency_conversion": None,
            "custom_text": {
                "after_submit": None,
                "shipping_address": None,
                "submit": None,
                "terms_of_service_acceptance": None,
            },
            "customer_creation": "if_required",
            "customer_details": None,
            "customer_email": customer_email,
            "expires_at": expires_at,
            "invoice_creation": {
                "enabled": False,
                "invoice_data": template("checkout.session")["invoice_creation"]["invoice_data"],
            },
            "locale": str_param(p, "locale"),
            "metadata": metadata,
            "mode": "payment",
            "payment_intent": None,
            "payment_method_configuration_details": None,
            "payment_method_options": {},
            "payment_method_types": types,
            "payment_status": "unpaid",
            "shipping_address_collection": None,
            "shipping_cost": None,
            "status": "open",
            "submit_type": str_param(p, "submit_type"),
            "success_url": success_url,
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted",
            "url": f"{emu.public_url(req)}/pay/{session_id}",
            "adaptive_pricing": {"enabled": False},
            "managed_payments": {"enabled": False},
        }
    )
    emu.put(session, req.account)
    emu.private(session_id).update(
        {
            "line_items": items,
            "payment_intent_data": {
                "application_fee_amount": fee,
                "description": str_param(pid, "description", label="payment_intent_data[description]"),
                "metadata": pid_metadata,
                "statement_descriptor_suffix": str_param(pid, "statement_descriptor_suffix"),
            },
        }
    )
    return respond(emu, req, session)


def checkout_sessions_retrieve(emu: Emulator, req: Request, session_id: str) -> Response:
    return respond(emu, req, emu.get("checkout.session", session_id, req.account, "session"))


def checkout_sessions_list(emu: Emulator, req: Request) -> Response:
    sessions = emu.objects_of("checkout.session", req.account)
    pi = str_param(req.query, "payment_intent")
    if pi:
        sessions = [s for s in sessions if s.get("payment_intent") == pi]
    status = str_param(req.query, "status")
    if status:
        sessions = [s for s in sessions if s["status"] == status]
    return list_response(emu, req, _created_filter(req.query, sessions), "/v1/checkout/sessions")


def checkout_session_line_items(emu: Emulator, req: Request, session_id: str) -> Response:
    session = emu.get("checkout.session", session_id, req.account, "session")
    data = []
    for i, item in enumerate(emu.private(session_id).get("line_items", [])):
        amount = item["unit_amount"] * item["quantity"]
        data.append(
            {
                "id": f"li_{session_id[-20:]}{i}",
                "object": "item",
                "amount_discount": 0,
                "amount_subtotal": amount,
                "amount_tax": 0,
                "amount_total": amount,
                "currency": session["currency"],
                "description": item["name"],
                "price": None,
                "quantity": item["quantity"],
            }
        )
    return Response.json(
        {
            "object": "list",
            "data": data,
            "has_more": False,
            "url": f"/v1/checkout/sessions/{session_id}/line_items",
        }
    )


def checkout_sessions_expire(emu: Emulator, req: Request, session_id: str) -> Response:
    session = emu.get("checkout.session", session_id, req.account, "session")
    if session["status"] != "open":
        raise invalid(
            f'Only Checkout Sessions with a status in ["open"] can be expired (this one is {session["status"]}).',
            param="session",
        )
    ops.checkout_expire(emu, session)
    return respond(emu, req, session)


# ------------------------------------------------------------------ payments
def _retrieve(kind: str, param: str):
    def handler(emu: Emulator, req: Request, object_id: str) -> Response:
        return respond(emu, req, emu.get(kind, object_id, req.account, param))

    handler.__name__ = f"{kind.replace('.', '_')}_retrieve"
    return handler


def _list(kind: str, url: str, filters: tuple[str, ...] = ()):
    def handler(emu: Emulator, req: Request) -> Response:
        objs = emu.objects_of(kind, req.account)
        for name in filters:
            value = str_param(req.query, name)
            if value:
                objs = [o for o in objs if o.get(name) == value]
        return list_response(emu, req, _created_filter(req.query, objs), url)

    handler.__name__ = f"{kind.replace('.', '_')}_list"
    return handler


def refunds_create(emu: Emulator, req: Request) -> Response:
    p = req.form
    check_known(
        p,
        {
            "payment_intent",
            "charge",
            "amount",
            "reason",
            "metadata",
            "expand",
            "refund_application_fee",
            "reverse_transfer",
            "instructions_email",
        },
    )
    pi_id = str_param(p, "payment_intent")
    charge_id = str_param(p, "charge")
    if not pi_id and not charge_id:
        raise invalid(
            "One of the following params should be provided for this request: payment_intent or charge."
        )
    amount = int_param(p, "amount")
    if amount is not None and amount > MAX_AMOUNT:
        raise invalid(f"This value must be less than or equal to {MAX_AMOUNT}.", param="amount")
    reason = str_param(p, "reason")
    if reason and reason not in REFUND_REASONS:
        raise invalid(
            "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer", param="reason"
        )
    metadata = metadata_param(p)
    if pi_id:
        intent = emu.get("payment_intent", pi_id, req.account, "payment_intent")
        if intent["status"] != "succeeded" or not intent["latest_charge"]:
            raise invalid(
                f"This PaymentIntent ({pi_id}) does not have a successful charge to refund.",
                param="payment_intent",
            )
        charge = emu.find(intent["latest_charge"])
        if charge_id and charge_id != charge["id"]:
            raise invalid("The charge does not belong to this PaymentIntent.", param="charge")
    else:
        charge = emu.get("charge", charge_id, req.account, "charge")
    refund = ops.refund_create(
        emu, account=req.account, charge=charge, amount=amount, reason=reason, metadata=metadata
    )
    return respond(emu, req, refund)


def refunds_update(emu: Emulator, req: Request, object_id: str) -> Response:
    refund = emu.get("refund", object_id, req.account, "refund")
    check_known(req.form, {"metadata", "expand"})
    if "metadata" in req.form:
        previous = {"metadata": dict(refund["metadata"])}
        refund["metadata"] = {**refund["metadata"], **metadata_param(req.form)}
        if refund["metadata"] != previous["metadata"]:
            emu.emit("refund.updated", refund, req.account, previous)
    return respond(emu, req, refund)


def balance_transactions_list(emu: Emulator, req: Request) -> Response:
    objs = emu.objects_of("balance_transaction", req.account)
    payout_id = str_param(req.query, "payout")
    if payout_id:
        payout = emu.get("payout", payout_id, req.account, "payout")
        swept = set(emu.private(payout["id"]).get("swept", []))
        objs = [o for o in objs if o["id"] in swept]
    for name in ("type", "source", "currency"):
        value = str_param(req.query, name)
        if value:
            objs = [o for o in objs if o.get(name) == value]
    return list_response(emu, req, _created_filter(req.query, objs), "/v1/balance_transactions")


def balance_retrieve(emu: Emulator, req: Request) -> Response:
    currencies = {t["currency"] for t in emu.objects_of("balance_transaction", req.account)}
    if req.account:
        currencies.add(emu.find(req.account)["default_currency"])
    amounts = [
        {
            "amount": ops.available_balance(emu, req.account, cur),
            "currency": cur,
            "source_types": {"card": ops.available_balance(emu, req.account, cur)},
        }
        for cur in sorted(currencies or {"usd"})
    ]
    return Response.json(
        {
            "object": "balance",
            "available": amounts,
            "livemode": False,
            "pending": [
                {"amount": 0, "currency": a["currency"], "source_types": {"card": 0}} for a in amounts
            ],
        }
    )


# ------------------------------------------------------------------ reports & files
def report_runs_create(emu: Emulator, req: Request) -> Response:
    p = req.form
    check_known(p, {"report_type", "parameters", "expand"})
    report_type = str_param(p, "report_type", required=True)
    if report_type not in ops.REPORT_TYPES:
        raise invalid(f"Invalid report type: {report_type}", param="report_type")
    parameters = dict_param(p, "parameters")
    allowed = {
        "interval_start",
        "interval_end",
        "columns",
        "currency",
        "payout",
        "reporting_category",
        "timezone",
        "connected_account",
    }
    for key in parameters:
        if key not in allowed:
            raise invalid(f"Received unknown parameter: parameters[{key}]", param=f"parameters[{key}]")
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
    return list_response(emu, req, _created_filter(q, events), "/v1/events")


ROUTES = [
    ("POST", r"/v1/accounts", accounts_create),
    ("GET", r"/v1/accounts", accounts_list),
    ("GET", r"/v1/account", account_self),
    ("GET", r"/v1/accounts/(?P<account_id>acct_\w+)", accounts_retrieve),
    ("POST", r"/v1/accounts/(?P<account_id>acct_\w+)", accounts_update),
    ("DELETE", r"/v1/accounts/(?P<account_id>acct_\w+)", accounts_delete),
    ("POST", r"/v1/accounts/(?P<account_id>acct_\w+)/login_links", login_links_create),
    ("POST", r"/v1/account_links", account_links_create),
    ("POST", r"/v1/checkout/sessions", checkout_sessions_create),
    ("GET", r"/v1/checkout/sessions", checkout_sessions_list),
    ("GET", r"/v1/checkout/sessions/(?P<session_id>[^/]+)", checkout_sessions_retrieve),
    ("GET", r"/v1/checkout/sessions/(?P<session_id>[^/]+)/line_items", checkout_session_line_items),
    ("POST", r"/v1/checkout/sessions/(?P<session_id>[^/]+)/expire", checkout_sessions_expire),
    ("GET", r"/v1/payment_intents/(?P<object_id>[^/]+)", _retrieve("payment_intent", "intent")),
    ("GET", r"/v1/payment_methods/(?P<object_id>[^/]+)", _retrieve("payment_method", "payment_method")),
    ("GET", r"/v1/charges/(?P<object_id>[^/]+)", _retrieve("charge", "charge")),
    ("GET", r"/v1/charges", _list("charge", "/v1/charges", ("payment_intent",))),
    ("POST", r"/v1/refunds", refunds_create),
    ("GET", r"/v1/refunds", _list("refund", "/v1/refunds", ("payment_intent", "charge"))),
    ("GET", r"/v1/refunds/(?P<object_id>[^/]+)", _retrieve("refund", "refund")),
    ("POST", r"/v1/refunds/(?P<object_id>[^/]+)", refunds_update),
    ("GET", r"/v1/disputes/(?P<object_id>[^/]+)", _retrieve("dispute", "dispute")),
    ("GET", r"/v1/disputes", _list("dispute", "/v1/disputes", ("payment_intent", "charge"))),
    ("GET", r"/v1/payouts/(?P<object_id>[^/]+)", _retrieve("payout", "payout")),
    ("GET", r"/v1/payouts", _list("payout", "/v1/payouts", ("status",))),
    ("GET", r"/v1/balance_transactions", balance_transactions_list),
    ("GET", r"/v1/balance_transactions/(?P<object_id>[^/]+)", _retrieve("balance_transaction", "id")),
    ("GET", r"/v1/balance", balance_retrieve),
    ("GET", r"/v1/application_fees/(?P<object_id>[^/]+)", _retrieve("application_fee", "id")),
    ("POST", r"/v1/reporting/report_runs", report_runs_create),
    (
        "GET",
        r"/v1/reporting/report_runs/(?P<object_id>[^/]+)",
        _retrieve("reporting.report_run", "report_run"),
    ),
    ("GET", r"/v1/reporting/report_runs", _list("reporting.report_run", "/v1/reporting/report_runs")),
    ("GET", r"/v1/reporting/report_types/(?P<report_type>[\w.]+)", report_type_retrieve),
    ("GET", r"/v1/files/(?P<object_id>[^/]+)", _retrieve("file", "file")),
    ("GET", r"/v1/files/(?P<file_id>[^/]+)/contents", file_contents),
    ("GET", r"/v1/events", events_list),
    ("GET", r"/v1/events/(?P<object_id>[^/]+)", _retrieve("event", "id")),
]
