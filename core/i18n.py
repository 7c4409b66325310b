"""Languages: which one a page or a message is in, and money/dates in that language's conventions.

Customer surfaces (pay page, receipt, SMS, email) come in the 8 CUSTOMER_LANGUAGES, chosen as
the customer's preferred language -> the dealership's default -> English. The staff interface
comes in STAFF_LANGUAGES, chosen as the person's profile setting -> the dealership's default ->
English. A dealership in Quebec defaults to Canadian French.

The active Django language may carry the dealership's country ("en-ca", "es-us") so that numbers
follow it: `$` is the Canadian dollar in en-CA, the US dollar in en-US. `fr` and `fr-ca` stay as
chosen (they are two catalogs). Formats come from Babel (CLDR), never written by hand here.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    get_datetime_format,
    get_timezone_location,
)
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_currency_symbol,
    get_group_symbol,
    parse_decimal,
)
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, pgettext

from core.money import parse_major

CUSTOMER_LANGUAGES = [code for code, _ in settings.LANGUAGES]
STAFF_LANGUAGES = ["en", "fr", "fr-ca"]
FALLBACK = "en"
# Languages whose Babel locale may take the dealership's country (en_CA, es_US ...).
_TAKES_COUNTRY = {"en", "es"}
_CURRENCY_COUNTRY = {"USD": "US", "CAD": "CA"}
_QUEBEC = {"QC", "QUEBEC", "QUÉBEC", "PQ"}
# Zones that are links to another zone: CLDR names them after the zone they point to
# (America/Montreal -> Toronto); a Quebec dealership that picked Montreal sees Montréal.
_LINK_CITIES = {"America/Montreal": {"fr": "Montréal", "": "Montreal"}}


def language_label(code: str) -> str:
    """The language's own name: 'Français (Canada)'."""
    return dict(settings.LANGUAGES).get(code, code)


def organization_language(organization) -> str:
    """The dealership's default language; French (Canada) for a dealership in Quebec that has
    not chosen one, English otherwise."""
    if organization is None:
        return FALLBACK
    if organization.default_language:
        return organization.default_language
    if organization.country == "CA" and (organization.state or "").strip().upper() in _QUEBEC:
        return "fr-ca"
    return FALLBACK


def user_language(user) -> str:
    """The staff interface's language for this person."""
    language = getattr(user, "language", "") or organization_language(getattr(user, "organization", None))
    return language if language in STAFF_LANGUAGES else FALLBACK


def customer_language(customer) -> str:
    """The language of everything the customer sees."""
    language = customer.preferred_language or organization_language(customer.organization)
    return language if language in CUSTOMER_LANGUAGES else FALLBACK


def browser_language(accept_language: str, *, choices: list[str] | None = None) -> str:
    """The best of `choices` (staff languages by default) for an Accept-Language header."""
    choices = choices or STAFF_LANGUAGES
    for code, _ in translation.trans_real.parse_accept_lang_header(accept_language or ""):
        code = code.lower()
        if code in choices:
            return code
        if code.split("-")[0] in choices:
            return code.split("-")[0]
    return FALLBACK


def with_country(language: str, country: str | None) -> str:
    """'en' at a Canadian dealership -> 'en-ca' (Babel formats, same catalog)."""
    if language in _TAKES_COUNTRY and country:
        candidate = f"{language}_{country.upper()}"
        try:
            Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            return language
        return f"{language}-{country.lower()}"
    return language


def babel_locale(language: str | None = None) -> Locale:
    code = translation.to_locale(language or translation.get_language() or FALLBACK)
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(code.split("_")[0]) if "_" in code else Locale.parse(FALLBACK)


def money_text(minor: int, currency: str, *, language: str | None = None) -> str:
    """12345 CAD -> '123,45 $' in fr-CA, '$123.45' in en-CA, 'CA$123.45' in en-US. A bare `$`
    outside the currency's own country becomes US$ / CA$."""
    locale = babel_locale(language)
    amount = int(minor)
    major = f"{'-' if amount < 0 else ''}{abs(amount) // 100}.{abs(amount) % 100:02d}"
    text = format_currency(Decimal(major), currency, locale=locale)
    symbol = get_currency_symbol(currency, locale)
    if symbol == "$" and locale.territory != _CURRENCY_COUNTRY.get(currency):
        text = text.replace("$", {"USD": "US$", "CAD": "CA$"}.get(currency, currency + " "), 1)
    return text


_NOT_SYMBOL = re.compile(r"[\d\s.,'\u2019\u00a0\u202f\u2009+\-\u2212]+")


def money_with_currency_text(minor: int, currency: str, *, language: str | None = None) -> str:
    """money_text, with the currency said exactly once (a receipt): a bare `$` gets the ISO code
    ('$80.00 USD', '80,00 $ CAD'); 'US$', '80,00 $US', '€' already say it ('80,00 $US', never
    '80,00 $US USD')."""
    text = money_text(minor, currency, language=language)
    if _NOT_SYMBOL.sub("", text) == "$":
        return f"{text} {currency}"
    return text


def zone_city(time_zone: str, *, language: str | None = None) -> str:
    locale = babel_locale(language)
    link = _LINK_CITIES.get(time_zone)
    if link:
        return link.get(locale.language, link[""])
    return get_timezone_location(ZoneInfo(time_zone), locale=locale, return_city=True)


def zone_label(time_zone: str, *, language: str | None = None) -> str:
    """'Chicago time', 'heure de Montréal', 'heure d’Edmonton'."""
    city = zone_city(time_zone, language=language)
    with translation.override(language or translation.get_language()):
        if city[:1].upper() in "AEIOUHÉÈ":
            return pgettext("time zone, city starts with a vowel or h", "%(city)s time") % {"city": city}
        return gettext("%(city)s time") % {"city": city}


def local_datetime_text(
    value: datetime | None, time_zone: str | ZoneInfo, *, language: str | None = None, named: bool = True
) -> str:
    """A moment in the dealership's zone, in the language's format: 'Nov 22, 2026, 4:05 PM
    (Chicago time)', '22 nov. 2026, 16 h 05 (heure de Montréal)'. The one date format of every
    staff and customer page; `named=False` for table cells, whose heading names the zone
    (machine formats - the API, CSV columns - stay ISO)."""
    if value is None:
        return ""
    locale = babel_locale(language)
    if isinstance(time_zone, ZoneInfo):
        zone, time_zone = time_zone, time_zone.key
    else:
        zone = ZoneInfo(time_zone or "UTC")
    local = value.astimezone(zone)
    text = get_datetime_format("medium", locale=locale).format(
        format_time(local, "short", locale=locale), format_date(local, "medium", locale=locale)
    )
    text = text.replace("'", "")  # CLDR quotes literal words in some patterns ("{1} 'à' {0}")
    return f"{text} ({zone_label(time_zone, language=language)})" if named else text


def local_date_text(value: date | None, *, language: str | None = None) -> str:
    """A calendar day (a payout's arrival, a report's days) in the language's format, matching
    local_datetime_text: 'Nov 30, 2026', '30 nov. 2026'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, "medium", locale=babel_locale(language)).replace("'", "")


def day_month_text(value: date, *, language: str | None = None) -> str:
    """'Nov 30' / '30 nov.' (a chart's bar)."""
    return format_skeleton("MMMd", value, locale=babel_locale(language))


def customer_language_activate(customer, *, chosen: str = "") -> str:
    """Activate the customer's language for this request (a valid `chosen` one wins and is
    remembered on the customer). Returns the language code (without the country)."""
    if chosen:
        from customers.services import customer_language_remember

        customer_language_remember(customer=customer, language=chosen.lower())
    language = customer_language(customer)
    translation.activate(with_country(language, customer.organization.country))
    return language


def customer_language_override(customer):
    """`with customer_language_override(customer):` builds a message in the customer's language."""
    return translation.override(with_country(customer_language(customer), customer.organization.country))


# Our customer languages -> Stripe Checkout's `locale` (Stripe's list: "fr-CA", "pt-BR" ...;
# our Spanish is the Americas', Stripe's "es-419").
STRIPE_CHECKOUT_LOCALES = {
    "en": "en",
    "fr": "fr",
    "fr-ca": "fr-CA",
    "de": "de",
    "es": "es-419",
    "it": "it",
    "pl": "pl",
    "pt-br": "pt-BR",
}


def stripe_checkout_locale(language: str) -> str:
    return STRIPE_CHECKOUT_LOCALES.get(language, "auto")


def language_choices() -> list[tuple[str, str]]:
    """For a language switch: (code, own name) of every customer language."""
    return list(settings.LANGUAGES)


_CANONICAL = re.compile(r"-?\d+(?:\.\d{1,2})?", re.ASCII)  # what our own forms put in fields: 1234.56
_TYPED = re.compile(
    r"[-+]?[0-9.,'\u2019 \u00a0\u202f\u2009]+", re.ASCII
)  # digits and separators only (no 1e3)
_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d)")


def amount_parse(text, *, language: str | None = None) -> int:
    """An amount typed in the interface's language -> minor units. In French `12,34` is 12.34
    and `1 234,56` is 1234.56 (any space groups the thousands); in German `1.234,56`; in English
    `1,234.56`. Babel reads it strictly (a separator in the wrong place is refused, never
    guessed); the plain `1234.56` our own fields hold is always understood. ValueError with a
    message in the language otherwise."""
    locale = babel_locale(language)
    raw = str(text if text is not None else "").strip()
    for symbol in ("CA$", "US$", "$", "CAD", "USD"):
        raw = raw.replace(symbol, "")
    raw = raw.strip()
    if locale.language == "en":  # English: core.money's reading, which says how "12,34" could be read
        return parse_major(raw)
    if not raw or not _TYPED.fullmatch(raw):
        raise ValueError(_amount_example(locale))
    group = get_group_symbol(locale)
    if group in " \u00a0\u202f":
        raw = _SPACES.sub(group, raw)
    try:
        value = parse_decimal(raw, locale=locale, strict=True)
    except NumberFormatError:
        if not _CANONICAL.fullmatch(raw):
            raise ValueError(_amount_example(locale))
        return parse_major(raw)
    if not value.is_finite():
        raise ValueError(_amount_example(locale))
    if value.as_tuple().exponent < -2:
        raise ValueError(gettext("Use at most two decimals."))
    if len(raw) > 40:
        raise ValueError(gettext("That amount is too large."))
    return parse_major(format(value, "f"))


def _amount_example(locale) -> str:
    example = format_decimal(Decimal("125.50"), format="0.00", locale=locale)
    return gettext("Enter an amount such as %(example)s") % {"example": example}


def amount_input_text(minor: int, *, language: str | None = None) -> str:
    """Minor units as the language writes them in a field, without grouping: 125050 -> '1250,50'."""
    major = Decimal(int(minor)) / 100
    return format_decimal(major, format="0.00", locale=babel_locale(language))
