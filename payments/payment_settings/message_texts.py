"""Admin tab -> Payment settings -> Message texts: the dealership's SMS and email per customer
language, and what each SMS costs. For every language the editor shows the character count,
the SMS encoding (GSM-7, or UCS-2 as soon as one character is outside it) and the number of
segments (160/153 GSM-7, 70/67 UCS-2) for the longest dealership name and link we budget for."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.errors import ApplicationError, PermissionDenied
from core.i18n import CUSTOMER_LANGUAGES, language_label, money_text, organization_language, with_country
from organizations import permissions
from organizations.models import Organization, User
from payments.requests import messages as texts

BUDGET_DEALERSHIP_CHARS = 25  # the longest dealership name the default SMS is written for
BUDGET_SITE_URL_CHARS = 30  # the longest SITE_URL (the pay link adds /pay/<32-character token>/)
BUDGET_REFERENCE = "RO-2026-004417"
BUDGET_AMOUNT_MINOR = 5_000_000  # 50,000.00


@dataclass(frozen=True)
class SmsCost:
    characters: int
    encoding: str  # "GSM-7" or "UCS-2"
    segments: int
    budget: int  # what our default stays within in this language


def _longest_values(organization: Organization) -> dict[str, str]:
    """The placeholders at their longest: the dealership's name counted at 25 characters at
    least, the pay link of a 30-character SITE_URL, 50,000.00, a 14-character reference."""
    site = settings.SITE_URL.ljust(BUDGET_SITE_URL_CHARS, "x")
    return {
        "dealership": organization.name.ljust(BUDGET_DEALERSHIP_CHARS, "x"),
        "customer_name": "x" * 30,
        "amount": sms_amount(organization),
        "reference": BUDGET_REFERENCE,
        "description": "x" * 40,
        "link": f"{site}/pay/{'x' * 32}/",
        "expires_at": "x" * 30,
        "advisor": "x" * 30,
    }


def sms_amount(organization: Organization) -> str:
    return texts.sms_safe(money_text(BUDGET_AMOUNT_MINOR, organization.currency))


def sms_cost(template: str, *, organization: Organization, language: str) -> SmsCost:
    """What an SMS from `template` costs in `language` at the longest name, link and amount."""
    with translation.override(with_country(language, organization.country)):
        values = _longest_values(organization)
        values["amount"] = sms_amount(organization)
        if template:
            text = texts.sms_safe(texts.template_render(template, values))
        else:
            text = texts.default_request_sms(values, language=language)
    encoding, length = texts.sms_encoding_and_length(text)
    return SmsCost(
        characters=length,
        encoding="GSM-7" if encoding == "gsm7" else "UCS-2",
        segments=texts.sms_segment_count(text),
        budget=texts.sms_segment_budget(language),
    )


@dataclass(frozen=True)
class LanguageTexts:
    language: str
    label: str
    sms: str  # the dealership's own ("" = ours)
    email: str
    default_sms: str
    default_email: str
    cost: SmsCost  # of what is sent: theirs, or ours
    default_cost: SmsCost


def message_texts_for(*, organization: Organization) -> list[LanguageTexts]:
    rows = []
    for language in CUSTOMER_LANGUAGES:
        own = texts.organization_template(organization, language=language, kind="sms")
        own_email = texts.organization_template(organization, language=language, kind="email")
        with translation.override(language):
            default_sms, default_email = str(texts.DEFAULT_SMS_TEMPLATE), str(texts.DEFAULT_EMAIL_TEMPLATE)
        rows.append(
            LanguageTexts(
                language=language,
                label=language_label(language),
                sms=own,
                email=own_email,
                default_sms=default_sms,
                default_email=default_email,
                cost=sms_cost(own, organization=organization, language=language),
                default_cost=sms_cost("", organization=organization, language=language),
            )
        )
    return rows


def _template_errors(value: str) -> list[str]:
    unknown = texts.template_unknown_placeholders(value)
    if unknown == ["{"]:
        return [str(texts.UNMATCHED_BRACE_MESSAGE)]
    if unknown:
        return [_("Unknown placeholder(s): %(names)s") % {"names": ", ".join("{" + u + "}" for u in unknown)}]
    if value and "{link}" not in value:
        return [_("The text must contain {link}, the pay link.")]
    return []


@transaction.atomic
def organization_message_texts_update(
    *, user: User, texts_by_language: dict[str, dict[str, str]]
) -> Organization:
    """{"fr": {"sms": "...", "email": "..."}, ...}; an empty text means "ours"."""
    if not permissions.can_manage_organization(user):
        raise PermissionDenied(_("Only Admins change payment settings."))
    organization = Organization.objects.select_for_update().get(pk=user.organization_id)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, dict[str, str]] = {}
    for language, kinds in texts_by_language.items():
        if language not in CUSTOMER_LANGUAGES:
            continue
        for kind in ("sms", "email"):
            value = (kinds.get(kind) or "").strip()
            problems = _template_errors(value)
            if problems:
                errors[f"{kind}_{language}"] = problems
            elif value:
                cleaned.setdefault(language, {})[kind] = value
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], extra={"fields": errors})
    # The default language's texts stay in sms_template/email_template (the Payment settings form's).
    default = organization_language(organization)
    own = cleaned.pop(default, {})
    if default in texts_by_language:
        organization.sms_template = own.get("sms", "")
        organization.email_template = own.get("email", "")
    organization.message_templates = cleaned
    organization.save(update_fields=["message_templates", "sms_template", "email_template"])
    return organization
