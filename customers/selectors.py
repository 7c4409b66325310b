from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from customers.models import Customer, Opportunity
from organizations.models import Organization


def customer_list(
    *, organization: Organization, query: str = "", has_card: bool = False
) -> QuerySet[Customer]:
    """Search by name, email or phone (digits match anywhere in the E.164 number); `has_card` keeps
    customers with an active saved card (card on file)."""
    customers = Customer.objects.filter(organization=organization).annotate(
        opportunity_count=Count("opportunities")
    )
    if has_card:
        customers = customers.filter(
            Exists(
                apps.get_model("payments", "SavedCard").objects.filter(
                    customer=OuterRef("pk"), status="active"
                )
            )
        )
    query = query.strip()
    if query:
        condition = Q(name__icontains=query) | Q(email__icontains=query)
        digits = "".join(ch for ch in query if ch.isdigit())
        if len(digits) >= 3:
            condition |= Q(phone__contains=digits)
        customers = customers.filter(condition)
    return customers.order_by("name", "id")


def customer_get(*, organization: Organization, customer_id: int) -> Customer:
    """Another organization's customer is a 404."""
    return get_object_or_404(Customer, organization=organization, pk=customer_id)


def opportunity_list(*, customer: Customer) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(organization_id=customer.organization_id, customer=customer).order_by(
        "-created_at", "-id"
    )


def opportunity_get(*, customer: Customer, opportunity_id: int) -> Opportunity:
    return get_object_or_404(
        Opportunity, organization_id=customer.organization_id, customer=customer, pk=opportunity_id
    )
