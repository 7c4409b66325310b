"""Reads for card on file, scoped to the user's organization (another organization's object = 404)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from organizations import permissions
from payments.models import CardCharge, CardConsent, Installment, InstallmentPlan, SavedCard

if TYPE_CHECKING:
    from customers.models import Customer
    from organizations.models import User


def saved_cards_for_customer(*, customer: Customer, active_only: bool = True) -> list[SavedCard]:
    cards = SavedCard.objects.filter(
        organization_id=customer.organization_id, customer=customer
    ).prefetch_related(Prefetch("consents", queryset=CardConsent.objects.order_by("accepted_at")))
    if active_only:
        cards = cards.filter(status=SavedCard.Status.ACTIVE)
    return list(cards)


def saved_card_get_for_user(*, user: User, card_id: int) -> SavedCard:
    card = (
        SavedCard.objects.select_related("customer", "stripe_customer__stripe_account")
        .filter(organization_id=user.organization_id, pk=card_id)
        .first()
    )
    if card is None or not permissions.can_view_saved_cards(user, card.customer):
        raise Http404("Card not found.")
    return card


def card_charges_for_customer(*, customer: Customer, limit: int = 20) -> QuerySet[CardCharge]:
    return (
        CardCharge.objects.filter(organization_id=customer.organization_id, customer=customer)
        .select_related("saved_card", "payment_request")
        .order_by("-created_at", "-id")[:limit]
    )


def card_charge_get_for_user(*, user: User, charge_id: int) -> CardCharge:
    charge = (
        CardCharge.objects.select_related("customer", "saved_card", "payment_request__team")
        .filter(organization_id=user.organization_id, pk=charge_id)
        .first()
    )
    if charge is None:
        raise Http404("Charge not found.")
    return charge


def plans_for_customer(*, customer: Customer) -> QuerySet[InstallmentPlan]:
    return (
        InstallmentPlan.objects.filter(organization_id=customer.organization_id, customer=customer)
        .select_related("saved_card")
        .prefetch_related(Prefetch("installments", queryset=Installment.objects.order_by("number")))
    )


def plan_get_for_user(*, user: User, plan_id: int) -> InstallmentPlan:
    plan = (
        InstallmentPlan.objects.select_related("customer", "saved_card", "team")
        .prefetch_related(Prefetch("installments", queryset=Installment.objects.order_by("number")))
        .filter(organization_id=user.organization_id, pk=plan_id)
        .first()
    )
    if plan is None:
        raise Http404("Plan not found.")
    return plan
