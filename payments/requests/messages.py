"""Texts of the messages a payment request sends: the request itself (SMS/email, from the
organization's template for the customer's language, or ours), the reminder, the receipt, the
refund notice (each in the customer's language) and the advisor's "paid" email (in theirs).

Templates use `{placeholder}` names from PLACEHOLDERS; an unknown name is refused when the admin
saves the template (see `message_template_validate`) and left as typed if it slips through.

The default SMS fits ONE segment in English, German and Italian and at most TWO in the other
languages (SMS_SEGMENT_BUDGET) for a dealership name of up to 25 characters, any amount up to
50,000.00 and a SITE_URL of up to 30 characters: the reference is included when it costs no extra
segment, otherwise the shorter text without it is sent (tests/payments/test_request_languages.py).
"""

from __future__ import annotations

import functools
import string
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.i18n import (
    customer_language,
    customer_language_override,
    local_datetime_text,
    money_text,
    organization_language,
    user_language,
    with_country,
)

if TYPE_CHECKING:
    from payments.models import Payment, PaymentRequest, Refund

PLACEHOLDERS = {
    "dealership": _("the dealership's name"),
    "customer_name": _("the customer's name"),
    "amount": _("the amount, e.g. $125.50"),
    "reference": _("the reference number"),
    "description": _("the description"),
    "link": _("the pay link"),
    "expires_at": _("when the link expires (dealership time)"),
    "advisor": _("the advisor's name"),
    "pay_ways": _(
        'how the customer can pay: "by card", or "by card or in installments" when Afterpay is offered'
    ),
}

# Every text below is translated into the customer's language when it is built (see
# in_customer_language). SMS texts keep to the GSM-7 alphabet where the language allows (no ’,
# no ç/ê/á in French, Spanish, Italian, German and Portuguese); Polish needs UCS-2.
DEFAULT_SMS_TEMPLATE = _(
    "{dealership}: {amount} payment request, ref {reference}. Pay: {link} Reply STOP to opt out"
)
DEFAULT_SMS_TEMPLATE_SHORT = _("{dealership}: {amount} payment request. Pay: {link} Reply STOP to opt out")
DEFAULT_EMAIL_TEMPLATE = _(
    "Hello {customer_name},\n\n"
    "{dealership} asks you to pay {amount} for: {description}\n"
    "Reference: {reference}\n\n"
    "Pay securely {pay_ways} here:\n{link}\n\n"
    "The link expires on {expires_at}.\n\n"
    "Thank you,\n{advisor}, {dealership}"
)
EMAIL_SUBJECT = _("Payment request from {dealership}: {amount} (ref {reference})")
REMINDER_SMS = _("{dealership}: reminder, your {amount} payment link expires {expires_at}. Pay: {link}")
RECEIPT_SMS = _(
    "{dealership}: we received {amount} (ref {reference}). Thank you! Receipt {receipt_number}: {receipt_link}"
)
# The default SMS stays within this many segments (EN, DE, IT: one; the others: at most two).
SMS_SEGMENT_BUDGET = {"en": 1, "de": 1, "it": 1}
SMS_SEGMENT_BUDGET_OTHERS = 2

# GSM 03.38 basic character set and its extension table (extension chars cost two septets).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")


def sms_encoding_and_length(text: str) -> tuple[str, int]:
    """("gsm7", septets) or ("ucs2", UTF-16 code units)."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text):
        return "gsm7", sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
    return "ucs2", len(text.encode("utf-16-le")) // 2


def sms_segment_count(text: str) -> int:
    encoding, length = sms_encoding_and_length(text)
    single, multi = (160, 153) if encoding == "gsm7" else (70, 67)
    if length <= single:
        return 1
    return -(-length // multi)


class _KeepUnknown(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def template_render(template: str, values: dict[str, str]) -> str:
    try:
        return string.Formatter().vformat(str(template), (), _KeepUnknown(values))
    except (ValueError, IndexError):  # stray braces: send the text as typed
        return template


UNMATCHED_BRACE_MESSAGE = _(
    "A { or } has no partner. Write placeholders like {link}; to show a brace itself, type {{ or }}."
)


def template_unknown_placeholders(template: str) -> list[str]:
    """Names in the template that aren't placeholders; ["{"] when a brace has no partner."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError:
        return ["{"]
    return sorted({name for name in names if name not in PLACEHOLDERS})


def pay_link(payment_request: PaymentRequest) -> str:
    return f"{settings.SITE_URL}/pay/{payment_request.token}/"


def receipt_link(payment: Payment) -> str:
    return f"{settings.SITE_URL}/pay/{payment.payment_request.token}/receipt/{payment.pk}/"


def in_customer_language(builder):
    """Build the text in the language of the request's (the payment's, the refund's) customer."""

    @functools.wraps(builder)
    def build(obj, *args, **kwargs):
        # a PaymentRequest or a Payment (both have .customer), or a Refund (its payment's)
        customer = obj.customer if hasattr(obj, "customer") else obj.payment.customer
        with customer_language_override(customer):
            return builder(obj, *args, **kwargs)

    return build


def sms_safe(text: str) -> str:
    """Typography that would push an SMS into UCS-2 for nothing: the no-break spaces Babel puts
    in amounts (1 234,56 $) and the curly apostrophe become their plain forms."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")


def sms_segment_budget(language: str) -> int:
    return SMS_SEGMENT_BUDGET.get(language.split("-")[0], SMS_SEGMENT_BUDGET_OTHERS)


def local_time_text(payment_request: PaymentRequest, when) -> str:
    """In the active language, in the dealership's zone, named: 'Nov 22, 2026, 4:05 PM (Chicago time)'."""
    return local_datetime_text(when, payment_request.organization.time_zone) if when else ""


def template_values(payment_request: PaymentRequest) -> dict[str, str]:
    return {
        "dealership": payment_request.organization.name,
        "customer_name": payment_request.customer.name,
        "amount": money_text(payment_request.amount_minor, payment_request.currency),
        "reference": payment_request.reference,
        "description": payment_request.description,
        "link": pay_link(payment_request),
        "expires_at": local_time_text(payment_request, payment_request.expires_at),
        "advisor": payment_request.created_by.name,
        "pay_ways": gettext("by card or in installments")
        if installments_offered(payment_request)
        else gettext("by card"),
    }


def installments_offered(payment_request: PaymentRequest) -> bool:
    """Afterpay/Clearpay is offered for what is left to pay (country, currency and amount)."""
    from payments.checkout.session import payment_methods_for

    methods = payment_methods_for(request=payment_request, amount_minor=payment_request.balance_minor)
    return "afterpay_clearpay" in methods


def organization_template(organization, *, language: str, kind: str) -> str:
    """The dealership's own template for this language ("sms" or "email"), or "" for ours.
    The single templates of before (sms_template/email_template) are its default language's."""
    own = ((organization.message_templates or {}).get(language) or {}).get(kind, "").strip()
    if own:
        return own
    if language == organization_language(organization):
        return (organization.sms_template if kind == "sms" else organization.email_template).strip()
    return ""


def default_request_sms(values: dict[str, str], *, language: str) -> str:
    """Our SMS in the active language, with the reference when it costs no extra segment (the
    text without it stays within the language's budget: tests/payments/test_request_languages.py)."""
    full = sms_safe(template_render(str(DEFAULT_SMS_TEMPLATE), values))
    short = sms_safe(template_render(str(DEFAULT_SMS_TEMPLATE_SHORT), values))
    return full if sms_segment_count(full) <= sms_segment_count(short) else short


@in_customer_language
def request_sms_text(payment_request: PaymentRequest) -> str:
    values = template_values(payment_request)
    language = customer_language(payment_request.customer)
    custom = organization_template(payment_request.organization, language=language, kind="sms")
    if custom:
        return sms_safe(template_render(custom, values))
    return default_request_sms(values, language=language)


@in_customer_language
def request_email_subject_and_body(payment_request: PaymentRequest) -> tuple[str, str]:
    values = template_values(payment_request)
    language = customer_language(payment_request.customer)
    custom = organization_template(payment_request.organization, language=language, kind="email")
    body_template = custom or str(DEFAULT_EMAIL_TEMPLATE)
    return template_render(str(EMAIL_SUBJECT), values), template_render(body_template, values)


@in_customer_language
def reminder_sms_text(payment_request: PaymentRequest) -> str:
    return sms_safe(template_render(str(REMINDER_SMS), template_values(payment_request)))


@in_customer_language
def reminder_email_subject_and_body(payment_request: PaymentRequest) -> tuple[str, str]:
    values = template_values(payment_request)
    subject = template_render(gettext("Reminder: {subject}").replace("{subject}", str(EMAIL_SUBJECT)), values)
    body = template_render(
        gettext(
            "Hello {customer_name},\n\nA reminder that {dealership}'s payment request of {amount} "
            "(ref {reference}) is still open. The link expires on {expires_at}:\n{link}\n"
        ),
        values,
    )
    return subject, body


def receipt_values(payment: Payment) -> dict[str, str]:
    values = template_values(payment.payment_request)
    values["amount"] = money_text(payment.amount_minor, payment.currency)
    values["receipt_link"] = receipt_link(payment)
    # The dealership's number; Stripe's id for a payment recorded before numbers existed.
    values["receipt_number"] = payment.receipt_number or payment.stripe_payment_intent_id
    return values


@in_customer_language
def receipt_sms_text(payment: Payment) -> str:
    return sms_safe(template_render(str(RECEIPT_SMS), receipt_values(payment)))


@in_customer_language
def receipt_email_subject_and_body(payment: Payment) -> tuple[str, str]:
    values = receipt_values(payment)
    values["paid_at"] = local_time_text(payment.payment_request, payment.occurred_at)
    subject = template_render(gettext("Receipt from {dealership}: {amount} (ref {reference})"), values)
    body = template_render(
        gettext(
            "Hello {customer_name},\n\n{dealership} received your payment of {amount} on {paid_at}.\n"
            "Reference: {reference}\nReceipt no.: {receipt_number}\nDescription: {description}\n\n"
            "Printable receipt: {receipt_link}\n\nThank you!"
        ),
        values,
    )
    return subject, body


@in_customer_language
def refund_notice_texts(refund: Refund) -> tuple[str, str, str]:
    """(SMS, email subject, email body) telling the customer money is coming back."""
    payment = refund.payment
    values = template_values(payment.payment_request)
    values["amount"] = money_text(refund.amount_minor, refund.currency)
    body = template_render(
        gettext(
            "{dealership}: we refunded {amount} of your payment for {reference}. "
            "It can take 5-10 business days to show on your statement."
        ),
        values,
    )
    subject = template_render(gettext("Refund from {dealership}"), values)
    return sms_safe(body), subject, body


def advisor_paid_email_subject_and_body(payment: Payment) -> tuple[str, str]:
    """To the advisor, in the staff interface's language (English or French)."""
    request = payment.payment_request
    with translation.override(with_country(user_language(request.created_by), request.organization.country)):
        values = receipt_values(payment)
        values["request_link"] = f"{settings.SITE_URL}/requests/{request.pk}/"
        values["status"] = str(request.get_status_display())
        subject = template_render(gettext("{customer_name} paid {amount} (ref {reference})"), values)
        body = template_render(
            gettext(
                "{customer_name} paid {amount} for ref {reference} ({description}).\n"
                "Request status: {status}.\n\nDetails: {request_link}\n"
            ),
            values,
        )
    return subject, body
