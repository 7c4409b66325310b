"""Production settings: the documented configuration (.env.example + README) with real keys passes
`manage.py check --deploy` with no warning; without a real Stripe key or with the emulator's public
webhook secret the process refuses to start; the emulator is mounted only in development.
(Issue 11, items 2 and 3.)"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        values[name.strip()] = value.strip().strip('"')
    return values


def production_env(**changes: str) -> dict[str, str]:
    """.env.example's values with real-looking keys, nothing else from this process's environment."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    env.update(_env_example())
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        STRIPE_SECRET_KEY="sk_live_" + secrets.token_hex(24),
        STRIPE_WEBHOOK_SECRET="whsec_" + secrets.token_hex(16),
        STRIPE_CONNECT_WEBHOOK_SECRET="whsec_" + secrets.token_hex(16),
        DATABASE_URL=os.environ["DATABASE_URL"],
        VAR_DIR=str(ROOT / "var"),
    )
    env.update(changes)
    return {k: v for k, v in env.items() if v is not None}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    if args[0] == "shell":
        args = (*args, "--no-imports")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_documented_production_settings_pass_check_deploy_with_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_sends_hsts_redirects_to_https_and_a_content_security_policy():
    code = (
        "from django.test import Client; c = Client();"
        "r = c.get('/api/schema/'); print(r.status_code, r['Location']);"
        "r = c.get('/api/schema/', secure=True);"
        "print(r['Strict-Transport-Security']); print(r['Content-Security-Policy'])"
    )
    env = production_env(DJANGO_ALLOWED_HOSTS="testserver")
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    redirect, hsts, csp = result.stdout.strip().splitlines()
    assert redirect == "301 https://testserver/api/schema/"
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "form-action 'self' https://checkout.stripe.com https://connect.stripe.com" in csp


@pytest.mark.parametrize(
    "changes, says",
    [
        ({"STRIPE_SECRET_KEY": ""}, "STRIPE_SECRET_KEY is not set"),
        ({"STRIPE_WEBHOOK_SECRET": "whsec_sandbox"}, "STRIPE_WEBHOOK_SECRET is the Stripe emulator's public"),
        ({"STRIPE_CONNECT_WEBHOOK_SECRET": "whsec_emulator_connect"}, "STRIPE_CONNECT_WEBHOOK_SECRET is the"),
        ({"STRIPE_WEBHOOK_SECRET": ""}, "STRIPE_WEBHOOK_SECRET is not set"),
        # the development flag is refused next to production settings
        ({"DJANGO_DEVELOPMENT": "1"}, "DJANGO_DEVELOPMENT=1 is for tests and local stacks only"),
    ],
)
def test_production_refuses_to_start_without_a_real_stripe_configuration(changes, says):
    result = manage("check", env=production_env(**changes))
    assert result.returncode != 0
    assert says in result.stderr


def test_outbound_webhooks_to_local_addresses_stay_off_in_production_whatever_the_environment_says():
    code = "from django.conf import settings; print(settings.OUTBOUND_WEBHOOKS_ALLOW_INSECURE)"
    result = manage("shell", "-c", code, env=production_env(OUTBOUND_WEBHOOKS_ALLOW_INSECURE="1"))
    assert result.returncode == 0 and result.stdout.strip() == "False", result.stderr


def test_the_documented_compose_defaults_refuse_to_start_without_stripe_keys():
    """.env.example as shipped (empty Stripe settings) no longer runs on the emulator."""
    env = production_env(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="", STRIPE_CONNECT_WEBHOOK_SECRET="")
    result = manage("check", env=env)
    assert result.returncode != 0
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_CONNECT_WEBHOOK_SECRET"):
        assert f"{name} is not set" in result.stderr


def test_the_emulator_is_not_mounted_in_production_and_is_in_development():
    code = (
        "from django.urls import resolve, Resolver404\n"
        "try:\n    resolve('/sandbox/stripe/v1/accounts'); print('mounted')\n"
        "except Resolver404:\n    print('absent')\n"
    )
    production = manage("shell", "-c", code, env=production_env())
    assert production.stdout.strip() == "absent", production.stderr
    development = manage("shell", "-c", code, env=production_env(STRIPE_SECRET_KEY="", DJANGO_DEBUG="1"))
    assert development.stdout.strip() == "mounted", development.stderr


def test_the_refused_secrets_are_the_emulators():
    from payments.gateway import consts
    from stripe_sandbox import EmulatorConfig

    defaults = EmulatorConfig()
    assert {consts.SANDBOX_WEBHOOK_SECRET, defaults.webhook_secret, defaults.connect_webhook_secret} <= set(
        settings.STRIPE_EMULATOR_WEBHOOK_SECRETS
    )
