"""Bulk charge: review (count, total, fee, who is skipped), live progress, results CSV, and a run
whose real worker process is killed halfway: resumed, every customer is charged exactly once
(counted in the emulator)."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.utils import timezone, translation

from payments import gateway
from payments.cards import bulk, services
from payments.models import BulkCharge, BulkChargeItem, CardCharge, CardConsent, SavedCard
from tests.factories import CustomerFactory
from tests.organizations.test_worker_delivery import ROOT, _database_url, real_broker  # noqa: F401 - fixture


@pytest.fixture
def card_worker(real_broker, stripe_server):  # noqa: F811 - the fixture
    """`start()` runs a real `celery -A config worker` on our queues, against the emulator, with the
    shared charge limiter set low so that a run takes a few seconds."""
    broker_url, prefix, queues = real_broker
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_QUEUE_PREFIX": prefix,
        "TWILIO_ACCOUNT_SID": "",
        "EMAIL_URL": "",
        "STRIPE_SECRET_KEY": stripe_server.api_key,
        "STRIPE_API_BASE": stripe_server.url,
        "CARD_CHARGE_RATE_PER_SECOND": "6",
        "CARD_CHARGE_RATE_BURST": "1",
        "BULK_CHARGE_SHARDS": "2",
    }
    started = []

    def start():
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--queues", ",".join(queues)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def saved_card_for(stripe_server, customer, account, card="4242 4242 4242 4242"):
    """A customer with a card saved through setup-mode Checkout on the emulator, and their consent."""
    from datetime import UTC, datetime, timedelta

    stripe_customer = services.stripe_customer_ensure(customer=customer, stripe_account=account)
    session = gateway.setup_session_create(
        account_id=account.stripe_id,
        customer_id=stripe_customer.stripe_customer_id,
        currency="USD",
        locale="",
        success_url="https://dealer.example/ok",
        cancel_url="https://dealer.example/no",
        expires_at=datetime.now(UTC) + timedelta(hours=2),
        metadata={},
        idempotency_key=f"setup-{customer.pk}",
    )
    assert stripe_server.save_card(session.url, card=card).status == 303
    info = gateway.setup_intent_retrieve(
        account_id=account.stripe_id, setup_intent_id=session.setup_intent_id
    )
    saved = services.saved_card_upsert(stripe_customer=stripe_customer, info=info.card)
    consent = services.consent_record(
        customer=customer, source=CardConsent.Source.SAVE_LINK, ip_address="203.0.113.1", user_agent="test"
    )
    consent.saved_card = saved
    consent.save()
    return saved


@pytest.mark.django_db
def test_review_progress_and_results_csv(
    client, stripe_server, manager, org, team, account, django_capture_on_commit_callbacks
):
    with_card = [CustomerFactory(organization=org, name=f"Fleet {i}") for i in range(3)]
    for c in with_card:
        saved_card_for(stripe_server, c, account)
    declining = CustomerFactory(organization=org, name="=Declines")
    saved_card_for(stripe_server, declining, account, card="4000 0000 0000 0341")
    without = CustomerFactory(organization=org, name="No Card")
    client.force_login(manager)
    new = client.get("/cards/bulk/new/").content.decode()
    assert "Fleet 0" in new and "No Card" not in new  # only customers with a saved card are listed
    ids = [c.pk for c in with_card] + [declining.pk, without.pk]
    response = client.post(
        "/cards/bulk/new/",
        {
            "team": team.pk,
            "amount": "25.00",
            "customer": ids,
            "description": "Late fee",
            "reference": "LF-12",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    run = BulkCharge.objects.get()
    review = client.get(response["Location"]).content.decode()
    assert 'data-testid="review-count">4<' in review and "$100.00" in review and "No Card" in review
    assert CardCharge.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"])
    run.refresh_from_db()
    assert run.status == "done"
    progress = client.get(f"/cards/bulk/{run.pk}/progress/").json()
    assert (progress["done"], progress["failed"], progress["left"], progress["total"]) == (3, 2, 0, 5)
    page = client.get(f"/cards/bulk/{run.pk}/").content.decode()
    # A finished run's box doesn't poll any more; the failures are listed with their reason.
    assert (
        'data-status="done"' in page
        and "hx-trigger" not in page.split('<div class="card" id="bulk-progress"')[1].split(">")[0]
    )
    assert 'data-testid="bulk-failures"' in page and "<script>" not in page  # no inline script (CSP)
    BulkCharge.objects.filter(pk=run.pk).update(status="running")
    running = client.get(f"/cards/bulk/{run.pk}/").content.decode()
    box = running.split('<div class="card" id="bulk-progress"')[1].split(">")[0]
    assert (
        'data-status="running"' in box and 'hx-trigger="every' in box and 'hx-select="#bulk-progress"' in box
    )
    BulkCharge.objects.filter(pk=run.pk).update(status="done")
    csv_text = client.get(f"/cards/bulk/{run.pk}/results.csv").content.decode()
    assert (
        csv_text.count("Paid") == 3 and "'=Declines" in csv_text and "No saved card with consent" in csv_text
    )
    assert stripe_server.charges_summary()["succeeded"] == 3
    client.post(response["Location"])  # confirming again runs nothing twice
    assert stripe_server.charges_summary()["succeeded"] == 3


@pytest.mark.django_db
def test_csv_upload_names_a_bad_line(client, manager, team, account):
    client.force_login(manager)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("run.csv", b"customer_id,amount\n12,abc\n")
    response = client.post(
        "/cards/bulk/new/", {"team": team.pk, "csv_file": upload, "description": "x", "reference": "y"}
    )
    assert response.status_code == 200 and "Line 2" in response.content.decode()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_halfway_resumes_and_charges_each_customer_once(
    stripe_server, manager, org, team, account, card_worker, settings
):
    customers = [CustomerFactory(organization=org, name=f"Fleet {i}") for i in range(30)]
    for c in customers:
        saved_card_for(stripe_server, c, account)
    stripe_server.emulator.dispatcher.mode = "off"  # no webhooks: only the worker records anything
    settings.BULK_CHARGE_SHARDS = 2
    run = bulk.bulk_charge_create(
        user=manager,
        team=team,
        description="Month end",
        reference="ME-1",
        rows=[(c.pk, 1_000) for c in customers],
    )
    # the worker charges at 6/s: 30 charges take ~5 s, time to kill it mid-run
    bulk.bulk_charge_confirm(user=manager, run=run)  # queues the shards on Redis
    first = card_worker()
    deadline = time.monotonic() + 120
    while BulkChargeItem.objects.filter(run=run, status="succeeded").count() < 8:
        assert time.monotonic() < deadline and first.poll() is None, "the worker made no progress"
        time.sleep(0.1)
    os.kill(first.pid, signal.SIGKILL)  # mid-run: its task is never acknowledged
    first.wait(10)
    done_at_kill = BulkChargeItem.objects.filter(run=run, status="succeeded").count()
    assert done_at_kill < 30
    second = card_worker()
    resumed = bulk.bulk_charges_resume(now=timezone.now() + bulk.STALE_AFTER * 2)  # as if the sweep ran later
    assert resumed == [run.pk]
    deadline = time.monotonic() + 120
    while BulkCharge.objects.get(pk=run.pk).status != "done":
        assert time.monotonic() < deadline and second.poll() is None, "the resumed run did not finish"
        time.sleep(0.2)
    assert BulkChargeItem.objects.filter(run=run, status="succeeded").count() == 30
    per_request = stripe_server.charges_summary("payment_request_id")["succeeded_by"]
    assert len(per_request) == 30 and set(per_request.values()) == {1}  # each customer charged once
    assert CardCharge.objects.filter(bulk_item__run=run).count() == 30
    assert SavedCard.objects.count() == 30


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "customer_id,amount\n12,1234.56\n13,25\n", [(12, 123_456), (13, 2500)]),
        ("fr", "customer_id;montant\n12;1 234,56\n13;25,00\n", [(12, 123_456), (13, 2500)]),
        ("fr", 'customer_id,amount\n12,"1234,56"\n', [(12, 123_456)]),
        ("de", "id;betrag\n12;1.234,56\n", [(12, 123_456)]),
    ],
)
def test_csv_amounts_are_read_the_way_the_users_language_writes_them(language, text, expected):
    with translation.override(language):
        assert bulk.bulk_rows_from_csv(text=text, language=language) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "customer_id,amount\n12,25,00\n"),  # an unquoted decimal comma: 25 or 25,00? refused
        ("fr", "id;montant\n12;1.234\n"),  # 1.234 in French: a thousand or one? refused
        ("en", 'id,amount\n12,"12,34"\n'),  # English: 12,34 is refused with how it could be read
    ],
)
def test_csv_amounts_that_could_be_read_two_ways_are_refused(language, text):
    from payments.requests.states import PaymentRequestError

    with translation.override(language), pytest.raises(PaymentRequestError) as caught:
        bulk.bulk_rows_from_csv(text=text, language=language)
    assert "2" in caught.value.message  # names the line


@pytest.mark.django_db
def test_the_card_pages_speak_french(client, manager, team, account):
    from django.core.files.uploadedfile import SimpleUploadedFile

    manager.language = "fr"
    manager.save(update_fields=["language"])
    client.force_login(manager)
    upload = SimpleUploadedFile("run.csv", b"customer_id;montant\n12;abc\n")
    html = client.post(
        "/cards/bulk/new/", {"team": team.pk, "csv_file": upload, "description": "x", "reference": "y"}
    ).content.decode()
    assert "Ligne 2 : " in html and "n’est pas un montant" in html
    html = client.post(
        "/cards/bulk/new/", {"team": team.pk, "description": "x", "reference": "y"}
    ).content.decode()
    assert "Saisissez le montant à débiter à chaque client sélectionné." in html
