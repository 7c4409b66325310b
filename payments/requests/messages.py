"""Texts of the messages a payment request sends: the request itself (SMS/email, from the
organization's template), the reminder, the receipt and the advisor's "paid" email.

Templates use `{placeholder}` names from PLACEHOLDERS; an unknown name is refused when the admin
saves the template (see `message_template_validate`) and left as typed if it slips through.

The default SMS fits ONE GSM-7 segment (160 characters) for a dealership name of up to 25
characters, any amount up to CA$50,000.00 and a SITE_URL of up to 30 characters: the reference is
included when it still fits, otherwise the shorter text without it is used (tested).
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings

from core.money import format_minor

if TYPE_CHECKING:
    from payments.models import Payment, PaymentRequest

PLACEHOLDERS = {
    "dealership": "the dealership's name",
    "customer_name": "the customer's name",
    "amount": "the amount, e.g. $125.50",
    "reference": "the reference number",
    "description": "the description",
    "link": "the pay link",
    "expires_at": "when the link expires (dealership time)",
    "advisor": "the advisor's name",
    "pay_ways": 'how the customer can pay: "by card", or "by card or in installments" when Afterpay is offered',
}

DEFAULT_SMS_TEMPLATE = (
    "{dealership}: {amount} payment request, ref {reference}. Pay: {link} Reply STOP to opt out"
)
DEFAULT_SMS_TEMPLATE_SHORT = "{dealership}: {amount} payment request. Pay: {link} Reply STOP to opt out"
DEFAULT_EMAIL_TEMPLATE = (
    "Hello {customer_name},\n\n"
    "{dealership} asks you to pay {amount} for: {description}\n"
    "Reference: {reference}\n\n"
    "Pay securely {pay_ways} here:\n{link}\n\n"
    "The link expires on {expires_at}.\n\n"
    "Thank you,\n{advisor}, {dealership}"
)
EMAIL_SUBJECT = "Payment request from {dealership}: {amount} (ref {reference})"
REMINDER_SMS = "{dealership}: reminder, your {amount} payment link expires {expires_at}. Pay: {link}"
RECEIPT_SMS = "{dealership}: we received {amount} (ref {reference}). Thank you! Receipt: {receipt_link}"

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
        return string.Formatter().vformat(template, (), _KeepUnknown(values))
    except (ValueError, IndexError):  # stray braces: send the text as typed
        return template


UNMATCHED_BRACE_MESSAGE = (
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


def local_time_text(payment_request: PaymentRequest, when) -> str:
    if when is None:
        return ""
    tz = ZoneInfo(payment_request.organization.time_zone)
    return when.astimezone(tz).strftime("%b %d, %I:%M %p %Z").replace(" 0", " ")


def template_values(payment_request: PaymentRequest) -> dict[str, str]:
    return {
        "dealership": payment_request.organization.name,
        "customer_name": payment_request.customer.name,
        "amount": format_minor(payment_request.amount_minor, payment_request.currency),
        "reference": payment_request.reference,
        "description": payment_request.description,
        "link": pay_link(payment_request),
        "expires_at": local_time_text(payment_request, payment_request.expires_at),
        "advisor": payment_request.created_by.name,
        "pay_ways": "by card or in installments" if installments_offered(payment_request) else "by card",
    }


def installments_offered(payment_request: PaymentRequest) -> bool:
    """Afterpay/Clearpay is offered for what is left to pay (country, currency and amount)."""
    from payments.checkout.session import payment_methods_for

    methods = payment_methods_for(request=payment_request, amount_minor=payment_request.balance_minor)
    return "afterpay_clearpay" in methods


def request_sms_text(payment_request: PaymentRequest) -> str:
    values = template_values(payment_request)
    custom = payment_request.organization.sms_template.strip()
    if custom:
        return template_render(custom, values)
    text = template_render(DEFAULT_SMS_TEMPLATE, values)
    if sms_segment_count(text) > 1:
        text = template_render(DEFAULT_SMS_TEMPLATE_SHORT, values)
    return text


def request_email_subject_and_body(payment_request: PaymentRequest) -> tuple[str, str]:
    values = template_values(payment_request)
    body_template = payment_request.organization.email_template.strip() or DEFAULT_EMAIL_TEMPLATE
    return template_render(EMAIL_SUBJECT, values), template_render(body_template, values)


def reminder_sms_text(payment_request: PaymentRequest) -> str:
    return template_render(REMINDER_SMS, template_values(payment_request))


def reminder_email_subject_and_body(payment_request: PaymentRequest) -> tuple[str, str]:
    values = template_values(payment_request)
    subject = template_render("Reminder: " + EMAIL_SUBJECT, values)
    body = template_render(
        "Hello {customer_name},\n\nA reminder that {dealership}'s payment request of {amount} "
        "(ref {reference}) is still open. The link expires on {expires_at}:\n{link}\n",
        values,
    )
    return subject, body


def receipt_values(payment: Payment) -> dict[str, str]:
    values = template_values(payment.payment_request)
    values["amount"] = format_minor(payment.amount_minor, payment.currency)
    values["receipt_link"] = receipt_link(payment)
    return values


def receipt_sms_text(payment: Payment) -> str:
    return template_render(RECEIPT_SMS, receipt_values(payment))


def receipt_email_subject_and_body(payment: Payment) -> tuple[str, str]:
    values = receipt_values(payment)
    values["paid_at"] = local_time_text(payment.payment_request, payment.occurred_at)
    subject = template_render("Receipt from {dealership}: {amount} (ref {reference})", values)
    body = template_render(
        "Hello {customer_name},\n\n{dealership} received your payment of {amount} on {paid_at}.\n"
        "Reference: {reference}\nDescription: {description}\n\n"
        "Printable receipt: {receipt_link}\n\nThank you!",
        values,
    )
    return subject, body


def advisor_paid_email_subject_and_body(payment: Payment) -> tuple[str, str]:
    request = payment.payment_request
    values = receipt_values(payment)
    values["request_link"] = f"{settings.SITE_URL}/requests/{request.pk}/"
    values["status"] = request.get_status_display()
    subject = template_render("{customer_name} paid {amount} (ref {reference})", values)
    body = template_render(
        "{customer_name} paid {amount} for ref {reference} ({description}).\n"
        "Request status: {status}.\n\nDetails: {request_link}\n",
        values,
    )
    return subject, body
