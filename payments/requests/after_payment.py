"""After a payment: the customer's receipt and the advisor's notification (run in a task, once each)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from core.money import format_minor
from payments.models import Payment, PaymentRequest, PaymentRequestEvent
from payments.requests import messages as texts
from payments.requests.customer_messages import customer_message_send
from payments.requests.history import history_record

if TYPE_CHECKING:
    pass


# ---------------------------------------------------------------------------------------------
# After a payment: receipts and the advisor's notification
# ---------------------------------------------------------------------------------------------
def payment_after_success_queue(payment_id: int) -> None:
    from payments.requests.tasks import payment_after_success_task

    payment_after_success_task.delay(payment_id)


def payment_after_success(*, payment_id: int) -> None:
    """Receipt to the customer by the request's channel(s) and the advisor's in-app notification
    and email. Safe to run twice: each is written once (a history row per payment marks it done)."""
    from notifications.models import Notification
    from notifications.services import email_send

    request_id = Payment.objects.filter(pk=payment_id).values_list("payment_request_id", flat=True).first()
    if request_id is None:
        return
    with transaction.atomic():
        # Lock order: the request first, then the payment (as everywhere else).
        PaymentRequest.objects.select_for_update(of=("self",)).get(pk=request_id)
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related(
                "payment_request__organization",
                "payment_request__customer",
                "payment_request__created_by",
                "payment_request__stripe_account",
                "customer",
                "advisor",
            )
            .get(pk=payment_id)
        )
        if payment.status == Payment.Status.FAILED:
            return
        request = payment.payment_request
        customer = request.customer
        done = set(
            PaymentRequestEvent.objects.filter(
                payment=payment, kind__in=("receipt_sent", "advisor_notified")
            ).values_list("kind", flat=True)
        )
        if "receipt_sent" not in done:
            subject, body = texts.receipt_email_subject_and_body(payment)
            sent = customer_message_send(
                payment_request=request,
                purpose="receipt",
                sms_body=texts.receipt_sms_text(payment),
                email_subject=subject,
                email_body=body,
            )
            history_record(
                payment_request=request,
                kind="receipt_sent",
                payment=payment,
                message=f"Receipt sent by {' and '.join(sent) or 'no channel (opted out)'}",
                data={"channels": sent},
            )
        advisor = payment.advisor
        title = f"{customer.name} paid {format_minor(payment.amount_minor, payment.currency)} (ref {request.reference})"
        if "advisor_notified" not in done:
            Notification.objects.create(
                user=advisor,
                title=title,
                body=f"{request.description} · request is {request.get_status_display().lower()}",
                url=f"/requests/{request.pk}/",
                payment_request=request,
            )
            if advisor.email:
                subject, body = texts.advisor_paid_email_subject_and_body(payment)
                email_send(
                    organization=request.organization,
                    to=advisor.email,
                    subject=subject,
                    body=body,
                    purpose="advisor_paid",
                    payment_request=request,
                )
            history_record(
                payment_request=request,
                kind="advisor_notified",
                payment=payment,
                message=f"{advisor.name} notified in the app and by email",
                data={"advisor": advisor.name},
            )
