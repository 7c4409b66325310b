from celery import shared_task

from organizations.services import invitation_send


@shared_task(
    name="organizations.send_invitation",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def invitation_send_task(invitation_id: int) -> None:
    """Create the invitation's SMS and email (each delivered by its own task). Safe twice."""
    invitation_send(invitation_id=invitation_id)
