"""A real Celery worker process on Redis (not eager) delivers an invitation SMS into the outbox.

The worker is `celery -A config worker` in a subprocess, pointed at the test database: the test
runs with transaction=True so the rows it commits are visible to the worker's own connection."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection

from config.celery import QUEUE_KINDS, queue_names
from config.celery import app as celery_app
from notifications.models import OutboundMessage
from organizations.models import Invitation, Role
from organizations.services import invitation_create
from tests.factories import OrganizationFactory, TeamFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def real_broker(settings):
    """Publish to Redis instead of running tasks in this process."""
    broker_url = celery_app.conf.broker_url or ""
    if not broker_url.startswith("redis://"):
        pytest.fail(f"the worker test needs CELERY_BROKER_URL=redis://..., got {broker_url!r}")
    eager = celery_app.conf.task_always_eager
    # Queues of our own, so a worker of another test run on the same Redis can't take our tasks.
    prefix = f"textpay-test-{uuid.uuid4().hex[:12]}."
    celery_app.conf.task_always_eager = False
    settings.CELERY_QUEUE_PREFIX = prefix
    settings.TWILIO_ACCOUNT_SID = ""  # SMS backend: the outbox
    queues = queue_names()
    assert len(queues) == len(QUEUE_KINDS) and all(q.startswith(prefix) for q in queues)
    yield broker_url, prefix, queues
    celery_app.conf.task_always_eager = eager
    redis.Redis.from_url(broker_url).delete(
        *[key for q in queues for key in (q, f"_kombu.binding.{q}", f"_kombu.binding_permanent.{q}")]
    )  # leave Redis as we found it


@pytest.fixture
def worker(real_broker):
    broker_url, prefix, queues = real_broker
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "worker-test"),
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_QUEUE_PREFIX": prefix,  # what the worker publishes (the SMS/email deliveries)
        "TWILIO_ACCOUNT_SID": "",
        "EMAIL_URL": "",
    }
    started = []

    def start():
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", "INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--queues", ",".join(queues)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_delivers_the_invitation_sms_into_the_outbox(worker):
    org = OrganizationFactory()
    admin = UserFactory(organization=org, role=Role.ADMIN)
    team = TeamFactory(organization=org)
    invitation = invitation_create(
        organization=org,
        invited_by=admin,
        name="Wendy Worker",
        email="wendy@example.com",
        phone="+13125550123",
        role=Role.MANAGER,
        teams=[team],
    )
    # Committed and queued on Redis; nothing ran in this process.
    assert not OutboundMessage.objects.filter(invitation=invitation).exists()

    process = worker()
    deadline = time.monotonic() + 90
    sms = None
    while time.monotonic() < deadline:
        sms = OutboundMessage.objects.filter(invitation=invitation, channel="sms", status="sent").first()
        if (
            sms
            and OutboundMessage.objects.filter(invitation=invitation, channel="email", status="sent").exists()
        ):
            break
        assert process.poll() is None, process.stdout.read()
        time.sleep(0.5)
    assert sms is not None, "the worker did not deliver the SMS in time"
    assert (sms.backend, sms.to) == ("outbox", "+13125550123")
    invitation = Invitation.objects.get(pk=invitation.pk)
    email = OutboundMessage.objects.get(invitation=invitation, channel="email")
    assert invitation.token in email.body and invitation.sent_at is not None
    assert invitation.token not in sms.body and "wendy@example.com" in sms.body
