from celery import shared_task

from notifications.services import MessageTemporaryError, message_deliver, message_give_up

MAX_RETRIES = 6


@shared_task(name="notifications.deliver_message", bind=True, max_retries=MAX_RETRIES, acks_late=True)
def message_deliver_task(self, message_id: int) -> None:
    """Deliver one OutboundMessage. Transient failures retry with exponential back-off
    (30 s, 60 s, 2 min, ... capped at 30 min); after the last try the message is marked failed."""
    try:
        message_deliver(message_id=message_id)
    except MessageTemporaryError as exc:
        if self.request.retries >= self.max_retries:
            message_give_up(message_id=message_id, error=str(exc))
            return
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 1800))
