from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError, PermissionDenied
from customers.models import Customer, Language, Opportunity
from organizations import permissions
from organizations.models import Organization, User

CUSTOMER_FIELDS = ("name", "phone", "email", "preferred_language")


def _check_customer(data: dict) -> dict:
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = [_("Enter the customer's name.")]
    if not data.get("phone") and not data.get("email"):
        errors["phone"] = [_("Enter a mobile phone or an email, so the customer can be reached.")]
    if data.get("preferred_language") and data["preferred_language"] not in Language.values:
        errors["preferred_language"] = [_("Choose one of the listed languages.")]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], extra={"fields": errors})
    return {**data, "name": data["name"].strip(), "email": (data.get("email") or "").strip().lower()}


@transaction.atomic
def customer_create(*, organization: Organization, actor: User, data: dict) -> Customer:
    if not permissions.can_edit_customer(actor) or actor.organization_id != organization.pk:
        raise PermissionDenied("You can't add customers here.")
    data = _check_customer({k: v for k, v in data.items() if k in CUSTOMER_FIELDS})
    return Customer.objects.create(organization=organization, **data)


@transaction.atomic
def customer_update(*, customer: Customer, actor: User, data: dict) -> Customer:
    if not permissions.can_edit_customer(actor) or actor.organization_id != customer.organization_id:
        raise PermissionDenied("You can't edit this customer.")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    data = _check_customer({k: v for k, v in data.items() if k in CUSTOMER_FIELDS})
    for field, value in data.items():
        setattr(customer, field, value)
    customer.save()
    return customer


def _check_opportunity(title: str, reference: str) -> tuple[str, str]:
    title = (title or "").strip()
    if not title:
        raise ApplicationError(
            "Enter a title.", extra={"fields": {"title": ["Enter a title, e.g. 2024 F-150 purchase."]}}
        )
    return title, (reference or "").strip()


@transaction.atomic
def opportunity_create(*, customer: Customer, actor: User, title: str, reference: str = "") -> Opportunity:
    if not permissions.can_edit_customer(actor) or actor.organization_id != customer.organization_id:
        raise PermissionDenied("You can't add opportunities here.")
    title, reference = _check_opportunity(title, reference)
    return Opportunity.objects.create(
        organization_id=customer.organization_id, customer=customer, title=title, reference=reference
    )


@transaction.atomic
def opportunity_update(
    *, opportunity: Opportunity, actor: User, title: str, reference: str = ""
) -> Opportunity:
    if not permissions.can_edit_customer(actor) or actor.organization_id != opportunity.organization_id:
        raise PermissionDenied("You can't edit this opportunity.")
    opportunity.title, opportunity.reference = _check_opportunity(title, reference)
    opportunity.save(update_fields=["title", "reference"])
    return opportunity


def customer_language_remember(*, customer: Customer, language: str) -> Customer:
    """The customer chose a language on the pay page: every later page and message uses it.
    Anything but one of the listed languages is ignored."""
    if language in Language.values and language != customer.preferred_language:
        Customer.objects.filter(pk=customer.pk).update(preferred_language=language)
        customer.preferred_language = language
    return customer
