from celery import shared_task

from organizations.models import Organization
from payments.reconciliation_files.emails import reconciliation_file_email
from payments.reconciliation_files.services import reconciliation_files_build_day, reconciliation_files_due


@shared_task(name="payments.reconciliation_files_due", time_limit=120, soft_time_limit=100)
def reconciliation_files_due_task() -> None:
    """Hourly (beat): queue the files of yesterday for every organization whose day is over."""
    for organization_id, day in reconciliation_files_due():
        reconciliation_file_build_task.delay(organization_id, day.isoformat())


@shared_task(name="payments.reconciliation_file_build", time_limit=300, soft_time_limit=270, acks_late=True)
def reconciliation_file_build_task(organization_id: int, day: str) -> None:
    """The organization's file of the day and the chosen teams' files (each built once), then the email."""
    import datetime as dt

    organization = Organization.objects.get(pk=organization_id)
    files = reconciliation_files_build_day(organization=organization, day=dt.date.fromisoformat(day))
    reconciliation_file_email(file=files[0], files=files)
