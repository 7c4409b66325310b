"""Per-team daily files (an Admin's choice), where team-scoped people find them, and the daily
email's on/off switch (per recipient, on the Admin page and by the link in each email)."""

import csv
import datetime as dt
import io
import re

import pytest

from notifications.models import OutboundMessage
from payments.models import PayoutEmailRecipient, ReconciliationFile
from payments.reconciliation_files.services import reconciliation_files_due
from payments.reconciliation_files.tasks import reconciliation_file_build_task
from tests.factories import OrganizationFactory, TeamFactory, UserFactory
from tests.payments.dealer_api.conftest import checked
from tests.payments.reconciliation_files.test_daily_file import DAY, day_world, local  # noqa: F401
from tests.payments.tab.conftest import make_payment

pytestmark = pytest.mark.django_db
NEXT_MORNING = local(DAY + dt.timedelta(days=1), 1)


@pytest.fixture
def sales(org, day_world):  # noqa: F811
    sales = TeamFactory(organization=org, name="Sales")
    seller = UserFactory(organization=org, role="advisor", name="Sam Seller", teams=[sales])
    make_payment(org=org, team=sales, advisor=seller, amount=30_000, when=local(DAY, 15))
    return sales


@pytest.fixture
def sales_manager(org, sales):
    return UserFactory(organization=org, role="manager", email="sales-manager@smith.example", teams=[sales])


def _run_beat():
    for organization_id, day in reconciliation_files_due(now=NEXT_MORNING):
        reconciliation_file_build_task(organization_id, day.isoformat())


def _rows(content: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.lstrip("\ufeff"))))


def test_the_admin_chooses_teams_and_the_beat_job_builds_their_files(
    client, org, admin_user, team, sales, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    page = client.get("/payments/reconciliation-files/").content.decode()
    assert 'data-testid="file-teams"' in page and f'value="{sales.pk}"' in page
    client.post("/payments/reconciliation-files/teams/", {"team_ids": [str(team.pk)]})
    with django_capture_on_commit_callbacks(execute=True):
        _run_beat()
    organization_file = ReconciliationFile.objects.get(team=None)
    service_file = ReconciliationFile.objects.get(team=team)
    assert not ReconciliationFile.objects.filter(team=sales).exists()
    service_rows = _rows(service_file.content)
    assert {row["team"] for row in service_rows} == {"Service"} and "payout" not in {
        r["kind"] for r in service_rows
    }
    all_rows = _rows(organization_file.content)
    assert {row["team"] for row in all_rows if row["kind"] == "payment"} == {"Service", "Sales"}
    assert service_file.row_count == len(all_rows) - 3  # Sales' payment and fee, the payout

    # Sales ticked later: the next beat run makes only the missing file, and emails nobody twice
    client.post("/payments/reconciliation-files/teams/", {"team_ids": [str(team.pk), str(sales.pk)]})
    assert reconciliation_files_due(now=NEXT_MORNING) == [(org.pk, DAY)]
    with django_capture_on_commit_callbacks(execute=True):
        _run_beat()
    assert ReconciliationFile.objects.get(team=sales).row_count == 2  # the payment and its fee
    assert ReconciliationFile.objects.filter(team=None).count() == 1
    assert reconciliation_files_due(now=NEXT_MORNING) == []


def test_only_an_admin_chooses_the_teams(client, manager, team, sales):
    client.force_login(manager)
    assert (
        client.post("/payments/reconciliation-files/teams/", {"team_ids": [str(team.pk)]}).status_code == 403
    )
    assert 'data-testid="file-teams"' not in client.get("/payments/reconciliation-files/").content.decode()


def test_team_scoped_people_see_and_download_their_teams_files(
    client, org, admin_user, manager, team, sales, sales_manager, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    client.post("/payments/reconciliation-files/teams/", {"team_ids": [str(team.pk), str(sales.pk)]})
    with django_capture_on_commit_callbacks(execute=True):
        _run_beat()
    listed = client.get("/payments/reconciliation-files/").content.decode()
    assert listed.count(f'data-day="{DAY.isoformat()}"') == 3  # the dealership's and both teams'

    client.force_login(manager)  # Service's manager
    listed = client.get("/payments/reconciliation-files/").content.decode()
    assert re.findall(r'data-team="(\d*)"', listed) == [str(team.pk)]  # not the dealership's, not Sales'
    stored = ReconciliationFile.objects.get(team=team)
    download = client.get(f"/payments/reconciliation-files/{DAY.isoformat()}/", {"team": team.pk})
    assert download.content.decode() == stored.content
    excel = client.get(f"/payments/reconciliation-files/{DAY.isoformat()}/", {"team": team.pk, "excel": "1"})
    assert excel.content.decode("utf-8") == "\ufeff" + stored.content
    assert (
        client.get(f"/payments/reconciliation-files/{DAY.isoformat()}/", {"team": sales.pk}).status_code
        == 404
    )
    mine = _rows(client.get(f"/payments/reconciliation-files/{DAY.isoformat()}/").content.decode())
    assert {row["team"] for row in mine if row["team"]} == {"Service"}  # "all my teams", built for them

    client.force_login(sales_manager)
    listed = client.get("/payments/reconciliation-files/").content.decode()
    assert re.findall(r'data-team="(\d*)"', listed) == [str(sales.pk)]


def test_the_api_lists_the_files_and_serves_a_teams_file(
    client, org, admin_user, manager, team, sales, token_client, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    client.post("/payments/reconciliation-files/teams/", {"team_ids": [str(team.pk), str(sales.pk)]})
    with django_capture_on_commit_callbacks(execute=True):
        _run_beat()
    everything = checked(token_client(["read"]).get("/api/v1/reconciliation-files/"), 200)["results"]
    assert sorted((f["day"], f["team_name"] or "") for f in everything) == [
        (DAY.isoformat(), ""),
        (DAY.isoformat(), "Sales"),
        (DAY.isoformat(), "Service"),
    ]
    service = next(f for f in everything if f["team_id"] == team.pk)
    assert service["download_url"].endswith(
        f"/api/v1/reconciliation-files/{DAY.isoformat()}/?team_id={team.pk}"
    )
    as_manager = token_client(["read"], acting_user=manager)
    assert [
        f["team_id"] for f in checked(as_manager.get("/api/v1/reconciliation-files/"), 200)["results"]
    ] == [team.pk]
    text = checked(
        as_manager.get(f"/api/v1/reconciliation-files/{DAY.isoformat()}/", {"team_id": team.pk}), 200
    )
    assert text == ReconciliationFile.objects.get(team=team).content
    checked(as_manager.get(f"/api/v1/reconciliation-files/{DAY.isoformat()}/", {"team_id": sales.pk}), 404)
    filtered = checked(
        token_client(["read"]).get(
            "/api/v1/reconciliation-files/", {"team_id": sales.pk, "day_from": "2026-03-09"}
        ),
        200,
    )
    assert filtered["results"] == []
    assert checked(token_client(["read"]).get("/api/v1/reconciliation-files/", {"day_from": "March"}), 400)
    checked(token_client(["request_payments"]).get("/api/v1/reconciliation-files/"), 403)  # no read scope
    advisor = UserFactory(organization=org, role="advisor", teams=[team])
    checked(token_client(["read"], acting_user=advisor).get("/api/v1/reconciliation-files/"), 403)
    stranger_team = TeamFactory(organization=OrganizationFactory())
    checked(
        token_client(["read"]).get(
            f"/api/v1/reconciliation-files/{DAY.isoformat()}/", {"team_id": stranger_team.pk}
        ),
        404,
    )


def test_the_email_links_each_persons_files_and_skips_who_turned_it_off(
    client, org, admin_user, manager, advisor, team, sales, sales_manager, django_capture_on_commit_callbacks
):
    for person in (admin_user, manager, advisor, sales_manager):
        PayoutEmailRecipient.objects.create(organization=org, user=person)
    PayoutEmailRecipient.objects.filter(user=sales_manager).update(reconciliation_file_emails=False)
    client.force_login(admin_user)
    client.post("/payments/reconciliation-files/teams/", {"team_ids": [str(team.pk), str(sales.pk)]})
    with django_capture_on_commit_callbacks(execute=True):
        _run_beat()
    emails = {m.to: m.body for m in OutboundMessage.objects.filter(purpose="reconciliation_file")}
    assert set(emails) == {admin_user.email, manager.email}  # the Advisor can't open the files
    base = f"/payments/reconciliation-files/{DAY.isoformat()}/"
    assert (
        f"{base}?team={team.pk}" in emails[admin_user.email]
        and f"{base}?team={sales.pk}" in emails[admin_user.email]
    )
    assert (
        f"{base}?team={team.pk}" in emails[manager.email] and f"?team={sales.pk}" not in emails[manager.email]
    )
    assert "All my teams, CSV" in emails[manager.email] and "All teams, CSV" in emails[admin_user.email]
    assert "Stop these daily emails" in emails[manager.email]


def test_the_link_in_the_email_turns_it_off_and_on_without_signing_in(
    client,
    org,
    manager,
    day_world,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    recipient = PayoutEmailRecipient.objects.create(organization=org, user=manager)
    with django_capture_on_commit_callbacks(execute=True):
        _run_beat()
    [email] = OutboundMessage.objects.filter(purpose="reconciliation_file")
    link = re.search(r"http://\S+/payments/reconciliation-files/emails/\S+/", email.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and manager.email in page.content.decode()
    assert client.post("/" + path, {"enabled": "0"}).status_code == 302
    recipient.refresh_from_db()
    assert recipient.reconciliation_file_emails is False
    assert "no longer gets" in client.get("/" + path).content.decode()
    client.post("/" + path, {"enabled": "1"})
    recipient.refresh_from_db()
    assert recipient.reconciliation_file_emails is True
    assert client.get("/payments/reconciliation-files/emails/forged-token/").status_code == 404
    recipient.delete()
    assert client.get("/" + path).status_code == 404  # no longer a recipient: the link says so


def test_the_admin_sets_it_per_recipient_on_the_payout_emails_page(client, org, admin_user, manager):
    client.force_login(admin_user)
    page = client.get("/admin-tab/payout-emails/").content.decode()
    assert 'name="file_email_user_ids"' in page
    client.post(
        "/admin-tab/payout-emails/",
        {
            "user_ids": [admin_user.pk, manager.pk],
            "file_email_user_ids": [admin_user.pk],
            "file_emails_form": "1",
        },
    )
    wants = dict(PayoutEmailRecipient.objects.values_list("user_id", "reconciliation_file_emails"))
    assert wants == {admin_user.pk: True, manager.pk: False}
    client.post("/admin-tab/payout-emails/", {"user_ids": [admin_user.pk, manager.pk]})  # an older form
    assert dict(PayoutEmailRecipient.objects.values_list("user_id", "reconciliation_file_emails")) == wants
