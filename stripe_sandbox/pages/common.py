"""The hosted pages' shell: CSS, page(), form fields, amounts, the merchant's name."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from ..wire import Response

if TYPE_CHECKING:
    from ..core import Emulator

CSS = """
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;
color:#1a1f36;background:#f6f8fa}main{max-width:30rem;margin:0 auto;padding:1rem}
.card{background:#fff;border:1px solid #e3e8ee;border-radius:10px;padding:1.1rem;margin:0 0 1rem}
h1{font-size:1.3rem;margin:.2rem 0 .8rem}h2{font-size:1.05rem;margin:0 0 .6rem}
.muted{color:#697386;font-size:.9rem}.amount{font-size:2rem;font-weight:600;margin:.2rem 0}
label{display:block;font-weight:500;margin:.7rem 0 .25rem;font-size:.95rem}
input,select{width:100%;padding:.65rem;border:1px solid #c1c9d2;border-radius:6px;font:inherit;background:#fff}
.row{display:flex;gap:.6rem}.row>div{flex:1;min-width:0}
button,.button{display:block;width:100%;margin-top:1rem;padding:.8rem;border:0;border-radius:6px;
background:#635bff;color:#fff;font:inherit;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}
button.secondary,.button.secondary{background:#fff;color:#1a1f36;border:1px solid #c1c9d2}
.error{background:#fff0f0;border:1px solid #f5a3a3;color:#a4111b;border-radius:6px;padding:.6rem .8rem;margin:.6rem 0}
.ok{background:#effaf3;border:1px solid #9ad5ad;color:#0b6b2b;border-radius:6px;padding:.6rem .8rem;margin:.6rem 0}
.banner{background:#fff8e1;color:#6b4e00;font-size:.85rem;text-align:center;padding:.4rem}
.steps{display:flex;gap:.3rem;margin:0 0 .8rem}.steps span{flex:1;height:4px;border-radius:2px;background:#e3e8ee}
.steps span.done{background:#635bff}table{width:100%;border-collapse:collapse;font-size:.92rem}
td,th{padding:.35rem .25rem;border-bottom:1px solid #eef1f4;text-align:left;overflow-wrap:anywhere}td.r,th.r{text-align:right;white-space:nowrap}
details{margin-top:.8rem}code{font-size:.85rem}
"""

MCC_CHOICES = [
    ("5511", "Car and truck dealers (new and used)"),
    ("5521", "Car and truck dealers (used only)"),
    ("7538", "Automotive service shops"),
    ("5533", "Automotive parts and accessories"),
    ("5599", "Miscellaneous auto dealers"),
]


def page(title: str, body: str, status: int = 200) -> Response:
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'><link rel='icon' href='data:,'>"
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        "<div class='banner'>Test mode: Stripe sandbox. No real money moves.</div>"
        f"<main>{body}</main></body></html>"
    )
    return Response.html(html, status)


def fmt_amount(amount: int, currency: str) -> str:
    symbol = {"usd": "$", "cad": "CA$"}.get(currency, "")
    return f"{symbol}{amount // 100:,}.{amount % 100:02d} {currency.upper()}"


def form_field(name: str, label: str, value: str = "", **attrs: str) -> str:
    extra = " ".join(f"{k.rstrip('_').replace('_', '-')}='{escape(v)}'" for k, v in attrs.items())
    return (
        f"<label for='{name}'>{escape(label)}</label>"
        f"<input id='{name}' name='{name}' value='{escape(value or '')}' {extra}>"
    )


def error_box(message: str | None) -> str:
    return f"<div class='error' role='alert'>{escape(message)}</div>" if message else ""


def merchant_name(emu: Emulator, account_id: str | None) -> str:
    if not account_id:
        return emu.config.platform_name
    account = emu.find(account_id)
    return (
        account["settings"]["dashboard"].get("display_name")
        or account["business_profile"].get("name")
        or account_id
    )
