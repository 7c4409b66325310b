"""Installment plans on a saved card: a total split into N dated parts (equal or custom amounts, the
first possibly today). Our own scheduler (the beat task `payments.installments_due`, every 15 min)
charges each part on its due date in the dealership's time zone, one off-session PaymentIntent per
part (charges.py; declines follow retries.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from babel.numbers import get_decimal_symbol
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict, PermissionDenied
from core.i18n import amount_parse, babel_locale, money_text
from organizations import permissions
from organizations.selectors import organization_zone
from payments.cards.charges import card_charge_prepare
from payments.cards.checks import card_chargeable
from payments.models import CardCharge, Installment, InstallmentPlan, SavedCard
from payments.requests.sending import STRIPE_MIN_CHARGE_MINOR
from payments.requests.states import PaymentRequestError

if TYPE_CHECKING:
    from organizations.models import Organization, User
    from teams.models import Team

MAX_PARTS = 36


def organization_today(organization: Organization) -> date:
    return timezone.now().astimezone(organization_zone(organization)).date()


def installment_amounts_read(text: str) -> list[int]:
    """The custom amounts typed for a plan, in minor units, read as the user's language writes
    amounts (core.i18n.amount_parse). Separated by semicolons, or by commas where the language's
    decimal mark is not a comma ("500, 250.50, 249.50"; in French "500 ; 250,50 ; 249,50")."""
    separator = ";" if ";" in text or get_decimal_symbol(babel_locale()) == "," else ","
    return [amount_parse(part) for part in text.split(separator) if part.strip()]


def installment_amounts_equal(*, total_minor: int, count: int) -> list[int]:
    """Equal parts in cents; the first part takes the remainder (10000 / 3 = 3334, 3333, 3333)."""
    base, rest = divmod(total_minor, count)
    return [base + rest] + [base] * (count - 1)


def _fail(field: str, message: str) -> PaymentRequestError:
    return PaymentRequestError(message, extra={"fields": {field: [message]}})


def installment_plan_create(
    *,
    user: User,
    saved_card: SavedCard,
    team: Team,
    description: str,
    reference: str,
    parts: list[tuple[date, int]],
    api_idempotency_key: str = "",
) -> InstallmentPlan:
    """`parts` = [(due date, amount minor), ...] in date order; a part due today is charged now."""
    organization = saved_card.customer.organization
    if not permissions.can_charge_saved_card(user, team):
        raise PermissionDenied(_("You can't set up installments on saved cards for this team."))
    if api_idempotency_key:
        existing = InstallmentPlan.objects.filter(
            organization=organization, api_idempotency_key=api_idempotency_key
        ).first()
        if existing is not None:
            return existing
    problem = card_chargeable(saved_card)
    if problem:
        raise _fail("card", problem)
    if not 1 <= len(parts) <= MAX_PARTS:
        raise _fail("parts", _("Choose between 1 and %(n)s installments.") % {"n": MAX_PARTS})
    today = organization_today(organization)
    previous = None
    for i, (due, amount) in enumerate(parts, start=1):
        if due < today:
            raise _fail("parts", _("Installment %(n)s is due before today.") % {"n": i})
        if previous and due < previous:
            raise _fail(
                "parts",
                _("Installment %(n)s is due before installment %(previous)s.") % {"n": i, "previous": i - 1},
            )
        if not isinstance(amount, int) or amount < STRIPE_MIN_CHARGE_MINOR:
            raise _fail(
                "parts",
                _("Installment %(n)s must be at least %(amount)s.")
                % {"n": i, "amount": money_text(STRIPE_MIN_CHARGE_MINOR, organization.currency)},
            )
        previous = due
    total = sum(amount for _, amount in parts)
    if total > organization.max_payment_minor * len(parts):
        raise _fail("parts", _("The plan's total is too large."))
    if not (description or "").strip() or not (reference or "").strip():
        raise _fail("description", _("Describe the plan and give its reference number."))
    with transaction.atomic():
        plan = InstallmentPlan.objects.create(
            organization=organization,
            customer=saved_card.customer,
            saved_card=saved_card,
            team=team,
            created_by=user,
            total_minor=total,
            currency=organization.currency,
            description=description.strip()[:500],
            reference=reference.strip()[:64],
            api_idempotency_key=api_idempotency_key,
        )
        Installment.objects.bulk_create(
            Installment(plan=plan, number=i, due_date=due, amount_minor=amount)
            for i, (due, amount) in enumerate(parts, start=1)
        )
    if parts[0][0] == today:
        installments_due_run(plan_id=plan.pk)
    return plan


def _installment_charge(installment: Installment) -> CardCharge | None:
    """SCHEDULED -> CHARGING (once, under the row lock), then the charge is written and sent."""
    from payments.cards.tasks import card_charge_submit_queue  # noqa: PLC0415 - tasks import services

    with transaction.atomic():
        installment = (
            Installment.objects.select_for_update()
            .select_related(
                "plan__saved_card__stripe_customer__stripe_account", "plan__team", "plan__created_by"
            )
            .get(pk=installment.pk)
        )
        if installment.status != Installment.Status.SCHEDULED:
            return None
        plan = installment.plan
        count = plan.installments.count()
        charge = card_charge_prepare(
            user=None,
            created_by=plan.created_by,
            saved_card=plan.saved_card,
            team=plan.team,
            amount_minor=installment.amount_minor,
            description=f"{plan.description} ({installment.number}/{count})",
            reference=plan.reference,
            kind=CardCharge.Kind.INSTALLMENT,
            submission_key=f"installment-{installment.pk}",
            installment=installment,
        )
        installment.status = Installment.Status.CHARGING
        installment.payment_request_id = charge.payment_request_id
        installment.save(update_fields=["status", "payment_request"])
        transaction.on_commit(lambda: card_charge_submit_queue(charge.pk))
    return charge


def installments_due_run(*, plan_id: int | None = None, now=None) -> int:
    """Charge every scheduled installment due today (or earlier) in its dealership's time zone."""
    due = Installment.objects.filter(
        status=Installment.Status.SCHEDULED, plan__status=InstallmentPlan.Status.ACTIVE
    ).select_related("plan__organization")
    if plan_id is not None:
        due = due.filter(plan_id=plan_id)
    count = 0
    now = now or timezone.now()
    for installment in due.order_by("due_date", "pk")[:1000]:
        zone = organization_zone(installment.plan.organization)
        if installment.due_date <= now.astimezone(zone).date():
            if _installment_charge(installment) is not None:
                count += 1
    return count


def installment_charge_finished(*, charge: CardCharge) -> None:
    """A part's charge came back: paid (the plan completes with its last part), or still being tried."""
    if charge.status != CardCharge.Status.SUCCEEDED:
        return
    Installment.objects.filter(pk=charge.installment_id).update(status=Installment.Status.PAID)
    plan_id = Installment.objects.filter(pk=charge.installment_id).values_list("plan_id", flat=True).first()
    left = Installment.objects.filter(plan_id=plan_id).exclude(status=Installment.Status.PAID).exists()
    if not left:
        InstallmentPlan.objects.filter(pk=plan_id, status=InstallmentPlan.Status.ACTIVE).update(
            status=InstallmentPlan.Status.COMPLETED
        )


def installment_plan_cancel(*, user: User, plan: InstallmentPlan) -> InstallmentPlan:
    """Cancel the rest: the parts not charged yet."""
    if not permissions.can_charge_saved_card(user, plan.team):
        raise PermissionDenied(_("You can't change this plan."))
    with transaction.atomic():
        plan = InstallmentPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.status != InstallmentPlan.Status.ACTIVE:
            raise Conflict(_("This plan is %(status)s.") % {"status": plan.get_status_display().lower()})
        plan.installments.filter(status=Installment.Status.SCHEDULED).update(
            status=Installment.Status.CANCELLED
        )
        plan.status = InstallmentPlan.Status.CANCELLED
        plan.save(update_fields=["status"])
    return plan


def installment_pay_next_now(*, user: User, plan: InstallmentPlan) -> CardCharge:
    if not permissions.can_charge_saved_card(user, plan.team):
        raise PermissionDenied(_("You can't change this plan."))
    if plan.status != InstallmentPlan.Status.ACTIVE:
        raise Conflict(_("This plan is %(status)s.") % {"status": plan.get_status_display().lower()})
    nxt = plan.installments.filter(status=Installment.Status.SCHEDULED).order_by("number").first()
    if nxt is None:
        raise Conflict(_("No installment is left to pay."))
    charge = _installment_charge(nxt)
    if charge is None:
        raise Conflict(_("This installment is already being charged."))
    return charge


def installment_plan_change_card(
    *, user: User, plan: InstallmentPlan, saved_card: SavedCard
) -> InstallmentPlan:
    if not permissions.can_charge_saved_card(user, plan.team):
        raise PermissionDenied(_("You can't change this plan."))
    if saved_card.customer_id != plan.customer_id:
        raise _fail("card", _("Choose one of this customer's cards."))
    problem = card_chargeable(saved_card)
    if problem:
        raise _fail("card", problem)
    InstallmentPlan.objects.filter(pk=plan.pk).update(saved_card=saved_card)
    plan.refresh_from_db()
    return plan
