from io import StringIO

import pytest
from django.core.management import call_command

from customers.models import Customer
from organizations.models import Organization, Role, User
from teams.models import Team


def run(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_load_demo_is_idempotent_and_prints_the_logins(db):
    first = run("--site-url", "http://127.0.0.1:8123")
    counts = (
        Organization.objects.count(),
        User.objects.count(),
        Team.objects.count(),
        Customer.objects.count(),
    )
    second = run()
    assert counts == (
        Organization.objects.count(),
        User.objects.count(),
        Team.objects.count(),
        Customer.objects.count(),
    )
    assert counts[0] == 1 and counts[1] == 3 and counts[2] == 2 and counts[3] >= 3
    assert "http://127.0.0.1:8123/" in first and "created" in first and "ready" in second
    for email in ("admin@demo.textpay.local", "manager@demo.textpay.local", "advisor@demo.textpay.local"):
        assert email in first
    assert {u.role for u in User.objects.all()} == {Role.ADMIN, Role.MANAGER, Role.ADVISOR}
    assert dict(Team.objects.values_list("name", "payments_enabled")) == {"Service": True, "Sales": False}
    admin = User.objects.get(email="admin@demo.textpay.local")
    assert admin.check_password("demo-pass-123") and admin.organization.currency == "USD"


@pytest.mark.django_db
def test_load_demo_prints_the_teams_as_they_are_now():
    """QA regression: a second load_demo printed the teams as first created, not as they are now."""
    from io import StringIO

    from django.core.management import call_command

    from teams.models import Team

    out = StringIO()
    call_command("load_demo", "--site-url", "http://127.0.0.1:8000", stdout=out)
    assert "Service (payments on), Sales (payments off)" in out.getvalue()
    Team.objects.filter(name="Sales").update(payments_enabled=True)
    out = StringIO()
    call_command("load_demo", "--site-url", "http://127.0.0.1:8000", stdout=out)
    assert "Sales (payments on)" in out.getvalue() and "payments off" not in out.getvalue()
