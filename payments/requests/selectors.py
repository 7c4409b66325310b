"""Reads of payment requests. Every query is scoped to the user's organization; what a user
may see is asked of organizations.permissions. Another organization's request is a 404."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from organizations import permissions
from organizations.models import Role
from payments.models import Payment, PaymentRequest, PaymentRequestEvent
from teams.models import Team

if TYPE_CHECKING:
    from customers.models import Customer
    from organizations.models import User

LIST_FILTERS = {
    "open": ("sent", "opened", "partially_paid", "created"),
    "paid": ("paid",),
    "partially_paid": ("partially_paid",),
    "expired": ("expired",),
    "cancelled": ("cancelled",),
}


def payment_request_visible_list(*, user: User) -> QuerySet[PaymentRequest]:
    """Requests the user may see: Admin all of the organization's, Manager their teams' and their
    own, Advisor their own."""
    qs = PaymentRequest.objects.filter(organization_id=user.organization_id)
    if user.role == Role.ADMIN:
        return qs
    if user.role == Role.MANAGER:
        from django.db.models import Q

        return qs.filter(Q(created_by=user) | Q(team__in=user.teams.all())).distinct()
    return qs.filter(created_by=user)


def payment_request_list(
    *,
    user: User,
    mine_only: bool = True,
    status: str = "",
    customer_id: int | None = None,
    search: str = "",
) -> QuerySet[PaymentRequest]:
    qs = payment_request_visible_list(user=user)
    if mine_only:
        qs = qs.filter(created_by=user)
    if status in LIST_FILTERS:
        qs = qs.filter(status__in=LIST_FILTERS[status])
    elif status in PaymentRequest.Status.values:
        qs = qs.filter(status=status)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if search:
        from django.db.models import Q

        qs = qs.filter(Q(reference__icontains=search) | Q(customer__name__icontains=search))
    return qs.select_related("customer", "created_by", "team", "organization").order_by("-created_at", "-id")


def payment_request_get(*, user: User, pk: int) -> PaymentRequest:
    request = (
        PaymentRequest.objects.select_related(
            "organization", "customer", "created_by", "team", "opportunity", "stripe_account", "resent_from"
        )
        .filter(organization_id=user.organization_id, pk=pk)
        .first()
    )
    if request is None or not permissions.can_view_payment_request(user, request):
        raise Http404("No such payment request")
    return request


def payment_request_detail(*, user: User, pk: int) -> PaymentRequest:
    request = payment_request_get(user=user, pk=pk)
    history = PaymentRequestEvent.objects.filter(payment_request=request).select_related("actor", "payment")
    request.history_rows = list(history.order_by("created_at", "id"))
    request.payment_rows = list(Payment.objects.filter(payment_request=request).order_by("occurred_at", "id"))
    request.message_rows = list(request.messages.order_by("created_at", "id"))
    request.resend_rows = list(request.resends.order_by("created_at"))
    return request


def payment_request_attempts(*, payment_request: PaymentRequest) -> list[PaymentRequestEvent]:
    """Every charge attempt in the order it happened: failed attempts, then the one that succeeded.
    `when` is when the attempt happened (a failure whose webhook was processed late carries its
    own time in `data["occurred_at"]`)."""
    rows = list(
        PaymentRequestEvent.objects.filter(
            payment_request=payment_request,
            kind__in=("attempt_failed", "payment_succeeded", "payment_succeeded_extra"),
        ).order_by("created_at", "id")
    )
    for row in rows:
        occurred = (row.data or {}).get("occurred_at")
        row.when = datetime.fromisoformat(occurred) if occurred else row.created_at
    return sorted(rows, key=lambda row: (row.when, row.pk))


def customer_payment_request_list(*, user: User, customer: Customer):
    return (
        payment_request_visible_list(user=user)
        .filter(customer=customer)
        .select_related("organization")
        .order_by("-created_at")[:20]
    )


def payment_request_with_payments(*, queryset: QuerySet[PaymentRequest]) -> QuerySet[PaymentRequest]:
    return queryset.prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("occurred_at")))


def requestable_teams(user) -> QuerySet[Team]:
    """The teams this user can request payments for (payments on; an Admin: all of them)."""
    teams = Team.objects.filter(organization_id=user.organization_id, payments_enabled=True)
    if not user.is_admin:
        teams = teams.filter(members=user)
    return teams.order_by("name")
