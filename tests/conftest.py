"""Shared fixtures. Feature-specific fixtures live next to their tests (or in tests/<app>/conftest.py)."""

from pathlib import Path

import pytest

from core.catalogs import catalogs_compile, catalogs_stale
from organizations.models import Role
from tests.factories import CustomerFactory, OrganizationFactory, TeamFactory, UserFactory
from tests.twilio_server import twilio_server  # noqa: F401  (fixture: a fake Twilio over real HTTP)


def pytest_configure(config):
    """`make test` compiles the catalogs first; a direct pytest run does it here when a .po changed
    (Babel, no gettext), before any translation is loaded."""
    locale_dir = Path(__file__).resolve().parent.parent / "locale"
    if catalogs_stale(locale_dir):
        _, errors = catalogs_compile(locale_dir)
        if errors:
            raise pytest.UsageError("Translation catalogs don't compile:\n" + "\n".join(errors))


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Smith Tractors")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Rival Motors")


@pytest.fixture
def team(org):
    return TeamFactory(organization=org, name="Service", payments_enabled=True)


@pytest.fixture
def admin_user(org):
    return UserFactory(organization=org, role=Role.ADMIN, email="admin@smith.example", name="Ada Admin")


@pytest.fixture
def manager(org, team):
    return UserFactory(
        organization=org, role=Role.MANAGER, email="manager@smith.example", name="Max Manager", teams=[team]
    )


@pytest.fixture
def advisor(org, team):
    return UserFactory(
        organization=org, role=Role.ADVISOR, email="advisor@smith.example", name="Avery Advisor", teams=[team]
    )


@pytest.fixture
def customer(org):
    return CustomerFactory(
        organization=org, name="Carla Customer", phone="+13125550199", email="carla@example.net"
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters (core/throttle.py, DRF) start at zero in each test (CACHE_URL=locmemcache://)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    """Pages render in tests without `collectstatic` (with DJANGO_DEBUG=0 the settings pick the
    manifest storage, which needs it)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def stripe_server(settings):
    """The Stripe emulator over real HTTP (tests/stripe_server.py has the full list of helpers).

    Sets STRIPE_SECRET_KEY="sk_test_emulator", STRIPE_API_BASE=<emulator url>, STRIPE_WEBHOOK_SECRET and
    STRIPE_CONNECT_WEBHOOK_SECRET; starts each test from an empty emulator. Webhook events are HELD:
    `stripe_server.deliver_held(client)` POSTs them, signed, to /webhooks/stripe/ (platform) and
    /webhooks/stripe/connect/ (connected accounts) through the Django test client;
    `stripe_server.deliver_to(live_server.url)` sends them over HTTP instead.
    Control: complete_onboarding(acct), onboard(link_url, steps=1..3), pay_checkout(url, card=...),
    pay_afterpay(url), create_payout(acct), dispute(charge_id), fail_refund(re), advance_clock(seconds),
    emit_event(type, account=, object=), events(account=), state().
    """
    from tests.stripe_server import running_stripe_server

    server = running_stripe_server()
    server.reset()
    settings.STRIPE_SECRET_KEY = server.api_key
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_WEBHOOK_SECRET = server.webhook_secret
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = server.connect_webhook_secret
    yield server
    server.reset()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's million rounds cost ~0.5 s per UserFactory on this machine; tests don't need them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _close_leftover_db_sessions(django_db_setup, django_db_blocker):
    """Playwright's sync API runs the test body in a greenlet, and Django's per-context connections
    then open a second connection there that nobody closes. Close such sessions before the test
    database is dropped, so teardown doesn't warn that the database is still in use."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def browser():
    """Debian's chromium driven by Playwright (its own browser download can't run here).
    Browser tests also need os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true": the sync API runs an
    event loop in the test's thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()
