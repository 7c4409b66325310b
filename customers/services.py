from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError, PermissionDenied
from customers.models import Customer, Language, Opportunity
from organizations import permissions
from organizations.models import Organization, User

CUSTOMER_FIELDS = ("name", "phone", "email", "preferred_language", "external_id")


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
    cleaned = {**data, "name": data["name"].strip(), "email": (data.get("email") or "").strip().lower()}
    if "external_id" in data:
        cleaned["external_id"] = (data.get("external_id") or "").strip()
    return cleaned


def _external_id_taken(external_id: str) -> ApplicationError:
    return ApplicationError(
        f"Another customer already has the external id {external_id}.",
        extra={"fields": {"external_id": ["Another customer of your organization has this external id."]}},
    )


@transaction.atomic
def customer_create(
    *, organization: Organization, actor: User, data: dict, api_idempotency_key: str = ""
) -> Customer:
    if not permissions.can_edit_customer(actor) or actor.organization_id != organization.pk:
        raise PermissionDenied("You can't add customers here.")
    data = _check_customer({k: v for k, v in data.items() if k in CUSTOMER_FIELDS})
    try:
        with transaction.atomic():
            return Customer.objects.create(
                organization=organization, api_idempotency_key=api_idempotency_key, **data
            )
    except IntegrityError:
        if (
            data.get("external_id")
            and Customer.objects.filter(organization=organization, external_id=data["external_id"]).exists()
        ):
            raise _external_id_taken(data["external_id"])
        raise


@transaction.atomic
def customer_update(*, customer: Customer, actor: User, data: dict) -> Customer:
    if not permissions.can_edit_customer(actor) or actor.organization_id != customer.organization_id:
        raise PermissionDenied("You can't edit this customer.")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    data = _check_customer({k: v for k, v in data.items() if k in CUSTOMER_FIELDS})
    for field, value in data.items():
        setattr(customer, field, value)
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        raise _external_id_taken(data.get("external_id", ""))
    return customer


@transaction.atomic
def customer_upsert_by_external_id(
    *, organization: Organization, actor: User, external_id: str, data: dict
) -> tuple[Customer, bool]:
    """The DMS's customer number is the key: update the customer who has it, or create one.
    Returns (customer, created)."""
    external_id = (external_id or "").strip()
    if not external_id or len(external_id) > 64:
        raise ApplicationError(
            "Give the external id (1-64 characters).", extra={"fields": {"external_id": ["1-64 characters."]}}
        )
    data = {**data, "external_id": external_id}
    existing = (
        Customer.objects.select_for_update()
        .filter(organization=organization, external_id=external_id)
        .first()
    )
    if existing is not None:
        return customer_update(
            customer=existing, actor=actor, data={**_customer_data(existing), **data}
        ), False
    try:
        with transaction.atomic():
            return customer_create(organization=organization, actor=actor, data=data), True
    except ApplicationError:
        existing = Customer.objects.filter(organization=organization, external_id=external_id).first()
        if existing is None:  # not a race on the same external id: the input was wrong
            raise
        return customer_update(
            customer=existing, actor=actor, data={**_customer_data(existing), **data}
        ), False


def _customer_data(customer: Customer) -> dict:
    return {field: getattr(customer, field) for field in CUSTOMER_FIELDS}


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
