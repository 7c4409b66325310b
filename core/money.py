"""Money is an integer number of minor units (cents) plus an ISO currency. Never floats."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

SUPPORTED_CURRENCIES = ("USD", "CAD")
_SYMBOL = {"USD": "$", "CAD": "CA$"}
# A plain decimal number typed by a person: ASCII digits, an optional sign and point.
_PLAIN_AMOUNT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
# The same with thousands separators: 1 to 3 digits, then groups of exactly three after each comma.
_THOUSANDS_AMOUNT = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?", re.ASCII)
_MAX_AMOUNT_CHARS = 40


@dataclass(frozen=True, slots=True)
class Money:
    amount: int  # minor units
    currency: str

    def __post_init__(self):
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError("Money.amount must be an int number of minor units")
        if self.currency not in SUPPORTED_CURRENCIES:
            raise ValueError(f"Unsupported currency {self.currency!r}")

    def __str__(self) -> str:
        return format_minor(self.amount, self.currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError("Cannot combine amounts in different currencies")


def format_minor(amount: int, currency: str, *, with_code: bool = False) -> str:
    """12345, 'USD' -> '$123.45'; negative amounts as '-$1.00'."""
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(int(amount)), 100)
    text = f"{sign}{_SYMBOL.get(currency, '')}{major:,}.{minor:02d}"
    return f"{text} {currency}" if with_code else text


def minor_to_major_text(amount: int) -> str:
    """Minor units as a plain decimal, no symbol or separators (for form fields and CSV cells):
    12550 -> '125.50', -150 -> '-1.50'. The inverse of parse_major."""
    sign = "-" if amount < 0 else ""
    major, minor = divmod(abs(int(amount)), 100)
    return f"{sign}{major}.{minor:02d}"


def parse_major(text: str | int | Decimal) -> int:
    """'1,234.5' -> 123450 minor units. Raises ValueError, with a message a person can act on, on
    anything that isn't a plain amount with at most two decimals.

    A comma is only a thousands separator: each comma must be followed by exactly three digits and
    the first group has one to three (`1,234.56`, `12,345`). Anything else with a comma (`12,34`,
    `1,2345`) is refused, saying how it could be read: `12,34` is never $1,234.00. Only ASCII
    digits; no exponents ("1e3"); nothing so long that decimal arithmetic would overflow."""
    raw = str(text).replace("$", "").strip()
    if "," in raw:
        if not _THOUSANDS_AMOUNT.fullmatch(raw):
            raise ValueError(_comma_message(raw))
        raw = raw.replace(",", "")
    if not _PLAIN_AMOUNT.fullmatch(raw):
        raise ValueError("Enter an amount such as 125.50")
    if len(raw) > _MAX_AMOUNT_CHARS:
        raise ValueError("That amount is too large.")
    with localcontext() as ctx:
        ctx.prec = 2 * _MAX_AMOUNT_CHARS
        value = Decimal(raw)
        if value != value.quantize(Decimal("0.01")):
            raise ValueError("Use at most two decimals")
        return int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _comma_message(raw: str) -> str:
    shown = raw[:_MAX_AMOUNT_CHARS]
    decimal_comma = re.fullmatch(r"([+-]?)(\d+),(\d{1,2})", raw, re.ASCII)
    if decimal_comma:
        sign, whole, cents = decimal_comma.groups()
        as_decimal = f"{sign}{int(whole)}.{cents.ljust(2, '0')}"
        as_thousands = f"{sign}{int(whole + cents):,}.00"
        return (
            f'"{shown}" is ambiguous: it could mean {as_decimal} or {as_thousands}. '
            f"Use a point for cents ({as_decimal}); a comma only separates thousands (1,234.56)."
        )
    return (
        f'"{shown}" is not an amount we can read: a comma only separates thousands, in groups of '
        "three digits (1,234.56). Use a point for cents (12.34)."
    )
