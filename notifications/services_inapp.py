"""In-app notifications: mark as read (only on one's own payment requests)."""

from django.db import transaction
from django.utils import timezone

from core.errors import PermissionDenied
from notifications.models import Notification
from organizations import permissions


@transaction.atomic
def notification_mark_read(*, user, notification: Notification) -> Notification:
    if notification.user_id != user.pk:
        raise PermissionDenied("You can only mark your own notifications as read.")
    if notification.payment_request is not None and not permissions.can_mark_notification_read(
        user, notification.payment_request
    ):
        raise PermissionDenied("You can mark as read only notifications about your own payment requests.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    own = Notification.objects.filter(user=user, read_at__isnull=True)
    own = own.filter(payment_request__isnull=True) | own.filter(payment_request__created_by=user)
    return own.update(read_at=timezone.now())
