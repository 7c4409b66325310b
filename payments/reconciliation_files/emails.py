"""The daily email to the payout email recipients: links to the day's files (the files hold
customer names, so the email holds none), and its on/off switch.

Each recipient (PayoutEmailRecipient) has `reconciliation_file_emails` (on by default): the Admin
sets it on Admin tab -> Payout emails, and every email ends with a personal link that turns it
off (or on again) without signing in. The link carries a signed recipient id
(django.core.signing, salted), so it works for that recipient only and can't be guessed. Only
people who may download the files (Admins, Managers) get the email; a Manager's links are the
files of their own teams.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from organizations import permissions
from payments.models import PayoutEmailRecipient, ReconciliationFile
from payments.tab.selectors import teams_for_filter

SALT = "payments.reconciliation_file_emails"


def recipient_token(recipient: PayoutEmailRecipient) -> str:
    return signing.dumps({"r": recipient.pk, "u": recipient.user_id}, salt=SALT, compress=True)


def recipient_from_token(token: str) -> PayoutEmailRecipient:
    """The recipient the link was made for; ApplicationError when it is not one of ours any more."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise ApplicationError(_("This link is not valid."))
    recipient = (
        PayoutEmailRecipient.objects.select_related("user", "organization")
        .filter(pk=data.get("r"), user_id=data.get("u"))
        .first()
    )
    if recipient is None:
        raise ApplicationError(
            _("You no longer receive payout or reconciliation emails from this dealership.")
        )
    return recipient


def recipient_switch_url(recipient: PayoutEmailRecipient) -> str:
    return f"{settings.SITE_URL}/payments/reconciliation-files/emails/{recipient_token(recipient)}/"


def reconciliation_file_emails_set(*, recipient: PayoutEmailRecipient, enabled: bool) -> PayoutEmailRecipient:
    """Turn one recipient's daily file emails on or off (their link, or the Admin)."""
    recipient.reconciliation_file_emails = enabled
    recipient.save(update_fields=["reconciliation_file_emails"])
    return recipient


def reconciliation_file_emails_choose(*, user, user_ids: list[int]) -> int:
    """Admin tab -> Payout emails: which recipients also get the daily file's email. Returns how many."""
    from core.errors import PermissionDenied

    if not permissions.can_manage_payout_emails(user):
        raise PermissionDenied("Only Admins choose who receives payout emails.")
    recipients = PayoutEmailRecipient.objects.filter(organization_id=user.organization_id)
    recipients.filter(user_id__in=user_ids).update(reconciliation_file_emails=True)
    recipients.exclude(user_id__in=user_ids).update(reconciliation_file_emails=False)
    return recipients.filter(reconciliation_file_emails=True).count()


def _links(*, user, files: list[ReconciliationFile]) -> list[tuple[str, str]]:
    """(label, url) of each of the day's files this person may download."""
    organization_file = next(f for f in files if f.team_id is None)
    day = organization_file.day.isoformat()
    base = f"{settings.SITE_URL}/payments/reconciliation-files/{day}/"
    visible = set(teams_for_filter(user=user).values_list("pk", flat=True))
    label = "All teams" if permissions.can_manage_reconciliation_files(user) else "All my teams"
    links = [(f"{label}, CSV", base), (f"{label}, for Excel", base + "?excel=1")]
    for file in files:
        if file.team_id is not None and file.team_id in visible:
            links.append((f"{file.team.name}, CSV", f"{base}?team={file.team_id}"))
    return links


def reconciliation_file_email(
    *, file: ReconciliationFile, files: list[ReconciliationFile] | None = None
) -> int:
    """Email the day's files to the recipients who want them, once per day (the organization's
    file carries `emailed_at`). `files`: the day's files (default: all stored for that day)."""
    from notifications.services import email_send

    if file.emailed_at is not None or file.team_id is not None:
        return 0
    files = files or list(
        ReconciliationFile.objects.filter(organization_id=file.organization_id, day=file.day).select_related(
            "team"
        )
    )
    recipients = PayoutEmailRecipient.objects.filter(
        organization_id=file.organization_id, reconciliation_file_emails=True
    ).select_related("user")
    sent = 0
    with transaction.atomic():
        locked = ReconciliationFile.objects.select_for_update().get(pk=file.pk)
        if locked.emailed_at is not None:
            return 0
        for recipient in recipients:
            user = recipient.user
            if not user.is_active or not permissions.can_download_reports(user):
                continue  # an Advisor among the payout recipients can't open the files
            lines = "".join(f"{label}: {url}\n" for label, url in _links(user=user, files=files))
            email_send(
                organization=file.organization,
                to=user.email,
                subject=f"Reconciliation file for {file.day:%b %-d, %Y} ({file.row_count} movements)",
                body=(
                    f"Hello {user.name},\n\nThe reconciliation file of {file.organization.name} for "
                    f"{file.day:%A %B %-d, %Y} is ready: {file.row_count} money movements.\n\n{lines}\n"
                    "--\nYou get this email because you receive payout emails. Stop these daily emails "
                    f"(payout emails go on): {recipient_switch_url(recipient)}\n"
                ),
                purpose="reconciliation_file",
            )
            sent += 1
        now = timezone.now()
        ReconciliationFile.objects.filter(pk__in=[f.pk for f in files] + [locked.pk]).update(emailed_at=now)
    return sent
